// The cluster's name: a DNS-1123 label, by default the outdir's base name, that names
// admin.kubeconfig's cluster, context and user, so that the kubeconfigs of two clusters merge.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, Testing, VagrantCluster } from '../../lib';
import { clusterNameOf } from '../../lib/cluster/kubernetes-names';
import { problemsOf, yaml11 } from '../support/fixtures';
import { FLATCAR_PREFIX, flatcarPkiCopy, tempFolder } from '../support/flatcar';
import { requireTool } from '../support/required-tool';

/** examples/flatcar.ts's cluster on the suite's PKI folder, named `name` or by its outdir. */
function flatcar(pkiDir: string, outdir: string, name?: string): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir, name, profile: ClusterProfile.flatcar({ pkiDir }), prefix: FLATCAR_PREFIX, ipRange: '10.20.0.0/16', serviceIpRange: '10.3.0.0/24',
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 1024, firstIp: 11 });
  new KubeNodeTier(cluster, 'node', { count: 4, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
  return cluster;
}

describe('the cluster name', () => {
  it('defaults to the outdir\'s base name made a DNS-1123 label', () => {
    expect(clusterNameOf('dist.out')).to.equal('dist-out');
    expect(clusterNameOf('/home/me/clusters/Lab_1/')).to.equal('lab-1');
    expect(clusterNameOf('out/..dev..')).to.equal('dev');
    expect(clusterNameOf(`${'a'.repeat(62)}.b`)).to.equal('a'.repeat(62));
    expect(clusterNameOf('___')).to.equal('kubernetes');
    expect(new VagrantCluster({ outdir: 'clusters/Staging.EU' }).clusterName).to.equal('staging-eu');
    expect(new VagrantCluster({ outdir: 'x', name: 'lab' }).clusterName).to.equal('lab');
  });

  for (const [name, why] of [['Lab', 'upper case'], ['-lab', 'a leading dash'], ['lab.eu', 'a dot'], ['a'.repeat(64), '64 characters'], ['', 'empty']]) {
    it(`fails when the name has ${why}`, () => {
      const cluster = new VagrantCluster({ name });
      new KubeNodeTier(cluster, 'node', { etcd: new EtcdPeerTier(cluster, 'etcd') });
      const problems = problemsOf(() => cluster.model());
      expect(problems, problems.join('\n')).to.deep.equal([`name is ${JSON.stringify(name)}; expected a DNS-1123 label such as 'lab' `
        + '(at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit)']);
    });
  }

  describe('in admin.kubeconfig', () => {
    let pkiDir: string;
    let folder: string;

    before(() => {
      pkiDir = flatcarPkiCopy();
      folder = tempFolder('cluster-name');
    });
    after(() => {
      fs.rmSync(pkiDir, { recursive: true, force: true });
      fs.rmSync(folder, { recursive: true, force: true });
    });

    it('names the cluster and the context after the cluster, and the user <name>-admin', () => {
      const config = yaml11(Testing.render(flatcar(pkiDir, path.join(folder, 'lab')))['admin.kubeconfig']);
      expect(config.clusters.map((c: { name: string }) => c.name)).to.deep.equal(['lab']);
      expect(config.users.map((u: { name: string }) => u.name)).to.deep.equal(['lab-admin']);
      expect(config.contexts).to.deep.equal([{ name: 'lab', context: { cluster: 'lab', user: 'lab-admin' } }]);
      expect(config['current-context']).to.equal('lab');
    });

    it('merges with another cluster\'s in real kubectl: two contexts, each with its own server and credentials', function () {
      requireTool(this, 'kubectl', 'apt-get install kubernetes-client');
      const kubeconfigs = ['dev', 'prod'].map(name => {
        const file = path.join(folder, `${name}.kubeconfig`);
        fs.writeFileSync(file, Testing.render(flatcar(pkiDir, path.join(folder, 'out'), name))['admin.kubeconfig'], { mode: 0o600 });
        return file;
      });
      const kubectl = (...args: string[]) => {
        const result = spawnSync('kubectl', args, { encoding: 'utf-8', env: { ...process.env, KUBECONFIG: kubeconfigs.join(path.delimiter) } });
        expect(result.status, result.stderr).to.equal(0);
        return result.stdout;
      };
      expect(kubectl('config', 'get-contexts', '-o', 'name').split('\n').filter(Boolean).sort()).to.deep.equal(['dev', 'prod']);
      for (const name of ['dev', 'prod']) {
        const view = yaml11(kubectl('config', 'view', '--minify', '--raw', '--context', name));
        expect(view.contexts[0].context, name).to.deep.equal({ cluster: name, user: `${name}-admin` });
        expect(view.users[0].user['client-key-data'], name).to.be.a('string').and.not.equal('');
      }
    });
  });
});
