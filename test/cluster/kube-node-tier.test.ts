import { expect } from 'chai';
import { KubeNodeTier, NodeRole, Testing } from '../../lib';
import { otherCluster, seedFiles, yaml11 } from '../support/fixtures';

describe('KubeNodeTier', () => {
  const files = seedFiles();
  const node = (name: string) => yaml11(files[`user-data/${name}.yaml`]);

  it('makes node-01 the master and the others minions', () => {
    const cluster = otherCluster();
    const tier = cluster.node.findChild('worker') as KubeNodeTier;
    expect(tier.master?.hostname).to.equal('worker-01');
    expect(tier.master?.role).to.equal(NodeRole.CONTROL_PLANE);
    expect(tier.minions.every(m => m.role === NodeRole.WORKER)).to.equal(true);
    expect(tier.masterIp).to.equal('192.168.56.51');
    expect(tier.minions.map(m => m.hostname)).to.deep.equal(['worker-02', 'worker-03', 'worker-04', 'worker-05', 'worker-06']);
  });

  it('runs etcd2 as a proxy on the loopback interface of every node', () => {
    for (const name of ['node-01', 'node-04']) {
      expect(node(name).coreos.etcd2).to.deep.equal({
        proxy: 'on',
        listen_client_urls: 'http://127.0.0.1:2379',
        initial_cluster: 'etcd-01=http://10.10.10.11:2380,etcd-02=http://10.10.10.12:2380,etcd-03=http://10.10.10.13:2380',
      });
    }
  });

  it('tags fleet with core=node,kube=master on node-01 and kube=minion elsewhere', () => {
    expect(node('node-01').coreos.fleet).to.deep.equal({
      etcd_servers: 'http://127.0.0.1:2379', public_ip: '10.10.10.100', metadata: 'core=node,kube=master',
    });
    for (const [name, ip] of [['node-02', '10.10.10.101'], ['node-03', '10.10.10.102'], ['node-04', '10.10.10.103']]) {
      expect(node(name).coreos.fleet.metadata).to.equal('core=node,kube=minion');
      expect(node(name).coreos.fleet.public_ip).to.equal(ip);
    }
  });

  it('pins flannel to eth1 and stores the vxlan network config of ipRange through etcd', () => {
    const config = node('node-03');
    expect(config.coreos.flannel).to.deep.equal({ etcd_endpoints: 'http://127.0.0.1:2379', interface: '10.10.10.102' });
    const flanneld = config.coreos.units.find((u: any) => u.name === 'flanneld.service');
    expect(flanneld.command).to.equal('start');
    const dropIn: string = flanneld.drop_ins[0].content;
    expect(dropIn).to.contain('Requires=etcd2.service');
    const json = /ExecStartPre=\/usr\/bin\/etcdctl set \/coreos\.com\/network\/config '(.*)'/.exec(dropIn)![1];
    expect(JSON.parse(json)).to.deep.equal({ Network: '10.11.0.0/16', Backend: { Type: 'vxlan' } });
    const docker = config.coreos.units.find((u: any) => u.name === 'docker.service');
    expect(docker.drop_ins[0].content).to.contain('After=flanneld.service');
  });

  it('installs the wait-for-port helper as an executable script', () => {
    const file = node('node-02').write_files.find((f: any) => f.path === '/opt/bin/wait-for-port');
    expect(file.permissions).to.equal('0755');
    expect(file.content).to.match(/^#!\/bin\/sh\n/);
  });

  it('uses the non-default ranges and addresses of another cluster', () => {
    const other = Testing.render(otherCluster());
    const worker = yaml11(other['user-data/worker-06.yaml']);
    expect(worker.coreos.fleet).to.deep.equal({
      etcd_servers: 'http://127.0.0.1:2379', public_ip: '192.168.56.56', metadata: 'core=worker,kube=minion',
    });
    expect(worker.coreos.etcd2.initial_cluster).to.contain('kv-05=http://192.168.56.25:2380');
    expect(worker.coreos.units[2].drop_ins[0].content).to.contain('"Network":"10.20.0.0/16"');
  });
});
