import { EtcdPeer, EtcdPeerTier } from '../../cluster/etcd-peer-tier';
import { LOCAL_ETCD_URL } from '../../cluster/etcd-urls';
import { Etcd2Config } from '../../formats/cloud-config-data';

/**
 * The `coreos.etcd2` section of a peer: it advertises and listens on its own
 * host-only address only (never 0.0.0.0), and bootstraps a new cluster from
 * the tier's initial-cluster string.
 * @see https://etcd.io/docs/v2.3/configuration/
 */
export function etcd2PeerConfig(peer: EtcdPeer, tier: EtcdPeerTier): Etcd2Config {
  return {
    name: peer.hostname,
    advertise_client_urls: peer.clientUrl,
    listen_client_urls: peer.clientUrl,
    initial_advertise_peer_urls: peer.peerUrl,
    listen_peer_urls: peer.peerUrl,
    initial_cluster: tier.initialCluster,
    initial_cluster_state: 'new',
  };
}

/**
 * The `coreos.etcd2` section of a node: a read-write proxy on the loopback
 * interface that finds the peers through the initial-cluster string.
 * @see https://etcd.io/docs/v2.3/proxy/
 */
export function etcd2ProxyConfig(tier: EtcdPeerTier): Etcd2Config {
  return {
    proxy: 'on',
    listen_client_urls: LOCAL_ETCD_URL,
    initial_cluster: tier.initialCluster,
  };
}
