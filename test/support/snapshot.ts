import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Every file and folder below `root` with its mode and content, to prove a folder was left untouched. */
export function snapshot(root: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      const full = path.join(root, child);
      const mode = (fs.statSync(full).mode & 0o777).toString(8);
      if (entry.isDirectory()) {
        entries[`${child}/`] = mode;
        walk(child);
      } else {
        entries[child] = `${mode} ${fs.readFileSync(full, 'utf-8')}`;
      }
    }
  };
  walk('');
  return entries;
}

/** A fresh temporary folder; remove it with `fs.rmSync(dir, { recursive: true })`. */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cvk-test-'));
}

/** Names in `dir` that a writer left behind: its work folder, a lock and the lock's scratch files, or an earlier writer's staging or backup folders. */
export function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter(name => /\.(staging|previous)-|\.writing$|\.lock$|\.lock\./.test(name));
}
