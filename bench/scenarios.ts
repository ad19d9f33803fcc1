// The clusters the benchmark synthesizes, and the two baselines it compares them
// with: cdk8s's App.synth() and plain fs.writeFileSync() of the same bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import { KubeConfigMap, KubePod } from 'cdk8s-plus-27/lib/imports/k8s';
import { parse } from 'yaml';
import { defaultCluster } from '../examples/default';
import { flatcarCluster } from '../examples/flatcar';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, Testing, VagrantCluster } from '../lib';
import { flushFolder } from '../lib/synth/flush';

/** One cluster: a profile at one size. Every cluster fits one /24. */
export interface Scenario {
  readonly profile: 'classic' | 'flatcar';
  /** Number of VMs. */
  readonly vms: number;
  /** How the VMs are laid out, for the report. */
  readonly layout: string;
  /** A fresh tree that synthesizes into `outdir` (and keeps a Flatcar PKI in `pkiDir`). */
  build(outdir: string, pkiDir: string): VagrantCluster;
}

function classicSized(nodes: number, etcdFirstIp: number, nodeFirstIp: number): Scenario['build'] {
  return outdir => {
    const cluster = new VagrantCluster({ outdir });
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, firstIp: etcdFirstIp });
    new KubeNodeTier(cluster, 'node', { count: nodes, firstIp: nodeFirstIp, etcd });
    return cluster;
  };
}

/** The Flatcar example's settings with more workers. */
function flatcarSized(nodes: number): Scenario['build'] {
  return (outdir, pkiDir) => {
    const cluster = new VagrantCluster({
      outdir, profile: ClusterProfile.flatcar({ pkiDir }), prefix: '192.168.56', ipRange: '10.20.0.0/16', serviceIpRange: '10.3.0.0/24',
    });
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 1024, firstIp: 11 });
    new KubeNodeTier(cluster, 'node', { count: nodes, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
    return cluster;
  };
}

export const CLASSIC: readonly Scenario[] = [
  { profile: 'classic', vms: 7, layout: 'examples/default.ts: 3 etcd at .11, 4 nodes at .100', build: outdir => defaultCluster(outdir) },
  { profile: 'classic', vms: 50, layout: '3 etcd at .11, 47 nodes at .100-.146', build: classicSized(47, 11, 100) },
  { profile: 'classic', vms: 250, layout: '3 etcd at .1, 247 nodes at .4-.250', build: classicSized(247, 1, 4) },
];

export const FLATCAR: readonly Scenario[] = [
  { profile: 'flatcar', vms: 7, layout: 'examples/flatcar.ts: 3 etcd at .11, 4 nodes at .21', build: (outdir, pkiDir) => flatcarCluster(outdir, pkiDir) },
  { profile: 'flatcar', vms: 50, layout: '3 etcd at .11, 47 nodes at .21-.67', build: flatcarSized(47) },
];

/** Every file one synth of `scenario` writes (manifest.json included), keyed by relative path. */
export function synthesizedFiles(scenario: Scenario, pkiDir: string): Record<string, string> {
  return Testing.synth(scenario.build('unused', pkiDir));
}

/**
 * The same work for cdk8s: one YAML document per file that our synth writes,
 * each in a file of its own (FILE_PER_RESOURCE). The static pods become
 * `KubePod`s with the same spec; every other file (cloud-configs, Vagrantfile,
 * units, certificates, add-ons, manifest.json) becomes a `KubeConfigMap`
 * holding the same bytes.
 */
export class Cdk8sBaseline {
  public constructor(private readonly files: Record<string, string>) {}

  /** Number of YAML documents (= files our synth writes, manifest.json included). */
  public get documents(): number {
    return Object.keys(this.files).length;
  }

  /** A fresh app writing into `outdir`. */
  public build(outdir: string): App {
    const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    const chart = new Chart(app, 'cluster');
    for (const [file, content] of Object.entries(this.files)) {
      const name = file.replace(/[^a-z0-9]+/gi, '-').toLowerCase(); // topology.txt and topology.svg need two names
      if (file.startsWith('pods/')) {
        const pod = parse(content);
        new KubePod(chart, name, { metadata: pod.metadata, spec: pod.spec });
      } else {
        new KubeConfigMap(chart, name, { metadata: { name }, data: { [file.split('/').pop()!]: content } });
      }
    }
    return app;
  }
}

/**
 * The least any tool can do: `fs.writeFileSync` of the same bytes, one
 * `mkdirSync` per folder, no validation, no manifest computed, no atomic swap.
 */
export function writePlainly(outdir: string, files: Record<string, string>): void {
  const folders = new Set<string>();
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(outdir, file);
    const folder = path.dirname(target);
    if (!folders.has(folder)) {
      fs.mkdirSync(folder, { recursive: true });
      folders.add(folder);
    }
    fs.writeFileSync(target, content);
  }
}

/**
 * What the crash-safe writer adds to a write, done to a folder another tool wrote: each
 * file's data flushed to disk (`fdatasync`), then each folder's entries (`fsync`). For the
 * like-for-like baseline: cdk8s's App.synth() with the durability our synth() gives.
 */
export function flushTree(folder: string): void {
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const child = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      flushTree(child);
    } else {
      const fd = fs.openSync(child, 'r');
      try { fs.fdatasyncSync(fd); } finally { fs.closeSync(fd); }
    }
  }
  flushFolder(folder);
}
