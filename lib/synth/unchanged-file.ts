import * as fs from 'node:fs';

/**
 * Links `existing`, a file of the previous output, to `destination` in the staging folder when
 * it already holds exactly `content` with `mode`, so that a synth whose file did not change
 * neither writes nor flushes it again: its data reached the disk when the synth that wrote it
 * flushed it, and the link is flushed with its folder's entries. Returns false, having done
 * nothing, when the file can't be reused as it is:
 *
 * - it is not a regular file, or its bytes or mode differ (edited or chmodded since);
 * - it has another link (the output would share an inode with a file outside it);
 * - it belongs to another user (a new file would be this user's);
 * - the file system refuses hard links (FAT, some network shares), or the file was replaced
 *   between the read and the link.
 */
export function linkIfUnchanged(existing: string, destination: string, content: string, mode: number): boolean {
  let before: fs.Stats;
  try {
    before = fs.lstatSync(existing);
  } catch {
    return false;
  }
  const bytes = Buffer.from(content);
  if (!before.isFile() || before.nlink !== 1 || (before.mode & 0o7777) !== mode || before.size !== bytes.length
    || (typeof process.getuid === 'function' && before.uid !== process.getuid())) {
    return false;
  }
  try {
    if (!fs.readFileSync(existing).equals(bytes)) { return false; }
    fs.linkSync(existing, destination);
  } catch {
    return false;
  }
  // The file read is the file linked: not replaced or written in between.
  const linked = fs.lstatSync(destination);
  if (linked.ino !== before.ino || linked.dev !== before.dev || linked.mtimeMs !== before.mtimeMs || linked.size !== before.size) {
    fs.unlinkSync(destination);
    return false;
  }
  return true;
}
