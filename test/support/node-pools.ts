// Clusters of node pools (KubeNodeTiers with roles, labels and taints), and what a
// bound Flatcar cluster hands its machines, read without any key material.
import * as path from 'node:path';
import {
  CloudConfig, CloudConfigData, ClusterProfile, EtcdPeerTier, FlatcarProfileOptions, KubeNodeTier, KubeNodeTierProps, NodeRole, VagrantCluster, VagrantClusterProps,
} from '../../lib';
import { Vagrantfile } from '../../lib/vagrant/vagrantfile';

/** A node pool: the id and props of a KubeNodeTier, without its etcd tier. */
export interface PoolSpec extends Omit<KubeNodeTierProps, 'etcd'> {
  readonly id: string;
}

/** A pool of control planes, `cp` unless told. */
export function controlPlanePool(count = 1, props: Partial<PoolSpec> = {}): PoolSpec {
  return { id: 'cp', role: NodeRole.CONTROL_PLANE, count, ...props };
}

/** A pool of workers. */
export function workerPool(id: string, count = 2, props: Partial<PoolSpec> = {}): PoolSpec {
  return { id, role: NodeRole.WORKER, count, ...props };
}

/**
 * A cluster of one etcd tier (`etcd-01..03` from .11) and the node pools in order.
 * A pool without firstIp gets the next block of ten addresses: .21, .31, .41, ...
 * (so a pool holds at most ten VMs there).
 */
export function poolCluster(props: VagrantClusterProps, pools: readonly PoolSpec[]): VagrantCluster {
  const cluster = new VagrantCluster(props);
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 1024, firstIp: 11 });
  pools.forEach(({ id, ...pool }, index) => {
    new KubeNodeTier(cluster, id, { count: 1, cpus: 2, memoryMb: 2048, firstIp: 21 + 10 * index, ...pool, etcd });
  });
  return cluster;
}

/** The PKI folder of a Flatcar cluster that writes `outdir`: `pki` beside it, in the same temp folder. */
export function pkiDirBeside(outdir: string): string {
  return path.join(path.dirname(outdir), 'pki');
}

/** Props of a Flatcar cluster writing `outdir`, its PKI folder {@link pkiDirBeside} it. */
export function flatcarProps(outdir: string, options: FlatcarProfileOptions = {}, props: Partial<VagrantClusterProps> = {}): VagrantClusterProps {
  return { outdir, profile: ClusterProfile.flatcar({ pkiDir: pkiDirBeside(outdir), ...options }), ...props };
}

/** What a bound cluster hands its machines, before any key material exists. */
export interface BoundMachines {
  /** Each machine's cloud-config without the files added at render time (keys, kubeconfigs, add-ons), by hostname. */
  readonly cloudConfigs: Record<string, CloudConfigData>;
  /** The Vagrantfile as rendered. */
  readonly vagrantfile: string;
}

/**
 * Binds the cluster (validation, model, profile; no prepare, so no PKI is read or
 * created) and reads what its machines are handed. For Flatcar clusters whose keys a
 * test does not need.
 */
export function boundMachines(cluster: VagrantCluster): BoundMachines {
  const constructs = cluster.bind().node.findAll();
  const cloudConfigs = Object.fromEntries(constructs.filter(CloudConfig.isCloudConfig)
    .map(cloudConfig => [path.basename(cloudConfig.filePath, '.yaml'), cloudConfig.config]));
  const vagrantfile = constructs.find((construct): construct is Vagrantfile => construct instanceof Vagrantfile)!;
  return { cloudConfigs, vagrantfile: vagrantfile.renderFile().content };
}
