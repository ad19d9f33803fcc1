// Fixtures of the metal target: the tree of examples/metal.ts and variants of its props, the
// Vagrant cluster with the same tiers, names and addresses, a PKI folder for both made once per
// test run, and the files of an Ignition config, decoded, or written under a root folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UNUSED_FOLDER, tempFolder } from './flatcar';
import { METAL_LAN, METAL_MACHINES, METAL_SSH_KEY, metalCluster, metalProps } from '../../examples/metal';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, MetalCluster, MetalClusterProps, NodeRole, VagrantCluster } from '../../lib';
import { IgnitionConfig, dataUrlText } from '../../lib/formats/ignition';
import { Pki } from '../../lib/pki/pki';
import { pkiSpec } from '../../lib/profiles/flatcar/pki';

export { METAL_LAN, METAL_MACHINES, METAL_SSH_KEY, metalProps };

/** The tree of examples/metal.ts, for reading only: its folders are unused paths in the temp folder. */
export function metalTree(): MetalCluster {
  return metalCluster(path.join(UNUSED_FOLDER, 'metal-out'), path.join(UNUSED_FOLDER, 'metal-pki'));
}

/** The tiers of examples/metal.ts; `firstIp` for a Vagrant cluster, whose addresses it makes. */
export function addMetalTiers(cluster: MetalCluster | VagrantCluster, firstIps?: { etcd: number; cp: number; worker: number }): void {
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 2, memoryMb: 2048, firstIp: firstIps?.etcd });
  new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 3, cpus: 4, memoryMb: 8192, etcd, firstIp: firstIps?.cp });
  new KubeNodeTier(cluster, 'worker', { role: NodeRole.WORKER, count: 3, cpus: 8, memoryMb: 16384, etcd, firstIp: firstIps?.worker });
}

/**
 * The example's tiers on a MetalCluster whose props are the example's with `change` applied, for
 * validation tests; for reading only, as {@link metalTree}.
 */
export function metalVariant(change: (props: MetalClusterProps) => MetalClusterProps = props => props): MetalCluster {
  const cluster = new MetalCluster(change(metalProps(path.join(UNUSED_FOLDER, 'metal-out'), path.join(UNUSED_FOLDER, 'metal-pki'))));
  addMetalTiers(cluster);
  return cluster;
}

/**
 * The Vagrant cluster with the tiers, names and addresses of examples/metal.ts: the same Flatcar
 * profile, pod and service ranges and endpoint on the host-only network 10.0.40.0/24.
 */
export function vagrantTwin(outdir: string, pkiDir: string): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir, name: 'metal', profile: ClusterProfile.flatcar({ pkiDir }), prefix: METAL_LAN, controlPlaneEndpoint: `${METAL_LAN}.20`,
  });
  addMetalTiers(cluster, { etcd: 11, cp: 21, worker: 31 });
  return cluster;
}

let template: string | undefined;
process.on('exit', () => {
  if (template) { fs.rmSync(template, { recursive: true, force: true }); }
});

/**
 * A new folder holding a complete PKI for examples/metal.ts, and so for its {@link vagrantTwin}
 * (same names and addresses: the same spec), owned by the caller. Made once per test run.
 */
export function metalPkiCopy(): string {
  if (!template) {
    template = tempFolder('pki-template-metal');
    Pki.loadOrCreate(template, pkiSpec(metalTree().model()));
  }
  const copy = tempFolder('pki-metal');
  fs.cpSync(template, copy, { recursive: true });
  return copy;
}

/** One file of an Ignition config, its contents decoded. */
export interface IgnitionFileView {
  readonly path: string;
  readonly content: string;
  /** e.g. `0644`. */
  readonly mode: string;
  /** The owner as `user` or `user:group`, as a cloud-config writes it. */
  readonly owner: string;
}

/** The files of an Ignition config (object or JSON text), by path. */
export function ignitionFilesOf(config: IgnitionConfig | string): Record<string, IgnitionFileView> {
  const parsed: IgnitionConfig = typeof config === 'string' ? JSON.parse(config) : config;
  return Object.fromEntries((parsed.storage?.files ?? []).map(file => {
    const content = dataUrlText(file.contents?.source ?? 'data:,');
    if (content === undefined) { throw new Error(`${file.path}: unreadable contents.source`); }
    const owner = [file.user?.name ?? 'root', ...(file.group?.name ? [file.group.name] : [])].join(':');
    return [file.path, { path: file.path, content, mode: `0${(file.mode ?? 0o644).toString(8)}`, owner }];
  }));
}

/** Writes the files of an Ignition config under `root` (guest path `/etc/x` becomes `<root>/etc/x`) with their modes, as Ignition would. */
export function materializeIgnition(config: IgnitionConfig | string, root: string): Record<string, IgnitionFileView> {
  const files = ignitionFilesOf(config);
  for (const file of Object.values(files)) {
    const target = path.join(root, file.path);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content, { mode: parseInt(file.mode, 8) });
    fs.chmodSync(target, parseInt(file.mode, 8));
  }
  return files;
}
