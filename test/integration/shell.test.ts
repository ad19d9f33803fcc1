// Every piece of shell we ship passes shellcheck: the provision inline command
// of the Vagrantfile (as Ruby evaluates it) and every write_files script with a
// #! line in the cloud-configs, of both profiles, and the Flatcar HA example's
// verify.sh.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { evaluateRubyLiterals } from './support/ruby';
import { cloudConfigs } from './support/synthesized';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, run, writeScript } from './support/tools';
import { defaultCluster } from '../../examples/default';
import { flatcarCluster } from '../../examples/flatcar';
import { flatcarHaCluster } from '../../examples/flatcar-ha';
import { CLASSIC_RELEASES, Testing, VagrantCluster } from '../../lib';
import { installLoginKeyScript } from '../../lib/vagrant/vagrantfile';
import { otherCluster } from '../support/fixtures';
import { flatcarHaPkiCopy, flatcarPkiCopy } from '../support/flatcar';

/** The Ruby string literals passed as `inline:` in a Vagrantfile. */
function inlineLiterals(vagrantfile: string): string[] {
  return [...vagrantfile.matchAll(/\binline: ("(?:[^"\\]|\\.)*")/g)].map(match => match[1]);
}

/** The write_files entries that are scripts (start with #!), as `[label, content]`. */
function scripts(cluster: VagrantCluster): Array<[string, string]> {
  return cloudConfigs(cluster).flatMap(cloudConfig => (cloudConfig.config.write_files ?? [])
    .filter(file => file.content.startsWith('#!'))
    .map(file => [`${cloudConfig.filePath} ${file.path}`, file.content] as [string, string]));
}

/** Identical contents are checked once; the label names the first one seen. */
function distinct(entries: Array<[string, string]>): Array<[string, string]> {
  const seen = new Map<string, string>();
  for (const [label, content] of entries) {
    if (!seen.has(content)) { seen.set(content, label); }
  }
  return [...seen.entries()].map(([content, label]) => [label, content]);
}

describe('integration: shellcheck passes every shell snippet we ship', function () {
  let work: string | undefined;
  let count = 0;
  const clusters = [defaultCluster(), otherCluster(), ...CLASSIC_RELEASES.map(release => otherCluster({ kubernetesVersion: release.knownPatch }))];

  before(function () {
    requireTools(this, 'shellcheck');
    work = makeTempDir('shellcheck');
  });

  after(() => removeTempDir(work));

  /**
   * shellcheck on a file. `shell` is given for text without a #! line: Vagrant runs
   * an inline command through the guest's login shell, and `sh` is the strictest
   * dialect it could be (CoreOS's is bash).
   */
  function shellcheck(content: string, shell?: 'sh', ...options: string[]): Promise<RunResult> {
    const file = path.join(work!, `snippet-${++count}.sh`);
    fs.writeFileSync(file, content);
    return run('shellcheck', ['--format=gcc', ...(shell ? [`--shell=${shell}`] : []), ...options, file]);
  }

  /**
   * The two inline commands of a Flatcar Vagrantfile, as Ruby evaluates them, pass shellcheck: the
   * script that makes the cluster key the only one (a #! script), and the move of the user-data.
   */
  async function shellcheckFlatcarInlines(vagrantfile: string): Promise<void> {
    const literals = [...new Set(inlineLiterals(vagrantfile))];
    expect(literals).to.have.length(2);
    const [script, move] = await evaluateRubyLiterals(work!, literals) as string[];
    expect(script.split('\n')[0]).to.equal('#!/bin/sh');
    expect(move).to.equal('install -D -o root -g root -m 0600 /tmp/vagrantfile-user-data /var/lib/flatcar-vagrant/.vagrantfile-user-data.new '
      + '&& rm -f /tmp/vagrantfile-user-data && mv -f /var/lib/flatcar-vagrant/.vagrantfile-user-data.new /var/lib/flatcar-vagrant/vagrantfile-user-data');
    for (const [command, shell] of [[script, undefined], [`${move}\n`, 'sh']] as const) {
      const result = await shellcheck(command, shell);
      expect(result.code, `${command}\n${output(result)}`).to.equal(0);
    }
  }

  it('passes the provision inline command of every Vagrantfile, as Ruby evaluates it', async function () {
    requireTools(this, 'ruby');
    const literals = [...new Set(clusters.flatMap(cluster => inlineLiterals(Testing.render(cluster).Vagrantfile)))];
    expect(literals).to.deep.equal(['"mv /tmp/vagrantfile-user-data /var/lib/coreos-vagrant/vagrantfile-user-data"']);
    const commands = await evaluateRubyLiterals(work!, literals) as string[];
    for (const command of commands) {
      const result = await shellcheck(`${command}\n`, 'sh');
      expect(result.code, `${command}\n${output(result)}`).to.equal(0);
    }
  });

  it('passes every write_files script with a #! line in the cloud-configs', async () => {
    const all = clusters.flatMap(scripts);
    expect(all.map(([label]) => label)).to.include('user-data/node-01.yaml /opt/bin/wait-for-port');
    for (const [label, content] of distinct(all)) {
      const result = await shellcheck(content);
      expect(result.code, `${label}\n${output(result)}`).to.equal(0);
    }
  });

  it('passes the Flatcar Vagrantfile\'s inline command and every script of the cloud-configs', async function () {
    requireTools(this, 'ruby');
    const pkiDir = flatcarPkiCopy();
    try {
      const cluster = flatcarCluster(path.join(work!, 'flatcar'), pkiDir);
      await shellcheckFlatcarInlines(Testing.render(cluster).Vagrantfile);

      const all = scripts(cluster);
      const everyNode = ['/opt/bin/install-kubelet', '/opt/bin/install-cni-plugins'];
      expect(all.map(([label]) => label)).to.deep.equal([
        ...[...everyNode, '/opt/bin/install-kubectl', '/opt/bin/apply-addons'].map(p => `cloud-config/node-01.yaml ${p}`),
        ...['02', '03', '04'].flatMap(n => everyNode.map(p => `cloud-config/node-${n}.yaml ${p}`)),
      ]);
      expect(distinct(all)).to.have.length(4); // each script is the same text on every node
      for (const [label, content] of distinct(all)) {
        expect(content.split('\n')[0], label).to.equal('#!/bin/sh');
        const result = await shellcheck(content);
        expect(result.code, `${label}\n${output(result)}`).to.equal(0);
      }
    } finally {
      removeTempDir(pkiDir);
    }
  });

  describe('the Flatcar HA example', () => {
    let pkiDir: string | undefined;
    let files: Record<string, string>;
    let all: Array<[string, string]>;

    before(() => {
      pkiDir = flatcarHaPkiCopy();
      const cluster = flatcarHaCluster(path.join(work!, 'flatcar-ha'), pkiDir);
      files = Testing.render(cluster);
      all = scripts(cluster);
    });

    after(() => removeTempDir(pkiDir));

    it('passes the Vagrantfile\'s inline command and every script of the cloud-configs, the add-on bootstrap with its node-labelling loop among them', async function () {
      requireTools(this, 'ruby');
      await shellcheckFlatcarInlines(files.Vagrantfile);

      const everyNode = ['/opt/bin/install-kubelet', '/opt/bin/install-cni-plugins'];
      expect(all.map(([label]) => label)).to.deep.equal([
        ...['cp-01', 'cp-02', 'cp-03'].flatMap(cp => [...everyNode, '/opt/bin/install-kubectl', '/opt/bin/apply-addons'].map(p => `cloud-config/${cp}.yaml ${p}`)),
        ...['worker-01', 'worker-02', 'big-01'].flatMap(vm => everyNode.map(p => `cloud-config/${vm}.yaml ${p}`)),
      ]);
      expect(distinct(all)).to.have.length(4); // each script is the same text on every node
      const [, applyAddons] = distinct(all).find(([label]) => label.endsWith(' /opt/bin/apply-addons'))!;
      expect(applyAddons).to.contain('node_labels="cp-01 node-role.kubernetes.io/control-plane=\ncp-02 node-role.kubernetes.io/control-plane=\n'
        + 'cp-03 node-role.kubernetes.io/control-plane="\n');
      expect(applyAddons).to.contain(' label --overwrite node "$node" $pairs ');
      for (const [label, content] of distinct(all)) {
        expect(content.split('\n')[0], label).to.equal('#!/bin/sh');
        const result = await shellcheck(content);
        expect(result.code, `${label}\n${output(result)}`).to.equal(0);
      }
    });

    it('passes verify.sh as POSIX sh, style warnings included', async () => {
      expect(files['verify.sh']).to.contain('\n  expect_taint big-01 dedicated=db:NoSchedule\n');
      const result = await shellcheck(files['verify.sh'], 'sh', '--severity=style');
      expect(result.code, output(result)).to.equal(0);
      expect(result.stdout).to.equal('');
    });

    it('fails when the node-labelling loop splits its label words without the directive that allows it', async () => {
      const [, applyAddons] = all.find(([label]) => label === 'cloud-config/cp-01.yaml /opt/bin/apply-addons')!;
      const directive = '    # shellcheck disable=SC2086\n';
      expect(applyAddons).to.contain(directive);
      const result = await shellcheck(applyAddons.replace(directive, ''));
      expect(result.code).to.not.equal(0);
      expect(result.stdout).to.match(/snippet-\d+\.sh:\d+:\d+: note: Double quote to prevent globbing and word splitting\. \[SC2086\]/);
    });
  });

  describe('the script that makes the cluster key the only key of core, run under /bin/sh on a stand-in home', () => {
    const clusterKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1ErloTe8YxHzAir86xMW/o7e0WV6pLs9Hvj5w9E1Js cdk-vagrant-kubernetes cluster key';
    const insecureKey = 'ssh-rsa AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oX vagrant insecure public key';

    /** Runs the script with getent, id and chown answering for a user `core` whose home is in a temp folder; returns that home. */
    async function runScript(label: string, prepare: (ssh: string) => void): Promise<{ home: string; result: RunResult; chowned: string }> {
      const root = path.join(work!, `login-key-${label}`);
      const home = path.join(root, 'home', 'core');
      const bin = path.join(root, 'bin');
      fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
      prepare(path.join(home, '.ssh'));
      writeScript(path.join(bin, 'getent'), `[ "$1 $2" = "passwd core" ] && echo "core:x:500:500:Flatcar Admin:${home}:/bin/bash"\n`);
      writeScript(path.join(bin, 'id'), '[ "$1 $2" = "-gn core" ] && echo core\n');
      writeScript(path.join(bin, 'chown'), `echo "$*" >> ${root}/chown\n`);
      const file = path.join(root, 'install-login-key');
      fs.writeFileSync(file, installLoginKeyScript('core'));
      // Vagrant passes the key as the script's argument (args: [CLUSTER_KEY]).
      const result = await run('sh', [file, clusterKey], { env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` } });
      const chowned = fs.existsSync(path.join(root, 'chown')) ? fs.readFileSync(path.join(root, 'chown'), 'utf-8') : '';
      return { home, result, chowned };
    }

    it('replaces the insecure key in authorized_keys and in every authorized_keys.d fragment by the cluster key alone, 0600 under a 0700 folder', async () => {
      const { home, result, chowned } = await runScript('flatcar', ssh => {
        fs.writeFileSync(path.join(ssh, 'authorized_keys'), `${insecureKey}\n`);
        fs.mkdirSync(path.join(ssh, 'authorized_keys.d'));
        fs.writeFileSync(path.join(ssh, 'authorized_keys.d', 'coreos-cloudinit'), `${insecureKey}\n`);
        fs.writeFileSync(path.join(ssh, 'authorized_keys.d', 'oem'), `${insecureKey}\n`);
      });
      expect(result.code, output(result)).to.equal(0);
      const ssh = path.join(home, '.ssh');
      expect(fs.readFileSync(path.join(ssh, 'authorized_keys'), 'utf-8')).to.equal(`${clusterKey}\n`);
      expect(fs.readdirSync(path.join(ssh, 'authorized_keys.d'))).to.deep.equal(['coreos-cloudinit']);
      expect(fs.readFileSync(path.join(ssh, 'authorized_keys.d', 'coreos-cloudinit'), 'utf-8')).to.equal(`${clusterKey}\n`);
      expect(fs.readdirSync(ssh).sort()).to.deep.equal(['authorized_keys', 'authorized_keys.d']);
      expect(fs.statSync(path.join(ssh, 'authorized_keys')).mode & 0o777).to.equal(0o600);
      expect(chowned).to.equal(`-R core:core ${ssh}\n`);
    });

    it('creates the folder and authorized_keys where there is none, and is idempotent', async () => {
      const first = await runScript('fresh', ssh => fs.rmSync(ssh, { recursive: true }));
      expect(first.result.code, output(first.result)).to.equal(0);
      expect(fs.readFileSync(path.join(first.home, '.ssh', 'authorized_keys'), 'utf-8')).to.equal(`${clusterKey}\n`);
      expect(fs.statSync(path.join(first.home, '.ssh')).mode & 0o777).to.equal(0o700);
      const again = await runScript('fresh', () => undefined);
      expect(again.result.code, output(again.result)).to.equal(0);
      expect(fs.readFileSync(path.join(again.home, '.ssh', 'authorized_keys'), 'utf-8')).to.equal(`${clusterKey}\n`);
    });

    it('fails when the user has no home folder, before it writes anything', async () => {
      const root = path.join(work!, 'login-key-no-home');
      const bin = path.join(root, 'bin');
      // getent knows no such user; mkdir only logs, so that nothing could be written outside the temp folder anyway.
      writeScript(path.join(bin, 'getent'), 'exit 2\n');
      writeScript(path.join(bin, 'mkdir'), `echo "$*" >> ${root}/mkdir\n`);
      fs.writeFileSync(path.join(root, 'script'), installLoginKeyScript('core'));
      const env = { ...process.env, PATH: `${bin}:/usr/bin:/bin` };
      const result = await run('sh', [path.join(root, 'script'), clusterKey], { env });
      expect(result.code, output(result)).to.equal(1);
      expect(result.stderr).to.equal('core has no home folder; its SSH keys are left as they are\n');
      // Nor with an argument that is no public key (an empty file read by the Vagrantfile, say).
      const empty = await run('sh', [path.join(root, 'script'), ''], { env });
      expect(empty.code, output(empty)).to.equal(1);
      expect(empty.stderr).to.equal('expected an SSH public key as the argument, got \'\'\n');
      expect(fs.existsSync(path.join(root, 'mkdir'))).to.equal(false);
    });
  });

  it('fails when a script leaves $1 unquoted', async () => {
    const result = await shellcheck('#!/bin/sh\nset -eu\nrm -rf $1\n');
    expect(result.code).to.not.equal(0);
    expect(result.stdout).to.contain('SC2086');
  });

  it('fails when an inline command leaves $1 unquoted', async () => {
    const result = await shellcheck('mv $1 /var/lib/coreos-vagrant/vagrantfile-user-data\n', 'sh');
    expect(result.code).to.not.equal(0);
    expect(result.stdout).to.contain('SC2086');
  });
});
