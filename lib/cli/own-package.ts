import * as fs from 'node:fs';
import * as path from 'node:path';

/** This package's package.json, as the command line reads it. */
export interface OwnPackage {
  readonly name: string;
  readonly version: string;
  /** The range this package declares for `name`: a peer, a dependency or a dev dependency (for the tools of a new project). */
  versionOf(name: string): string;
}

type Manifest = { name: string; version: string } & Partial<Record<'peerDependencies' | 'dependencies' | 'devDependencies', Record<string, string>>>;

/** Reads the package.json two folders up (lib/cli/ in the sources and in the package). */
export function ownPackage(): OwnPackage {
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')) as Manifest;
  return {
    name: manifest.name,
    version: manifest.version,
    versionOf(name: string): string {
      const range = manifest.peerDependencies?.[name] ?? manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
      if (range === undefined) { throw new Error(`package.json declares no version of ${name}`); }
      return range;
    },
  };
}
