// The Flatcar cluster of examples/flatcar.ts with every optional add-on: metrics-server (`kubectl top`),
// local-path-provisioner as the default StorageClass, and Traefik as the ingress controller on ports 80
// and 443 of the workers. `npx ts-node examples/flatcar-full.ts` writes dist.flatcar-full/; once the cluster
// is up, `sh dist.flatcar-full/verify.sh` also checks `kubectl top nodes`, that a claim binds and that an
// Ingress answers on every worker's address.
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, VagrantCluster } from '../lib';

/** Builds the example; tests reuse it with temporary folders. */
export function flatcarFullCluster(outdir = 'dist.flatcar-full', pkiDir = `${outdir}.pki`, prefix = '192.168.56'): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir,
    profile: ClusterProfile.flatcar({
      pkiDir,
      addons: { metricsServer: true, localPathStorage: true, ingress: 'traefik' },
    }),
    prefix,
    ipRange: '10.20.0.0/16',
    serviceIpRange: '10.3.0.0/24',
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 1024, firstIp: 11 });
  new KubeNodeTier(cluster, 'node', { count: 4, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
  return cluster;
}

if (require.main === module) {
  const cluster = flatcarFullCluster();
  const manifest = cluster.synth();
  console.log(`wrote ${manifest.files.length} files and manifest.json to ${cluster.outdir}/`);
}
