// Debian's ignition-validate (Ignition 2.14, which accepts spec 3.3.0 and refuses 3.4.0) reads
// every Ignition config a metal cluster writes, the final and the install ones, of the example
// and of a cluster without matchbox or endpoint, and finds nothing to say. Broken configs fail.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, run } from './support/tools';
import { metalCluster } from '../../examples/metal';
import { EtcdPeerTier, KubeNodeTier, MetalCluster, NodeRole, Testing } from '../../lib';
import { METAL_SSH_KEY, metalPkiCopy } from '../support/metal';

/** A small metal cluster: one etcd member, one control plane, one worker, no endpoint, no matchbox. */
function smallCluster(outdir: string): MetalCluster {
  const cluster = new MetalCluster({
    outdir, lanCidr: '192.168.7.0/24', gateway: '192.168.7.254', dnsServers: ['192.168.7.254', '9.9.9.9'], sshAuthorizedKeys: [METAL_SSH_KEY],
    machines: [
      { name: 'etcd-01', mac: '02:00:00:00:07:11', address: '192.168.7.11' },
      { name: 'cp-01', mac: '02:00:00:00:07:21', address: '192.168.7.21' },
      { name: 'node-01', mac: '02:00:00:00:07:31', address: '192.168.7.31', installDisk: '/dev/disk/by-id/wwn-0x5000c500a1b2c3d4' },
    ],
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 1 });
  new KubeNodeTier(cluster, 'cp', { role: NodeRole.CONTROL_PLANE, count: 1, etcd });
  new KubeNodeTier(cluster, 'node', { role: NodeRole.WORKER, count: 1, etcd });
  return cluster;
}

describe('integration: ignition-validate accepts every Ignition config of a metal cluster', function () {
  let work: string | undefined;
  let pkiDir: string | undefined;
  const configs: Record<string, string> = {};

  function validate(file: string): Promise<RunResult> {
    return run('ignition-validate', [file]);
  }

  before(function () {
    requireTools(this, 'ignition-validate');
    work = makeTempDir('ignition-validate');
    pkiDir = metalPkiCopy();
    const example = Testing.synth(metalCluster(path.join(work, 'unused'), pkiDir));
    const small = Testing.synth(smallCluster(path.join(work, 'unused-small')));
    for (const [label, files] of [['example', example], ['small', small]] as const) {
      for (const [file, text] of Object.entries(files).filter(([name]) => name.endsWith('.ign'))) {
        const target = path.join(work, label, file);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text, { mode: 0o600 });
        configs[`${label}/${file}`] = target;
      }
    }
  });

  after(() => {
    removeTempDir(work);
    removeTempDir(pkiDir);
  });

  it('is Debian\'s Ignition 2.14, which knows spec 3.3.0', async () => {
    const result = await run('ignition-validate', ['--version']);
    expect(result.code, output(result)).to.equal(0);
    expect(`${result.stdout}${result.stderr}`).to.match(/Ignition .*2\.1[4-9]/);
  });

  it('accepts the 18 configs of the example and the 3 of a cluster without matchbox, with no warning', async () => {
    const labels = Object.keys(configs).sort();
    expect(labels.filter(label => label.startsWith('example/'))).to.have.length(18);
    expect(labels.filter(label => label.startsWith('small/'))).to.deep.equal(['small/ignition/cp-01.ign', 'small/ignition/etcd-01.ign', 'small/ignition/node-01.ign']);
    const results = await Promise.all(labels.map(label => validate(configs[label])));
    labels.forEach((label, i) => {
      expect(results[i].code, `${label}\n${output(results[i])}`).to.equal(0);
      expect(`${results[i].stdout}${results[i].stderr}`, label).to.equal('');
    });
  });

  describe('broken configs', () => {
    /** A copy of cp-01's final config, changed. */
    async function validateChanged(label: string, change: (config: any) => void): Promise<RunResult> {
      const config = JSON.parse(fs.readFileSync(configs['example/ignition/cp-01.ign'], 'utf-8'));
      change(config);
      const file = path.join(work!, `${label}.ign`);
      fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
      return validate(file);
    }

    it('fails when the config says spec 3.4.0, which Ignition 2.14 does not read', async () => {
      const result = await validateChanged('spec-3.4.0', config => { config.ignition.version = '3.4.0'; });
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stdout + result.stderr).to.contain('unsupported config version');
    });

    it('fails when a file path is relative', async () => {
      const result = await validateChanged('relative-path', config => { config.storage.files[0].path = 'etc/systemd/network/10-lan0.link'; });
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stdout + result.stderr).to.contain('path not absolute');
    });

    it('fails when two files share a path', async () => {
      const result = await validateChanged('duplicate-path', config => { config.storage.files.push(config.storage.files[0]); });
      expect(result.code, output(result)).to.not.equal(0);
      expect(result.stdout + result.stderr).to.match(/duplicate/i);
    });

    it('warns when an enabled unit has no [Install] section', async () => {
      const result = await validateChanged('no-install', config => {
        config.systemd.units[0].contents = config.systemd.units[0].contents.replace(/\[Install\][\s\S]*$/, '');
      });
      expect(result.stdout + result.stderr, output(result)).to.contain('is enabled, but has no install section so enable does nothing');
    });
  });
});
