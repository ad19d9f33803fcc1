import * as path from 'node:path';

/**
 * Why a relative output path is unsafe, or undefined when it is safe: posix
 * separators, no absolute paths, no `.`/`..`/empty segments, no control
 * characters. Output paths must never escape the output folder.
 */
export function unsafePathReason(relativePath: string): string | undefined {
  if (relativePath.length === 0) { return 'is empty'; }
  if (relativePath.includes('\\')) { return 'contains a backslash'; }
  if (/[\u0000-\u001f\u007f]/.test(relativePath)) { return 'contains a control character'; }
  if (path.posix.isAbsolute(relativePath)) { return 'is absolute'; }
  const bad = relativePath.split('/').find(segment => segment === '' || segment === '.' || segment === '..');
  if (bad !== undefined) { return `has a '${bad}' segment`; }
  return undefined;
}

/** Joins a checked relative path under a root, refusing anything that would land outside it. */
export function resolveInside(root: string, relativePath: string): string {
  const reason = unsafePathReason(relativePath);
  if (reason) {
    throw new Error(`refusing to write '${relativePath}': the path ${reason}`);
  }
  const resolved = path.resolve(root, ...relativePath.split('/'));
  if (!resolved.startsWith(path.resolve(root) + path.sep)) {
    throw new Error(`refusing to write '${relativePath}': it resolves outside ${root}`);
  }
  return resolved;
}
