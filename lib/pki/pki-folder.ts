import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { firstLine } from './key-material';
import { flushFolder } from '../synth/flush';

/** Mode of the PKI folder when this module creates it. */
export const FOLDER_MODE = 0o700;
/** Mode of every private key file. */
export const KEY_MODE = 0o600;
/** Mode of certificates and public keys. */
export const PUBLIC_MODE = 0o644;

/** A file of the PKI folder as found: its text, missing, or why it can't be read. */
export type StoredFile = { readonly text: string } | { readonly missing: true } | { readonly problem: string };

/**
 * The PKI folder: reads pieces, and writes new ones atomically (temp file in
 * the same folder, fsync, rename), so a crash never leaves half a key behind.
 * It never deletes a file, and never writes one it was not asked to.
 */
export class PkiFolder {
  constructor(
    /** The folder, as given by the caller (used in messages). */
    public readonly dir: string,
  ) {}

  /** The path of `file` inside the folder, as shown in messages. */
  public pathOf(file: string): string {
    return path.join(this.dir, file);
  }

  /** Reads `file`; a missing file is not an error. */
  public read(file: string): StoredFile {
    try {
      return { text: fs.readFileSync(this.pathOf(file), 'utf-8') };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') { return { missing: true }; }
      return { problem: `can't be read (${firstLine(error)}); expected a readable file` };
    }
  }

  /**
   * Tightens a private key file that group or others may read to 0600. Only
   * the mode changes, never the content.
   */
  public protectKey(file: string): void {
    const full = this.pathOf(file);
    const mode = fs.statSync(full).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      fs.chmodSync(full, mode & 0o700);
    }
  }

  /** Writes `content` to `file` with `mode`, atomically. Creates the folder (0700) if needed. */
  public write(file: string, content: string, mode: number): void {
    this.ensureFolder();
    const target = this.pathOf(file);
    const temp = path.join(this.dir, `.${file}.tmp-${crypto.randomBytes(6).toString('hex')}`);
    try {
      const fd = fs.openSync(temp, 'wx', mode);
      try {
        fs.writeSync(fd, content);
        fs.fchmodSync(fd, mode); // the umask must not change the mode
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temp, target);
    } catch (error) {
      fs.rmSync(temp, { force: true });
      throw error;
    }
  }

  /** Flushes the folder's entries (the keys and certificates renamed into it) to disk. */
  public flush(): void {
    flushFolder(this.dir);
  }

  /** Creates the folder with mode 0700 (its parents with the default mode); an existing folder is left as it is. */
  private ensureFolder(): void {
    if (fs.existsSync(this.dir)) { return; }
    fs.mkdirSync(path.dirname(path.resolve(this.dir)), { recursive: true });
    fs.mkdirSync(this.dir, { mode: FOLDER_MODE });
    fs.chmodSync(this.dir, FOLDER_MODE);
  }
}
