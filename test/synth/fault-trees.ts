// The two trees a fault test writes, old then new, built alike by the test and by the
// child synth it kills (test/synth/fault-child.ts), so that both expect the same folders.
import { defaultCluster } from '../../examples/default';
import { flatcarCluster } from '../../examples/flatcar';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, VagrantCluster } from '../../lib';

/** Which example a fault test writes. */
export type FaultTree = 'classic' | 'flatcar';
/** The output before the synth under test (`old`) or the one it writes (`new`). */
export type FaultVariant = 'old' | 'new';

/**
 * The classic example on Kubernetes 1.1.7 (old) or 1.12.10 (new): most files differ.
 * The Flatcar example (old), or the same with another pod network (new): the
 * cloud-configs differ, the PKI (in `pkiDir`) serves both unchanged.
 */
export function faultCluster(tree: FaultTree, variant: FaultVariant, outdir: string, pkiDir = `${outdir}.pki`): VagrantCluster {
  if (tree === 'classic') {
    return defaultCluster(outdir, variant === 'old' ? '1.1.7' : '1.12.10');
  }
  if (variant === 'old') {
    return flatcarCluster(outdir, pkiDir);
  }
  const cluster = new VagrantCluster({
    outdir,
    profile: ClusterProfile.flatcar({ pkiDir }),
    prefix: '192.168.56',
    ipRange: '10.21.0.0/16',
    serviceIpRange: '10.3.0.0/24',
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 1024, firstIp: 11 });
  new KubeNodeTier(cluster, 'node', { count: 4, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
  return cluster;
}
