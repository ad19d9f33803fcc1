import type { ClusterModel } from '../../cluster/cluster-model';
import { ETCD_CLIENT_PORT, ETCD_PEER_PORT, httpUrl } from '../../cluster/endpoints';
import type { Machine } from '../../cluster/machine';
import { Etcd2Config } from '../../formats/cloud-config-data';

/** The client URL of the etcd2 proxy on the loopback interface of every node. */
export const LOCAL_ETCD_URL = httpUrl('127.0.0.1', ETCD_CLIENT_PORT);

/**
 * The `coreos.etcd2` section of a peer: it advertises and listens on its own
 * host-only address only (never 0.0.0.0), and bootstraps a new cluster from
 * the model's initial-cluster string.
 * @see https://etcd.io/docs/v2.3/configuration/
 */
export function etcd2PeerConfig(peer: Machine, model: ClusterModel): Etcd2Config {
  const clientUrl = httpUrl(peer.ip, ETCD_CLIENT_PORT);
  const peerUrl = httpUrl(peer.ip, ETCD_PEER_PORT);
  return {
    name: peer.hostname,
    advertise_client_urls: clientUrl,
    listen_client_urls: clientUrl,
    initial_advertise_peer_urls: peerUrl,
    listen_peer_urls: peerUrl,
    initial_cluster: model.endpoints.etcdInitialCluster,
    initial_cluster_state: 'new',
  };
}

/**
 * The `coreos.etcd2` section of a node: a read-write proxy on the loopback
 * interface that finds the peers through the initial-cluster string.
 * @see https://etcd.io/docs/v2.3/proxy/
 */
export function etcd2ProxyConfig(model: ClusterModel): Etcd2Config {
  return {
    proxy: 'on',
    listen_client_urls: LOCAL_ETCD_URL,
    initial_cluster: model.endpoints.etcdInitialCluster,
  };
}
