import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudConfig, HyperkubePod, Testing, VagrantCluster } from '../../../lib';

/** A cluster written to disk by its own `synth()`, with the tree that made it. */
export interface SynthesizedCluster {
  readonly cluster: VagrantCluster;
  /** Absolute output folder. */
  readonly outdir: string;
  /** Every file written, `{ relativePath: content }`. */
  readonly files: Record<string, string>;
}

/**
 * Builds a cluster whose outdir is `folder` and synthesizes it there, exactly
 * as a user's program would.
 */
export function synthesizeInto(folder: string, build: (outdir: string) => VagrantCluster): SynthesizedCluster {
  const outdir = path.resolve(folder);
  const cluster = build(outdir);
  cluster.synth();
  return { cluster, outdir, files: Testing.readFolder(outdir) };
}

/** Copies an output folder, e.g. to break one file of the copy. */
export function copyFolder(from: string, to: string): string {
  fs.cpSync(from, to, { recursive: true });
  return to;
}

/** Every cloud-config construct of a tree. */
export function cloudConfigs(cluster: VagrantCluster): CloudConfig[] {
  return cluster.bind().node.findAll().filter(CloudConfig.isCloudConfig);
}

/** Every static pod construct of a tree. */
export function hyperkubePods(cluster: VagrantCluster): HyperkubePod[] {
  return cluster.bind().node.findAll().filter(HyperkubePod.isHyperkubePod);
}
