import { IConstruct } from 'constructs';

/** A file rendered in memory, not yet written. */
export interface SynthesizedFile {
  /** Path relative to the output folder, with `/` separators. */
  readonly path: string;
  /** The whole content, LF line endings. */
  readonly content: string;
  /** POSIX file mode. */
  readonly mode: number;
}

/** A construct that owns exactly one output file. */
export interface IFileOwner extends IConstruct {
  /** Path of the file relative to the output folder. */
  readonly filePath: string;
  /** Renders the file. Pure: no disk access, no throws for user mistakes (validation already ran). */
  renderFile(): SynthesizedFile;
  /** Checks the rendered file against its schema or rules; returns problems, empty when valid. */
  checkFile?(file: SynthesizedFile): string[];
}

/** Whether a construct owns an output file. */
export function isFileOwner(construct: IConstruct): construct is IFileOwner {
  return typeof (construct as Partial<IFileOwner>).renderFile === 'function';
}
