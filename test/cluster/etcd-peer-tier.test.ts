import { expect } from 'chai';
import { EtcdPeerTier, KubeNodeTier, VagrantCluster } from '../../lib';
import { otherCluster, seedFiles, yaml11 } from '../support/fixtures';

describe('EtcdPeerTier', () => {
  it('names peers etcd-01.. on consecutive addresses from firstIp', () => {
    const cluster = new VagrantCluster();
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, firstIp: 11 });
    expect(etcd.peers.map(p => [p.hostname, p.ip])).to.deep.equal([
      ['etcd-01', '10.10.10.11'], ['etcd-02', '10.10.10.12'], ['etcd-03', '10.10.10.13'],
    ]);
  });

  it('gives the model the client URLs and the initial-cluster string of every peer, in the profile\'s scheme', () => {
    const cluster = new VagrantCluster();
    const etcd = new EtcdPeerTier(cluster, 'etcd');
    new KubeNodeTier(cluster, 'node', { etcd });
    const { endpoints } = cluster.model();
    expect(endpoints.etcdClients).to.deep.equal(['http://10.10.10.11:2379', 'http://10.10.10.12:2379', 'http://10.10.10.13:2379']);
    expect(endpoints.etcdInitialCluster).to.equal(
      'etcd-01=http://10.10.10.11:2380,etcd-02=http://10.10.10.12:2380,etcd-03=http://10.10.10.13:2380');
  });

  it('gives each peer an etcd2 member config on its own address', () => {
    const config = yaml11(seedFiles()['user-data/etcd-02.yaml']);
    expect(config.hostname).to.equal('etcd-02');
    expect(config.coreos.etcd2).to.deep.equal({
      name: 'etcd-02',
      advertise_client_urls: 'http://10.10.10.12:2379',
      listen_client_urls: 'http://10.10.10.12:2379',
      initial_advertise_peer_urls: 'http://10.10.10.12:2380',
      listen_peer_urls: 'http://10.10.10.12:2380',
      initial_cluster: 'etcd-01=http://10.10.10.11:2380,etcd-02=http://10.10.10.12:2380,etcd-03=http://10.10.10.13:2380',
      initial_cluster_state: 'new',
    });
    expect(config.coreos.units).to.deep.equal([
      { name: 'systemd-timesyncd.service', command: 'start' },
      { name: 'etcd2.service', command: 'start' },
    ]);
  });

  it('follows the tier id, count and prefix of a non-default cluster', () => {
    const cluster = otherCluster();
    const etcd = cluster.node.findChild('kv') as EtcdPeerTier;
    expect(etcd.peers.map(p => p.hostname)).to.deep.equal(['kv-01', 'kv-02', 'kv-03', 'kv-04', 'kv-05']);
    expect(cluster.model().endpoints.etcdInitialCluster.split(',')[4]).to.equal('kv-05=http://192.168.56.25:2380');
  });
});
