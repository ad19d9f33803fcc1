// A highly available Flatcar cluster: 3 etcd members, 3 control planes behind a virtual IP that
// kube-vip moves between them, a pool of 2 workers and a pool of 1 big worker for databases.
// `npx ts-node examples/flatcar-ha.ts` writes dist.flatcar-ha/ (private keys inside: the folder is
// git-ignored) and keeps the PKI in dist.flatcar-ha.pki/ for the next synth.
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, NodeRole, VagrantCluster } from '../lib';

/** Builds the HA example; tests reuse it with temporary folders. */
export function flatcarHaCluster(outdir = 'dist.flatcar-ha', pkiDir = `${outdir}.pki`, prefix = '192.168.56'): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir,
    name: 'flatcar-ha',
    profile: ClusterProfile.flatcar({ pkiDir }),
    prefix,
    // A free address of the host network: kube-vip holds it on one control plane at a time.
    controlPlaneEndpoint: `${prefix}.20`,
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 1024, firstIp: 11 });
  new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 3, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
  new KubeNodeTier(cluster, 'worker', { role: NodeRole.WORKER, count: 2, cpus: 2, memoryMb: 2048, firstIp: 31, etcd });
  new KubeNodeTier(cluster, 'big', {
    role: NodeRole.WORKER, count: 1, cpus: 4, memoryMb: 8192, firstIp: 41, etcd,
    labels: { disktype: 'ssd' },
    taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }],
  });
  return cluster;
}

if (require.main === module) {
  const cluster = flatcarHaCluster();
  const manifest = cluster.synth();
  console.log(`wrote ${manifest.files.length} files and manifest.json to ${cluster.outdir}/`);
}
