import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { parse } from 'yaml';
import { defaultCluster } from '../../examples/default';
import { CLASSIC_RELEASES, EtcdPeerTier, KubeNodeTier, Testing, ValidationError, VagrantCluster } from '../../lib';
import schema from '../../lib/formats/cloud-config.schema.json';
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
});
