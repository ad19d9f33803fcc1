/** Where a command reads and writes: the process's streams, or a test's buffers. */
export interface CliIo {
  /** Folder the command runs in. */
  readonly cwd: string;
  /** Environment for child processes. */
  readonly env: NodeJS.ProcessEnv;
  out(text: string): void;
  err(text: string): void;
}

/** A command's usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command's failure the user can act on: printed without a stack, exit code 1. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandError';
  }
}
