import * as fs from 'node:fs';
import * as path from 'node:path';
import { OutdirError } from './outdir-error';
import { foreignEntries, readListing } from './output-listing';
import { resolveInside } from './safe-path';
import { WriteArea } from './write-area';

/** How {@link settleLeftovers} treats a `ready/` folder. */
export interface SettleOptions {
  /**
   * Install a `ready/` folder (the write was committed: the next synth completes it);
   * when false it is undone like a staging folder (the write failed with an error and says so).
   */
  readonly rollForward: boolean;
  /** Called before each step that changes the disk, with a `recover:` name: a test hook. */
  readonly step?: (step: string) => void;
}

/**
 * Brings the output folder back to one whole output, from what an interrupted
 * or failed write left in its work folder (and, from writers of earlier versions,
 * beside it), then removes the work folder. Deterministic: the names say what
 * each leftover is, and each step is a rename or a deletion of something already
 * renamed aside, so that it can itself be cut short and run again.
 *
 * 1. The work folder's `.gitignore` is mended first, and `discard/` deleted.
 * 2. No output folder but `previous/` and nothing committed: `previous/` is the output again.
 * 3. `ready/` (committed): with `rollForward`, the output moves to `previous/` (unless it is
 *    there already) and `ready/` becomes the output; otherwise it is undone like `staging/`.
 * 4. `previous/` still there: entries its manifest does not list go back into the output, the rest is deleted.
 * 5. `staging/` (never committed): the same. Without a manifest it was cut short before
 *    anything was carried into it, and is deleted whole.
 * 6. Earlier writers' leftovers: the same rules (a pair of the same suffix, both there, with
 *    no output folder, had passed their commit: the staging folder is installed).
 *
 * Entries go back whole, by rename, merged into folders of the same name; one that would
 * replace something in the output is a conflict that needs a person: an OutdirError, with
 * every leftover kept (ignored by git) for them.
 */
export function settleLeftovers(area: WriteArea, options: SettleOptions): void {
  const step = options.step ?? (() => undefined);
  const legacy = area.legacyLeftovers();
  if (!area.exists() && legacy.staging.length === 0 && legacy.previous.length === 0) { return; }
  const outdir = area.outdir;

  if (area.exists()) {
    area.open();
    fs.rmSync(area.discard, { recursive: true, force: true });
    const ready = fs.existsSync(area.ready);
    if (!fs.existsSync(outdir) && fs.existsSync(area.previous) && !(ready && options.rollForward)) {
      step('recover:restore-previous');
      fs.renameSync(area.previous, outdir);
    }
    if (ready && options.rollForward) {
      if (fs.existsSync(outdir)) {
        if (fs.existsSync(area.previous)) {
          throw new OutdirError(`${area.dir} holds a committed output (ready/) and a previous one, and ${outdir} exists too: `
            + `a person must choose. Move ${outdir} away (the committed output then takes its place) and synth again`);
        }
        step('recover:move-outdir-aside');
        fs.renameSync(outdir, area.previous);
      }
      step('recover:install-ready');
      fs.renameSync(area.ready, outdir);
    } else if (ready) {
      returnForeign(area.ready, outdir, false, step);
      step('recover:discard-ready');
      area.discardFolder(area.ready);
    }
    if (fs.existsSync(area.previous)) {
      // A backup is never left half-deleted (it is renamed to discard/ first): one without a
      // manifest was an empty output folder, or was changed by hand. Whatever is unlisted goes back.
      returnForeign(area.previous, outdir, true, step);
      step('recover:discard-previous');
      area.discardFolder(area.previous);
    }
    if (fs.existsSync(area.staging)) {
      returnForeign(area.staging, outdir, false, step);
      step('recover:discard-staging');
      area.discardFolder(area.staging);
    }
    step('recover:close');
    area.close();
  }

  // The writer of earlier versions: `.<outdir>.staging-X` and `.<outdir>.previous-X`, not ignored.
  // Its backup is deleted with a recursive delete that can be cut short, and it carried every foreign
  // entry into staging before the swap: a backup holds nothing of the user's. A pair of the same
  // suffix with no output folder was cut between its two renames, after its commit.
  if (!fs.existsSync(outdir)) {
    const pair = legacy.previous.find(previous => legacy.staging.includes(previous.replace(/\.previous-([^.]+)$/, '.staging-$1')));
    if (pair) {
      const staging = pair.replace(/\.previous-([^.]+)$/, '.staging-$1');
      step('recover:legacy-install');
      fs.renameSync(staging, outdir);
      legacy.staging.splice(legacy.staging.indexOf(staging), 1);
    } else if (legacy.previous.length > 0) {
      step('recover:legacy-restore');
      fs.renameSync(legacy.previous[0], outdir);
      legacy.previous.shift();
    }
  }
  for (const folder of [...legacy.staging, ...legacy.previous]) {
    returnForeign(folder, outdir, false, step);
    step('recover:legacy-delete');
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

/**
 * Moves the entries of a leftover folder that its manifest does not list (the
 * `.vagrant/` carried into a staging folder) back into the output folder. A
 * folder without a manifest of ours holds nothing to return, unless `unlistedIfNone`.
 */
function returnForeign(leftover: string, outdir: string, unlistedIfNone: boolean, step: (step: string) => void): void {
  const listed = readListing(leftover) ?? (unlistedIfNone ? new Set<string>() : undefined);
  if (!listed) { return; }
  for (const relative of foreignEntries(leftover, listed)) {
    step(`recover:return:${relative}`);
    moveInto(resolveInside(leftover, relative), resolveInside(outdir, relative), leftover);
  }
}

/** Renames `from` to `to`, merging into a folder that is already there; refuses to replace anything. */
function moveInto(from: string, to: string, leftover: string): void {
  let existing: fs.Stats | undefined;
  try {
    existing = fs.lstatSync(to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') { throw error; }
  }
  if (!existing) {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.renameSync(from, to);
    return;
  }
  if (existing.isDirectory() && fs.lstatSync(from).isDirectory()) {
    for (const name of fs.readdirSync(from).sort()) {
      moveInto(path.join(from, name), path.join(to, name), leftover);
    }
    fs.rmdirSync(from);
    return;
  }
  throw new OutdirError(`${from}, left by an interrupted synth in ${leftover}, would replace ${to}: a person must choose. `
    + `Move one of them away and synth again (the leftover is kept until then)`);
}
