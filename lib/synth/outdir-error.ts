/**
 * Thrown when a folder can't be written safely: the output folder (or a folder
 * such as the PKI's that synth writes besides it) is not ours, is locked by
 * another synth, holds what an interrupted synth left in a state that needs
 * a person, or lies below a file, so it cannot be made. Nothing is replaced when it is thrown.
 */
export class OutdirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutdirError';
  }
}
