import { hash } from 'node:crypto';
import { stableJson } from '../formats/stable-json';
import { SynthesizedFile } from './synthesized-file';

/** Marker that identifies a manifest.json written by this library. */
export const MANIFEST_GENERATOR = 'cdk-vagrant-kubernetes';
/** Name of the manifest inside the output folder. */
export const MANIFEST_FILE = 'manifest.json';

/** One synthesized file as recorded in manifest.json. */
export interface ManifestEntry {
  /** Path relative to the output folder. */
  readonly path: string;
  /** SHA-256 of the content, hex. */
  readonly sha256: string;
  /** Path of the construct that rendered the file. */
  readonly constructPath: string;
}

/** What `synth()` wrote, and what it warned about. Also written as manifest.json. */
export interface SynthManifest {
  /** Always `cdk-vagrant-kubernetes`; marks the output folder as ours. */
  readonly generator: string;
  /** Format version of this manifest. */
  readonly version: number;
  /** Every file written (manifest.json excluded), in construct order. */
  readonly files: ManifestEntry[];
  /** Non-fatal findings, each as `[construct/path] message`. */
  readonly warnings: string[];
}

/** Builds the manifest for rendered files. */
export function buildManifest(files: Array<{ file: SynthesizedFile; constructPath: string }>, warnings: string[]): SynthManifest {
  return {
    generator: MANIFEST_GENERATOR,
    version: 1,
    files: files.map(({ file, constructPath }) => ({
      path: file.path,
      sha256: hash('sha256', file.content, 'hex'),
      constructPath,
    })),
    warnings: [...warnings],
  };
}

/** Renders the manifest as the file written next to the others. */
export function renderManifest(manifest: SynthManifest): SynthesizedFile {
  return { path: MANIFEST_FILE, content: stableJson(manifest), mode: 0o644 };
}
