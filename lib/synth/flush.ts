import * as fs from 'node:fs';

/**
 * Flushes a folder's entries (the files created, renamed or removed in it) to disk, so that
 * a power cut cannot undo them once this returns. Windows cannot open a folder for fsync
 * (EPERM) and commits a rename's metadata on its own: there it does nothing.
 */
export function flushFolder(folder: string): void {
  if (process.platform === 'win32') { return; }
  const fd = fs.openSync(folder, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
