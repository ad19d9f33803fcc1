// Vagrant itself reads the synthesized Vagrantfile: `vagrant validate` with the
// real VirtualBox provider checks (through a stub VBoxManage), and Vagrant's
// Ruby API dumps every machine's merged config for comparison with the tree,
// for the seed cluster, another one, the Flatcar example and the Flatcar HA example.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { RunResult, makeTempDir, output, removeTempDir, requireTools, run, writeScript } from './support/tools';
import { SynthesizedCluster, copyFolder, synthesizeInto } from './support/synthesized';
import { defaultCluster } from '../../examples/default';
import { flatcarCluster } from '../../examples/flatcar';
import { flatcarHaCluster } from '../../examples/flatcar-ha';
import { otherCluster, yaml11 } from '../support/fixtures';
import { installLoginKeyScript } from '../../lib/vagrant/vagrantfile';
import { flatcarHaPkiCopy, flatcarPkiCopy } from '../support/flatcar';

const MACHINE_CONFIG_RB = path.join(__dirname, 'vagrant', 'machine-config.rb');
/** What the stub answers to `VBoxManage --version`: a VirtualBox Vagrant 2.3 supports. */
const STUB_VIRTUALBOX_VERSION = '7.0.14r161095';

/** The machine config that machine-config.rb prints. */
interface MachineDump {
  name: string;
  hostname: string;
  private_networks: string[];
  cpus: number | null;
  memory: number | null;
  provisioners: Array<{ type: string; source?: string; source_path?: string; destination?: string; inline?: string; args?: string[] | null; privileged?: boolean }>;
  synced_folders: Array<{ host: string; host_path: string; guest: string; type: string | null; disabled: boolean }>;
  ssh: { username: string | null; insert_key: boolean; keys: Array<{ path: string; type?: string; public_blob?: string; error?: string }> };
}

interface Dump {
  vagrant: string;
  root: string;
  machines: MachineDump[];
  problems: string[];
}

describe('integration: Vagrant reads the Vagrantfile', function () {
  let work: string | undefined;
  let pkiDir: string | undefined;
  let haPkiDir: string | undefined;
  let seed: SynthesizedCluster;
  let other: SynthesizedCluster;
  let flatcar: SynthesizedCluster;
  let flatcarHa: SynthesizedCluster;
  let broken: string;
  const results: Record<string, RunResult> = {};

  before(async function () {
    requireTools(this, 'vagrant', 'ruby');
    work = makeTempDir('vagrant');
    const stubs = path.join(work, 'bin');
    // Only `--version` is answered: enough for Vagrant to consider VirtualBox usable and run its config checks.
    writeScript(path.join(stubs, 'VBoxManage'),
      `if [ "$1" = "--version" ]; then echo ${STUB_VIRTUALBOX_VERSION}; exit 0; fi\necho "stub VBoxManage: $*" >&2\nexit 1\n`);

    seed = synthesizeInto(path.join(work, 'seed'), outdir => defaultCluster(outdir));
    other = synthesizeInto(path.join(work, 'other'), outdir => otherCluster({ outdir }));
    pkiDir = flatcarPkiCopy();
    flatcar = synthesizeInto(path.join(work, 'flatcar'), outdir => flatcarCluster(outdir, pkiDir));
    haPkiDir = flatcarHaPkiCopy();
    flatcarHa = synthesizeInto(path.join(work, 'flatcar-ha'), outdir => flatcarHaCluster(outdir, haPkiDir));
    broken = copyFolder(seed.outdir, path.join(work, 'broken'));
    const vagrantfile = path.join(broken, 'Vagrantfile');
    const text = fs.readFileSync(vagrantfile, 'utf-8');
    expect(text).to.contain('vb.cpus = machine[:cpus]');
    fs.writeFileSync(vagrantfile, text.replace('vb.cpus = machine[:cpus]', 'vb.cpuz = machine[:cpus]'));

    // Each Vagrant start costs ~2 s of CPU loading Ruby: run them at once, each with its own state folders.
    // The CLI validates the seed (and fails on the broken copy); machine-config.rb runs the same
    // validation in-process for every folder it dumps, so the other cluster needs no extra start.
    const vagrant = (label: string, folder: string, args: string[]) => {
      const state = path.join(work!, 'state', label);
      return run(args[0], args.slice(1), {
        cwd: folder,
        env: {
          // No VAGRANT_CWD, VAGRANT_VAGRANTFILE or the like from the caller's shell: only ours.
          ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VAGRANT_'))),
          PATH: `${stubs}${path.delimiter}${process.env.PATH ?? ''}`,
          VAGRANT_HOME: path.join(state, 'home'),
          VAGRANT_DOTFILE_PATH: path.join(state, 'dotfile'),
          VAGRANT_CHECKPOINT_DISABLE: '1',
          VAGRANT_NO_COLOR: '1',
        },
      }).then(result => { results[label] = result; });
    };
    await Promise.all([
      vagrant('validate-seed', seed.outdir, ['vagrant', 'validate']),
      vagrant('validate-broken', broken, ['vagrant', 'validate']),
      vagrant('dump-seed', seed.outdir, ['ruby', MACHINE_CONFIG_RB, '.']),
      vagrant('dump-other', other.outdir, ['ruby', MACHINE_CONFIG_RB, '.']),
      vagrant('dump-broken', broken, ['ruby', MACHINE_CONFIG_RB, '.']),
      vagrant('validate-flatcar', flatcar.outdir, ['vagrant', 'validate']),
      vagrant('dump-flatcar', flatcar.outdir, ['ruby', MACHINE_CONFIG_RB, '.']),
      vagrant('dump-flatcar-ha', flatcarHa.outdir, ['ruby', MACHINE_CONFIG_RB, '.']),
    ]);
    const timings = Object.entries(results).map(([label, r]) => `${label} ${(r.ms / 1000).toFixed(1)}s`).join(', ');
    process.stdout.write(`      vagrant runs (in parallel): ${timings}\n`);
  });

  after(() => {
    removeTempDir(work);
    removeTempDir(pkiDir);
    removeTempDir(haPkiDir);
  });

  function dump(label: string): Dump {
    const result = results[label];
    expect(result.code, output(result)).to.equal(0);
    return JSON.parse(result.stdout) as Dump;
  }

  /** The dump agrees with the tree: every machine once, in order, with its own values. */
  function expectMatchesTree(label: string, synthesized: SynthesizedCluster): void {
    const { cluster, outdir } = synthesized;
    const { machines, problems, root } = dump(label);
    const bound = cluster.bind();
    expect(problems).to.deep.equal([]);
    expect(fs.realpathSync(root)).to.equal(fs.realpathSync(outdir));
    expect(machines.map(m => m.name)).to.deep.equal(cluster.machines.map(m => m.hostname));

    for (const [i, machine] of cluster.machines.entries()) {
      const loaded = machines[i];
      const where = `machine ${machine.hostname}`;
      expect(loaded.hostname, where).to.equal(machine.hostname);
      expect(loaded.private_networks, where).to.deep.equal([machine.ip]);
      expect([loaded.cpus, loaded.memory], where).to.deep.equal([machine.cpus, machine.memoryMb]);

      // With a login key (Flatcar), first make it the only key; then upload the machine's own user-data, and move it
      // where coreos-cloudinit reads it (root's alone, 0600, in one rename, when it holds keys).
      const login = bound.loginKey;
      expect(loaded.provisioners.map(p => p.type), where).to.deep.equal([...(login ? ['shell'] : []), 'file', 'shell']);
      const [upload, move] = loaded.provisioners.slice(login ? 1 : 0);
      const delivery = bound.deliveryTo(machine);
      expect(upload.source, where).to.equal(delivery.userData!.filePath);
      expect(upload.source_path, where).to.equal(path.join(root, delivery.userData!.filePath));
      expect(fs.readFileSync(upload.source_path!, 'utf-8'), where).to.contain(`\nhostname: ${machine.hostname}\n`);
      const staged = path.posix.join(path.posix.dirname(cluster.box.userDataPath), `.${path.posix.basename(cluster.box.userDataPath)}.new`);
      expect(move.inline, where).to.equal(delivery.secretUserData
        ? `install -D -o root -g root -m 0600 ${upload.destination} ${staged} && rm -f ${upload.destination} && mv -f ${staged} ${cluster.box.userDataPath}`
        : `mv ${upload.destination} ${cluster.box.userDataPath}`);
      expect(move.privileged, where).to.equal(true);
      if (login) {
        // Its argument is the key every cloud-config authorizes, which the Vagrantfile reads from the output folder.
        const [authorized] = yaml11(fs.readFileSync(upload.source_path!, 'utf-8')).ssh_authorized_keys;
        expect(loaded.provisioners[0].inline, where).to.equal(installLoginKeyScript(login.user));
        expect(loaded.provisioners[0].args, where).to.deep.equal([authorized]);
        expect(loaded.provisioners[0].privileged, where).to.equal(true);
      }

      // The default /vagrant share stays off (no guest additions); the role's pods are rsynced.
      expect(loaded.synced_folders.filter(f => f.disabled).map(f => f.guest), where).to.deep.equal(['/vagrant']);
      expect(loaded.synced_folders.filter(f => !f.disabled), where).to.deep.equal(delivery.folders.map(folder => ({
        host: folder.source,
        host_path: path.join(root, folder.source),
        guest: folder.target,
        type: 'rsync',
        disabled: false,
      })));
      // Each synced folder holds exactly the pods the tree wrote there.
      for (const folder of loaded.synced_folders.filter(f => !f.disabled)) {
        const written = Object.keys(synthesized.files).filter(file => path.dirname(file) === folder.host).map(file => path.basename(file));
        expect(written, `${where}: ${folder.host}`).to.not.be.empty;
        expect(fs.readdirSync(folder.host_path).sort(), `${where}: ${folder.host}`).to.deep.equal(written.sort());
      }
    }
  }

  it('vagrant validate accepts the seed cluster\'s Vagrantfile, run from inside the output folder', () => {
    const result = results['validate-seed'];
    expect(result.code, output(result)).to.equal(0);
    expect(result.stdout).to.contain('Vagrantfile validated successfully');
  });

  it('fails when the Vagrantfile sets a VirtualBox key that does not exist', () => {
    const result = results['validate-broken'];
    expect(result.code, output(result)).to.not.equal(0);
    expect(result.stdout + result.stderr).to.match(/VirtualBox Provider:\s*\n\* The following settings shouldn't exist: cpuz/);
  });

  it('loads every machine of the seed cluster once, with the hostname, IP, CPUs, memory, provisioners and folders of the tree', () => {
    expectMatchesTree('dump-seed', seed);
    expect(seed.cluster.machines).to.have.length(7);
    // The classic profile keeps the box's insecure key, as coreos-vagrant does.
    for (const machine of dump('dump-seed').machines) {
      expect(machine.ssh, machine.name).to.deep.equal({ username: null, insert_key: false, keys: [] });
    }
  });

  it('loads every machine of another cluster once, with the values of its tree, and validates it', () => {
    expectMatchesTree('dump-other', other);
    expect(other.cluster.machines).to.have.length(11);
  });

  it('vagrant validate accepts the Flatcar Vagrantfile, and Vagrant loads every machine of it as the tree has it', () => {
    const result = results['validate-flatcar'];
    expect(result.code, output(result)).to.equal(0);
    expect(result.stdout).to.contain('Vagrantfile validated successfully');
    expectMatchesTree('dump-flatcar', flatcar);
    const { machines } = dump('dump-flatcar');
    expect(machines.map(m => m.name)).to.deep.equal(['etcd-01', 'etcd-02', 'etcd-03', 'node-01', 'node-02', 'node-03', 'node-04']);
    // Each VM gets its own cloud-config/<vm>.yaml, and only node-01 the control-plane pods.
    expect(machines.map(m => m.provisioners[1].source)).to.deep.equal(machines.map(m => `cloud-config/${m.name}.yaml`));
    expect(machines.map(m => m.synced_folders.filter(f => !f.disabled).map(f => `${f.host} ${f.guest}`))).to.deep.equal([
      [], [], [], ['pods/node-01 /etc/kubernetes/manifests'], [], [], [],
    ]);
    expect(machines[0].provisioners[2].inline).to.equal('install -D -o root -g root -m 0600 /tmp/vagrantfile-user-data '
      + '/var/lib/flatcar-vagrant/.vagrantfile-user-data.new && rm -f /tmp/vagrantfile-user-data '
      + '&& mv -f /var/lib/flatcar-vagrant/.vagrantfile-user-data.new /var/lib/flatcar-vagrant/vagrantfile-user-data');
  });

  it('logs in to every Flatcar VM as core with the cluster key first, which Vagrant\'s net-ssh reads, and the box\'s insecure key second', () => {
    for (const [label, synthesized, pki] of [['dump-flatcar', flatcar, pkiDir], ['dump-flatcar-ha', flatcarHa, haPkiDir]] as const) {
      const clusterKey = fs.readFileSync(path.join(pki!, 'cluster-ssh.pub'), 'utf-8').split(' ')[1];
      // Vagrant's own insecure public key, which the boxes authorize: the one the second path holds.
      const insecure = fs.readFileSync(path.join(path.dirname(dump(label).machines[0].ssh.keys[1].path), 'vagrant.pub'), 'utf-8');
      expect(insecure).to.match(/ vagrant insecure public key\n$/);
      for (const machine of dump(label).machines) {
        expect(machine.ssh, `${label} ${machine.name}`).to.deep.equal({
          username: 'core',
          insert_key: false,
          keys: [
            { path: path.join(synthesized.outdir, 'cluster-ssh.key'), type: 'ssh-ed25519', public_blob: clusterKey },
            { path: machine.ssh.keys[1].path, type: 'ssh-rsa', public_blob: insecure.split(' ')[1] },
          ],
        });
        // The first provisioning step authorizes exactly that key, the one every cloud-config authorizes too.
        expect(machine.provisioners[0].args, machine.name).to.deep.equal([`ssh-ed25519 ${clusterKey} cdk-vagrant-kubernetes cluster key`]);
        expect(synthesized.files[`cloud-config/${machine.name}.yaml`], machine.name).to.contain(`\nssh_authorized_keys:\n  - ssh-ed25519 ${clusterKey} `);
      }
      expect(fs.statSync(path.join(synthesized.outdir, 'cluster-ssh.key')).mode & 0o777, label).to.equal(0o600);
      expect(synthesized.files['cluster-ssh.key'], label).to.equal(fs.readFileSync(path.join(pki!, 'cluster-ssh.key'), 'utf-8'));
    }
  });

  it('loads every VM of the Flatcar HA example with its pool\'s size and each control plane with its own pods, and validates it', () => {
    // machine-config.rb runs the checks of `vagrant validate` in-process: expectMatchesTree asserts it found no problem.
    expectMatchesTree('dump-flatcar-ha', flatcarHa);
    const { machines } = dump('dump-flatcar-ha');
    // etcd 1 CPU 1024 MiB; control planes and the worker pool 2/2048; the big pool 4/8192.
    expect(machines.map(m => [m.name, m.private_networks, m.cpus, m.memory])).to.deep.equal([
      ['etcd-01', ['192.168.56.11'], 1, 1024], ['etcd-02', ['192.168.56.12'], 1, 1024], ['etcd-03', ['192.168.56.13'], 1, 1024],
      ['cp-01', ['192.168.56.21'], 2, 2048], ['cp-02', ['192.168.56.22'], 2, 2048], ['cp-03', ['192.168.56.23'], 2, 2048],
      ['worker-01', ['192.168.56.31'], 2, 2048], ['worker-02', ['192.168.56.32'], 2, 2048],
      ['big-01', ['192.168.56.41'], 4, 8192],
    ]);
    // Each VM gets its own cloud-config/<vm>.yaml; each control plane, and only a control plane, its own pods.
    expect(machines.map(m => m.provisioners[1].source)).to.deep.equal(machines.map(m => `cloud-config/${m.name}.yaml`));
    expect(machines.map(m => m.synced_folders.filter(f => !f.disabled).map(f => `${f.host} ${f.guest}`))).to.deep.equal([
      [], [], [], ...['cp-01', 'cp-02', 'cp-03'].map(cp => [`pods/${cp} /etc/kubernetes/manifests`]), [], [], [],
    ]);
    for (const cp of machines.slice(3, 6)) {
      const folder = cp.synced_folders.find(f => !f.disabled)!;
      expect(fs.readdirSync(folder.host_path).sort(), cp.name).to.deep.equal(['kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml', 'kube-vip.yaml']);
    }
  });

  it('fails when the machine config dump sees a key that does not exist', () => {
    const result = results['dump-broken'];
    expect(result.code, output(result)).to.equal(1);
    const { problems } = JSON.parse(result.stdout) as Dump;
    expect(problems).to.have.length(seed.cluster.machines.length);
    expect(problems[0]).to.equal('etcd-01: VirtualBox Provider: The following settings shouldn\'t exist: cpuz');
  });
});
