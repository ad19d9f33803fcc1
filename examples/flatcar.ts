// A cluster that boots on today's Vagrant boxes: Flatcar Container Linux, etcd v3.6 with TLS,
// and a current Kubernetes. `npx ts-node examples/flatcar.ts` writes dist.flatcar/ (private keys
// inside: the folder is git-ignored) and keeps the PKI in dist.flatcar.pki/ for the next synth.
import { ClusterProfile, EtcdPeerTier, FlatcarProfileOptions, KubeNodeTier, VagrantCluster } from '../lib';

/** What a variant of the example changes: its name and the profile's options beside the PKI folder. */
export interface FlatcarExampleVariant {
  readonly name?: string;
  readonly options?: FlatcarProfileOptions;
}

/** Builds the Flatcar example; tests reuse it with temporary folders. */
export function flatcarCluster(outdir = 'dist.flatcar', pkiDir = `${outdir}.pki`, prefix = '192.168.56', variant: FlatcarExampleVariant = {}): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir,
    name: variant.name ?? 'flatcar',
    profile: ClusterProfile.flatcar({ ...variant.options, pkiDir }),
    prefix,
    ipRange: '10.20.0.0/16',
    serviceIpRange: '10.3.0.0/24',
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 1024, firstIp: 11 });
  new KubeNodeTier(cluster, 'node', { count: 4, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
  return cluster;
}

if (require.main === module) {
  const cluster = flatcarCluster();
  const manifest = cluster.synth();
  console.log(`wrote ${manifest.files.length} files and manifest.json to ${cluster.outdir}/`);
}
