import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { Construct } from 'constructs';
import {
  EtcdPeerTier, ExecCommand, FleetUnit, fleetMachine, HyperkubePod, KubeNodeTier, SystemdUnit, ValidationError, VagrantCluster, VagrantClusterProps,
} from '../../lib';
import { defaultCluster } from '../../examples/default';
import { snapshot, tempDir } from '../support/snapshot';

/** Expected problem: the construct path, then words its message must contain. */
type Expected = [constructPath: string, ...words: string[]];

interface BadInput {
  readonly name: string;
  readonly build: (outdir: string) => VagrantCluster;
  readonly problems: Expected[];
}

/** A seed-like cluster with some props replaced. */
function seed(outdir: string, props: Partial<VagrantClusterProps> = {}, tiers: { etcd?: object; node?: object } = {}): VagrantCluster {
  const cluster = new VagrantCluster({ outdir, ...props } as VagrantClusterProps);
  const etcd = new EtcdPeerTier(cluster, 'etcd', { ...tiers.etcd } as object);
  new KubeNodeTier(cluster, 'node', { etcd, ...tiers.node } as any);
  return cluster;
}

/** The seed cluster plus one construct added by the test. */
function seedWith(outdir: string, add: (nodes: KubeNodeTier) => void): VagrantCluster {
  const cluster = seed(outdir);
  add(cluster.node.findChild('node') as KubeNodeTier);
  return cluster;
}

/** The nodes of a tier as fleet sees them. */
const fleetOf = (tier: KubeNodeTier) => ({ fleetMachines: tier.nodes.map(fleetMachine) });

const unit = (description = 'x') => SystemdUnit.of(
  { name: 'Unit', directives: [['Description', description]] },
  { name: 'Service', directives: [['ExecStart', ExecCommand.of('/usr/bin/true')]] },
);
const pod = { image: 'gcr.io/google_containers/hyperkube:v1.1.7', folder: 'pods/extra' };
const container = { name: 'extra', component: 'proxy', flags: ['--master=http://127.0.0.1:8080'] };

const BAD_INPUTS: BadInput[] = [
  // cluster props
  { name: 'prefix has two octets', build: o => seed(o, { prefix: '10.10' }), problems: [['cluster', 'prefix', '"10.10"', 'three dotted octets']] },
  { name: 'prefix has an octet over 255', build: o => seed(o, { prefix: '10.10.256' }), problems: [['cluster', 'prefix', '"10.10.256"', 'three dotted octets']] },
  { name: 'prefix is a number', build: o => seed(o, { prefix: 10 as any }), problems: [['cluster', 'prefix', '10', 'three dotted octets']] },
  { name: 'prefix carries a Ruby interpolation', build: o => seed(o, { prefix: '10.10.#{`id`}' }), problems: [['cluster', 'prefix', '#{`id`}', 'three dotted octets']] },
  { name: 'ipRange is not a CIDR', build: o => seed(o, { ipRange: 'banana' }), problems: [['cluster', 'ipRange', '"banana"', 'IPv4 CIDR']] },
  { name: 'ipRange has host bits set', build: o => seed(o, { ipRange: '10.11.0.1/16' }), problems: [['cluster', 'ipRange 10.11.0.1/16', 'host bits', 'network address']] },
  { name: 'ipRange has a /33 mask', build: o => seed(o, { ipRange: '10.11.0.0/33' }), problems: [['cluster', 'ipRange', '10.11.0.0/33', 'IPv4 CIDR']] },
  { name: 'serviceIpRange equals ipRange (the seed\'s defect)', build: o => seed(o, { ipRange: '10.11.0.0/16', serviceIpRange: '10.11.0.0/16' }), problems: [['cluster', 'ipRange 10.11.0.0/16 overlaps serviceIpRange 10.11.0.0/16', 'disjoint']] },
  { name: 'serviceIpRange contains the host network', build: o => seed(o, { prefix: '10.12.0', serviceIpRange: '10.12.0.0/16' }), problems: [['cluster', 'host network 10.12.0.0/24 overlaps serviceIpRange 10.12.0.0/16']] },
  { name: 'ipRange contains the host network', build: o => seed(o, { ipRange: '10.0.0.0/8' }), problems: [['cluster', 'host network 10.10.10.0/24 overlaps ipRange 10.0.0.0/8'], ['cluster', 'ipRange 10.0.0.0/8 overlaps serviceIpRange 10.12.0.0/16']] },
  { name: 'kubernetesVersion is past the etcd2 era', build: o => seed(o, { kubernetesVersion: '1.13.0' }), problems: [['cluster', '1.13.0', 'etcd2 storage backend removed', '1.1.0 to 1.12.x']] },
  { name: 'kubernetesVersion is 1.x', build: o => seed(o, { kubernetesVersion: '1.x' }), problems: [['cluster', "'1.x'", 'not a release number', 'MAJOR.MINOR.PATCH']] },
  { name: 'kubernetesVersion has four parts', build: o => seed(o, { kubernetesVersion: 'v1.2.3.4' }), problems: [['cluster', "'v1.2.3.4'", 'not a release number']] },
  { name: 'kubernetesVersion is latest', build: o => seed(o, { kubernetesVersion: 'latest' }), problems: [['cluster', "'latest'", 'not a release number']] },
  { name: 'kubernetesVersion is 2.0.0', build: o => seed(o, { kubernetesVersion: '2.0.0' }), problems: [['cluster', '2.0.0', 'not supported', '1.1.0 to 1.12.x']] },
  { name: 'kubernetesVersion is 1.0.7', build: o => seed(o, { kubernetesVersion: '1.0.7' }), problems: [['cluster', '1.0.7', 'not supported']] },
  { name: 'kubernetesVersion is a number', build: o => seed(o, { kubernetesVersion: 1.1 as any }), problems: [['cluster', 'kubernetesVersion is 1.1', 'release number']] },
  { name: 'imageRepository has a space and capitals', build: o => seed(o, { imageRepository: 'My Registry/x' }), problems: [['cluster', 'imageRepository', '"My Registry/x"', 'registry path']] },
  { name: 'imageRepository carries a shell substitution', build: o => seed(o, { imageRepository: 'gcr.io/$(reboot)' }), problems: [['cluster', 'imageRepository', '$(reboot)', 'registry path']] },
  { name: 'a cluster prop is misspelled', build: o => seed(o, { prefx: '10.10.10' } as any), problems: [['cluster', "unknown key 'prefx'", 'prefix']] },
  // tier props
  { name: 'etcd count is 0', build: o => seed(o, {}, { etcd: { count: 0 } }), problems: [['cluster/etcd', 'count is 0', 'from 1 to 254']] },
  { name: 'etcd count is 1.5', build: o => seed(o, {}, { etcd: { count: 1.5 } }), problems: [['cluster/etcd', 'count is 1.5', 'whole number']] },
  { name: 'etcd count is a string', build: o => seed(o, {}, { etcd: { count: '3' } }), problems: [['cluster/etcd', 'count is "3"', 'whole number']] },
  { name: 'the node tier has only the master', build: o => seed(o, {}, { node: { count: 1 } }), problems: [['cluster/node', 'count 1 leaves no worker', 'node-01 is the control plane', 'at least 2 nodes']] },
  { name: 'node cpus is 0', build: o => seed(o, {}, { node: { cpus: 0 } }), problems: [['cluster/node', 'cpus is 0', 'from 1 to 64']] },
  { name: 'node cpus is 65', build: o => seed(o, {}, { node: { cpus: 65 } }), problems: [['cluster/node', 'cpus is 65', 'from 1 to 64']] },
  { name: 'node memoryMb is 64', build: o => seed(o, {}, { node: { memoryMb: 64 } }), problems: [['cluster/node', 'memoryMb is 64', 'from 128']] },
  { name: 'etcd firstIp is 0 (the network address)', build: o => seed(o, {}, { etcd: { firstIp: 0 } }), problems: [['cluster/etcd', 'firstIp is 0', 'from 1 to 254']] },
  { name: 'node firstIp is 255 (the broadcast address)', build: o => seed(o, {}, { node: { firstIp: 255 } }), problems: [['cluster/node', 'firstIp is 255', 'from 1 to 254']] },
  { name: 'the last node runs past .254', build: o => seed(o, {}, { node: { firstIp: 250, count: 10 } }), problems: [['cluster/node', 'firstIp 250 + count 10 runs past .254 of 10.10.10.0/24', '.259', 'lower firstIp or count']] },
  { name: 'a tier prop is misspelled', build: o => seed(o, {}, { node: { cnt: 4 } }), problems: [['cluster/node', "unknown key 'cnt'", 'count']] },
  { name: 'the node tier has no etcd tier', build: o => seed(o, {}, { node: { etcd: undefined } }), problems: [['cluster/node', 'etcd is missing', 'EtcdPeerTier']] },
  { name: 'the node tier\'s etcd is a plain object', build: o => seed(o, {}, { node: { etcd: { peers: [] } } }), problems: [['cluster/node', 'etcd is not an EtcdPeerTier']] },
  {
    name: 'the node tier uses the etcd tier of another cluster',
    build: o => {
      const other = new VagrantCluster();
      const cluster = new VagrantCluster({ outdir: o });
      new EtcdPeerTier(cluster, 'etcd');
      new KubeNodeTier(cluster, 'node', { etcd: new EtcdPeerTier(other, 'etcd') });
      return cluster;
    },
    problems: [['cluster/node', 'belongs to another cluster']],
  },
  { name: 'the etcd tier is given an etcd prop', build: o => seed(o, {}, { etcd: { etcd: {} } }), problems: [['cluster/etcd', 'etcd is a KubeNodeTier prop']] },
  {
    name: 'a tier id has capitals',
    build: o => { const c = new VagrantCluster({ outdir: o }); new KubeNodeTier(c, 'Node', { etcd: new EtcdPeerTier(c, 'etcd') }); return c; },
    problems: [['cluster/Node', "tier id 'Node'", "'Node-01'", 'DNS-1123']],
  },
  {
    name: 'a tier id has an underscore',
    build: o => { const c = new VagrantCluster({ outdir: o }); new KubeNodeTier(c, 'node_x', { etcd: new EtcdPeerTier(c, 'etcd') }); return c; },
    problems: [['cluster/node_x', "'node_x-01'", 'DNS-1123']],
  },
  {
    name: 'a tier id starts with a digit',
    build: o => { const c = new VagrantCluster({ outdir: o }); new KubeNodeTier(c, '1node', { etcd: new EtcdPeerTier(c, 'etcd') }); return c; },
    problems: [['cluster/1node', "'1node-01'", 'starting with a letter']],
  },
  // cross-construct rules
  { name: 'etcd and nodes start at the same address', build: o => seed(o, {}, { etcd: { firstIp: 100 }, node: { firstIp: 100 } }), problems: [['cluster', 'cluster/node/node-01 and cluster/etcd/etcd-01 both use 10.10.10.100'], ['cluster', 'node-02', '10.10.10.101'], ['cluster', 'node-03', '10.10.10.102']] },
  { name: 'etcd and node ranges overlap by one', build: o => seed(o, {}, { etcd: { firstIp: 98 } }), problems: [['cluster', 'cluster/node/node-01 and cluster/etcd/etcd-03 both use 10.10.10.100', 'one address per VM']] },
  { name: 'the cluster has no node tier', build: o => { const c = new VagrantCluster({ outdir: o }); new EtcdPeerTier(c, 'etcd'); return c; }, problems: [['cluster', 'has no KubeNodeTier', 'at least one node']] },
  { name: 'the cluster has no tiers at all', build: o => new VagrantCluster({ outdir: o }), problems: [['cluster', 'has no EtcdPeerTier'], ['cluster', 'has no KubeNodeTier']] },
  // the members head
  { name: 'a members row is short', build: o => VagrantCluster.fromMembers({ etcd: [3, 1], node: [4, 2, 2048, 100] } as any, { outdir: o }), problems: [['cluster', 'members: etcd is [3,1]', '[count, cpus, memoryMb, firstIp]']] },
  { name: 'the members head has no node row', build: o => VagrantCluster.fromMembers({ etcd: [3, 1, 256, 11] } as any, { outdir: o }), problems: [['cluster', "members: is missing 'node'"]] },
  { name: 'the members head has an extra row', build: o => VagrantCluster.fromMembers({ etcd: [3, 1, 256, 11], node: [4, 2, 2048, 100], master: [1, 1, 1, 1] } as any, { outdir: o }), problems: [['cluster', "members: has unknown key 'master'", 'etcd, node']] },
  { name: 'a members cell is a string', build: o => VagrantCluster.fromMembers({ etcd: [3, 1, 256, 11], node: ['4', 2, 2048, 100] } as any, { outdir: o }), problems: [['cluster', 'members: node[0] is "4"', 'count, a number'], ['cluster/node', 'count is "4"']] },
  // fleet units and pods that users add
  { name: 'a fleet unit matches no machine', build: o => seedWith(o, t => new FleetUnit(t, 'db', { unit: unit(), xFleet: { machineMetadata: ['kube=db'] }, machines: fleetOf(t) })), problems: [['cluster/node/db', 'kube=db matches no machine', 'db.service']] },
  { name: 'a non-global fleet unit matches four machines', build: o => seedWith(o, t => new FleetUnit(t, 'any', { unit: unit(), xFleet: { machineMetadata: ['core=node'] }, machines: fleetOf(t) })), problems: [['cluster/node/any', 'matches 4 machines', 'node-01, node-02, node-03, node-04', 'exactly one']] },
  { name: 'a global fleet unit also names MachineOf', build: o => seedWith(o, t => new FleetUnit(t, 'g', { unit: unit(), xFleet: { global: true, machineMetadata: ['kube=minion'], machineOf: 'x.service' }, machines: fleetOf(t) })), problems: [['cluster/node/g', 'Global=true goes only with MachineMetadata and Conflicts', 'MachineOf']] },
  { name: 'a fleet unit has Replaces with Conflicts', build: o => seedWith(o, t => new FleetUnit(t, 'r', { unit: unit(), xFleet: { machineMetadata: ['kube=master'], replaces: ['a.service'], conflicts: ['b.service'] }, machines: fleetOf(t) })), problems: [['cluster/node/r', 'Replaces goes with neither Global nor Conflicts']] },
  { name: 'a fleet unit description has a newline', build: o => seedWith(o, t => new FleetUnit(t, 'nl', { unit: unit('a\nExecStartPre=/bin/rm -rf /'), xFleet: { machineMetadata: ['kube=master'] }, machines: fleetOf(t) })), problems: [['cluster/node/nl', '[Unit] Description has a line break', 'expected one line']] },
  { name: 'a fleet unit\'s metadata is not key=value', build: o => seedWith(o, t => new FleetUnit(t, 'm', { unit: unit(), xFleet: { machineMetadata: ['kube'] }, machines: fleetOf(t) })), problems: [['cluster/node/m', 'xFleet.machineMetadata[0] is "kube"', 'key=value']] },
  { name: 'a fleet unit id has a space', build: o => seedWith(o, t => new FleetUnit(t, 'my unit', { unit: unit(), xFleet: { machineMetadata: ['kube=master'] }, machines: fleetOf(t) })), problems: [['cluster/node/my unit', "id 'my unit'", 'systemd unit name']] },
  { name: 'a fleet unit runs a relative program', build: o => seedWith(o, t => new FleetUnit(t, 'rel', { unit: SystemdUnit.of({ name: 'Service', directives: [['ExecStart', ExecCommand.of('kubelet')]] }), xFleet: { machineMetadata: ['kube=master'] }, machines: fleetOf(t) })), problems: [['cluster/node/rel', 'ExecStart runs "kubelet"', 'absolute program path']] },
  { name: 'a fleet unit has an unknown section', build: o => seedWith(o, t => new FleetUnit(t, 's', { unit: SystemdUnit.of({ name: 'Servce', directives: [['ExecStart', '/bin/true']] }), xFleet: { machineMetadata: ['kube=master'] }, machines: fleetOf(t) })), problems: [['cluster/node/s', 'section [Servce] is unknown', 'Service']] },
  { name: 'a second kubelet-master unit writes the same file', build: o => seedWith(o, t => new FleetUnit(new Construct(t, 'again'), 'kubelet-master', { unit: unit(), xFleet: { machineMetadata: ['kube=master'] }, machines: fleetOf(t) })), problems: [['cluster/node/again/kubelet-master', 'writes kube/kubelet-master.service, which cluster/node/kubelet-master writes too']] },
  { name: 'a pod has no containers', build: o => seedWith(o, t => new HyperkubePod(t, 'empty', { ...pod, containers: [] })), problems: [['cluster/node/empty', 'containers is []', 'at least one container']] },
  { name: 'a container name has capitals', build: o => seedWith(o, t => new HyperkubePod(t, 'p1', { ...pod, containers: [{ ...container, name: 'API_Server' }] })), problems: [['cluster/node/p1', 'containers[0].name is "API_Server"', 'DNS-1123 label']] },
  { name: 'a flag has no leading dashes', build: o => seedWith(o, t => new HyperkubePod(t, 'p2', { ...pod, containers: [{ ...container, flags: ['master=x'] }] })), problems: [['cluster/node/p2', 'containers[0].flags[0] is "master=x"', "'--master=http://127.0.0.1:8080'"]] },
  { name: 'a flag has a newline', build: o => seedWith(o, t => new HyperkubePod(t, 'p3', { ...pod, containers: [{ ...container, flags: ['--a=b\n--c'] }] })), problems: [['cluster/node/p3', 'containers[0].flags[0]', 'one line']] },
  { name: 'two containers share a name', build: o => seedWith(o, t => new HyperkubePod(t, 'p4', { ...pod, containers: [container, container] })), problems: [['cluster/node/p4', 'container name extra is used twice']] },
  { name: 'a pod id is not a DNS-1123 subdomain', build: o => seedWith(o, t => new HyperkubePod(t, 'Kube_Extra', { ...pod, containers: [container] })), problems: [['cluster/node/Kube_Extra', "id 'Kube_Extra'", 'DNS-1123 subdomain']] },
  // several at once
  {
    name: 'several props are wrong at once',
    build: o => seed(o, { prefix: '10.10', kubernetesVersion: 'latest' }, { etcd: { count: 0 }, node: { cpus: 0, memoryMb: 1 } }),
    problems: [['cluster', 'prefix'], ['cluster', 'latest'], ['cluster/etcd', 'count is 0'], ['cluster/node', 'cpus is 0'], ['cluster/node', 'memoryMb is 1']],
  },
];

describe('bad inputs', () => {
  let outdir: string;
  let original: Record<string, string>;
  let parent: string;

  before(() => {
    parent = tempDir();
    outdir = path.join(parent, 'out');
    defaultCluster(outdir).synth();
    fs.mkdirSync(path.join(outdir, '.vagrant'));
    fs.writeFileSync(path.join(outdir, '.vagrant', 'state'), 'machine state\n');
    original = snapshot(outdir);
  });
  after(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('has at least 40 cases', () => {
    expect(BAD_INPUTS.length).to.be.at.least(40);
  });

  for (const input of BAD_INPUTS) {
    it(`fails when ${input.name}`, () => {
      const cluster = input.build(outdir);
      let error: unknown;
      try {
        cluster.synth();
      } catch (e) {
        error = e;
      }
      expect(error, 'synth must throw').to.be.instanceOf(ValidationError);
      const problems = (error as ValidationError).problems;
      const lines = problems.map(p => `[${p.constructPath}] ${p.message}`);
      for (const [constructPath, ...words] of input.problems) {
        const match = problems.find(p => p.constructPath === constructPath && words.every(w => p.message.includes(w)));
        expect(match, `expected a problem at [${constructPath}] with ${JSON.stringify(words)}; got:\n${lines.join('\n')}`).to.not.equal(undefined);
      }
      expect(lines, 'every problem of the input, and only those').to.have.length(input.problems.length);
      expect((error as Error).message).to.contain(lines.join('\n'));
      expect(snapshot(outdir), 'the previous output must stay byte for byte').to.deep.equal(original);
    });
  }
});
