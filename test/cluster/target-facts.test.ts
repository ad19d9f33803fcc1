// The target's facts on the model: each target says, once, what its machines are called, what
// its host network is, what the machines run and how to run a command on one; the profiles'
// parts of the runbook read them there.
import { expect } from 'chai';
import { defaultCluster } from '../../examples/default';
import { metalTree } from '../support/metal';

describe('the target\'s facts on the model', () => {
  it('are VirtualBox VMs of the profile\'s box on a host-only network, reached with vagrant ssh, on a VagrantCluster', () => {
    const model = defaultCluster().model();
    const { target } = model;
    expect(target.name).to.equal('Vagrant');
    expect(target.machineNoun).to.equal('VM');
    expect([target.hostNetworkKind, target.hostNetworkName]).to.deep.equal(['host-only', 'the host-only network']);
    expect(target.system).to.equal('CoreOS Container Linux, stable channel (box coreos-stable)');
    expect(target.targetFiles).to.equal('the Vagrantfile');
    expect(target.machinesStart).to.equal('Vagrant creates the 7 VMs');
    expect(target.configFileOf('user-data/<name>.yaml')).to.equal('user-data/<name>.yaml');
    expect(target.userDataDelivery('user-data/<name>.yaml'))
      .to.equal('uploads each one\'s `user-data/<name>.yaml` to `/var/lib/coreos-vagrant/vagrantfile-user-data`');
    expect(target.folderDelivery).to.equal('rsynced');
    expect(target.runOn(model.controlPlanes[0], 'fleetctl version')).to.equal('vagrant ssh node-01 -c \'fleetctl version\'');
    expect(target.runOn(model.controlPlanes[0], 'uptime')).to.equal('vagrant ssh node-01 -c uptime');
  });

  it('are machines on a LAN that boot the pinned Flatcar release, reached with ssh as core, on a MetalCluster', () => {
    const model = metalTree().model();
    const { target } = model;
    expect(target.name).to.equal('real machines');
    expect(target.machineNoun).to.equal('machine');
    expect([target.hostNetworkKind, target.hostNetworkName]).to.deep.equal(['LAN', 'the LAN']);
    expect(target.system).to.equal('Flatcar Container Linux 4593.2.5 (stable), installed by flatcar-install and set up on its first boot by Ignition (spec 3.3.0)');
    expect(target.targetFiles).to.equal('every machine\'s Ignition config');
    expect(target.machinesStart).to.equal('The 9 machines boot Flatcar from their disks');
    // The user-data the profile hands a machine reaches it inside its Ignition config.
    expect(target.configFileOf('cloud-config/<name>.yaml')).to.equal('ignition/<name>.ign');
    expect(target.userDataDelivery('cloud-config/<name>.yaml')).to.contain('`ignition/<name>.ign`').and.to.contain('`cloud-config/<name>.yaml`');
    expect(target.folderDelivery).to.equal('written by Ignition');
    expect(target.runOn(model.controlPlanes[0], 'journalctl -u apply-addons -f')).to.equal('ssh core@10.0.40.21 \'journalctl -u apply-addons -f\'');
  });

  it('cannot be changed once the model is read', () => {
    const model = defaultCluster().model();
    expect(Object.isFrozen(model.target)).to.equal(true);
    expect(() => { (model.target as { name: string }).name = 'elsewhere'; }).to.throw(TypeError);
  });
});
