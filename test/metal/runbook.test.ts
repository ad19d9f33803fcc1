// The runbook, topology and verify.sh of a metal cluster, and examples/metal.ts: the same checks
// and admin.kubeconfig as the Vagrant twin, the metal target's words for bringing the machines up.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { metalCluster } from '../../examples/metal';
import { EtcdPeerTier, KubeNodeTier, MetalCluster, NodeRole, Testing } from '../../lib';
import { yaml11 } from '../support/fixtures';
import { UNUSED_FOLDER } from '../support/flatcar';
import { METAL_SSH_KEY, metalPkiCopy, metalTree, metalVariant, vagrantTwin } from '../support/metal';

describe('runbook, topology and verify.sh of a metal cluster', () => {
  let pkiDir: string;
  let metal: Record<string, string>;
  let twin: Record<string, string>;

  before(() => {
    pkiDir = metalPkiCopy();
    const out = path.join(UNUSED_FOLDER, 'metal-runbook-out');
    metal = Testing.render(metalCluster(out, pkiDir));
    twin = Testing.render(vagrantTwin(out, pkiDir));
  });

  after(() => fs.rmSync(pkiDir, { recursive: true, force: true }));

  it('checks the cluster with the same verify.sh and the same admin.kubeconfig as the Vagrant twin', () => {
    expect(metal['verify.sh']).to.equal(twin['verify.sh']);
    expect(metal['admin.kubeconfig']).to.equal(twin['admin.kubeconfig']);
    const kubeconfig = yaml11(metal['admin.kubeconfig']);
    expect(kubeconfig.clusters[0].cluster.server).to.equal('https://10.0.40.20:6443');
    expect(kubeconfig.users[0].name).to.equal('kubernetes-admin');
  });

  it('tells how to install the machines both ways, in the metal target\'s words only', () => {
    const readme = metal['README.md'];
    expect(readme).to.match(/^# Kubernetes 1\.35\.1 on real machines \(Flatcar\): runbook$/m);
    expect(readme).to.contain('### PXE with matchbox').and.to.contain('### From a live USB');
    expect(readme).to.contain('docker run --net=host --rm -v "$PWD":/var/lib/matchbox:ro quay.io/poseidon/matchbox:v0.11.0 -address=0.0.0.0:8080 -assets-path=');
    expect(readme).to.contain('sudo flatcar-install -d /dev/nvme0n1 -C stable -V 4593.2.5 -i cp-01.ign   # on cp-01 (52:54:00:40:00:21)');
    expect(readme).to.contain('ssh core@10.0.40.21 journalctl -u apply-addons -f');
    expect(readme).to.contain('- Flatcar Container Linux 4593.2.5 (stable), installed by flatcar-install and set up on its first boot by Ignition (spec 3.3.0).');
    expect(readme).to.contain('- Networks: LAN 10.0.40.0/24 on lan0, pods 10.244.0.0/16 (flannel vxlan), services 10.96.0.0/16.');
    for (const vagrantOnly of ['vagrant ssh', 'vagrant up', 'vagrant destroy', 'host-only', 'flatcar-stable', 'VirtualBox', 'networks.conf']) {
      expect(readme, vagrantOnly).to.not.contain(vagrantOnly);
    }
    // The profile's checks are the twin's.
    const section = (text: string) => text.slice(text.indexOf('Check the cluster'), text.indexOf('Tear down'));
    expect(section(readme)).to.equal(section(twin['README.md']));
  });

  it('draws the LAN and lan0 in the topology', () => {
    expect(metal['topology.txt']).to.contain('LAN 10.0.40.0/24, gateway 10.0.40.1').and.to.contain('│lan0│');
    expect(metal['topology.txt'].split('\n')[0]).to.equal('Kubernetes 1.35.1 on real machines (flatcar profile): 9 VMs, 3 etcd members, 3 control planes, 3 workers');
    expect(metal['topology.svg']).to.contain('lan0');
  });

  it('follows the add-ons on the only control plane of a cluster without an endpoint', () => {
    const cluster = new MetalCluster({
      outdir: path.join(UNUSED_FOLDER, 'metal-small'), lanCidr: '192.168.7.0/24', gateway: '192.168.7.254', dnsServers: ['192.168.7.254'],
      sshAuthorizedKeys: [METAL_SSH_KEY],
      machines: [
        { name: 'etcd-01', mac: '02:00:00:00:07:11', address: '192.168.7.11' },
        { name: 'cp-01', mac: '02:00:00:00:07:21', address: '192.168.7.21' },
        { name: 'node-01', mac: '02:00:00:00:07:31', address: '192.168.7.31' },
      ],
    });
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 1 });
    new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 1, etcd });
    new KubeNodeTier(cluster, 'node', { role: NodeRole.WORKER, count: 1, etcd });
    const readme = Testing.render(cluster)['README.md'];
    expect(readme).to.contain('cp-01 runs the control plane as static pods and then applies the add-ons');
    expect(readme).to.contain('ssh core@192.168.7.21 journalctl -u apply-addons -f');
    expect(readme).to.not.contain('PXE');
  });
});

describe('examples/metal.ts', () => {
  it('is 3 etcd members, 3 control planes behind an endpoint and 3 workers on 10.0.40.0/24, with matchbox', () => {
    const model = metalTree().model();
    expect(model.networks.host.cidr).to.equal('10.0.40.0/24');
    expect(model.etcdPeers.map(m => m.hostname)).to.deep.equal(['etcd-01', 'etcd-02', 'etcd-03']);
    expect(model.controlPlanes.map(m => m.hostname)).to.deep.equal(['cp-01', 'cp-02', 'cp-03']);
    expect(model.workers.map(m => m.hostname)).to.deep.equal(['worker-01', 'worker-02', 'worker-03']);
    expect(model.endpoints.controlPlaneEndpoint).to.equal('10.0.40.20');
  });

  it('writes the files of the fixture that the tests vary', () => {
    const pkiDir = metalPkiCopy();
    try {
      const out = path.join(UNUSED_FOLDER, 'metal-example-out');
      const example = metalCluster(out, pkiDir);
      expect(Testing.render(example)).to.deep.equal(Testing.render(metalVariant(props => ({ ...props, outdir: out, profile: example.profile }))));
    } finally {
      fs.rmSync(pkiDir, { recursive: true, force: true });
    }
  });
});
