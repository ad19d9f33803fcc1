// A highly available Flatcar cluster on nine real machines of the LAN 10.0.40.0/24: 3 etcd members,
// 3 control planes behind the virtual IP 10.0.40.20 that kube-vip moves between them, 3 workers.
// `npx ts-node examples/metal.ts` writes dist.flatcar-metal/ (private keys inside: the folder is
// git-ignored): one Ignition config per machine, and matchbox's profiles and groups to install them
// over PXE from http://10.0.40.2:8080. The PKI is kept in dist.flatcar-metal.pki/ for the next synth.
// Replace the MACs with your machines' and the SSH key with yours.
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, MetalCluster, MetalClusterProps, MetalMachine, NodeRole } from '../lib';

/** The LAN of the example. */
export const METAL_LAN = '10.0.40';

/** The example's machines: name, MAC and address; the control planes install to an NVMe disk. */
export const METAL_MACHINES: MetalMachine[] = [
  { name: 'etcd-01', mac: '52:54:00:40:00:11', address: `${METAL_LAN}.11` },
  { name: 'etcd-02', mac: '52:54:00:40:00:12', address: `${METAL_LAN}.12` },
  { name: 'etcd-03', mac: '52:54:00:40:00:13', address: `${METAL_LAN}.13` },
  { name: 'cp-01', mac: '52:54:00:40:00:21', address: `${METAL_LAN}.21`, installDisk: '/dev/nvme0n1' },
  { name: 'cp-02', mac: '52:54:00:40:00:22', address: `${METAL_LAN}.22`, installDisk: '/dev/nvme0n1' },
  { name: 'cp-03', mac: '52:54:00:40:00:23', address: `${METAL_LAN}.23`, installDisk: '/dev/nvme0n1' },
  { name: 'worker-01', mac: '52:54:00:40:00:31', address: `${METAL_LAN}.31` },
  { name: 'worker-02', mac: '52:54:00:40:00:32', address: `${METAL_LAN}.32` },
  { name: 'worker-03', mac: '52:54:00:40:00:33', address: `${METAL_LAN}.33` },
];

/** A public key whose private half was thrown away: replace it with yours. */
export const METAL_SSH_KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDsQM0fQRTIAi93g7+vQVFy8HfqrmcWagF/gzV0uxDxB replace-with-your-key@example.com';

/** The example's props (tests vary them). The machine entries are copies: a variant may change them. */
export function metalProps(outdir: string, pkiDir: string): MetalClusterProps {
  return {
    outdir,
    name: 'metal',
    profile: ClusterProfile.flatcar({ pkiDir }),
    lanCidr: `${METAL_LAN}.0/24`,
    gateway: `${METAL_LAN}.1`,
    dnsServers: [`${METAL_LAN}.1`],
    // A free address of the LAN: kube-vip holds it on one control plane at a time.
    controlPlaneEndpoint: `${METAL_LAN}.20`,
    sshAuthorizedKeys: [METAL_SSH_KEY],
    matchboxUrl: `http://${METAL_LAN}.2:8080`,
    machines: METAL_MACHINES.map(machine => ({ ...machine })),
  };
}

/** Builds the metal example; tests reuse it with temporary folders. */
export function metalCluster(outdir = 'dist.flatcar-metal', pkiDir = `${outdir}.pki`): MetalCluster {
  const cluster = new MetalCluster(metalProps(outdir, pkiDir));
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 2, memoryMb: 2048 });
  new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 3, cpus: 4, memoryMb: 8192, etcd });
  new KubeNodeTier(cluster, 'worker', { role: NodeRole.WORKER, count: 3, cpus: 8, memoryMb: 16384, etcd });
  return cluster;
}

if (require.main === module) {
  const cluster = metalCluster();
  const manifest = cluster.synth();
  console.log(`wrote ${manifest.files.length} files and manifest.json to ${cluster.outdir}/`);
}
