import * as fs from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_FILE, MANIFEST_GENERATOR } from './manifest';
import { OutdirError } from './outdir-error';

/**
 * The paths the manifest.json of `folder` lists (manifest.json included), or
 * undefined when the folder does not exist or is empty. Throws when it holds
 * files but no manifest.json of ours: such a folder is never replaced.
 */
export function readPreviousListing(folder: string): Set<string> | undefined {
  let entries: string[];
  try {
    const stat = fs.statSync(folder);
    if (!stat.isDirectory()) {
      throw new OutdirError(`outdir ${folder} is not a folder; expected a folder (or nothing) to write the cluster into`);
    }
    entries = fs.readdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') { return undefined; }
    throw error;
  }
  if (entries.length === 0) { return new Set(); }
  const manifest = readManifest(folder);
  if (manifest === 'unreadable') {
    throw new OutdirError(`outdir ${folder} holds files but no readable ${MANIFEST_FILE} written by ${MANIFEST_GENERATOR}; `
      + 'refusing to replace a folder this library did not create. Pick another outdir or empty it first.');
  }
  if (manifest === 'foreign') {
    throw new OutdirError(`outdir ${folder} holds a ${MANIFEST_FILE} that was not written by ${MANIFEST_GENERATOR}; `
      + 'refusing to replace it. Pick another outdir or empty it first.');
  }
  return manifest;
}

/** The paths the manifest.json of `folder` lists (manifest.json included), or undefined when it has none of ours. */
export function readListing(folder: string): Set<string> | undefined {
  const manifest = readManifest(folder);
  return typeof manifest === 'string' ? undefined : manifest;
}

/** The listing of a folder's manifest.json, or why there is none. */
function readManifest(folder: string): Set<string> | 'unreadable' | 'foreign' {
  let manifest: { generator?: unknown; files?: Array<{ path?: unknown }> };
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(folder, MANIFEST_FILE), 'utf-8'));
  } catch {
    return 'unreadable';
  }
  if (manifest?.generator !== MANIFEST_GENERATOR || !Array.isArray(manifest.files)) {
    return 'foreign';
  }
  const listed = new Set<string>([MANIFEST_FILE]);
  for (const entry of manifest.files) {
    if (typeof entry?.path === 'string') { listed.add(entry.path); }
  }
  return listed;
}

/**
 * Entries of `folder` that its manifest did not list (`listed`), such as the
 * `.vagrant/` folder of `vagrant up`: each as the shallowest folder or file that
 * holds nothing of ours, sorted. Throws when one is in the way of `newPaths`
 * (a file this synth would overwrite but did not write before).
 */
export function foreignEntries(folder: string, listed: ReadonlySet<string>, newPaths: ReadonlySet<string> = new Set()): string[] {
  const ours = new Set<string>([...listed, ...newPaths]);
  const ourFolders = new Set<string>();
  for (const p of ours) {
    const segments = p.split('/');
    for (let i = 1; i < segments.length; i++) { ourFolders.add(segments.slice(0, i).join('/')); }
  }
  const found: string[] = [];
  const conflicts: string[] = [];
  const walk = (relative: string) => {
    const entries = fs.readdirSync(path.join(folder, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
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
    throw new OutdirError(`outdir ${folder} holds ${conflicts.join(', ')}, which this synth would overwrite but the `
      + `previous ${MANIFEST_FILE} does not list; move ${conflicts.length === 1 ? 'it' : 'them'} away first`);
  }
  return found;
}
