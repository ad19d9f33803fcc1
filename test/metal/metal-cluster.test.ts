import { expect } from 'chai';
import * as fs from 'node:fs';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, MetalCluster, NodeRole, Testing, ValidationError } from '../../lib';
import { problemsOf } from '../support/fixtures';
import { METAL_SSH_KEY, metalPkiCopy, metalTree, metalVariant } from '../support/metal';

/** Vagrant's insecure public key, as the Debian vagrant package ships it (or its well-known text). */
function vagrantInsecureKey(): string {
  const shipped = '/usr/share/rubygems-integration/all/gems/vagrant-2.3.4/keys/vagrant.pub';
  return fs.existsSync(shipped) ? fs.readFileSync(shipped, 'utf-8').trim()
    : 'ssh-rsa AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoPkcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NOTd0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcWyLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQ== vagrant insecure public key';
}

describe('MetalCluster', () => {
  describe('the model', () => {
    it('places each machine of the tiers at its entry\'s address, on the LAN, with lan0 as the node interface', () => {
      const model = metalTree().model();
      expect(model.machines.map(m => `${m.hostname} ${m.ip}`)).to.deep.equal([
        'etcd-01 10.0.40.11', 'etcd-02 10.0.40.12', 'etcd-03 10.0.40.13',
        'cp-01 10.0.40.21', 'cp-02 10.0.40.22', 'cp-03 10.0.40.23',
        'worker-01 10.0.40.31', 'worker-02 10.0.40.32', 'worker-03 10.0.40.33',
      ]);
      expect(model.networks.host.cidr).to.equal('10.0.40.0/24');
      expect(model.networks.nodeInterface).to.equal('lan0');
      expect(model.profile).to.equal('flatcar');
      expect(model.endpoints.apiServer).to.equal('https://10.0.40.20:6443');
    });

    it('takes an address from its entry, and the entries in any order', () => {
      const cluster = metalVariant(props => ({ ...props, machines: [...props.machines].reverse() }));
      expect(cluster.model().machine('cp-02').ip).to.equal('10.0.40.22');
    });

    it('fails when a tier sets firstIp, which a MetalCluster does not read', () => {
      const cluster = metalVariant(props => props);
      new KubeNodeTier(cluster, 'extra', { role: NodeRole.WORKER, count: 1, firstIp: 200, etcd: cluster.node.findChild('etcd') as EtcdPeerTier });
      expect(problemsOf(() => cluster.model())).to.include.members([
        "firstIp is set, but a MetalCluster does not read it: each machine has the address of its entry in the cluster's machines; expected it unset",
      ]);
    });

    it('uses the Flatcar profile when none is given, and keeps the hardware normalized', () => {
      const cluster = new MetalCluster({
        lanCidr: '10.0.40.0/24', gateway: '10.0.40.1', dnsServers: ['10.0.40.1'], sshAuthorizedKeys: [METAL_SSH_KEY],
        machines: [
          { name: 'etcd-01', mac: '52:54:00:AB:00:11', address: '10.0.40.11' },
          { name: 'node-01', mac: '52:54:00:AB:00:21', address: '10.0.40.21', installDisk: '/dev/disk/by-id/nvme-eui.0025388b91b0a5e1' },
          { name: 'node-02', mac: '52:54:00:AB:00:22', address: '10.0.40.22' },
        ],
      });
      const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 1 });
      new KubeNodeTier(cluster, 'node', { count: 2, etcd });
      expect(cluster.profile).to.equal(ClusterProfile.FLATCAR);
      expect(cluster.hardwareOf('etcd-01')).to.deep.equal({ mac: '52:54:00:ab:00:11', address: '10.0.40.11', installDisk: '/dev/sda' });
      expect(cluster.hardwareOf('node-01')!.installDisk).to.equal('/dev/disk/by-id/nvme-eui.0025388b91b0a5e1');
      expect(cluster.model().controlPlanes.map(cp => cp.hostname)).to.deep.equal(['node-01']);
    });

    it('renders the same bytes twice from the same PKI folder, with the final configs 0600 and the install configs 0644', () => {
      const pkiDir = metalPkiCopy();
      try {
        const render = () => metalVariant(props => ({ ...props, profile: ClusterProfile.flatcar({ pkiDir }) })).render().files;
        const [first, second] = [render(), render()];
        expect(second).to.deep.equal(first);
        const modes = Object.fromEntries(first.filter(file => file.path.startsWith('ignition/')).map(file => [file.path, file.mode.toString(8)]));
        expect(modes['ignition/cp-01.ign']).to.equal('600');
        expect(modes['ignition/cp-01-install.ign']).to.equal('644');
      } finally {
        fs.rmSync(pkiDir, { recursive: true, force: true });
      }
    });

    it('warns of nothing Vagrant warns of: no VirtualBox range on a LAN outside 192.168.56.0/21', () => {
      const pkiDir = metalPkiCopy();
      try {
        const cluster = metalVariant(props => ({ ...props, profile: ClusterProfile.flatcar({ pkiDir }) }));
        expect(cluster.render().manifest.warnings).to.deep.equal([]);
      } finally {
        fs.rmSync(pkiDir, { recursive: true, force: true });
      }
    });
  });

  describe('validation', () => {
    it('fails when a machine of the tiers has no hardware entry, naming it on its tier', () => {
      const cluster = metalVariant(props => ({ ...props, machines: props.machines.filter(m => m.name !== 'cp-02' && m.name !== 'worker-03') }));
      const error = (() => { try { cluster.synth(); } catch (e) { return e as ValidationError; } return undefined; })()!;
      expect(error).to.be.instanceOf(ValidationError);
      expect(error.problems.map(p => `[${p.constructPath}] ${p.message}`)).to.deep.equal([
        '[cluster/cp] cp-02 has no entry in the cluster\'s machines; expected { name: \'cp-02\', mac, address } for each machine of the tier',
        '[cluster/worker] worker-03 has no entry in the cluster\'s machines; expected { name: \'worker-03\', mac, address } for each machine of the tier',
      ]);
    });

    it('fails when an entry names no machine of the tiers, or repeats a name or a MAC', () => {
      const problems = problemsOf(() => metalVariant(props => ({
        ...props,
        machines: [
          ...props.machines,
          { name: 'worker-04', mac: '52:54:00:40:00:34', address: '10.0.40.34' },
          { name: 'etcd-01', mac: '52:54:00:40:00:99', address: '10.0.40.99' },
          { name: 'spare', mac: '52:54:00:40:00:11', address: '10.0.40.98' },
        ],
      })).model());
      expect(problems).to.deep.equal([
        'machines[9] is named worker-04, which no tier has; expected one of etcd-01, etcd-02, etcd-03, cp-01, cp-02, cp-03, worker-01, worker-02, worker-03',
        'machines[10] repeats the name etcd-01 of machines[0]; expected one entry per machine',
        'machines[11] is named spare, which no tier has; expected one of etcd-01, etcd-02, etcd-03, cp-01, cp-02, cp-03, worker-01, worker-02, worker-03',
        'machines[11].mac 52:54:00:40:00:11 is also the MAC of machines[0]; expected each NIC\'s own MAC',
      ]);
    });

    it('fails when a MAC is malformed or a multicast address, listing every problem with the bad value and the expected one', () => {
      const problems = problemsOf(() => metalVariant(props => ({
        ...props,
        machines: props.machines.map(m => (m.name === 'etcd-02' ? { ...m, mac: '52-54-00-40-00-12' }
          : m.name === 'etcd-03' ? { ...m, mac: '01:00:5e:00:00:13' } : m.name === 'cp-01' ? { ...m, mac: '52:54:00:40:0:21' } : m)),
      })).model());
      expect(problems).to.deep.equal([
        'machines[1].mac is "52-54-00-40-00-12"; expected six colon-separated hex octets, such as \'52:54:00:a1:9c:01\'',
        'machines[3].mac is "52:54:00:40:0:21"; expected six colon-separated hex octets, such as \'52:54:00:a1:9c:01\'',
        'machines[2].mac 01:00:5e:00:00:13 is a multicast address (the lowest bit of its first octet is set); expected the MAC of a NIC',
      ]);
    });

    it('fails when addresses are outside the LAN, or are its network, broadcast or gateway address', () => {
      const problems = problemsOf(() => metalVariant(props => ({
        ...props,
        machines: props.machines.map(m => (m.name === 'etcd-01' ? { ...m, address: '10.0.41.11' }
          : m.name === 'etcd-02' ? { ...m, address: '10.0.40.255' } : m.name === 'etcd-03' ? { ...m, address: '10.0.40.1' } : m)),
      })).model());
      expect(problems).to.deep.equal([
        'machines[0].address 10.0.41.11 is outside the LAN 10.0.40.0/24; expected a host address of the LAN 10.0.40.0/24, such as 10.0.40.1',
        'machines[1].address 10.0.40.255 is the broadcast address of 10.0.40.0/24; expected a host address of the LAN 10.0.40.0/24, such as 10.0.40.1',
        'machines[2].address 10.0.40.1 is the gateway\'s address; expected the machine\'s own address',
      ]);
    });

    it('fails when the gateway is outside the LAN, the LAN has host bits or is loopback, or the endpoint is the gateway', () => {
      expect(problemsOf(() => metalVariant(props => ({ ...props, gateway: '10.0.4.1' })).model())).to.deep.equal([
        'gateway 10.0.4.1 is outside the LAN 10.0.40.0/24; expected a host address of the LAN 10.0.40.0/24, such as 10.0.40.1',
      ]);
      expect(problemsOf(() => metalVariant(props => ({ ...props, controlPlaneEndpoint: '10.0.40.1' })).model())).to.deep.equal([
        'controlPlaneEndpoint 10.0.40.1 is the gateway\'s address; expected a free address of the LAN 10.0.40.0/24',
      ]);
      expect(problemsOf(() => metalVariant(props => ({ ...props, lanCidr: '10.0.40.1/24' })).model())).to.include(
        'lanCidr 10.0.40.1/24 has host bits set; expected the network address of the LAN (e.g. \'10.0.40.0/24\')');
      const loopback = problemsOf(() => metalVariant(props => ({
        ...props, lanCidr: '127.0.40.0/24', gateway: '127.0.40.1', dnsServers: ['127.0.0.53'], controlPlaneEndpoint: '127.0.40.20',
        machines: props.machines.map(m => ({ ...m, address: m.address.replace(/^10\./, '127.') })),
      })).model());
      expect(loopback).to.deep.equal([
        'lanCidr 127.0.40.0/24 overlaps 127.0.0.0/8, which is loopback; expected the network of your LAN, such as \'10.0.40.0/24\'',
        'dnsServers[0] 127.0.0.53 is not a server the machines can reach (a loopback or "this network" address); expected your LAN\'s DNS server, such as the gateway',
      ]);
    });

    it('fails when there are no SSH keys or no DNS servers, or a key is Vagrant\'s insecure key, or a disk is not an absolute /dev path', () => {
      const problems = problemsOf(() => metalVariant(props => ({
        ...props,
        sshAuthorizedKeys: [],
        dnsServers: [],
        machines: props.machines.map(m => (m.name === 'worker-01' ? { ...m, installDisk: 'sda' }
          : m.name === 'worker-02' ? { ...m, installDisk: '/dev/../etc/passwd' } : m.name === 'worker-03' ? { ...m, installDisk: '/dev/sd a' } : m)),
      })).model());
      expect(problems).to.deep.equal([
        'dnsServers is []; expected one or more DNS servers the machines use, such as [\'10.0.40.1\']: without them the kubelet and image downloads fail',
        'sshAuthorizedKeys is []; expected the public keys that may log in as core, at least one: real machines get no Vagrant key',
        'machines[6].installDisk is "sda"; expected an absolute /dev path, such as \'/dev/sda\' or \'/dev/disk/by-id/...\'',
        'machines[7].installDisk is "/dev/../etc/passwd"; expected an absolute /dev path, such as \'/dev/sda\' or \'/dev/disk/by-id/...\'',
        'machines[8].installDisk is "/dev/sd a"; expected an absolute /dev path, such as \'/dev/sda\' or \'/dev/disk/by-id/...\'',
      ]);
      expect(problemsOf(() => metalVariant(props => ({ ...props, sshAuthorizedKeys: [vagrantInsecureKey()] })).model())).to.deep.equal([
        'sshAuthorizedKeys[0] is Vagrant\'s insecure public key, which anyone has the private key of; expected a key of your own',
      ]);
      expect(problemsOf(() => metalVariant(props => ({ ...props, sshAuthorizedKeys: ['not a key'] })).model())).to.deep.equal([
        'sshAuthorizedKeys[0] is "not a key"; expected one OpenSSH public key line, such as the content of ~/.ssh/id_ed25519.pub',
      ]);
    });

    it('fails when required props are missing, or a Vagrant-only prop is given', () => {
      const problems = problemsOf(() => {
        const cluster = new MetalCluster({ prefix: '10.0.40' } as never);
        const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 1 });
        new KubeNodeTier(cluster, 'node', { count: 2, etcd });
        return cluster.model();
      });
      expect(problems).to.include.members([
        'has unknown key \'prefix\'; expected one of outdir, name, ipRange, serviceIpRange, kubernetesVersion, imageRepository, controlPlaneEndpoint, '
          + 'profile, lanCidr, gateway, dnsServers, sshAuthorizedKeys, matchboxUrl, machines',
        'lanCidr is missing; expected the LAN of the machines as an IPv4 CIDR, such as \'10.0.40.0/24\'',
        'gateway is missing; expected the LAN\'s default gateway, an IPv4 address such as \'10.0.40.1\'',
        'sshAuthorizedKeys is missing; expected the public keys that may log in as core, at least one: real machines get no Vagrant key',
        'machines is missing; expected one { name, mac, address } entry per machine of the tiers',
      ]);
    });

    it('fails when the profile is the classic one: its cloud-configs need coreos-cloudinit', () => {
      expect(problemsOf(() => metalVariant(props => ({ ...props, profile: ClusterProfile.CLASSIC, controlPlaneEndpoint: undefined })).model()))
        .to.include('profile classic does not run on a MetalCluster: its cloud-configs need coreos-cloudinit, which Flatcar keeps in maintenance '
          + 'mode, and real machines are set up by Ignition; expected ClusterProfile.FLATCAR or ClusterProfile.flatcar({ ... })');
    });

    it('fails when matchboxUrl is not an http(s) endpoint', () => {
      expect(problemsOf(() => metalVariant(props => ({ ...props, matchboxUrl: 'tftp://10.0.40.2/x' })).model())).to.deep.equal([
        'matchboxUrl is "tftp://10.0.40.2/x"; expected matchbox\'s HTTP endpoint as the machines reach it, such as \'http://10.0.40.2:8080\'',
      ]);
    });

    it('fails when matchboxUrl has a port outside 1-65535, or is no URL', () => {
      for (const [url, problem] of [
        ['http://10.0.40.2:99999', "matchboxUrl 'http://10.0.40.2:99999' has port 99999; expected the port matchbox listens on, from 1 to 65535"],
        ['http://10.0.40.256/', "matchboxUrl 'http://10.0.40.256/' is not a URL"],
        ['http://10.0.40.2:0', "matchboxUrl 'http://10.0.40.2:0' has port 0; expected the port matchbox listens on, from 1 to 65535"],
      ]) {
        expect(problemsOf(() => Testing.render(metalVariant(props => ({ ...props, matchboxUrl: url })))).join('\n'), url).to.contain(problem);
      }
      expect(Testing.render(metalVariant(props => ({ ...props, matchboxUrl: 'http://10.0.40.2:65535' })))['README.md']).to.contain('http://10.0.40.2:65535');
    });

    it('writes nothing when validation fails', () => {
      const cluster = metalVariant(props => ({ ...props, gateway: '10.9.9.9' }));
      expect(() => Testing.synth(cluster)).to.throw(ValidationError, /gateway 10\.9\.9\.9 is outside the LAN/);
    });
  });

  it('keeps the roles of its tiers: a MetalCluster takes the same tiers as a VagrantCluster', () => {
    const cluster = metalTree();
    const cp = cluster.tiers.find((tier): tier is KubeNodeTier => tier instanceof KubeNodeTier && tier.role === NodeRole.CONTROL_PLANE)!;
    expect(cp.controlPlanes.map(m => m.hostname)).to.deep.equal(['cp-01', 'cp-02', 'cp-03']);
  });
});
