// The networks a cluster can use: the host network, the pod range and the service range,
// at the edges of what each profile allocates from them. The bad-input table holds one row
// per refusal; these tests prove the limits are exactly where the rules say.
import * as path from 'node:path';
import { expect } from 'chai';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, Testing, VagrantCluster, VagrantClusterProps } from '../../lib';
import { SPECIAL_PURPOSE_BLOCKS, formatIpv4, prefixCidr, specialPurposeBlockOf } from '../../lib/cluster/ipv4';
import { UNUSED_FOLDER } from '../support/flatcar';
import { problemsOf } from '../support/fixtures';

/** One etcd peer and `nodes` nodes of the seed's layout, under the classic profile unless told. */
function cluster(props: VagrantClusterProps, nodes = 2): VagrantCluster {
  const c = new VagrantCluster(props);
  const etcd = new EtcdPeerTier(c, 'etcd', { count: 1, firstIp: 11 });
  new KubeNodeTier(c, 'node', { count: nodes, firstIp: 21, etcd });
  return c;
}

/** The same under the Flatcar profile, on folders no test writes. */
function flatcar(props: VagrantClusterProps, nodes = 2): VagrantCluster {
  return cluster({ ...props, profile: ClusterProfile.flatcar({ pkiDir: path.join(UNUSED_FOLDER, 'pki') }), outdir: path.join(UNUSED_FOLDER, 'out') }, nodes);
}

/** The warnings of a rendered cluster. */
/** The warnings of a render, but the classic profile's plain-HTTP one (tested on its own). */
function warnings(c: VagrantCluster): string[] {
  return c.render().manifest.warnings.filter(warning => !warning.startsWith('[cluster/plain-http] '));
}

describe('networks', () => {
  describe('the host network', () => {
    it('warns that a loopback prefix only serves tests, and asks for no networks.conf line, under both profiles', () => {
      for (const c of [cluster({ prefix: '127.0.10' }), flatcar({ prefix: '127.0.30' })]) {
        const found = warnings(c);
        expect(found).to.have.length(1);
        expect(found[0]).to.match(/^\[cluster\] host network 127\.0\.[0-9]+\.0\/24 is in 127\.0\.0\.0\/8, the loopback block: it only serves tests/);
        expect(found.join('\n')).to.not.contain('networks.conf');
      }
    });

    it('asks for a networks.conf line outside VirtualBox\'s host-only range, and warns of nothing inside it', () => {
      expect(warnings(cluster({ prefix: '10.10.10' }))).to.deep.equal([
        "[cluster] prefix 10.10.10 is outside VirtualBox's default host-only range 192.168.56.0/21; VirtualBox 6.1.28 and later refuse it unless /etc/vbox/networks.conf has the line '* 10.10.10.0/24'",
      ]);
      expect(warnings(cluster({ prefix: '192.168.56' }))).to.deep.equal([]);
    });

    for (const block of SPECIAL_PURPOSE_BLOCKS.filter(b => b.cidr !== '127.0.0.0/8')) {
      it(`fails when the prefix is the first or the last /24 of ${block.cidr}, and not when it is next to it`, () => {
        const first = formatIpv4(block.range.first).split('.').slice(0, 3).join('.');
        const last = formatIpv4(block.range.last).split('.').slice(0, 3).join('.');
        for (const prefix of [first, last]) {
          expect(problemsOf(() => cluster({ prefix }).model()).join('\n'), prefix).to.contain(`overlaps ${block.cidr}, the ${block.name}`);
        }
        const before = block.range.first === 0 ? undefined : formatIpv4(block.range.first - 256).split('.').slice(0, 3).join('.');
        const after = block.range.last === 2 ** 32 - 1 ? undefined : formatIpv4(block.range.last + 1).split('.').slice(0, 3).join('.');
        // A neighbour in another block (224/4 and 240/4 touch) or in 10/8 (the default ranges) proves nothing here.
        const usable = (p: string | undefined): p is string => p !== undefined && !specialPurposeBlockOf(prefixCidr(p)) && !p.startsWith('10.');
        const neighbours = [before, after].filter(usable);
        // 240.0.0.0/4 ends the address space and follows the multicast block: it has none.
        expect(neighbours.length, 'a neighbour to try').to.equal(block.cidr === '240.0.0.0/4' ? 0 : 1);
        for (const prefix of neighbours) {
          expect(problemsOf(() => cluster({ prefix }).model()), prefix).to.deep.equal([]);
        }
      });
    }

    it('fails when a range touches VirtualBox\'s NAT network 10.0.2.0/24, and not next to it', () => {
      expect(problemsOf(() => cluster({ prefix: '10.0.2' }).model()).join('\n')).to.contain("overlaps VirtualBox's NAT network 10.0.2.0/24");
      expect(problemsOf(() => cluster({ serviceIpRange: '10.0.2.128/25' }).model()).join('\n')).to.contain("serviceIpRange 10.0.2.128/25 overlaps VirtualBox's NAT network");
      expect(problemsOf(() => cluster({ prefix: '10.0.1' }).model())).to.deep.equal([]);
      expect(problemsOf(() => cluster({ prefix: '10.0.3' }).model())).to.deep.equal([]);
    });
  });

  describe('the classic pod range (flannel leases a /24 per node, never the first)', () => {
    it('holds 3 nodes in a /22 and 7 in a /21, and fails one node more', () => {
      expect(problemsOf(() => cluster({ ipRange: '10.11.0.0/22' }, 3).model())).to.deep.equal([]);
      expect(problemsOf(() => cluster({ ipRange: '10.11.0.0/22' }, 4).model())[0]).to.contain('gives flannel 3 subnet(s) of /24');
      expect(problemsOf(() => cluster({ ipRange: '10.11.0.0/21' }, 7).model())).to.deep.equal([]);
      expect(problemsOf(() => cluster({ ipRange: '10.11.0.0/21' }, 8).model())[0]).to.contain('expected a range of /20 or larger');
    });
  });

  describe('the Flatcar ranges', () => {
    it('holds a node per /24 of the pod range, the first one included (the controller-manager allocates every /24)', () => {
      expect(problemsOf(() => flatcar({ ipRange: '10.244.0.0/23' }, 2).model())).to.deep.equal([]);
      expect(problemsOf(() => flatcar({ ipRange: '10.244.0.0/23' }, 3).model())[0]).to.contain('holds 2 node pod range(s) of /24');
    });

    it('takes a pod range of /8 and refuses a /7', () => {
      expect(problemsOf(() => flatcar({ ipRange: '12.0.0.0/8' }).model())).to.deep.equal([]);
      expect(problemsOf(() => flatcar({ ipRange: '12.0.0.0/7' }).model())[0]).to.contain('is larger than /8');
    });

    it('takes a service range of /28, whose 10th address is the cluster DNS, and of /12; refuses /29 and /11', () => {
      const files = Testing.render(flatcar({ serviceIpRange: '10.96.0.0/28' }));
      expect(files['addons/coredns.yaml']).to.contain('clusterIP: 10.96.0.10');
      expect(problemsOf(() => flatcar({ serviceIpRange: '10.96.0.0/29' }).model())[0]).to.contain('10.96.0.10, which lies outside it');
      expect(problemsOf(() => flatcar({ serviceIpRange: '172.16.0.0/12' }).model())).to.deep.equal([]);
      expect(problemsOf(() => flatcar({ serviceIpRange: '172.0.0.0/11' }).model())[0]).to.contain('is larger than /12');
    });
  });
});
