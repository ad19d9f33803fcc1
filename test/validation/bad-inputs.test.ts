import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { ApiObject, ApiObjectProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Addon, CloudConfig, ClusterProfile, EtcdPeerTier, ExecCommand, FleetUnit, HyperkubePod, KubeNodeTier, NodeRole, NodeTaint, StaticPod, SystemdUnit, Testing, ValidationError, VagrantCluster, VagrantClusterProps,
} from '../../lib';
import { fleetMachine } from '../../lib/profiles/classic/fleet-metadata';
import { defaultCluster } from '../../examples/default';
import { controlPlanePool, flatcarProps, pkiDirBeside, poolCluster, workerPool } from '../support/node-pools';
import { snapshot, tempDir } from '../support/snapshot';

/** Expected problem: the construct path, then words its message must contain. */
type Expected = [constructPath: string, ...words: string[]];

interface BadInput {
  readonly name: string;
  /** Builds the cluster; it may throw the ValidationError itself, for what the tree cannot hold (a second child with the same id). */
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

/** The seed cluster plus add-ons of these raw objects, by id. */
function seedWithAddons(outdir: string, addons: Record<string, object[]>): VagrantCluster {
  const cluster = seed(outdir);
  for (const [id, objects] of Object.entries(addons)) {
    new Addon(cluster, id, chart => objects.forEach((object, index) => new ApiObject(chart, `o${index}`, object as ApiObjectProps)));
  }
  return cluster;
}

/** A ConfigMap of the default namespace (none written). */
const configMap = (name: string, data: Record<string, string> = { a: '1' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

/** The nodes of a tier as fleet sees them. */
const fleetOf = (tier: KubeNodeTier) => ({ fleetMachines: tier.nodes.map(fleetMachine) });

const unit = (description = 'x') => SystemdUnit.of(
  { name: 'Unit', directives: [['Description', description]] },
  { name: 'Service', directives: [['ExecStart', ExecCommand.of('/usr/bin/true')]] },
);
const pod = { image: 'gcr.io/google_containers/hyperkube:v1.1.7', folder: 'pods/extra' };
const container = { name: 'extra', component: 'proxy', flags: ['--master=http://127.0.0.1:8080'] };
const staticContainer = { name: 'web', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53' };
const staticPod = { folder: 'pods/extra', containers: [staticContainer] };

/** A classic cluster of a control plane and a worker pool with these labels (or taints) on the worker pool, on a release. */
const classicPools = (o: string, kubernetesVersion: string, worker: object) =>
  poolCluster({ outdir: o, kubernetesVersion }, [controlPlanePool(1), workerPool('worker', 2, worker)]);

/** A Flatcar cluster (its PKI folder beside the output) of a control plane and a worker pool with these props. */
const flatcarPools = (o: string, worker: object = {}, props: Partial<VagrantClusterProps> = {}) =>
  poolCluster(flatcarProps(o, {}, props), [controlPlanePool(1), workerPool('worker', 2, worker)]);

/** A Flatcar cluster of three control planes behind `endpoint` and two workers. */
const flatcarHa = (o: string, endpoint?: unknown) =>
  poolCluster(flatcarProps(o, {}, { controlPlaneEndpoint: endpoint as string }), [controlPlanePool(3), workerPool('worker')]);

/** Taints of a pool. */
const taints = (...list: object[]) => ({ taints: list as NodeTaint[] });

const BAD_INPUTS: BadInput[] = [
  // cluster props
  { name: 'prefix has two octets', build: o => seed(o, { prefix: '10.10' }), problems: [['cluster', 'prefix', '"10.10"', 'three dotted octets']] },
  { name: 'prefix has an octet over 255', build: o => seed(o, { prefix: '10.10.256' }), problems: [['cluster', 'prefix', '"10.10.256"', 'three dotted octets']] },
  { name: 'prefix is a number', build: o => seed(o, { prefix: 10 as any }), problems: [['cluster', 'prefix', '10', 'three dotted octets']] },
  { name: 'prefix carries a Ruby interpolation', build: o => seed(o, { prefix: '10.10.#{`id`}' }), problems: [['cluster', 'prefix', '#{`id`}', 'three dotted octets']] },
  // values that throw when printed (an object without toString, a symbol): each is a problem, never a TypeError
  { name: 'prefix is an object without toString', build: o => seed(o, { prefix: { toString: undefined } as any }), problems: [['cluster', 'prefix', '{}', 'three dotted octets']] },
  { name: 'ipRange is a symbol', build: o => seed(o, { ipRange: Symbol('range') as any }), problems: [['cluster', 'ipRange', 'Symbol(range)']] },
  { name: 'serviceIpRange is an object with a prototype of null', build: o => seed(o, { serviceIpRange: Object.create(null) }), problems: [['cluster', 'serviceIpRange', '{}']] },
  { name: 'ipRange is not a CIDR', build: o => seed(o, { ipRange: 'banana' }), problems: [['cluster', 'ipRange', '"banana"', 'IPv4 CIDR']] },
  { name: 'ipRange has host bits set', build: o => seed(o, { ipRange: '10.11.0.1/16' }), problems: [['cluster', 'ipRange 10.11.0.1/16', 'host bits', 'network address']] },
  { name: 'ipRange has a /33 mask', build: o => seed(o, { ipRange: '10.11.0.0/33' }), problems: [['cluster', 'ipRange', '10.11.0.0/33', 'IPv4 CIDR']] },
  { name: 'serviceIpRange equals ipRange (the seed\'s defect)', build: o => seed(o, { ipRange: '10.11.0.0/16', serviceIpRange: '10.11.0.0/16' }), problems: [['cluster', 'ipRange 10.11.0.0/16 overlaps serviceIpRange 10.11.0.0/16', 'disjoint']] },
  { name: 'serviceIpRange contains the host network', build: o => seed(o, { prefix: '10.12.0', serviceIpRange: '10.12.0.0/16' }), problems: [['cluster', 'host network 10.12.0.0/24 overlaps serviceIpRange 10.12.0.0/16']] },
  { name: 'ipRange contains the host network', build: o => seed(o, { ipRange: '10.0.0.0/8' }), problems: [['cluster', 'host network 10.10.10.0/24 overlaps ipRange 10.0.0.0/8'], ['cluster', 'ipRange 10.0.0.0/8 overlaps serviceIpRange 10.12.0.0/16'], ['cluster', 'ipRange 10.0.0.0/8 overlaps VirtualBox\'s NAT network']] },
  // networks no VM, pod or service can use (lib/cluster/ipv4.ts SPECIAL_PURPOSE_BLOCKS, VIRTUALBOX_NAT_NETWORK)
  { name: 'prefix is in 0.0.0.0/8 ("this network")', build: o => seed(o, { prefix: '0.0.0' }), problems: [['cluster', 'host network 0.0.0.0/24 overlaps 0.0.0.0/8', '"this network"', 'never assigned to an interface', "'192.168.56.0/24'"]] },
  { name: 'prefix is multicast (224.0.0.0/4)', build: o => seed(o, { prefix: '239.1.2' }), problems: [['cluster', 'host network 239.1.2.0/24 overlaps 224.0.0.0/4', 'multicast', 'RFC 5771']] },
  { name: 'prefix is in the reserved 240.0.0.0/4', build: o => seed(o, { prefix: '250.0.0' }), problems: [['cluster', 'host network 250.0.0.0/24 overlaps 240.0.0.0/4', 'reserved', 'RFC 1112']] },
  { name: 'prefix is VirtualBox\'s NAT network 10.0.2', build: o => seed(o, { prefix: '10.0.2' }), problems: [['cluster', 'prefix 10.0.2 (host network 10.0.2.0/24) overlaps VirtualBox\'s NAT network 10.0.2.0/24', 'eth0', '10.0.2.2']] },
  { name: 'ipRange covers VirtualBox\'s NAT network', build: o => seed(o, { ipRange: '10.0.0.0/16' }), problems: [['cluster', 'ipRange 10.0.0.0/16 overlaps VirtualBox\'s NAT network 10.0.2.0/24', 'gateway']] },
  { name: 'ipRange is loopback', build: o => seed(o, { ipRange: '127.16.0.0/16' }), problems: [['cluster', 'ipRange 127.16.0.0/16 overlaps 127.0.0.0/8, the loopback block', 'delivers its addresses to itself', "'10.11.0.0/16'"]] },
  { name: 'serviceIpRange is multicast', build: o => seed(o, { serviceIpRange: '224.12.0.0/16' }), problems: [['cluster', 'serviceIpRange 224.12.0.0/16 overlaps 224.0.0.0/4, the multicast block']] },
  { name: 'serviceIpRange is a /31, with no first host address for the kubernetes Service', build: o => seed(o, { serviceIpRange: '10.12.0.0/31' }), problems: [['cluster', 'serviceIpRange 10.12.0.0/31 has no first host address for the kubernetes Service', '/30 or larger']] },
  // pod and service ranges too small (or too large) for what the profile allocates from them
  { name: 'the classic ipRange is a /23: flannel has one /24 to lease, for 4 nodes', build: o => seed(o, { ipRange: '10.11.0.0/23' }), problems: [['cluster', 'ipRange 10.11.0.0/23 gives flannel 1 subnet(s) of /24', 'never leases the first', '4 nodes', '/21 or larger']] },
  { name: 'the classic ipRange is a /22: flannel has three /24 to lease, for 4 nodes', build: o => seed(o, { ipRange: '10.11.0.0/22' }), problems: [['cluster', 'ipRange 10.11.0.0/22 gives flannel 3 subnet(s) of /24', '4 nodes', '/21 or larger']] },
  { name: 'the Flatcar ipRange is larger than /8', build: o => flatcarPools(o, {}, { ipRange: '12.0.0.0/7' }), problems: [['cluster', 'ipRange 12.0.0.0/7 is larger than /8', 'controller-manager', '/8 or smaller']] },
  { name: 'the Flatcar serviceIpRange is a /29, without the 10th address for cluster DNS', build: o => flatcarPools(o, {}, { serviceIpRange: '10.96.0.0/29' }), problems: [['cluster', 'serviceIpRange 10.96.0.0/29 has no room for the cluster DNS Service', '10.96.0.10, which lies outside it', '/28 or larger']] },
  { name: 'the Flatcar serviceIpRange is larger than /12', build: o => flatcarPools(o, {}, { serviceIpRange: '172.0.0.0/11' }), problems: [['cluster', 'serviceIpRange 172.0.0.0/11 is larger than /12', 'API server refuses', '2^20 addresses']] },
  { name: 'a Flatcar profile option has a getter that throws', build: o => poolCluster({ outdir: o, profile: ClusterProfile.flatcar(Object.defineProperty({}, 'pkiDir', { enumerable: true, get: () => { throw new Error('boom'); } })) }, [controlPlanePool(1), workerPool('worker', 2)]), problems: [['cluster', "profile option pkiDir can't be read (boom)", 'plain data']] },
  { name: 'a classic profile option is a revoked proxy', build: o => seed(o, { profile: ClusterProfile.classic((() => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy as any; })()) }), problems: [['cluster', "the profile options can't be read", 'plain data']] },
  { name: 'the Flatcar profile options refer back to themselves', build: o => { const options: any = { regeneratePki: false }; options.self = options; return poolCluster({ outdir: o, profile: ClusterProfile.flatcar(options) }, [controlPlanePool(1), workerPool('worker', 2)]); }, problems: [['cluster', 'profile option self refers back to the options themselves', 'without cycles']] },
  { name: 'the Flatcar imageRepository is a symbol', build: o => flatcarPools(o, {}, { imageRepository: Symbol('registry') as any }), problems: [['cluster', 'imageRepository is Symbol(registry)']] },
  {
    name: 'a Flatcar kubernetesVersion without a release, beside other profile problems',
    build: o => poolCluster(flatcarProps(o, { pkiDir: `${o}/pki`, addons: { ingress: 'nginx' as any } }, { kubernetesVersion: '1.31.0' }), [controlPlanePool(1), workerPool('worker', 2)]),
    problems: [['cluster', '1.31.0'], ['cluster', "addons.ingress 'nginx'"], ['cluster', 'pkiDir']],
  },
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
  // tier ids taken at the root of the output tree (test/cluster/output-ids.test.ts finds them all)
  { name: 'a Flatcar node tier is called pki, the id of the cluster\'s PKI', build: o => poolCluster(flatcarProps(o), [{ id: 'pki', count: 2 }]), problems: [['cluster/pki', "tier id 'pki' is taken in the output tree", "the flatcar profile puts the cluster's PKI there", "'pki-nodes'"]] },
  { name: 'the Flatcar etcd tier is called flannel, the id of a built-in add-on', build: o => { const c = new VagrantCluster(flatcarProps(o)); new KubeNodeTier(c, 'node', { count: 2, firstIp: 21, etcd: new EtcdPeerTier(c, 'flannel') }); return c; }, problems: [['cluster/flannel', "tier id 'flannel' is taken", 'built-in add-on flannel']] },
  { name: 'a classic node tier is called runbook, the id of the runbook\'s README.md', build: o => { const c = new VagrantCluster({ outdir: o }); new KubeNodeTier(c, 'runbook', { etcd: new EtcdPeerTier(c, 'etcd') }); return c; }, problems: [['cluster/runbook', "tier id 'runbook' is taken", 'the runbook puts README.md there']] },
  { name: 'a classic node tier is called verify-script', build: o => { const c = new VagrantCluster({ outdir: o }); new KubeNodeTier(c, 'verify-script', { etcd: new EtcdPeerTier(c, 'etcd') }); return c; }, problems: [['cluster/verify-script', "tier id 'verify-script' is taken", 'verify.sh']] },
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
  { name: 'a fleet unit\'s machine is null', build: o => seedWith(o, t => new FleetUnit(t, 'db', { unit: unit(), xFleet: { machineMetadata: ['kube=master'] }, machines: { fleetMachines: [null as any] } })), problems: [['cluster/node/db', 'machines.fleetMachines[0] is null', 'a fleet machine']] },
  {
    name: 'a fleet unit\'s machine throws when read at synth',
    build: o => seedWith(o, t => {
      const machine = Object.defineProperty({ hostname: 'node-01' }, 'metadata', { enumerable: true, get: () => { throw new Error('not now'); } });
      new FleetUnit(t, 'db', { unit: unit(), xFleet: { machineMetadata: ['kube=master'] }, machines: { fleetMachines: [machine as any] } });
    }),
    problems: [['cluster/node/db', "machines.fleetMachines[0].metadata can't be read (not now)"]],
  },
  {
    name: 'a fleet unit\'s directive value is a number, its section is null, its command has a number argument',
    build: o => seedWith(o, t => new FleetUnit(t, 'db', {
      unit: SystemdUnit.of({ name: 'Service', directives: [['RestartSec', 10 as any], ['ExecStart', ExecCommand.of('/usr/bin/sleep', 5 as any)]] }, null as any),
      xFleet: { machineMetadata: ['kube=master'] },
      machines: fleetOf(t),
    })),
    problems: [
      ['cluster/node/db', "[Service] RestartSec is 10; expected a string (quote it: '10') or an ExecCommand"],
      ['cluster/node/db', '[Service] ExecStart runs "/usr/bin/sleep" with [5]; expected a program and arguments that are strings'],
      ['cluster/node/db', 'section 2 is null; expected'],
    ],
  },
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
  // the image references of a HyperkubePod, by the grammar the runtime parses them with (lib/cluster/image-reference.ts)
  { name: 'a HyperkubePod image has no tag', build: o => seedWith(o, t => new HyperkubePod(t, 'p5', { ...pod, image: 'gcr.io/google_containers/hyperkube', containers: [container] })), problems: [['cluster/node/p5', 'image "gcr.io/google_containers/hyperkube" has no tag or digest', "'registry.k8s.io/etcd:3.6.9-0'"]] },
  { name: 'a HyperkubePod image has capitals in its path', build: o => seedWith(o, t => new HyperkubePod(t, 'p6', { ...pod, image: 'gcr.io/Google/hyperkube:v1.1.7', containers: [container] })), problems: [['cluster/node/p6', 'image "gcr.io/Google/hyperkube:v1.1.7" has capitals in its repository path']] },
  { name: 'a HyperkubePod container image is an option', build: o => seedWith(o, t => new HyperkubePod(t, 'p7', { ...pod, containers: [{ ...container, image: '--privileged' }] })), problems: [['cluster/node/p7', 'containers[0].image "--privileged"', "starts with '-'"]] },
  { name: 'a HyperkubePod image has a sha512 digest', build: o => seedWith(o, t => new HyperkubePod(t, 'p8', { ...pod, image: `gcr.io/google_containers/hyperkube@sha512:${'a'.repeat(128)}`, containers: [container] })), problems: [['cluster/node/p8', "digest of algorithm 'sha512'", 'sha256']] },
  // props that are not there at all: the missing required props, not a TypeError
  { name: 'a HyperkubePod is given null props', build: o => seedWith(o, t => new HyperkubePod(t, 'p9', null as any)), problems: [['cluster/node/p9', "is missing 'image'"]] },
  { name: 'a HyperkubePod is given no props', build: o => seedWith(o, t => new HyperkubePod(t, 'p9', undefined as any)), problems: [['cluster/node/p9', "is missing 'image'"]] },
  { name: 'a HyperkubePod container\'s flags are a number', build: o => seedWith(o, t => new HyperkubePod(t, 'p10', { ...pod, containers: [{ ...container, flags: 3 as any }] })), problems: [['cluster/node/p10', 'containers[0].flags is 3']] },
  { name: 'a FleetUnit is given null props', build: o => seedWith(o, t => new FleetUnit(t, 'u', null as any)), problems: [['cluster/node/u', "is missing 'unit'"]] },
  { name: 'a FleetUnit\'s unit is a plain object', build: o => seedWith(o, t => new FleetUnit(t, 'u', { unit: { sections: [] } as any, xFleet: { machineMetadata: ['kube=master'] }, machines: fleetOf(t) })), problems: [['cluster/node/u', 'unit is {"sections":[]}', 'expected a SystemdUnit']] },
  { name: 'a FleetUnit\'s machines have no fleetMachines', build: o => seedWith(o, t => new FleetUnit(t, 'u', { unit: unit(), xFleet: { machineMetadata: ['kube=master'] }, machines: {} as any })), problems: [['cluster/node/u', 'machines.fleetMachines is undefined', 'the node tier']] },
  { name: 'a FleetUnit is given no props', build: o => seedWith(o, t => new FleetUnit(t, 'u', undefined as any)), problems: [['cluster/node/u', "is missing 'unit'"]] },
  { name: 'a CloudConfig is given null props', build: o => seedWith(o, t => new CloudConfig(new Construct(t, 'extra'), 'user-data', null as any)), problems: [['cluster/node/extra/user-data', "is missing 'filePath'"]] },
  { name: 'a CloudConfig is given no props', build: o => seedWith(o, t => new CloudConfig(new Construct(t, 'extra'), 'user-data', undefined as any)), problems: [['cluster/node/extra/user-data', "is missing 'filePath'"]] },
  { name: 'a CloudConfig\'s config holds a number that is not whole', build: o => seedWith(o, t => new CloudConfig(new Construct(t, 'extra'), 'user-data', { filePath: 'extra/user-data.yaml', config: { hostname: 'extra', write_files: [{ path: '/etc/x', permissions: 420.5 as any, content: 'on' }] } })), problems: [['cluster/node/extra/user-data', 'config.write_files[0].permissions is the number 420.5', 'an integer']] },
  { name: 'a CloudConfig\'s config holds a Date', build: o => seedWith(o, t => new CloudConfig(new Construct(t, 'extra'), 'user-data', { filePath: 'extra/user-data.yaml', config: { hostname: 'extra', write_files: [{ path: '/etc/x', content: new Date(0) as any }] } })), problems: [['cluster/node/extra/user-data', 'config.write_files[0].content is a Date "1970-01-01T00:00:00.000Z"', 'plain object']] },
  { name: 'a CloudConfig\'s config holds a function', build: o => seedWith(o, t => new CloudConfig(new Construct(t, 'extra'), 'user-data', { filePath: 'extra/user-data.yaml', config: { hostname: (() => 'extra') as any } })), problems: [['cluster/node/extra/user-data', 'config.hostname is a function', 'JSON and YAML cannot hold']] },
  {
    name: 'a VagrantCluster prop has a getter that throws',
    build: o => {
      const cluster = new VagrantCluster(Object.defineProperty({ outdir: o }, 'prefix', { enumerable: true, get: () => { throw new Error('not now'); } }) as VagrantClusterProps);
      new KubeNodeTier(cluster, 'node', { etcd: new EtcdPeerTier(cluster, 'etcd') });
      return cluster;
    },
    problems: [['cluster', "prefix can't be read (not now)", 'plain data']],
  },
  {
    name: 'a VagrantCluster prop throws when read, and another prop is bad: both are reported',
    build: o => {
      const props = Object.defineProperty({ outdir: o, ipRange: 'banana' }, 'prefix', { enumerable: true, get: () => { throw new Error('not now'); } });
      const cluster = new VagrantCluster(props as VagrantClusterProps);
      new KubeNodeTier(cluster, 'node', { etcd: new EtcdPeerTier(cluster, 'etcd') });
      return cluster;
    },
    problems: [['cluster', "prefix can't be read (not now)"], ['cluster', 'ipRange', '"banana"', 'IPv4 CIDR']],
  },
  {
    name: 'a CloudConfig\'s config refers to itself',
    build: o => seedWith(o, t => { const config: any = { hostname: 'extra' }; config.write_files = [{ path: '/etc/x', content: config }]; new CloudConfig(new Construct(t, 'extra'), 'user-data', { filePath: 'extra/user-data.yaml', config }); }),
    problems: [['cluster/node/extra/user-data', 'config.write_files[0].content refers back to config', 'without cycles']],
  },
  {
    name: 'a KubeNodeTier\'s label has a getter that throws',
    build: o => seed(o, {}, { node: { labels: Object.defineProperty({}, 'team', { enumerable: true, get: () => { throw new Error('not now'); } }) } }),
    problems: [['cluster/node', "labels.team can't be read (not now)", 'plain data']],
  },
  {
    name: 'a StaticPod\'s container is a revoked proxy',
    build: o => seedWith(o, t => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); new StaticPod(t, 'extra', { folder: 'pods/extra', containers: [proxy as any] }); }),
    problems: [['cluster/node/extra', "containers[0] can't be read", 'revoked']],
  },
  { name: 'a CloudConfig\'s path differs from another file\'s only in case', build: o => seedWith(o, t => new CloudConfig(new Construct(t, 'extra'), 'user-data', { filePath: 'user-data/Node-01.yaml', config: { hostname: 'extra' } })), problems: [['cluster/node/extra/user-data', 'writes user-data/Node-01.yaml, which differs only in case or Unicode normalization from user-data/node-01.yaml', 'case-insensitive file system']] },
  { name: 'a CloudConfig\'s path is the folder of other files', build: o => seedWith(o, t => new CloudConfig(new Construct(t, 'extra'), 'user-data', { filePath: 'kube', config: { hostname: 'extra' } })), problems: [['cluster/node/extra/user-data', 'writes kube, which is a folder of kube/', 'not a folder of another file']] },
  { name: 'a CloudConfig\'s path is inside another file', build: o => seedWith(o, t => new CloudConfig(new Construct(t, 'extra'), 'user-data', { filePath: 'Vagrantfile/extra.yaml', config: { hostname: 'extra' } })), problems: [['cluster/Vagrantfile', 'writes Vagrantfile, which is a folder of Vagrantfile/extra.yaml of cluster/node/extra/user-data', 'not a folder of another file']] },
  { name: 'a CloudConfig\'s path is inside manifest.json', build: o => seedWith(o, t => new CloudConfig(new Construct(t, 'extra'), 'user-data', { filePath: 'manifest.json/extra.yaml', config: { hostname: 'extra' } })), problems: [['cluster/node/extra/user-data', 'writes manifest.json/extra.yaml, inside manifest.json, which synth writes itself']] },
  { name: 'a StaticPod\'s folder is a symbol', build: o => seedWith(o, t => new StaticPod(t, 'extra', { folder: Symbol('pods') as any, containers: [staticContainer] })), problems: [['cluster/node/extra', 'folder is Symbol(pods)']] },
  { name: 'a HyperkubePod\'s folder is an object without toString', build: o => seedWith(o, t => new HyperkubePod(t, 'p11', { ...pod, folder: { toString: undefined } as any, containers: [container] })), problems: [['cluster/node/p11', 'folder is {}']] },
  { name: 'a FleetUnit\'s folder is a symbol', build: o => seedWith(o, t => new FleetUnit(t, 'u', { unit: unit(), xFleet: { machineMetadata: ['kube=master'] }, machines: fleetOf(t), folder: Symbol('kube') as any })), problems: [['cluster/node/u', 'folder is Symbol(kube)']] },
  // two constructs with the same id in one scope: refused when the second is made, with the path and the id
  {
    name: 'two KubeNodeTiers have the same id',
    build: o => { const c = seed(o); new KubeNodeTier(c, 'node', { etcd: c.node.findChild('etcd') as EtcdPeerTier }); return c; },
    problems: [['cluster/node', "id 'node' is already taken: cluster has a KubeNodeTier with that id, so a KubeNodeTier cannot have it too", "such as 'node-2'"]],
  },
  {
    name: 'an EtcdPeerTier takes the id of the node tier',
    build: o => { const c = seed(o); new EtcdPeerTier(c, 'node'); return c; },
    problems: [['cluster/node', "id 'node' is already taken: cluster has a KubeNodeTier with that id, so an EtcdPeerTier cannot have it too"]],
  },
  {
    name: 'two Addons have the same id',
    build: o => seedWith(o, t => { const c = t.node.scope as Construct; new Addon(c, 'x', () => undefined); new Addon(c, 'x', () => undefined); }),
    problems: [['cluster/x', "id 'x' is already taken: cluster has an Addon with that id", "such as 'x-2'"]],
  },
  {
    name: 'two StaticPods have the same id',
    build: o => seedWith(o, t => { new StaticPod(t, 'sp', staticPod); new StaticPod(t, 'sp', staticPod); }),
    problems: [['cluster/node/sp', "id 'sp' is already taken: cluster/node has a StaticPod with that id"]],
  },
  {
    name: 'a FleetUnit takes the id of a HyperkubePod',
    build: o => seedWith(o, t => { new HyperkubePod(t, 'extra', { ...pod, containers: [container] }); new FleetUnit(t, 'extra', { unit: unit(), xFleet: { machineMetadata: ['kube=master'] }, machines: fleetOf(t) }); }),
    problems: [['cluster/node/extra', "id 'extra' is already taken: cluster/node has a HyperkubePod with that id, so a FleetUnit cannot have it too"]],
  },
  {
    name: 'an Addon is added after Testing.render',
    build: o => { const c = seed(o); Testing.render(c); new Addon(c, 'late', () => undefined); return c; },
    problems: [['cluster', "cannot add an Addon 'late': the tree was bound by a synth or a render", 'before the first of them, or a new tree']],
  },
  {
    name: 'a KubeNodeTier is added after a render',
    build: o => { const c = seed(o); c.render(); new KubeNodeTier(c, 'late', { etcd: c.node.findChild('etcd') as EtcdPeerTier }); return c; },
    problems: [['cluster', "cannot add a KubeNodeTier 'late'"]],
  },
  { name: 'a tier id is empty', build: o => { const c = seed(o); new KubeNodeTier(c, '', {} as any); return c; }, problems: [['cluster', "KubeNodeTier id is \"\"", 'non-empty string']] },
  { name: 'a KubeNodeTier\'s scope is undefined', build: o => { const c = seed(o); new KubeNodeTier(undefined as any, 'big', { etcd: c.node.findChild('etcd') as EtcdPeerTier }); return c; }, problems: [['big', "the scope of KubeNodeTier 'big' is undefined", 'expected a construct']] },
  { name: 'an Addon\'s scope is null', build: o => { const c = seed(o); new Addon(null as any, 'x', () => undefined); return c; }, problems: [['x', "the scope of Addon 'x' is null", 'expected a construct']] },
  { name: 'an Addon\'s scope is a plain object', build: o => { const c = seed(o); new Addon({ node: 'x' } as any, 'x', () => undefined); return c; }, problems: [['x', 'the scope of Addon \'x\' is {"node":"x"}', 'expected a construct']] },
  // static pods that users add (StaticPod, as the API server would check the pod)
  { name: 'a StaticPod has no containers', build: o => seedWith(o, t => new StaticPod(t, 'sp', { folder: 'pods/extra', containers: [] })), problems: [['cluster/node/sp', 'containers is []', 'at least one container']] },
  { name: 'a StaticPod is given no props', build: o => seedWith(o, t => new StaticPod(t, 'sp', undefined as any)), problems: [['cluster/node/sp', "is missing 'folder'"]] },
  { name: 'a StaticPod prop is misspelled', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, hostMount: [] } as any)), problems: [['cluster/node/sp', "has unknown key 'hostMount'", 'hostMounts']] },
  { name: 'a StaticPod id is not a DNS-1123 subdomain', build: o => seedWith(o, t => new StaticPod(t, 'Kube_VIP', staticPod)), problems: [['cluster/node/Kube_VIP', "id 'Kube_VIP' names the pod", 'DNS-1123 subdomain']] },
  { name: 'a StaticPod container name has capitals', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, containers: [{ ...staticContainer, name: 'Web' }] })), problems: [['cluster/node/sp', 'containers[0].name is "Web"', 'DNS-1123 label']] },
  { name: 'two StaticPod containers share a name', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, containers: [staticContainer, staticContainer] })), problems: [['cluster/node/sp', 'container name web is used 2 times', 'unique']] },
  { name: 'a StaticPod image is an option', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, containers: [{ ...staticContainer, image: '--privileged' }] })), problems: [['cluster/node/sp', 'containers[0].image "--privileged"', "starts with '-'"]] },
  { name: 'a StaticPod image has no tag', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, containers: [{ ...staticContainer, image: 'busybox' }] })), problems: [['cluster/node/sp', 'containers[0].image "busybox"', 'no tag or digest']] },
  { name: 'a StaticPod command is a string', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, containers: [{ ...staticContainer, command: 'sleep 1' as any }] })), problems: [['cluster/node/sp', 'containers[0].command is "sleep 1"', 'the program and its arguments']] },
  { name: 'a StaticPod host mount is relative', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, hostMounts: [{ name: 'data', path: 'var/lib/data' }] })), problems: [['cluster/node/sp', 'hostMounts[0].path is "var/lib/data"', 'absolute path']] },
  { name: 'a StaticPod host mount climbs out with ..', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, hostMounts: [{ name: 'data', path: '/var/lib/../../etc' }] })), problems: [['cluster/node/sp', 'hostMounts[0].path "/var/lib/../../etc"', "'..' segment"]] },
  { name: 'two StaticPod host mounts share a mount path', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, hostMounts: [{ name: 'a', path: '/etc/a', mountPath: '/data' }, { name: 'b', path: '/data' }] })), problems: [['cluster/node/sp', 'mount path /data is used 2 times']] },
  { name: 'a StaticPod env var has both value and fieldPath', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, containers: [{ ...staticContainer, env: [{ name: 'NODE', value: 'x', fieldPath: 'spec.nodeName' }] }] })), problems: [['cluster/node/sp', 'containers[0].env[0] (NODE) has both value and fieldPath', 'exactly one']] },
  { name: 'a StaticPod env var reads a field the downward API does not offer', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, containers: [{ ...staticContainer, env: [{ name: 'HOST', fieldPath: 'spec.hostname' }] }] })), problems: [['cluster/node/sp', 'containers[0].env[0].fieldPath "spec.hostname"', 'spec.nodeName']] },
  { name: 'a StaticPod env var name starts with a digit', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, containers: [{ ...staticContainer, env: [{ name: '1X', value: 'x' }] }] })), problems: [['cluster/node/sp', 'containers[0].env[0].name is "1X"', 'environment variable name']] },
  { name: 'a StaticPod namespace has capitals', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, namespace: 'Kube-System' })), problems: [['cluster/node/sp', 'namespace is "Kube-System"', 'DNS-1123 label']] },
  { name: 'a StaticPod host alias has a name for an IP', build: o => seedWith(o, t => new StaticPod(t, 'sp', { ...staticPod, hostAliases: [{ ip: 'localhost', hostnames: ['kubernetes'] }] })), problems: [['cluster/node/sp', 'hostAliases[0].ip "localhost" is not an IP address']] },
  // add-on objects, as the API server would check them (lib/addons/object-rules.ts, addon-set-rules.ts)
  { name: 'a classic add-on holds a Secret, which its committed output folder would carry', build: o => seedWithAddons(o, { creds: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: 'default' }, stringData: { token: 'x' } }] }), problems: [['cluster/creds', 'holds Secret default/token', "the classic profile's output folder is not git-ignored", 'ClusterProfile.FLATCAR']] },
  { name: 'an add-on object has a << key', build: o => seedWithAddons(o, { app: [configMap('web', { '<<': 'merged' })] }), problems: [['cluster/app', "object 1 (ConfigMap web): data has the key '<<', YAML 1.1's merge key"]] },
  { name: 'an add-on object has a << key deep in its spec', build: o => seedWithAddons(o, { app: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { items: [{ '<<': { a: 1 } }] } }] }), problems: [['cluster/app', 'object 1 (Widget w): spec.items[0] has the key \'<<\'']] },
  { name: 'an add-on ConfigMap name has capitals', build: o => seedWithAddons(o, { app: [configMap('Web')] }), problems: [['cluster/app', 'object 1 (ConfigMap Web): metadata.name "Web"', 'DNS-1123 subdomain', 'as a ConfigMap name must be']] },
  { name: 'an add-on Service name starts with a digit (a DNS-1035 label)', build: o => seedWithAddons(o, { app: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } }] }), problems: [['cluster/app', 'metadata.name "1web"', 'DNS-1035 label', 'as a Service name must be']] },
  { name: 'an add-on Namespace name has a dot (a DNS-1123 label)', build: o => seedWithAddons(o, { app: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'my.app' } }] }), problems: [['cluster/app', 'metadata.name "my.app"', 'DNS-1123 label', 'as a Namespace name must be']] },
  { name: 'an add-on ClusterRole name has a slash (a path segment name)', build: o => seedWithAddons(o, { app: [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'team/reader' }, rules: [] }] }), problems: [['cluster/app', 'metadata.name "team/reader"', 'path segment name']] },
  { name: 'an add-on CronJob name has 53 characters', build: o => seedWithAddons(o, { app: [{ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c'.repeat(53) }, spec: {} }] }), problems: [['cluster/app', 'has 53 characters', 'at most 52 for a CronJob']] },
  { name: 'an add-on object label value has 64 characters', build: o => seedWithAddons(o, { app: [{ ...configMap('web'), metadata: { name: 'web', labels: { tier: 't'.repeat(64) } } }] }), problems: [['cluster/app', 'metadata.labels tier has the value', '1 to 63']] },
  { name: 'an add-on pod template label key has a bad prefix', build: o => seedWithAddons(o, { app: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { metadata: { labels: { 'Example.com/app': 'web' } } } } }] }), problems: [['cluster/app', "spec.template.metadata.labels key 'Example.com/app'", 'DNS subdomain']] },
  { name: 'an add-on object annotation key has a space', build: o => seedWithAddons(o, { app: [{ ...configMap('web'), metadata: { name: 'web', annotations: { 'my note': 'x' } } }] }), problems: [['cluster/app', "metadata.annotations key 'my note'", 'qualified name']] },
  { name: 'an add-on object namespace has capitals', build: o => seedWithAddons(o, { app: [{ ...configMap('web'), metadata: { name: 'web', namespace: 'Web' } }] }), problems: [['cluster/app', 'metadata.namespace "Web"', 'DNS-1123 label']] },
  { name: 'an add-on object is in a namespace no add-on creates', build: o => seedWithAddons(o, { app: [{ ...configMap('web'), metadata: { name: 'web', namespace: 'web' } }] }), problems: [['cluster/app', 'object 1 (ConfigMap web/web) is in the namespace web, which no add-on creates and Kubernetes does not create', 'a Namespace object named web', 'kube-node-lease']] },
  { name: 'two add-ons hold the same ConfigMap', build: o => seedWithAddons(o, { app: [configMap('web')], other: [configMap('other'), configMap('web')] }), problems: [['cluster/other', 'object 2 (ConfigMap web) is also object 1 of cluster/app', 'same API group, kind, namespace and name']] },
  { name: 'an add-on holds the same Deployment twice under two API versions of its group', build: o => seedWithAddons(o, { app: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' } }, { apiVersion: 'apps/v1beta2', kind: 'Deployment', metadata: { name: 'web' } }] }), problems: [['cluster/app', 'object 2 (Deployment web) is also object 1 of this add-on']] },
  { name: 'an add-on ConfigMap holds more than 1 MiB of data', build: o => seedWithAddons(o, { app: [configMap('big', { a: 'x'.repeat(1024 * 1024), b: 'y' })] }), problems: [['cluster/app', 'ConfigMap data holds 1048577 bytes', 'at most 1048576 (1 MiB)']] },
  { name: 'an add-on object is over 1 MiB', build: o => seedWithAddons(o, { app: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { blob: 'z'.repeat(1024 * 1024) } }] }), problems: [['cluster/app', 'object 1 (Widget w): the object is 1048666 bytes as JSON', 'etcd', '--max-request-bytes']] },
  { name: 'an add-on object holds a number that is not whole', build: o => seedWithAddons(o, { app: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { ratio: 0.5 } }] }), problems: [['cluster/app', 'object 1 (Widget w): spec.ratio is the number 0.5', 'as a string']] },
  { name: 'an add-on object holds a bigint', build: o => seedWithAddons(o, { app: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { size: 10n } }] }), problems: [['cluster/app', 'object 1 (Widget w): spec.size is the bigint 10n', 'JSON and YAML cannot hold']] },
  { name: 'an add-on object holds a function', build: o => seedWith(o, t => { new Addon(t.node.scope as Construct, 'app', chart => { new ApiObject(chart, 'w', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { make: () => 1 } } as ApiObjectProps); }); }), problems: [['cluster/app', 'object 1 (Widget w): spec.make is a function', 'JSON and YAML cannot hold']] },
  { name: 'an add-on object holds a symbol', build: o => seedWithAddons(o, { app: [{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { mode: Symbol('fast') } }] }), problems: [['cluster/app', 'object 1 (Widget w): spec.mode is the symbol Symbol(fast)', 'JSON and YAML cannot hold']] },
  { name: 'an add-on\'s label value is a bigint', build: o => seedWith(o, t => { new Addon(t.node.scope as Construct, 'app', chart => { new ApiObject(chart, 'c', configMap('web') as ApiObjectProps); }, { labels: { size: 10n as any } }); }), problems: [['cluster/app', 'label size has the value 10n']] },
  { name: 'an add-on\'s define adds an object without apiVersion (cdk8s throws)', build: o => seedWith(o, t => { new Addon(t.node.scope as Construct, 'app', chart => { new ApiObject(chart, 'c', { kind: 'ConfigMap' } as ApiObjectProps); }); }), problems: [['cluster/app', 'define threw while adding objects to chart app: TypeError', 'complete objects']] },
  { name: 'an add-on\'s define throws a value that can\'t be printed', build: o => seedWith(o, t => { new Addon(t.node.scope as Construct, 'app', () => { throw Object.create(null); }); }), problems: [['cluster/app', 'define threw while adding objects', '{}']] },
  { name: 'an add-on\'s define is not a function', build: o => seedWith(o, t => { new Addon(t.node.scope as Construct, 'app', { kind: 'ConfigMap' } as any); }), problems: [['cluster/app', 'define is {"kind":"ConfigMap"}', 'expected a function']] },
  { name: 'Addon.fromChart is given a plain object for a chart', build: o => seedWith(o, t => { Addon.fromChart(t.node.scope as Construct, 'app', { node: {} } as any); }), problems: [['cluster/app', 'chart is {"node":{}}', 'expected a cdk8s Chart']] },
  { name: 'EtcdPeerTier props are a string', build: o => { const c = new VagrantCluster({ outdir: o }); new KubeNodeTier(c, 'node', { etcd: new EtcdPeerTier(c, 'etcd', 'three' as any) }); return c; }, problems: [['cluster/etcd', '(props) is "three"', 'expected a value of type object']] },
  { name: 'an Addon namespace prop is not a DNS-1123 label', build: o => seedWith(o, t => { new Addon(t.node.scope as Construct, 'app', chart => { new ApiObject(chart, 'c', configMap('web')); }, { namespace: 'my_app' }); }), problems: [['cluster/app', 'namespace "my_app"', 'DNS-1123 label']] },
  { name: 'an Addon label prop has a bad value', build: o => seedWith(o, t => { new Addon(t.node.scope as Construct, 'app', chart => { new ApiObject(chart, 'c', configMap('web')); }, { labels: { tier: 'front end' } }); }), problems: [['cluster/app', 'label tier has the value "front end"']] },
  // node pools: roles
  {
    name: 'two KubeNodeTiers have no role',
    build: o => poolCluster({ outdir: o }, [{ id: 'a', count: 2 }, { id: 'b', count: 2 }]),
    problems: [
      ['cluster/a', 'has no role', '2 KubeNodeTiers (a, b)', 'NodeRole.CONTROL_PLANE or NodeRole.WORKER on each'],
      ['cluster/b', 'has no role', '2 KubeNodeTiers (a, b)', 'NodeRole.CONTROL_PLANE or NodeRole.WORKER on each'],
    ],
  },
  { name: 'a role-less tier sits beside a control-plane tier', build: o => poolCluster({ outdir: o }, [controlPlanePool(1), { id: 'node', count: 2 }]), problems: [['cluster/node', 'has no role', '2 KubeNodeTiers (cp, node)']] },
  { name: 'the classic control-plane tier has 3 VMs', build: o => poolCluster({ outdir: o }, [controlPlanePool(3), workerPool('worker')]), problems: [['cluster/cp', 'the classic profile runs one control plane', 'has 3 (cp-01, cp-02, cp-03)', 'expected one']] },
  {
    name: 'the classic cluster has two control-plane tiers of one VM',
    build: o => poolCluster({ outdir: o }, [controlPlanePool(1), controlPlanePool(1, { id: 'cp2' }), workerPool('worker')]),
    problems: [['cluster/cp', 'runs one control plane', '(cp-01, cp2-01)'], ['cluster/cp2', 'runs one control plane', '(cp-01, cp2-01)']],
  },
  { name: 'the only node tier is a worker tier', build: o => poolCluster({ outdir: o }, [workerPool('worker')]), problems: [['cluster', 'has no control plane', 'NodeRole.CONTROL_PLANE']] },
  { name: 'every node tier is a worker tier', build: o => poolCluster({ outdir: o }, [workerPool('small'), workerPool('big', 1)]), problems: [['cluster', 'has no control plane', 'NodeRole.CONTROL_PLANE']] },
  { name: 'the only node tier is a control-plane tier', build: o => poolCluster({ outdir: o }, [controlPlanePool(1)]), problems: [['cluster', 'has no worker', 'NodeRole.WORKER']] },
  {
    name: 'every node tier is a control-plane tier (Flatcar, behind a virtual IP)',
    build: o => poolCluster(flatcarProps(o, {}, { controlPlaneEndpoint: '192.168.56.20' }), [controlPlanePool(1), controlPlanePool(2, { id: 'cp2' })]),
    problems: [['cluster', 'has no worker', 'NodeRole.WORKER']],
  },
  // props and options the profile does not use, or that are wrong
  { name: 'apiServerImage is set under the Flatcar profile', build: o => flatcarPools(o, {}, { apiServerImage: 'gcr.io/google_containers/hyperkube:v1.1.7' }), problems: [['cluster', 'apiServerImage is set, but the flatcar profile does not use it', 'expected it unset']] },
  { name: 'controlPlaneEndpoint is set under the classic profile', build: o => seed(o, { controlPlaneEndpoint: '10.10.10.20' }), problems: [['cluster', 'controlPlaneEndpoint is set, but the classic profile does not use it', 'expected it unset']] },
  { name: 'a ClusterProfile.flatcar option is misspelled', build: o => poolCluster(flatcarProps(o, { pkiDirectory: 'keys' } as object), [{ id: 'node', count: 2 }]), problems: [['cluster', "profile option has unknown key 'pkiDirectory'", 'pkiDir, regeneratePki']] },
  { name: 'a ClusterProfile.classic option is misspelled', build: o => seed(o, { profile: ClusterProfile.classic({ apiserverImage: 'gcr.io/mirror/hyperkube:v1.1.7' } as object) }), problems: [['cluster', "profile option has unknown key 'apiserverImage'", 'apiServerImage']] },
  { name: 'regeneratePki is the string \'no\'', build: o => poolCluster(flatcarProps(o, { regeneratePki: 'no' as unknown as boolean }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option regeneratePki is "no"', 'true or false']] },
  { name: 'kubeletSha256 is a number', build: o => poolCluster(flatcarProps(o, { kubeletSha256: 5 as unknown as string }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'kubeletSha256', '5', '64 lowercase hex digits']] },
  { name: 'kubectlSha256 is a number', build: o => poolCluster(flatcarProps(o, { kubectlSha256: 5 as unknown as string }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'kubectlSha256', '5', '64 lowercase hex digits']] },
  // image options: each a pinned reference of the distribution grammar (lib/cluster/image-reference.ts)
  { name: 'etcdImage is \'--privileged\', which docker would read as an option', build: o => poolCluster(flatcarProps(o, { etcdImage: '--privileged' }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option etcdImage "--privileged"', "starts with '-'", '[registry[:port]/]path:tag']] },
  { name: 'etcdImage holds a second line', build: o => poolCluster(flatcarProps(o, { etcdImage: 'registry.k8s.io/etcd:3.6.9-0\nExecStartPre=/bin/sh' }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option etcdImage', 'line break']] },
  { name: 'etcdImage is empty', build: o => poolCluster(flatcarProps(o, { etcdImage: '' }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option etcdImage ""', 'is empty']] },
  { name: 'flannelImage has no tag or digest', build: o => poolCluster(flatcarProps(o, { flannelImage: 'ghcr.io/flannel-io/flannel' }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option flannelImage "ghcr.io/flannel-io/flannel"', 'no tag or digest', ':latest']] },
  { name: 'coreDnsImage has capitals in its path', build: o => poolCluster(flatcarProps(o, { coreDnsImage: 'registry.k8s.io/CoreDNS/coredns:v1.12.0' }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option coreDnsImage', 'capitals', 'lowercase']] },
  { name: 'flannelCniPluginImage has a short digest', build: o => poolCluster(flatcarProps(o, { flannelCniPluginImage: 'ghcr.io/flannel-io/flannel-cni-plugin@sha256:abc' }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option flannelCniPluginImage', 'image reference']] },
  { name: 'flannelImage is a number', build: o => poolCluster(flatcarProps(o, { flannelImage: 5 as unknown as string }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option flannelImage is 5', 'pinned image reference']] },
  { name: 'a ClusterProfile.classic image option mounts the host', build: o => seed(o, { profile: ClusterProfile.classic({ proxyImage: '-v/:/host' }) }), problems: [['cluster', 'profile option proxyImage "-v/:/host"', "starts with '-'"]] },
  { name: 'the apiServerImage cluster prop holds a second line', build: o => seed(o, { apiServerImage: 'gcr.io/google_containers/hyperkube:v1.1.7\n- --privileged' }), problems: [['cluster', 'apiServerImage', 'line break', 'image reference']] },
  { name: 'pkiDir is empty', build: o => poolCluster(flatcarProps(o, { pkiDir: '' }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option pkiDir is ""', 'non-empty folder path']] },
  // the PKI folder and the output folder apart
  { name: 'pkiDir is the output folder, written another way', build: o => poolCluster(flatcarProps(o, { pkiDir: `${o}/./` }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option pkiDir', 'is the output folder', 'replaces whole by a rename', '.pki\' (the default)']] },
  { name: 'pkiDir is inside the output folder', build: o => poolCluster(flatcarProps(o, { pkiDir: path.join(o, 'pki') }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option pkiDir', 'is inside the output folder', 'fails to rename']] },
  { name: 'the output folder is inside pkiDir', build: o => poolCluster(flatcarProps(o, { pkiDir: path.dirname(o) }), [{ id: 'node', count: 2 }]), problems: [['cluster', 'profile option pkiDir', 'holds the output folder', '0700']] },
  {
    name: 'an image is given both as a cluster prop and as a ClusterProfile.classic option',
    build: o => seed(o, { apiServerImage: 'gcr.io/mirror/hyperkube:v1.1.7', profile: ClusterProfile.classic({ apiServerImage: 'gcr.io/other/hyperkube:v1.1.7' }) }),
    problems: [['cluster', 'apiServerImage is set both on the cluster and in ClusterProfile.classic()', 'expected it once']],
  },
  { name: 'profile is an empty object', build: o => seed(o, { profile: {} as any }), problems: [['cluster', 'profile is {}', 'ClusterProfile.CLASSIC, ClusterProfile.FLATCAR']] },
  { name: 'profile is the string \'flatcar\'', build: o => seed(o, { profile: 'flatcar' as any }), problems: [['cluster', 'profile is "flatcar"', 'ClusterProfile.FLATCAR']] },
  // node labels
  {
    name: 'Flatcar node labels are in the kubernetes.io and k8s.io namespaces (next to four that are allowed)',
    build: o => flatcarPools(o, {
      labels: {
        'kubernetes.io/role': 'db', 'example.k8s.io/x': 'y',
        'node-role.kubernetes.io/db': '', 'node.kubernetes.io/instance-type': 'big', 'topology.kubernetes.io/zone': 'a', 'example.com/x': 'y',
      },
    }),
    problems: [
      ['cluster/worker', 'label kubernetes.io/role is in the kubernetes.io or k8s.io namespace', 'node-role.kubernetes.io', 'such as example.com/role'],
      ['cluster/worker', 'label example.k8s.io/x is in the kubernetes.io or k8s.io namespace', 'such as example.com/x'],
    ],
  },
  { name: 'a label key has a space', build: o => flatcarPools(o, { labels: { 'disk type': 'ssd' } }), problems: [['cluster/worker', "label key 'disk type'", "the name 'disk type'", 'qualified name']] },
  { name: 'a label key prefix has capitals', build: o => flatcarPools(o, { labels: { 'Example.com/disktype': 'ssd' } }), problems: [['cluster/worker', "label key 'Example.com/disktype'", "prefix 'Example.com'", 'DNS subdomain']] },
  { name: 'a label key has a prefix and no name', build: o => flatcarPools(o, { labels: { 'example.com/': 'ssd' } }), problems: [['cluster/worker', "label key 'example.com/'", "the name ''"]] },
  { name: 'a label key name has 64 characters', build: o => flatcarPools(o, { labels: { ['d'.repeat(64)]: 'ssd' } }), problems: [['cluster/worker', `label key '${'d'.repeat(64)}'`, '1 to 63']] },
  { name: 'a label value has a space', build: o => flatcarPools(o, { labels: { disktype: 'fast ssd' } }), problems: [['cluster/worker', 'label disktype has the value "fast ssd"', 'empty or 1 to 63']] },
  { name: 'a label value ends with a dash', build: o => flatcarPools(o, { labels: { disktype: 'ssd-' } }), problems: [['cluster/worker', 'label disktype has the value "ssd-"', 'ending with a letter or digit']] },
  { name: 'a label value has 64 characters', build: o => flatcarPools(o, { labels: { disktype: 's'.repeat(64) } }), problems: [['cluster/worker', 'label disktype has the value', '1 to 63']] },
  { name: 'a label value is a number', build: o => flatcarPools(o, { labels: { replicas: 3 } }), problems: [['cluster/worker', 'label replicas has the value 3', 'not a string']] },
  { name: 'labels is a list', build: o => flatcarPools(o, { labels: ['disktype=ssd'] }), problems: [['cluster/worker', 'labels is ["disktype=ssd"]', 'object of label keys and values']] },
  { name: 'labels is a Map', build: o => flatcarPools(o, { labels: new Map([['disktype', 'ssd']]) as any }), problems: [['cluster/worker', 'labels is a Map {"disktype":"ssd"}', 'object of label keys and values']] },
  { name: 'labels is a Date', build: o => flatcarPools(o, { labels: new Date(0) as any }), problems: [['cluster/worker', 'labels is "1970-01-01T00:00:00.000Z"', 'object of label keys and values']] },
  { name: 'labels are set on a release without --node-labels (classic 1.1.7)', build: o => classicPools(o, '1.1.7', { labels: { disktype: 'ssd' } }), problems: [['cluster/worker', "labels need the kubelet's --node-labels", 'runs 1.1.7', '1.2.0 or later']] },
  {
    name: 'labels are set on the classic control-plane tier of 1.4.12, whose master kubelet does not register its node',
    build: o => poolCluster({ outdir: o, kubernetesVersion: '1.4.12' }, [controlPlanePool(1, { labels: { disktype: 'ssd' } }), workerPool('worker')]),
    problems: [['cluster/cp', 'labels', 'regist']],
  },
  // node taints
  { name: 'a taint has a bad effect', build: o => flatcarPools(o, taints({ key: 'dedicated', value: 'db', effect: 'NoRun' })), problems: [['cluster/worker', 'taints[0].effect is "NoRun"', 'NoSchedule, PreferNoSchedule, NoExecute']] },
  { name: 'a taint has no effect', build: o => flatcarPools(o, taints({ key: 'dedicated' })), problems: [['cluster/worker', 'taints[0].effect is undefined', 'NoSchedule']] },
  { name: 'a taint has an unknown key', build: o => flatcarPools(o, taints({ key: 'dedicated', operator: 'Equal', effect: 'NoSchedule' })), problems: [['cluster/worker', "taints[0] has unknown key 'operator'", 'key, value, effect']] },
  { name: 'a taint key is malformed', build: o => flatcarPools(o, taints({ key: 'dedicated pool', effect: 'NoSchedule' })), problems: [['cluster/worker', 'taints[0].key "dedicated pool"', 'qualified name']] },
  { name: 'a taint value is malformed', build: o => flatcarPools(o, taints({ key: 'dedicated', value: 'd b', effect: 'NoSchedule' })), problems: [['cluster/worker', 'taints[0].value "d b"', 'empty or 1 to 63']] },
  { name: 'a taint key is a symbol', build: o => flatcarPools(o, taints({ key: Symbol('dedicated'), effect: 'NoSchedule' })), problems: [['cluster/worker', 'taints[0].key Symbol(dedicated)', 'qualified name']] },
  { name: 'a taint effect is an object without toString', build: o => flatcarPools(o, taints({ key: 'dedicated', effect: { toString: undefined } })), problems: [['cluster/worker', 'taints[0].effect is {}', 'NoSchedule']] },
  {
    name: 'a taint repeats a key with the same effect',
    build: o => flatcarPools(o, taints({ key: 'dedicated', value: 'db', effect: 'NoSchedule' }, { key: 'dedicated', value: 'web', effect: 'NoSchedule' })),
    problems: [['cluster/worker', 'taints[1] repeats the key dedicated with the effect NoSchedule', 'each key and effect once']],
  },
  { name: 'taints is an object', build: o => flatcarPools(o, { taints: { key: 'dedicated', effect: 'NoSchedule' } }), problems: [['cluster/worker', 'taints is {', 'expected a list']] },
  {
    name: 'a Flatcar control-plane tier repeats the control-plane taint it registers with anyway',
    build: o => poolCluster(flatcarProps(o), [controlPlanePool(1, taints({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' })), workerPool('worker')]),
    problems: [['cluster/cp', 'node-role.kubernetes.io/control-plane', 'NoSchedule']],
  },
  {
    name: 'a classic 1.6 control-plane tier repeats the master taint it registers with anyway',
    build: o => poolCluster({ outdir: o, kubernetesVersion: '1.6.13' }, [controlPlanePool(1, taints({ key: 'node-role.kubernetes.io/master', value: '', effect: 'NoSchedule' })), workerPool('worker')]),
    problems: [['cluster/cp', 'node-role.kubernetes.io/master', 'NoSchedule']],
  },
  { name: 'taints are set on a release without --register-with-taints (classic 1.5.8)', build: o => classicPools(o, '1.5.8', taints({ key: 'dedicated', value: 'db', effect: 'NoSchedule' })), problems: [['cluster/worker', "taints need the kubelet's --register-with-taints", 'runs 1.5.8', '1.6.0 or later']] },
  // the control-plane endpoint (Flatcar)
  { name: 'a Flatcar cluster of 3 control planes has no controlPlaneEndpoint', build: o => flatcarHa(o), problems: [['cluster', 'has 3 control planes (cp-01, cp-02, cp-03) but no controlPlaneEndpoint', '192.168.56.0/24', 'kube-vip']] },
  { name: 'controlPlaneEndpoint is outside the host network', build: o => flatcarHa(o, '10.0.0.20'), problems: [['cluster', 'controlPlaneEndpoint 10.0.0.20 is outside the host network 192.168.56.0/24', 'such as 192.168.56.20']] },
  { name: 'controlPlaneEndpoint is the network address', build: o => flatcarHa(o, '192.168.56.0'), problems: [['cluster', 'controlPlaneEndpoint 192.168.56.0 is the network address of 192.168.56.0/24', 'a free address']] },
  { name: 'controlPlaneEndpoint is the broadcast address', build: o => flatcarHa(o, '192.168.56.255'), problems: [['cluster', 'controlPlaneEndpoint 192.168.56.255 is the broadcast address of 192.168.56.0/24', 'a free address']] },
  { name: 'controlPlaneEndpoint is a control plane\'s address', build: o => flatcarHa(o, '192.168.56.22'), problems: [['cluster', 'controlPlaneEndpoint 192.168.56.22 is the address of cluster/cp/cp-02', 'a free address']] },
  {
    name: 'controlPlaneEndpoint is a control plane\'s address at .20, which the message must not suggest',
    build: o => poolCluster(flatcarProps(o, {}, { controlPlaneEndpoint: '192.168.56.20' }), [controlPlanePool(3, { firstIp: 20 }), workerPool('worker')]),
    problems: [['cluster', 'controlPlaneEndpoint 192.168.56.20 is the address of cluster/cp/cp-01', 'such as 192.168.56.23']],
  },
  { name: 'controlPlaneEndpoint is an etcd peer\'s address', build: o => flatcarHa(o, '192.168.56.11'), problems: [['cluster', 'controlPlaneEndpoint 192.168.56.11 is the address of cluster/etcd/etcd-01']] },
  { name: 'controlPlaneEndpoint is a host name', build: o => flatcarHa(o, 'vip.local'), problems: [['cluster', 'controlPlaneEndpoint', '"vip.local"', 'IPv4 address']] },
  { name: 'controlPlaneEndpoint has an octet over 255', build: o => flatcarHa(o, '192.168.56.256'), problems: [['cluster', 'controlPlaneEndpoint', '192.168.56.256', 'IPv4 address']] },
  // tiers in the wrong place
  {
    name: 'the cluster has two EtcdPeerTiers',
    build: o => {
      const c = new VagrantCluster({ outdir: o });
      const etcd = new EtcdPeerTier(c, 'etcd');
      new EtcdPeerTier(c, 'events', { firstIp: 21 });
      new KubeNodeTier(c, 'node', { etcd });
      return c;
    },
    problems: [['cluster', 'has 2 EtcdPeerTiers (etcd, events)', 'expected one']],
  },
  {
    name: 'a Flatcar node pool uses the etcd tier of another cluster',
    build: o => {
      const other = new VagrantCluster(flatcarProps(`${o}-other`));
      const c = poolCluster(flatcarProps(o), [controlPlanePool(1)]);
      new KubeNodeTier(c, 'worker', { role: NodeRole.WORKER, count: 2, firstIp: 31, etcd: new EtcdPeerTier(other, 'etcd') });
      return c;
    },
    problems: [['cluster/worker', 'belongs to another cluster', 'expected an EtcdPeerTier of cluster']],
  },
  {
    name: 'a node pool is nested under a plain Construct instead of the cluster',
    build: o => {
      const c = poolCluster({ outdir: o }, [controlPlanePool(1), workerPool('worker')]);
      new KubeNodeTier(new Construct(c, 'group') as any, 'extra', { role: NodeRole.WORKER, count: 1, firstIp: 50, etcd: c.node.findChild('etcd') as EtcdPeerTier });
      return c;
    },
    problems: [['cluster/group/extra', 'is not a child of a cluster', "new KubeNodeTier(cluster, 'extra', ...)"]],
  },
  {
    name: 'the only node tier is nested under a plain Construct',
    build: o => {
      const c = new VagrantCluster({ outdir: o });
      new KubeNodeTier(new Construct(c, 'group') as any, 'node', { etcd: new EtcdPeerTier(c, 'etcd') });
      return c;
    },
    problems: [['cluster', 'has no KubeNodeTier'], ['cluster/group/node', 'is not a child of a cluster']],
  },
  {
    name: 'the etcd tier is nested under a plain Construct',
    build: o => {
      const c = new VagrantCluster({ outdir: o });
      new KubeNodeTier(c, 'node', { etcd: new EtcdPeerTier(new Construct(c, 'group') as any, 'etcd') });
      return c;
    },
    problems: [['cluster', 'has no EtcdPeerTier'], ['cluster/group/etcd', 'is not a child of a cluster', "new EtcdPeerTier(cluster, 'etcd', ...)"]],
  },
  // several at once
  {
    name: 'several props are wrong at once',
    build: o => seed(o, { prefix: '10.10', kubernetesVersion: 'latest' }, { etcd: { count: 0 }, node: { cpus: 0, memoryMb: 1 } }),
    problems: [['cluster', 'prefix'], ['cluster', 'latest'], ['cluster/etcd', 'count is 0'], ['cluster/node', 'cpus is 0'], ['cluster/node', 'memoryMb is 1']],
  },
];

describe('bad inputs', () => {
  /** The output of the seed, with Vagrant's state folder in it: every case starts from a copy. */
  let template: string;
  let original: Record<string, string>;
  let parent: string;
  let outdir: string;

  before(() => {
    template = tempDir();
    defaultCluster(template).synth();
    fs.mkdirSync(path.join(template, '.vagrant'));
    fs.writeFileSync(path.join(template, '.vagrant', 'state'), 'machine state\n');
    original = snapshot(template);
  });
  after(() => fs.rmSync(template, { recursive: true, force: true }));

  // A fresh copy per case, so that a case that wrongly synthesizes does not change the next one's folder.
  beforeEach(() => {
    parent = tempDir();
    outdir = path.join(parent, 'out');
    fs.cpSync(template, outdir, { recursive: true });
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('has at least 40 cases', () => {
    expect(BAD_INPUTS.length).to.be.at.least(40);
  });

  it('starts every case from a copy of the previous output, byte for byte and mode for mode', () => {
    expect(snapshot(outdir)).to.deep.equal(original);
  });

  for (const input of BAD_INPUTS) {
    it(`fails when ${input.name}`, () => {
      let error: unknown;
      try {
        input.build(outdir).synth();
      } catch (e) {
        error = e;
      }
      expect(error, 'synth must throw').to.be.instanceOf(ValidationError);
      const problems = (error as ValidationError).problems;
      const lines = problems.map(p => `[${p.constructPath}] ${p.message}`);
      // Each expected problem matches a problem of its own.
      const unmatched = [...problems];
      for (const [constructPath, ...words] of input.problems) {
        const index = unmatched.findIndex(p => p.constructPath === constructPath && words.every(w => p.message.includes(w)));
        expect(index, `expected a problem at [${constructPath}] with ${JSON.stringify(words)}; got:\n${lines.join('\n')}`).to.not.equal(-1);
        unmatched.splice(index, 1);
      }
      expect(lines, `every problem of the input, and only those; got:\n${lines.join('\n')}\n`).to.have.length(input.problems.length);
      expect((error as Error).message).to.contain(lines.join('\n'));
      expect(snapshot(outdir), 'the previous output must stay byte for byte').to.deep.equal(original);
      expect(fs.existsSync(pkiDirBeside(outdir)), 'validation fails before any PKI is created').to.equal(false);
      expect(fs.readdirSync(parent), 'nothing is written beside the output folder').to.deep.equal(['out']);
    });
  }
});
