import { expect } from 'chai';
import { Testing, VagrantCluster } from '../../../lib';
import { MachineRole } from '../../../lib/profiles/classic/facts';
import { KubeRole } from '../../../lib/profiles/classic/fleet-metadata';
import { ClassicRunbook } from '../../../lib/profiles/classic/runbook';
import { Runbook } from '../../../lib/runbook/runbook';
import { defaultCluster } from '../../../examples/default';
import { otherCluster } from '../../support/fixtures';
import { sizedCluster } from '../../runbook/runbook-fixtures';

/** The facts of a cluster, as its runbook reads them once the profile is bound. */
function factsOf(cluster: VagrantCluster) {
  return ((cluster.bind().node.findChild('runbook') as Runbook).source.profile() as ClassicRunbook).facts;
}

describe('cluster facts (what the runbook files render from)', () => {
  it('reads the seed cluster: peers, nodes, endpoints and fleet units', () => {
    const facts = factsOf(defaultCluster());
    expect(facts.machines.map(m => [m.name, m.ip, m.role, m.fleetMetadata])).to.deep.equal([
      ['etcd-01', '10.10.10.11', MachineRole.ETCD_PEER, ''],
      ['etcd-02', '10.10.10.12', MachineRole.ETCD_PEER, ''],
      ['etcd-03', '10.10.10.13', MachineRole.ETCD_PEER, ''],
      ['node-01', '10.10.10.100', MachineRole.KUBE_MASTER, 'core=node,kube=master'],
      ['node-02', '10.10.10.101', MachineRole.KUBE_MINION, 'core=node,kube=minion'],
      ['node-03', '10.10.10.102', MachineRole.KUBE_MINION, 'core=node,kube=minion'],
      ['node-04', '10.10.10.103', MachineRole.KUBE_MINION, 'core=node,kube=minion'],
    ]);
    expect(facts.etcdEndpoint).to.equal('http://10.10.10.11:2379');
    expect(facts.apiServer).to.equal('http://10.10.10.100:8080');
    expect(facts.images).to.deep.equal(['gcr.io/google_containers/hyperkube:v1.1.7']);
    expect(facts.fleetUnitGlob).to.equal('kube/*.service');
    expect(facts.fleetUnits.map(u => [u.name, u.global, u.machines])).to.deep.equal([
      ['kubelet-master.service', false, ['node-01']],
      ['kubelet-minion.service', true, ['node-02', 'node-03', 'node-04']],
    ]);
  });

  it('on 1.1.7 expects the minions as nodes under their addresses, and the master pod under its hostname', () => {
    const facts = factsOf(defaultCluster());
    expect(facts.kubeNodes.map(n => [n.name, n.machine, n.role])).to.deep.equal([
      ['10.10.10.101', 'node-02', KubeRole.MINION],
      ['10.10.10.102', 'node-03', KubeRole.MINION],
      ['10.10.10.103', 'node-04', KubeRole.MINION],
    ]);
    expect(facts.staticPods.map(p => [p.mirrorName, p.ready, p.machine])).to.deep.equal([
      ['kube-master-node-01', '3/3', 'node-01'],
      ['kube-minion-10.10.10.101', '1/1', 'node-02'],
      ['kube-minion-10.10.10.102', '1/1', 'node-03'],
      ['kube-minion-10.10.10.103', '1/1', 'node-04'],
    ]);
  });

  it('from 1.5 on expects the master as a node too, since its kubelet registers', () => {
    for (const version of ['1.5.8', '1.6.13', '1.12.10']) {
      const facts = factsOf(sizedCluster(3, 3, { kubernetesVersion: version }));
      expect(facts.kubeNodes.map(n => n.name), version).to.deep.equal(['10.10.10.101', '10.10.10.102', 'node-01']);
      expect(facts.staticPods.map(p => p.mirrorName), version).to.include('kube-master-node-01');
    }
    expect(factsOf(sizedCluster(3, 3, { kubernetesVersion: '1.4.12' })).kubeNodes.map(n => n.name)).to.not.include('node-01');
  });

  it('reads another cluster: its tier ids, addresses and version', () => {
    const facts = factsOf(otherCluster({ kubernetesVersion: '1.2.7' }));
    expect(facts.etcdPeers.map(p => p.name)).to.deep.equal(['kv-01', 'kv-02', 'kv-03', 'kv-04', 'kv-05']);
    expect(facts.etcdEndpoint).to.equal('http://192.168.56.21:2379');
    expect(facts.master.name).to.equal('worker-01');
    expect(facts.apiServer).to.equal('http://192.168.56.51:8080');
    expect(facts.images).to.deep.equal(['gcr.io/google_containers/hyperkube-amd64:v1.2.7']);
    expect(facts.kubeMachines.map(m => m.fleetMetadata)).to.deep.equal(['core=worker,kube=master', ...new Array(5).fill('core=worker,kube=minion')]);
    expect(facts.staticPods.map(p => p.mirrorName)).to.deep.equal([
      'kube-master-worker-01', ...[52, 53, 54, 55, 56].map(octet => `kube-minion-192.168.56.${octet}`),
    ]);
  });

  it('lists each image once, with the per-component overrides', () => {
    const facts = factsOf(sizedCluster(1, 2, { proxyImage: 'registry.example/kube-proxy:v1.1.7' }));
    expect(facts.images).to.deep.equal(['gcr.io/google_containers/hyperkube:v1.1.7', 'registry.example/kube-proxy:v1.1.7']);
    const readme = Testing.render(sizedCluster(1, 2, { proxyImage: 'registry.example/kube-proxy:v1.1.7' }))['README.md'];
    expect(readme).to.contain('- Kubernetes 1.1.7, from the images `gcr.io/google_containers/hyperkube:v1.1.7` and `registry.example/kube-proxy:v1.1.7`.');
  });

  it('asks for a networks.conf line only outside VirtualBox\'s default host-only range', () => {
    expect(factsOf(defaultCluster()).networksConfLine).to.equal('* 10.10.10.0/24');
    expect(factsOf(otherCluster()).networksConfLine).to.equal(undefined); // 192.168.56.0/24
    expect(factsOf(sizedCluster(1, 2, { prefix: '192.168.63' })).networksConfLine).to.equal(undefined);
    expect(factsOf(sizedCluster(1, 2, { prefix: '192.168.64' })).networksConfLine).to.equal('* 192.168.64.0/24');
    expect(factsOf(sizedCluster(1, 2, { prefix: '192.168.55' })).networksConfLine).to.equal('* 192.168.55.0/24');
    expect(factsOf(sizedCluster(1, 2, { prefix: '127.0.10' })).networksConfLine).to.equal(undefined); // loopback: the tests' network, no VM's
  });
});
