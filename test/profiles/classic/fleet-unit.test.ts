import { expect } from 'chai';
import { EtcdPeerTier, ExecCommand, FleetUnit, KubeNodeTier, SystemdUnit, Testing, VagrantCluster } from '../../../lib';
import { FleetMachine, fleetMachine } from '../../../lib/profiles/classic/fleet-metadata';

describe('FleetUnit', () => {
  it('reads a machines source at synth, so that machines added after the unit count', () => {
    const cluster = new VagrantCluster({ outdir: 'unused' });
    const nodes = new KubeNodeTier(cluster, 'node', { etcd: new EtcdPeerTier(cluster, 'etcd') });
    const fleetMachines: FleetMachine[] = [];
    const unit = SystemdUnit.of({ name: 'Service', directives: [['ExecStart', ExecCommand.of('/usr/bin/true')]] });
    new FleetUnit(nodes, 'probe', { unit, xFleet: { machineMetadata: ['kube=master'] }, machines: { get fleetMachines() { return fleetMachines; } } });
    fleetMachines.push(...nodes.nodes.map(fleetMachine));
    expect(Testing.render(cluster)).to.have.property('kube/probe.service');
  });
});
