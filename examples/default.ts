// The seed cluster: 3 etcd peers and 4 nodes on 10.10.10.0/24, Kubernetes 1.1.7.
// `npx ts-node examples/default.ts` writes dist.out/.
import { EtcdPeerTier, KubeNodeTier, VagrantCluster } from '../lib';

/** Builds the seed cluster; other examples and the tests reuse it. */
export function defaultCluster(outdir = 'dist.out', kubernetesVersion = '1.1.7'): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir,
    prefix: '10.10.10',
    ipRange: '10.11.0.0/16',
    serviceIpRange: '10.12.0.0/16',
    kubernetesVersion,
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 256, firstIp: 11 });
  new KubeNodeTier(cluster, 'node', { count: 4, cpus: 2, memoryMb: 2048, firstIp: 100, etcd });
  return cluster;
}

if (require.main === module) {
  const cluster = defaultCluster();
  const manifest = cluster.synth();
  console.log(`wrote ${manifest.files.length} files and manifest.json to ${cluster.outdir}/`);
}
