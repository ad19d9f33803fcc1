import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The first part of `folder`'s path that exists and is not a folder, if any: why a
 * `mkdirSync(folder, { recursive: true })` failed with EEXIST or ENOTDIR, for its message.
 */
export function fileOnTheWay(folder: string): string | undefined {
  const parts = path.resolve(folder).split(path.sep);
  for (let i = 2; i <= parts.length; i++) {
    const part = parts.slice(0, i).join(path.sep);
    try {
      if (!fs.statSync(part).isDirectory()) { return part; }
    } catch {
      return undefined;
    }
  }
  return undefined;
}
