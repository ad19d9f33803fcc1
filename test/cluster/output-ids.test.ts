// Tier ids against the root of the output tree: each tier's id names the scope of its
// machines' files there (cluster/<tier>/<machine>/...), beside what the target, the runbook
// and the profile put at that root. Every id those add, found by binding real clusters, is
// refused as a tier id, so that a new one cannot slip in unchecked.
import * as path from 'node:path';
import { expect } from 'chai';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, NodeRole, VagrantCluster, VagrantClusterProps } from '../../lib';
import { defaultCluster } from '../../examples/default';
import { problemsOf } from '../support/fixtures';
import { UNUSED_FOLDER, flatcarHaTree, flatcarTree } from '../support/flatcar';

/** The ids at the root of a bound cluster's output tree that are not its tiers. */
function rootIds(cluster: VagrantCluster): string[] {
  const tiers = new Set(cluster.tiers.map(tier => tier.node.id));
  return cluster.bind().node.children.map(child => child.node.id).filter(id => !tiers.has(id));
}

const profiles: Record<string, () => VagrantClusterProps> = {
  classic: () => ({}),
  flatcar: () => ({ outdir: path.join(UNUSED_FOLDER, 'out'), profile: ClusterProfile.flatcar({ pkiDir: path.join(UNUSED_FOLDER, 'pki') }) }),
};

/** A cluster of the profile whose node tier (or etcd tier) has this id. */
function clusterWithTier(profile: string, id: string, kind: 'node' | 'etcd'): VagrantCluster {
  const cluster = new VagrantCluster(profiles[profile]());
  const etcd = new EtcdPeerTier(cluster, kind === 'etcd' ? id : 'etcd', { count: 1, firstIp: 11 });
  new KubeNodeTier(cluster, kind === 'node' ? id : 'node', { count: 2, firstIp: 21, etcd });
  return cluster;
}

describe('tier ids and the output tree', () => {
  const bound: Record<string, () => VagrantCluster[]> = {
    classic: () => [defaultCluster(), (() => {
      // Pools that register differently: a kubelet unit per pool (labels need 1.2).
      const c = new VagrantCluster({ kubernetesVersion: '1.6.13' });
      const etcd = new EtcdPeerTier(c, 'etcd');
      new KubeNodeTier(c, 'cp', { role: NodeRole.CONTROL_PLANE, count: 1, firstIp: 21, etcd });
      new KubeNodeTier(c, 'small', { role: NodeRole.WORKER, count: 2, firstIp: 31, etcd, labels: { disk: 'hdd' } });
      new KubeNodeTier(c, 'big', { role: NodeRole.WORKER, count: 1, firstIp: 41, etcd, labels: { disk: 'ssd' } });
      return c;
    })()],
    flatcar: () => [flatcarTree(), flatcarHaTree()],
  };

  for (const profile of Object.keys(bound)) {
    it(`refuses, as a node tier's and as the etcd tier's id, every id the ${profile} profile's clusters have at the output root`, () => {
      const ids = [...new Set(bound[profile]().flatMap(rootIds))];
      expect(ids).to.include.members(['Vagrantfile', 'runbook', 'topology-text', 'topology-svg', 'verify-script']);
      if (profile === 'flatcar') {
        expect(ids).to.include.members(['pki', 'flannel', 'kube-proxy', 'coredns', 'admin-kubeconfig', 'gitignore']);
      }
      for (const id of ids) {
        for (const kind of ['node', 'etcd'] as const) {
          const cluster = clusterWithTier(profile, id, kind);
          expect(problemsOf(() => cluster.model()).filter(p => p.startsWith(`tier id '${id}' is taken in the output tree`)), `${kind} tier ${id}`)
            .to.have.length(1);
        }
      }
    });
  }

  it('keeps the ids only the Flatcar profile takes free under the classic profile', () => {
    for (const id of ['pki', 'flannel', 'kube-proxy', 'coredns', 'admin-kubeconfig', 'gitignore']) {
      expect(problemsOf(() => clusterWithTier('classic', id, 'node').model()), id).to.deep.equal([]);
    }
  });

  it('names the construct already there and what it is, at the tier\'s path', () => {
    const cluster = clusterWithTier('flatcar', 'pki', 'etcd');
    let paths: string[] = [];
    try {
      cluster.model();
    } catch (error) {
      paths = (error as { problems: Array<{ constructPath: string; message: string }> }).problems.map(p => `[${p.constructPath}] ${p.message}`);
    }
    expect(paths).to.deep.equal([
      "[cluster/pki] tier id 'pki' is taken in the output tree: the flatcar profile puts the cluster's PKI there (cluster/pki), "
        + "where the tier's machines would get their files; expected another id, such as 'pki-nodes'",
    ]);
  });
});
