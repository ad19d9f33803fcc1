/** One problem found in the construct tree: where it is and what is wrong. */
export interface ValidationProblem {
  /** Path of the construct the problem belongs to, e.g. `cluster/node`. */
  readonly constructPath: string;
  /** What is wrong, with the bad value and what was expected. */
  readonly message: string;
}

/**
 * Thrown by a cluster's `synth()`, `render()`, `bind()` and `model()`, by `ClusterFile` and by
 * `Testing` when the input is invalid, and at once by a constructor whose id, scope or
 * tree cannot take it. It lists every problem found, one per line as
 * `[construct/path] message`; nothing is written.
 */
export class ValidationError extends Error {
  /** Every problem, in construct order. */
  public readonly problems: ValidationProblem[];

  constructor(problems: ValidationProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Validation failed with ${count}:\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ValidationError';
    this.problems = [...problems];
  }

  /** Path of the construct of the first problem. */
  public get constructPath(): string {
    return this.problems[0]?.constructPath ?? '';
  }
}

/** Formats a problem as `[construct/path] message`. */
export function formatProblem(problem: ValidationProblem): string {
  return `[${problem.constructPath}] ${problem.message}`;
}
