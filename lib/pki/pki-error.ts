/** One problem with a PKI spec or with a file in the PKI folder. */
export interface PkiProblem {
  /** The file (`<dir>/<name>.crt`) or spec entry (`spec.certificates[2]`) the problem is about. */
  readonly location: string;
  /** What is wrong, with the bad value and what was expected. */
  readonly message: string;
  /**
   * `regenerate` can't fix it (a key whose loss loses data or access is never re-made); its message says what can.
   * @default false
   */
  readonly final?: boolean;
}

/**
 * Thrown by `Pki.loadOrCreate()` when the spec is invalid, or when pieces in
 * the PKI folder are expired or no longer match the spec. It lists every
 * problem, one per line as `location: message`. Nothing is written when it throws.
 */
export class PkiError extends Error {
  /** Every problem, in spec order. */
  public readonly problems: PkiProblem[];

  constructor(problems: PkiProblem[], hint?: string) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const lines = problems.map(p => `${p.location}: ${p.message}`);
    super(`PKI check failed with ${count}:\n${lines.join('\n')}${hint ? `\n${hint}` : ''}`);
    this.name = 'PkiError';
    this.problems = [...problems];
  }
}
