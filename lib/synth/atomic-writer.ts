import * as fs from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_FILE, MANIFEST_GENERATOR } from './manifest';
import { resolveInside } from './safe-path';
import { SynthesizedFile } from './synthesized-file';

/** Test hooks: called before each step, so a test can simulate a crash anywhere. */
export interface WriterHooks {
  /** Called with `write:<path>`, `carry:<path>`, `swap` and `cleanup`; a throw aborts the write. */
  readonly beforeStep?: (step: string) => void;
}

/** Thrown when the output folder can't be written safely; the folder is left as it was. */
export class OutdirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutdirError';
  }
}

/**
 * Writes `files` as the complete content of `outdir`, atomically:
 *
 * 1. every file is written to a staging folder beside `outdir`;
 * 2. whatever the previous manifest.json did not list (for example the `.vagrant/`
 *    folder that `vagrant up` leaves behind) is moved into the staging folder;
 * 3. `outdir` is swapped for the staging folder by two renames.
 *
 * Files listed by the previous manifest and not written again are thereby deleted.
 * `beforeSwap` runs once every file is staged, just before the swap: for what must
 * be written outside `outdir` only when the output will be (new key material).
 * On any error the previous `outdir` is restored exactly, and the error rethrown.
 * A folder that holds files but no manifest.json of ours is refused, never replaced.
 */
export function writeAtomically(outdir: string, files: SynthesizedFile[], hooks: WriterHooks = {}, beforeSwap: () => void = () => undefined): void {
  const target = path.resolve(outdir);
  const step = hooks.beforeStep ?? (() => undefined);
  const previous = readPreviousListing(target);
  const newPaths = new Set(files.map(f => f.path));

  const parent = path.dirname(target);
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.staging-`));
  fs.chmodSync(staging, 0o755); // mkdtemp makes it 0700; the output folder is an ordinary one
  const carried: string[] = [];
  let backup: string | undefined;
  let swapped = false;
  try {
    // The umask may strip bits of a file's mode: only then is a chmod needed after the write.
    const umask = process.umask();
    const folders = new Set<string>([staging]);
    for (const file of files) {
      step(`write:${file.path}`);
      const destination = resolveInside(staging, file.path);
      const folder = path.dirname(destination);
      if (!folders.has(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        folders.add(folder);
      }
      fs.writeFileSync(destination, file.content, { mode: file.mode });
      if ((file.mode & umask) !== 0) {
        fs.chmodSync(destination, file.mode);
      }
    }
    if (previous) {
      for (const relative of foreignEntries(target, previous, newPaths)) {
        step(`carry:${relative}`);
        const destination = resolveInside(staging, relative);
        fs.mkdirSync(path.dirname(destination), { recursive: true });
        fs.renameSync(resolveInside(target, relative), destination);
        carried.push(relative);
      }
    }
    // What must be written elsewhere once the output is certain (new key material) goes
    // now: every file is staged and nothing is left to fail but the two renames.
    beforeSwap();
    step('swap');
    if (previous) {
      backup = path.join(parent, `.${path.basename(target)}.previous-${path.basename(staging).split('-').pop()}`);
      fs.renameSync(target, backup);
    }
    fs.renameSync(staging, target);
    swapped = true;
  } catch (error) {
    rollBack(target, staging, backup, carried);
    throw error;
  }
  if (backup && swapped) {
    step('cleanup');
    fs.rmSync(backup, { recursive: true, force: true });
  }
}

/**
 * The paths the previous synth wrote, or undefined when `outdir` does not exist
 * or is empty. Throws when it holds files but no manifest.json of ours.
 */
function readPreviousListing(target: string): Set<string> | undefined {
  let entries: string[];
  try {
    const stat = fs.statSync(target);
    if (!stat.isDirectory()) {
      throw new OutdirError(`outdir ${target} is not a folder; expected a folder (or nothing) to write the cluster into`);
    }
    entries = fs.readdirSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') { return undefined; }
    throw error;
  }
  if (entries.length === 0) { return new Set(); }
  const manifestPath = path.join(target, MANIFEST_FILE);
  let manifest: { generator?: unknown; files?: Array<{ path?: unknown }> };
  try {
    manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf-8'));
  } catch {
    throw new OutdirError(`outdir ${target} holds files but no readable ${MANIFEST_FILE} written by ${MANIFEST_GENERATOR}; `
      + 'refusing to replace a folder this library did not create. Pick another outdir or empty it first.');
  }
  if (manifest.generator !== MANIFEST_GENERATOR || !Array.isArray(manifest.files)) {
    throw new OutdirError(`outdir ${target} holds a ${MANIFEST_FILE} that was not written by ${MANIFEST_GENERATOR}; `
      + 'refusing to replace it. Pick another outdir or empty it first.');
  }
  const listed = new Set<string>([MANIFEST_FILE]);
  for (const entry of manifest.files) {
    if (typeof entry.path === 'string') { listed.add(entry.path); }
  }
  return listed;
}

/**
 * Entries of `target` that the previous synth did not write: moved across
 * whole, as the shallowest folder or file that holds nothing of ours.
 */
function foreignEntries(target: string, listed: Set<string>, newPaths: Set<string>): string[] {
  const ours = new Set<string>([...listed, ...newPaths]);
  const ourFolders = new Set<string>();
  for (const p of ours) {
    const segments = p.split('/');
    for (let i = 1; i < segments.length; i++) { ourFolders.add(segments.slice(0, i).join('/')); }
  }
  const found: string[] = [];
  const conflicts: string[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(target, relative), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (listed.has(child)) { continue; }
      if (entry.isDirectory() && ourFolders.has(child)) {
        walk(child);
      } else if (newPaths.has(child) || ourFolders.has(child)) {
        conflicts.push(child);
      } else {
        found.push(child);
      }
    }
  };
  walk('');
  if (conflicts.length > 0) {
    throw new OutdirError(`outdir ${target} holds ${conflicts.join(', ')}, which this synth would overwrite but the `
      + `previous ${MANIFEST_FILE} does not list; move ${conflicts.length === 1 ? 'it' : 'them'} away first`);
  }
  return found;
}

/** Puts everything back as it was before the write started. Best effort: never throws. */
function rollBack(target: string, staging: string, backup: string | undefined, carried: string[]): void {
  try {
    if (backup && fs.existsSync(backup) && !fs.existsSync(target)) {
      fs.renameSync(backup, target);
    }
    for (const relative of carried.reverse()) {
      const from = resolveInside(staging, relative);
      if (fs.existsSync(from)) {
        fs.renameSync(from, resolveInside(target, relative));
      }
    }
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
