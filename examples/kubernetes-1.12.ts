// The seed's shape on the newest release the classic design can serve: Kubernetes 1.12
// (1.13 removed the etcd2 storage backend). `npx ts-node examples/kubernetes-1.12.ts` writes dist.k8s-1.12/.
import { EtcdPeerTier, KubeNodeTier, VagrantCluster } from '../lib';

/** Builds the 1.12 cluster; tests compare it with the committed dist.k8s-1.12/. */
export function kubernetes112Cluster(outdir = 'dist.k8s-1.12'): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir,
    prefix: '10.10.10',
    ipRange: '10.11.0.0/16',
    serviceIpRange: '10.12.0.0/16',
    kubernetesVersion: '1.12.10',
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 256, firstIp: 11 });
  new KubeNodeTier(cluster, 'node', { count: 4, cpus: 2, memoryMb: 2048, firstIp: 100, etcd });
  return cluster;
}

if (require.main === module) {
  const cluster = kubernetes112Cluster();
  const manifest = cluster.synth();
  console.log(`wrote ${manifest.files.length} files and manifest.json to ${cluster.outdir}/`);
}
