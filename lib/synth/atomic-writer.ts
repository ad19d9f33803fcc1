// The write protocol: how the output folder goes from one whole output to the next,
// safe against an error at any step and against the process being killed at any
// instant (SIGKILL, Ctrl-C, a power cut). It installs no signal handler: a killed synth leaves a
// state that fixed names describe, and the next synth settles it before writing.
//
// Under the lock of the output folder (folder-lock.ts), in the work folder
// `.<outdir>.writing/` beside it (write-area.ts), whose `.gitignore` of `*` is
// written first and removed last, so no key is ever unignored:
//
//   0. settle what an interrupted synth left (leftovers.ts);
//   1. write every file into `staging/`, manifest.json last, each flushed to disk (a batch at a time,
//      durable-writes.ts); a file the previous output holds with the same bytes and mode is hard-linked
//      instead (unchanged-file.ts);
//   2. move the outdir's entries that its manifest.json does not list (`.vagrant/`) into `staging/`;
//      then flush the staging folders' entries;
//   3. beforeSwap(): commit what lives outside the output (new key material);
//   4. rename `staging/` to `ready/`: the commit point;
//   5. rename the outdir to `previous/`, then `ready/` to the outdir (each rename flushed);
//   6. rename `previous/` to `discard/` and delete it; remove the work folder.
//
// Killed before 4, the next synth moves the carried entries back and deletes
// `staging/`: the old output stays. Killed from 4 on, it completes the swap: the new
// output, which the committed keys match. An error (not a kill) before the new
// output is in place undoes everything at once, `ready/` included, and is rethrown.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DurableWrites } from './durable-writes';
import { flushFolder } from './flush';
import { settleLeftovers } from './leftovers';
import { foreignEntries, readPreviousListing } from './output-listing';
import { resolveInside } from './safe-path';
import { SynthesizedFile } from './synthesized-file';
import { linkIfUnchanged } from './unchanged-file';
import { WriteArea } from './write-area';

export { OutdirError } from './outdir-error';

/** Test hooks: called before each step, so a test can simulate a crash anywhere. */
export interface WriterHooks {
  /**
   * Called with `recover:<what>` (settling leftovers), `open`, `write:<path>`, `carry:<path>`,
   * `commit`, `ready`, `swap`, `install` and `cleanup`; a throw aborts the write.
   */
  readonly beforeStep?: (step: string) => void;
}

/**
 * Writes `files` as the complete content of `outdir`, atomically (the protocol
 * above). Files listed by the previous manifest and not written again are
 * thereby deleted; entries it does not list (the `.vagrant/` folder that
 * `vagrant up` leaves behind) are kept. `beforeSwap` runs once every file is
 * staged, just before the commit point: for what must be written outside
 * `outdir` only when the output will be (new key material). A folder that holds
 * files but no manifest.json of ours is refused, never replaced.
 *
 * The caller holds the lock of `outdir`: this function assumes it is the only writer.
 */
export function writeAtomically(outdir: string, files: SynthesizedFile[], hooks: WriterHooks = {}, beforeSwap: () => void = () => undefined): void {
  const target = path.resolve(outdir);
  const step = hooks.beforeStep ?? (() => undefined);
  const area = WriteArea.of(target);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  settleLeftovers(area, { rollForward: true, step });

  const previous = readPreviousListing(target);
  const carried = previous ? foreignEntries(target, previous, new Set(files.map(f => f.path))) : [];
  let installed = false;
  const writes = new DurableWrites();
  try {
    step('open');
    area.open();
    fs.mkdirSync(area.staging);
    fs.chmodSync(area.staging, 0o755); // the work folder is 0700; the output folder is an ordinary one
    // The umask may strip bits of a file's mode: only then is a chmod needed after the write.
    const umask = process.umask();
    const folders = new Set<string>([area.staging]);
    for (const file of files) {
      step(`write:${file.path}`);
      const destination = resolveInside(area.staging, file.path);
      const folder = path.dirname(destination);
      if (!folders.has(folder)) {
        fs.mkdirSync(folder, { recursive: true });
        // Every folder made on the way (pods/ holds only folders), so that each one's entry gets flushed.
        for (let made = folder; !folders.has(made); made = path.dirname(made)) { folders.add(made); }
      }
      if (!(previous?.has(file.path) && linkIfUnchanged(resolveInside(target, file.path), destination, file.content, file.mode))) {
        writes.write(destination, file.content, file.mode, (file.mode & umask) !== 0);
      }
    }
    writes.flush();
    // The staged files' entries are on disk before anything of the user's is carried in: a staging folder
    // that a power cut leaves without its manifest then never holds a carried entry (leftovers.ts discards it).
    folders.forEach(flushFolder);
    for (const relative of carried) {
      step(`carry:${relative}`);
      const destination = resolveInside(area.staging, relative);
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      fs.renameSync(resolveInside(target, relative), destination);
    }
    // Every file's data is on disk (written and flushed by DurableWrites, or flushed by linkIfUnchanged before its link); so are the folders' entries before the commit point,
    // and each rename after it, so that a power cut, too, leaves one of the states the next synth settles.
    if (carried.length > 0) {
      new Set(carried.map(relative => path.dirname(resolveInside(area.staging, relative)))).forEach(flushFolder);
      flushFolder(target);
    }
    step('commit');
    beforeSwap();
    step('ready');
    fs.renameSync(area.staging, area.ready);
    flushFolder(area.dir);
    step('swap');
    if (previous) {
      fs.renameSync(target, area.previous);
      flushFolder(area.dir);
    }
    step('install');
    fs.renameSync(area.ready, target);
    flushFolder(path.dirname(target));
    installed = true;
  } catch (error) {
    writes.abandon(); // before staging is deleted: Windows removes no folder that holds an open file
    if (!installed) {
      try {
        settleLeftovers(area, { rollForward: false });
      } catch {
        // What could not be undone stays in the work folder (ignored by git); the next synth settles it.
      }
    }
    throw error;
  }
  step('cleanup');
  if (fs.existsSync(area.previous)) {
    area.discardFolder(area.previous);
  }
  area.close();
}
