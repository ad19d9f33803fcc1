import * as fs from 'node:fs';

/** Opens a file for reading without following a symbolic link (no such flag on Windows, where nothing is linked anyway: see below). */
const READ_NO_FOLLOW = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0);

/**
 * Links `existing`, a file of the previous output, to `destination` in the staging folder when
 * it already holds exactly `content` with `mode`, so that a synth whose file did not change
 * does not write it again. Its data is flushed first (`fdatasync`, cheap for data already on
 * disk): the file may have reached the output by other means than a synth's flushed write (a
 * checkout, a copy, an edit back to the same bytes). That flush stays here, before the link,
 * rather than in the writer's batches: when it fails, the file is written anew instead. Linux
 * reports a failed write-back once and marks the pages clean, so a later synth would find the
 * same bytes, flush without error and link a file whose blocks on disk may be stale (batching
 * it saved 1-2 ms of CPU per 7-VM synth into a previous output). The link itself is flushed
 * with its folder's entries. Returns false, having left nothing behind, when the file can't be
 * reused as it is:
 *
 * - it is not a regular file, or its bytes or mode differ (edited or chmodded since);
 * - it has another link (the output would share an inode with a file outside it);
 * - it belongs to another user (a new file would be this user's);
 * - the file system refuses hard links (FAT, some network shares), or the file was replaced,
 *   chmodded or linked elsewhere between the checks and the link.
 *
 * On Windows the mode never matches (it reports 0o666 or 0o444), so every file is written.
 * Until the swap, the old and new outputs share a linked file's inode: an edit in place to the
 * old output during a synth, after the check, would reach the new one (the output is the
 * synth's own; nothing else is meant to write into it).
 */
export function linkIfUnchanged(existing: string, destination: string, content: string, mode: number): boolean {
  const bytes = Buffer.from(content);
  let before: fs.Stats;
  try {
    before = fs.lstatSync(existing);
  } catch {
    return false;
  }
  if (!reusable(before, bytes.length, mode, 1)) { return false; }
  try {
    const fd = fs.openSync(existing, READ_NO_FOLLOW);
    try {
      const opened = fs.fstatSync(fd);
      if (opened.ino !== before.ino || opened.dev !== before.dev) { return false; }
      const held = Buffer.alloc(bytes.length + 1); // one more byte shows a file that grew since
      if (fs.readSync(fd, held, 0, held.length, 0) !== bytes.length || !held.subarray(0, bytes.length).equals(bytes)) { return false; }
      fs.fdatasyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(existing, destination);
  } catch {
    return false;
  }
  // The file read is the file linked, unchanged in between, and the output's alone.
  const linked = fs.lstatSync(destination);
  if (linked.ino !== before.ino || linked.dev !== before.dev || linked.mtimeMs !== before.mtimeMs || !reusable(linked, bytes.length, mode, 2)) {
    fs.unlinkSync(destination);
    return false;
  }
  return true;
}

/** A regular file of `size` bytes, `mode`, this user's, with `links` links. */
function reusable(stat: fs.Stats, size: number, mode: number, links: number): boolean {
  return stat.isFile() && stat.size === size && (stat.mode & 0o7777) === mode && stat.nlink === links
    && (typeof process.getuid !== 'function' || stat.uid === process.getuid());
}
