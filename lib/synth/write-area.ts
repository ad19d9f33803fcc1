import * as fs from 'node:fs';
import * as path from 'node:path';
import { flushFolder } from './flush';

/** What the work folder's `.gitignore` holds: everything in it is ignored, the `.gitignore` included. */
export const WRITE_AREA_GITIGNORE = '# A synth of cdk-vagrant-kubernetes writes here (private keys may be inside): never commit it.\n*\n';

/**
 * The work folder of a write: `.<outdir>.writing/` beside the output folder,
 * with fixed names inside, so that what a killed synth left is found and read
 * the same way every time:
 *
 * - `staging/`: the new output while it is written and the entries carried over;
 * - `ready/`: the staging folder once complete and committed;
 * - `previous/`: the old output folder, moved aside by the swap;
 * - `discard/`: a folder being deleted.
 *
 * The folder's first file is a `.gitignore` of `*` and its last one removed is
 * that `.gitignore`, so whatever is inside (private keys too) is never
 * unignored, whichever git repository holds the output.
 */
export class WriteArea {
  /** The work folder of `outdir`. */
  public static of(outdir: string): WriteArea {
    return new WriteArea(path.resolve(outdir));
  }

  /** The work folder. */
  public readonly dir: string;
  public readonly staging: string;
  public readonly ready: string;
  public readonly previous: string;
  public readonly discard: string;
  private readonly gitignore: string;

  private constructor(
    /** The output folder, absolute. */
    public readonly outdir: string,
  ) {
    this.dir = path.join(path.dirname(outdir), `.${path.basename(outdir)}.writing`);
    this.staging = path.join(this.dir, 'staging');
    this.ready = path.join(this.dir, 'ready');
    this.previous = path.join(this.dir, 'previous');
    this.discard = path.join(this.dir, 'discard');
    this.gitignore = path.join(this.dir, '.gitignore');
  }

  /** Whether the work folder exists: a write is under way, or one was interrupted. */
  public exists(): boolean {
    return fs.existsSync(this.dir);
  }

  /** Creates the work folder (0700) and its `.gitignore`, before anything else goes in; mends a missing or damaged `.gitignore`. */
  public open(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    let current: string | undefined;
    try {
      current = fs.readFileSync(this.gitignore, 'utf-8');
    } catch {
      current = undefined;
    }
    if (current !== WRITE_AREA_GITIGNORE) {
      fs.writeFileSync(this.gitignore, WRITE_AREA_GITIGNORE, { mode: 0o644, flush: true });
      // On disk before anything else goes in, a power cut included.
      flushFolder(this.dir);
    }
  }

  /**
   * Deletes a folder inside the work folder: renamed to `discard/` first, so a
   * deletion cut short leaves nothing that could be read as a staging or backup folder.
   */
  public discardFolder(folder: string): void {
    fs.rmSync(this.discard, { recursive: true, force: true });
    fs.renameSync(folder, this.discard);
    fs.rmSync(this.discard, { recursive: true, force: true });
  }

  /** Removes the (otherwise empty) work folder, its `.gitignore` last. */
  public close(): void {
    fs.rmSync(this.discard, { recursive: true, force: true });
    // Anything else in it is not ours (a file someone put there): the folder stays, ignored by git, rather than fail the synth that just succeeded.
    if (fs.readdirSync(this.dir).some(entry => entry !== path.basename(this.gitignore))) { return; }
    fs.rmSync(this.gitignore, { force: true });
    fs.rmdirSync(this.dir);
  }

  /**
   * What the writer of earlier versions left when it was killed: the folders `.<outdir>.staging-XXXXXX`
   * and `.<outdir>.previous-XXXXXX` beside the output folder (mkdtemp's six characters), sorted. Not ignored by git:
   * they are settled and removed first.
   */
  public legacyLeftovers(): { staging: string[]; previous: string[] } {
    const parent = path.dirname(this.outdir);
    const name = path.basename(this.outdir);
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`^\\.${escaped}\\.(staging|previous)-[A-Za-z0-9]{6}$`);
    const found = { staging: [] as string[], previous: [] as string[] };
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(parent, { withFileTypes: true });
    } catch {
      return found;
    }
    for (const name of entries.filter(entry => entry.isDirectory()).map(entry => entry.name).sort()) {
      const match = pattern.exec(name);
      if (match) { found[match[1] as 'staging' | 'previous'].push(path.join(parent, name)); }
    }
    return found;
  }
}
