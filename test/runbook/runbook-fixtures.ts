import { EtcdPeerTier, KubeNodeTier, VagrantCluster, VagrantClusterProps } from '../../lib';

/** A cluster of `etcd` peers and `nodes` nodes, like the seed's but of any size. */
export function sizedCluster(etcd: number, nodes: number, props: VagrantClusterProps = {}): VagrantCluster {
  const cluster = new VagrantCluster({ prefix: '10.10.10', ipRange: '10.11.0.0/16', serviceIpRange: '10.12.0.0/16', ...props });
  const peers = new EtcdPeerTier(cluster, 'etcd', { count: etcd, firstIp: 11 });
  new KubeNodeTier(cluster, 'node', { count: nodes, firstIp: 100, etcd: peers });
  return cluster;
}

/** 25 VMs with the longest addresses a /24 prefix can give: 3 peers and 22 nodes on 192.168.100.x. */
export function twentyFiveVms(): VagrantCluster {
  return sizedCluster(3, 22, { prefix: '192.168.100' });
}
