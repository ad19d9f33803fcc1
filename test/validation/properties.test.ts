import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, ApiObjectProps, App, Chart } from 'cdk8s';
import { expect } from 'chai';
import { Construct } from 'constructs';
import fc from 'fast-check';
import '../support/property-seed'; // the fixed draw, in a run of this file alone too
import { parse } from 'yaml';
import { defaultCluster } from '../../examples/default';
import { metalProps } from '../../examples/metal';
import {
  Addon, CloudConfig, ClusterProfile, EtcdPeerTier, ExecCommand, FleetUnit, HyperkubePod, KubeNodeTier, MetalCluster, NodeRole, StaticPod, SystemdUnit, Testing, ValidationError, VagrantCluster,
} from '../../lib';
import { CLASSIC_RELEASES } from '../../lib/profiles/classic/releases';
import schema from '../../lib/formats/cloud-config.schema.json';
import { describeValue } from '../../lib/synth/describe-value';
import { schemaProblems } from '../../lib/synth/json-schema';
import { snapshot, tempDir } from '../support/snapshot';

/** A valid cluster description: disjoint ranges, tiers that fit in the /24 without clashing. */
interface Shape {
  readonly prefix: string;
  readonly ipRange: string;
  readonly serviceIpRange: string;
  readonly kubernetesVersion: string;
  readonly etcd: { count: number; cpus: number; memoryMb: number; firstIp: number };
  readonly node: { count: number; cpus: number; memoryMb: number; firstIp: number };
}

/** A /16 to /maxBits network inside `first.[min..max].0.0`, with no host bits set. */
function cidrIn(first: number, min: number, max: number, maxBits = 24): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min, max }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: maxBits }))
    .map(([second, third, bits]) => `${first}.${second}.${third - (third % 2 ** (24 - bits))}.0/${bits}`);
}

const validShape: fc.Arbitrary<Shape> = fc.record({
  prefix: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 })).map(([b, c]) => `192.${b}.${c}`),
  // Apart from VirtualBox's NAT network 10.0.2.0/24, and large enough for flannel to lease a /24 to each of 40 nodes (63 from a /18).
  ipRange: cidrIn(10, 1, 255, 18),
  serviceIpRange: cidrIn(172, 16, 31),
  kubernetesVersion: fc.constantFrom(...CLASSIC_RELEASES.map(r => r.knownPatch)),
  etcdCount: fc.integer({ min: 1, max: 9 }),
  nodeCount: fc.integer({ min: 2, max: 40 }),
  cpus: fc.integer({ min: 1, max: 64 }),
  memoryMb: fc.integer({ min: 128, max: 65536 }),
  gapBefore: fc.nat({ max: 100 }),
  gapBetween: fc.nat({ max: 100 }),
}).map(r => {
  const etcdFirst = 1 + Math.min(r.gapBefore, 254 - r.etcdCount - r.nodeCount);
  const nodeFirst = etcdFirst + r.etcdCount + Math.min(r.gapBetween, 255 - etcdFirst - r.etcdCount - r.nodeCount);
  return {
    prefix: r.prefix, ipRange: r.ipRange, serviceIpRange: r.serviceIpRange, kubernetesVersion: r.kubernetesVersion,
    etcd: { count: r.etcdCount, cpus: r.cpus, memoryMb: r.memoryMb, firstIp: etcdFirst },
    node: { count: r.nodeCount, cpus: r.cpus, memoryMb: r.memoryMb, firstIp: nodeFirst },
  };
});

function build(shape: Shape, outdir?: string): VagrantCluster {
  const { etcd: etcdProps, node: nodeProps, ...props } = shape;
  const cluster = new VagrantCluster({ ...props, outdir });
  const etcd = new EtcdPeerTier(cluster, 'etcd', etcdProps);
  new KubeNodeTier(cluster, 'node', { ...nodeProps, etcd });
  return cluster;
}

/** Values that are wrong wherever they go, by field. */
const BAD_VALUES: Record<string, unknown[]> = {
  'prefix': ['10.10', '10.10.10.10', '256.1.1', '', 'a.b.c', 10, null, '10.10.#{x}'],
  'ipRange': ['10.11.0.0', '10.11.0.1/16', '10.11.0.0/33', 'x', 5, '192.0.0.0/1'],
  'serviceIpRange': ['', '10.12.0.0/40', '1.2.3.4/8', [], '0.0.0.0/0'],
  'kubernetesVersion': ['1.13.0', '1.x', 'v1.2.3', 'latest', '1.2.3.4', '0.9.0', '1.30.0', 2],
  'etcd.count': [0, -1, 1.5, 255, Number.NaN, '3', null, 1e9],
  'etcd.cpus': [0, -2, 0.5, 65, 'two'],
  'node.memoryMb': [0, 127, 1.5, 2 ** 31, '2048'],
  'node.firstIp': [0, 255, -1, 2.5, '100'],
  'node.count': [0, 1, 255, 3.3, 'four'],
};

/** Every place of a JSON value: the key path of every property and item, at any depth, and the value itself. */
function placesOf(value: unknown, path: Array<string | number> = []): Array<Array<string | number>> {
  const children = Array.isArray(value) ? value.map((item, index) => [index, item] as const)
    : value !== null && typeof value === 'object' ? Object.entries(value) : [];
  return [path, ...children.flatMap(([key, child]) => placesOf(child, [...path, key]))];
}

/** A copy of `value` with the place at `path` replaced by `junk` (or deleted, when junk is the string 'delete'). */
function replacedAt(value: unknown, path: ReadonlyArray<string | number>, junk: unknown): unknown {
  if (path.length === 0) { return junk; }
  const copy: any = structuredClone(value);
  let parent = copy;
  for (const key of path.slice(0, -1)) { parent = parent[key]; }
  if (junk === 'delete') { delete parent[path[path.length - 1]]; } else { parent[path[path.length - 1]] = junk; }
  return copy;
}

/**
 * Values that break code which prints or reads a value before checking its type: `${value}`
 * throws for a symbol and for an object without a usable toString (one whose toString is
 * undefined, or one with a prototype of null), JSON.stringify throws for a bigint and gives
 * undefined for an object whose toJSON returns nothing.
 */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(Symbol('junk'), 10n, { toString: undefined }, { valueOf: 1, toString: 'x' }, { toJSON: () => undefined }),
  fc.constant(null).map(() => Object.create(null) as object),
  fc.anything({ maxDepth: 1, withNullPrototype: true, withBigInt: true, key: fc.constantFrom('toString', 'valueOf', '__proto__', 'constructor', 'name') }),
);

/**
 * Values that break code which walks or copies a value: one that refers to itself, a property
 * whose getter throws, a revoked proxy, a proxy whose every trap throws. Drawn as a function that makes a new
 * one, because fast-check looks into each value it draws, which a revoked proxy does not allow.
 */
const unreadable: fc.Arbitrary<() => unknown> = fc.constantFrom<Array<() => unknown>>(
  () => { const cyclic: Record<string, unknown> = { name: 'x' }; cyclic.self = cyclic; return cyclic; },
  () => { const cyclic: unknown[] = ['x']; cyclic.push(cyclic); return cyclic; },
  () => Object.defineProperty({ name: 'x' }, 'getter', { enumerable: true, get: () => { throw new Error('a getter that throws'); } }),
  () => { const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); return proxy; },
  () => new Proxy({}, Object.fromEntries(['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf'].map(trap => [trap, () => { throw new Error(`a ${trap} trap that throws`); }]))),
);

/**
 * Junk in place of a valid value: anything at all (hostile values among it), or the valid value with one place replaced
 * by anything (unreadable values among it) or deleted. Unreadable values go below the top, where a public constructor
 * takes them; at the top, the tests' own spreading of the props would throw first.
 */
function junkFor(valid: unknown): fc.Arbitrary<unknown> {
  const anything = fc.oneof(fc.anything({ maxDepth: 2, withBoxedValues: false }), hostile);
  const places = placesOf(valid).filter(place => place.length > 0);
  return fc.oneof(
    anything,
    fc.tuple(fc.constantFrom(...placesOf(valid)), fc.oneof(anything, fc.constant('delete'))).map(([path, junk]) => replacedAt(valid, path, junk)),
    ...(places.length > 0 ? [fc.tuple(fc.constantFrom(...places), unreadable).map(([path, make]) => replacedAt(valid, path, make()))] : []),
  );
}

/** A folder no test writes: render() never writes, and a stray write must not land in the repository. */
const NEVER_WRITTEN = path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-junk-never-written');

/** The seed's tiers on a cluster of these props. */
function seedTiers(cluster: VagrantCluster): VagrantCluster {
  const etcd = new EtcdPeerTier(cluster, 'etcd');
  new KubeNodeTier(cluster, 'node', { etcd });
  return cluster;
}

/** A seed cluster writing nowhere, for a construct under test to join. */
function seedCluster(): VagrantCluster {
  return seedTiers(new VagrantCluster({ outdir: NEVER_WRITTEN }));
}

const unit = SystemdUnit.of({ name: 'Service', directives: [['ExecStart', ExecCommand.of('/usr/bin/true')]] });

/**
 * Each public constructor with props, options or arguments: valid ones to start the junk from,
 * and how a cluster is built with the junk in their place.
 */
const CONSTRUCTORS: Record<string, { readonly valid: unknown; readonly build: (junk: any) => VagrantCluster; readonly objectsOnly?: true }> = {
  'VagrantCluster props': {
    valid: { prefix: '10.10.10', ipRange: '10.11.0.0/16', serviceIpRange: '10.12.0.0/16', kubernetesVersion: '1.1.7', imageRepository: 'gcr.io/google_containers' },
    build: junk => seedTiers(new VagrantCluster(junk !== null && typeof junk === 'object' ? { ...junk, outdir: NEVER_WRITTEN } : junk)),
  },
  'VagrantCluster.fromMembers members': {
    valid: { etcd: [3, 1, 256, 11], node: [4, 2, 2048, 100] },
    build: junk => VagrantCluster.fromMembers(junk, { outdir: NEVER_WRITTEN }),
  },
  'EtcdPeerTier props': {
    valid: { count: 3, cpus: 1, memoryMb: 256, firstIp: 11 },
    build: junk => { const c = new VagrantCluster({ outdir: NEVER_WRITTEN }); new KubeNodeTier(c, 'node', { etcd: new EtcdPeerTier(c, 'etcd', junk) }); return c; },
  },
  'KubeNodeTier props': {
    valid: { count: 4, cpus: 2, memoryMb: 2048, firstIp: 100, etcd: 'the etcd tier', labels: { disktype: 'ssd' }, taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] },
    build: junk => {
      const c = new VagrantCluster({ outdir: NEVER_WRITTEN, kubernetesVersion: '1.6.13' });
      const etcd = new EtcdPeerTier(c, 'etcd');
      new KubeNodeTier(c, 'node', junk !== null && typeof junk === 'object' && junk.etcd === 'the etcd tier' ? { ...junk, etcd } : junk);
      return c;
    },
  },
  'ClusterProfile.classic options': {
    valid: { apiServerImage: 'gcr.io/mirror/hyperkube:v1.1.7', proxyImage: 'gcr.io/mirror/hyperkube:v1.1.7' },
    build: junk => seedTiers(new VagrantCluster({ outdir: NEVER_WRITTEN, profile: ClusterProfile.classic(junk) })),
  },
  'ClusterProfile.flatcar options': {
    valid: { pkiDir: `${NEVER_WRITTEN}.pki`, regeneratePki: false, etcdImage: 'registry.k8s.io/etcd:3.6.9-0', flannelImage: 'ghcr.io/flannel-io/flannel:v0.27.4' },
    build: junk => seedTiers(new VagrantCluster({ outdir: NEVER_WRITTEN, prefix: '192.168.56', profile: ClusterProfile.flatcar(junk) })),
  },
  'StaticPod props': {
    valid: {
      folder: 'pods/extra',
      containers: [{ name: 'web', image: 'busybox:1.36', command: ['sh'], args: ['-c', 'sleep 1'], env: [{ name: 'A', value: 'on' }, { name: 'N', fieldPath: 'spec.nodeName' }], capabilities: { add: ['NET_ADMIN'] } }],
      hostMounts: [{ name: 'data', path: '/var/lib/data', file: false, mountPath: '/data' }],
      namespace: 'kube-system',
      hostAliases: [{ ip: '127.0.0.1', hostnames: ['kubernetes'] }],
    },
    build: junk => { const c = seedCluster(); new StaticPod(c, 'extra', junk); return c; },
  },
  'Addon props': {
    valid: { namespace: 'default', labels: { app: 'web' } },
    build: junk => { const c = seedCluster(); new Addon(c, 'web', chart => { new ApiObject(chart, 'c', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web' } } as ApiObjectProps); }, junk); return c; },
  },
  'Addon define': {
    valid: null,
    build: junk => { const c = seedCluster(); new Addon(c, 'web', junk ?? undefined); return c; },
  },
  'Addon.fromChart chart': {
    valid: null,
    build: junk => { const c = seedCluster(); Addon.fromChart(c, 'web', junk ?? new Chart(new App(), 'web')); return c; },
  },
  'Addon objects': {
    valid: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { note: 'x' } }, data: { a: '1' } },
    build: junk => { const c = seedCluster(); new Addon(c, 'web', chart => { new ApiObject(chart, 'o', junk); }); return c; },
  },
  'HyperkubePod props': {
    valid: { image: 'gcr.io/google_containers/hyperkube:v1.1.7', folder: 'pods/extra', containers: [{ name: 'extra', component: 'proxy', flags: ['--master=http://127.0.0.1:8080'] }] },
    build: junk => { const c = seedCluster(); new HyperkubePod(c, 'extra', junk); return c; },
  },
  'FleetUnit props': {
    valid: { unit, machines: { fleetMachines: [] }, xFleet: { machineMetadata: ['kube=master'] }, folder: 'kube' },
    build: junk => { const c = seedCluster(); const nodes = c.node.findChild('node') as KubeNodeTier; new FleetUnit(nodes, 'extra', junk); return c; },
  },
  'MetalCluster props': {
    valid: (({ outdir: _outdir, profile: _profile, ...props }) => props)(metalProps(NEVER_WRITTEN, `${NEVER_WRITTEN}.pki`)),
    build: junk => {
      const cluster = new MetalCluster(junk !== null && typeof junk === 'object' && !Array.isArray(junk)
        ? { ...junk, outdir: NEVER_WRITTEN, profile: ClusterProfile.flatcar({ pkiDir: `${NEVER_WRITTEN}.pki` }) } : junk);
      const etcd = new EtcdPeerTier(cluster, 'etcd');
      new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 3, etcd });
      new KubeNodeTier(cluster, 'worker', { role: NodeRole.WORKER, count: 3, etcd });
      return cluster as unknown as VagrantCluster;
    },
  },
  'CloudConfig props': {
    valid: { filePath: 'extra/user-data.yaml', config: { hostname: 'extra', write_files: [{ path: '/etc/x', permissions: '0644', content: 'on' }] }, secret: true },
    build: junk => { const c = seedCluster(); new CloudConfig(new Construct(c, 'extra'), 'user-data', junk); return c; },
  },
};

/**
 * Fails with the junk printed by describeValue: fast-check's own report prints each value it
 * shows, and a revoked proxy among them would throw a TypeError instead of the failure.
 */
function reportJunk(name: string): (details: fc.RunDetails<[unknown]>) => void {
  return details => {
    if (details.failed) {
      throw new Error(`${name}: failed after ${details.numRuns} runs (seed ${details.seed}, path '${details.counterexamplePath}') on `
        + `${describeValue(details.counterexample?.[0])}: ${(details.errorInstance as Error | undefined)?.message ?? 'no error (too many skipped runs, or interrupted)'}`);
    }
  };
}

describe('properties', function () {
  this.timeout(300_000);

  it('random valid clusters always synthesize, and every cloud-config passes the schema (200 runs)', () => {
    fc.assert(fc.property(validShape, shape => {
      const files = Testing.render(build(shape));
      const userData = Object.keys(files).filter(p => p.startsWith('user-data/'));
      expect(userData).to.have.length(shape.etcd.count + shape.node.count);
      for (const file of userData) {
        expect(schemaProblems(schema, parse(files[file], { version: '1.1' })), file).to.deep.equal([]);
      }
      expect(files.Vagrantfile.match(/^  \{ name: /gm)).to.have.length(shape.etcd.count + shape.node.count);
    }), { numRuns: 200 });
  });

  it('random invalid clusters always fail with a ValidationError, never a TypeError or a partial write (200 runs)', () => {
    const parent = tempDir();
    const outdir = path.join(parent, 'out');
    defaultCluster(outdir).synth();
    const original = snapshot(outdir);
    const mutation = fc.constantFrom(...Object.keys(BAD_VALUES)).chain(field => fc.constantFrom(...BAD_VALUES[field]).map(value => [field, value] as const));
    try {
      fc.assert(fc.property(validShape, fc.array(mutation, { minLength: 1, maxLength: 3 }), (shape, mutations) => {
        const broken: any = structuredClone(shape);
        for (const [field, value] of mutations) {
          const [head, tail] = field.split('.');
          if (tail) { broken[head][tail] = value; } else { broken[head] = value; }
        }
        let error: unknown;
        try {
          build(broken, outdir).synth();
        } catch (e) {
          error = e;
        }
        expect(error, `no error for ${JSON.stringify(mutations)}`).to.be.instanceOf(ValidationError);
        expect((error as ValidationError).problems.length).to.be.at.least(1);
        expect(snapshot(outdir)).to.deep.equal(original);
      }), { numRuns: 200 });
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });

  describe('junk in place of every public constructor\'s props, options or arguments: a ValidationError or a render, never another error (100 runs each)', () => {
    for (const [name, { valid, build, objectsOnly }] of Object.entries(CONSTRUCTORS)) {
      it(`${name}`, () => {
        const junk = (objectsOnly
          ? junkFor(valid).filter(value => value !== null && typeof value === 'object' && !Array.isArray(value))
          : junkFor(valid));
        fc.assert(fc.property(junk, value => {
          try {
            build(value).render();
          } catch (error) {
            if (!(error instanceof ValidationError)) {
              throw new Error(`${name} ${describeValue(value)} threw ${(error as Error).stack}`);
            }
            expect(error.problems.length).to.be.at.least(1);
          }
        }), { numRuns: 100, reporter: reportJunk(name) });
        expect(fs.existsSync(NEVER_WRITTEN), 'render writes nothing').to.equal(false);
      });
    }
  });
});
