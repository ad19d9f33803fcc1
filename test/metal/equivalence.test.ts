// The metal target delivers what the Vagrant target delivers. A MetalCluster and a VagrantCluster
// with the same tiers, names and addresses (examples/metal.ts and its Vagrant twin), sharing one PKI
// folder, are rendered; then, machine by machine, every file of the VM's cloud-config and of the
// folders Vagrant rsyncs into it (path, content, mode, owner), every unit, the hostname and the
// address must be in the machine's Ignition config, and the Ignition config must hold nothing
// else but the networkd files and update.conf. What Vagrant alone does is listed, each item
// checked present in the Vagrantfile and absent from every Ignition config.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { metalCluster } from '../../examples/metal';
import { CloudConfigData, IgnitionConfig, MetalCluster, SynthesizedFile, VagrantCluster } from '../../lib';
import { machineRows, yaml11 } from '../support/fixtures';
import { UNUSED_FOLDER } from '../support/flatcar';
import { IgnitionFileView, METAL_SSH_KEY, ignitionFilesOf, metalPkiCopy, vagrantTwin } from '../support/metal';

/** The node interface of each target: VirtualBox's host-only NIC, and the name the metal target gives the NIC with the machine's MAC. */
const VAGRANT_INTERFACE = 'eth1';
const METAL_INTERFACE = 'lan0';

/**
 * The files whose content names the node interface, and so differs between the targets by it
 * alone: flannel's `--iface` in the add-on every control plane applies, and kube-vip's
 * `vip_interface` in its static pod.
 */
const INTERFACE_FILES = ['/etc/kubernetes/addons/flannel.yaml', '/etc/kubernetes/manifests/kube-vip.yaml'];

/**
 * What the Vagrant target does that the metal target leaves out on purpose: each with a line of
 * the Vagrantfile that shows it, and a string no Ignition config may hold.
 */
const VAGRANT_ONLY: ReadonlyArray<{ item: string; vagrantfile: RegExp; absentFromIgnition?: string }> = [
  { item: 'the Vagrant box (real machines install Flatcar with flatcar-install)', vagrantfile: /^BOX = "flatcar-stable"$/m, absentFromIgnition: 'flatcar_production_vagrant' },
  { item: 'VirtualBox CPUs, memory and guest-addition checks (real machines have their own hardware)', vagrantfile: /^ {8}vb\.cpus = machine\[:cpus\]$/m },
  { item: 'VirtualBox\'s NAT on eth0, which gives a VM its default route and DNS (replaced by the LAN\'s gateway and dnsServers)', vagrantfile: /private_network/ },
  { item: 'Vagrant\'s insecure SSH key, kept by config.ssh.insert_key = false (replaced by the user\'s sshAuthorizedKeys)', vagrantfile: /^ {2}config\.ssh\.insert_key = false$/m, absentFromIgnition: 'vagrant insecure public key' },
  {
    item: 'the cluster\'s own SSH key that Vagrant logs in with, which the first provisioning step makes the only key of core (replaced by the user\'s sshAuthorizedKeys)',
    vagrantfile: /^ {2}config\.ssh\.private_key_path = \["cluster-ssh\.key", /m,
    absentFromIgnition: 'cdk-vagrant-kubernetes cluster key',
  },
  {
    item: 'the user-data upload and its move, root\'s alone, to the path coreos-cloudinit reads at every boot (Ignition runs once, from the config itself)',
    vagrantfile: /mv -f \/var\/lib\/flatcar-vagrant\/\.vagrantfile-user-data\.new \/var\/lib\/flatcar-vagrant\/vagrantfile-user-data/,
    absentFromIgnition: 'vagrantfile-user-data',
  },
  { item: 'the /vagrant synced folder, disabled anyway', vagrantfile: /config\.vm\.synced_folder "\.", "\/vagrant", disabled: true/, absentFromIgnition: '/vagrant' },
  {
    item: 'rsync\'s owner for synced files, the SSH user core (Vagrant 2.3.4 plugins/synced_folders/rsync/helper.rb): the Ignition config gives them to root, as the kubelet that reads them runs',
    vagrantfile: /type: "rsync"/,
  },
];

/** One delivered file as the test compares it. */
interface Delivered {
  readonly content: string;
  readonly mode: string;
  readonly owner: string;
  /** Where Vagrant delivers it from, for messages. */
  readonly source: string;
}

describe('the metal target delivers what the Vagrant target delivers', () => {
  const out = path.join(UNUSED_FOLDER, 'equivalence-out');
  let pkiDir: string;
  let vagrant: VagrantCluster;
  let metal: MetalCluster;
  let vagrantFiles: Map<string, SynthesizedFile>;
  let metalFiles: Map<string, SynthesizedFile>;
  let rows: Array<{ name: string; ip: string; user_data: string; synced_folders: Array<{ host: string; guest: string }> }>;

  before(() => {
    pkiDir = metalPkiCopy();
    vagrant = vagrantTwin(out, pkiDir);
    metal = metalCluster(out, pkiDir);
    vagrantFiles = new Map(vagrant.render().files.map(file => [file.path, file]));
    metalFiles = new Map(metal.render().files.map(file => [file.path, file]));
    rows = machineRows(vagrantFiles.get('Vagrantfile')!.content);
  });

  after(() => fs.rmSync(pkiDir, { recursive: true, force: true }));

  /** What Vagrant hands a VM: its cloud-config's write_files, and the files of the folders it rsyncs, by guest path. */
  function vagrantDelivery(row: (typeof rows)[number]): { config: CloudConfigData; files: Map<string, Delivered> } {
    const config: CloudConfigData = yaml11(vagrantFiles.get(row.user_data)!.content);
    const files = new Map<string, Delivered>();
    for (const file of config.write_files ?? []) {
      files.set(file.path, { content: file.content, mode: file.permissions ?? '0644', owner: file.owner ?? 'root', source: row.user_data });
    }
    for (const folder of row.synced_folders) {
      for (const [relative, file] of vagrantFiles) {
        if (!relative.startsWith(`${folder.host}/`)) { continue; }
        const guest = path.posix.join(folder.guest, relative.slice(folder.host.length + 1));
        files.set(guest, { content: file.content, mode: `0${(file.mode & 0o777).toString(8)}`, owner: 'core:core', source: relative });
      }
    }
    return { config, files };
  }

  function ignitionOf(machine: string): IgnitionConfig {
    const file = metalFiles.get(`ignition/${machine}.ign`);
    expect(file, `ignition/${machine}.ign`).to.not.equal(undefined);
    return JSON.parse(file!.content);
  }

  it('builds the two clusters with the same tiers, names and addresses', () => {
    expect(rows.map(row => `${row.name} ${row.ip}`)).to.deep.equal(metal.model().machines.map(m => `${m.hostname} ${m.ip}`));
    expect(vagrant.model().machines.map(m => [m.pool, m.role, m.cpus, m.memoryMb])).to.deep.equal(metal.model().machines.map(m => [m.pool, m.role, m.cpus, m.memoryMb]));
    expect(rows).to.have.length(9);
  });

  it('carries every file of each VM\'s cloud-config and synced folders: path, content, mode and owner', () => {
    const differing: string[] = [];
    let compared = 0;
    for (const row of rows) {
      const { files } = vagrantDelivery(row);
      const ignition = ignitionFilesOf(ignitionOf(row.name));
      for (const [guestPath, delivered] of files) {
        const file: IgnitionFileView | undefined = ignition[guestPath];
        const where = `${row.name} ${guestPath} (from ${delivered.source})`;
        expect(file, where).to.not.equal(undefined);
        expect(file!.mode, where).to.equal(delivered.mode);
        // Synced files: rsync gives them to the SSH user, Ignition to root (VAGRANT_ONLY lists it).
        expect(file!.owner, where).to.equal(delivered.owner === 'core:core' ? 'root:root' : delivered.owner);
        if (file!.content !== delivered.content) {
          differing.push(`${row.name} ${guestPath}`);
          expect(file!.content, `${where}: differs by more than the node interface`).to.equal(delivered.content.split(VAGRANT_INTERFACE).join(METAL_INTERFACE));
        }
        compared++;
      }
    }
    // Each etcd member gets its env file and TLS files, each node its kubelet, CNI and PKI files, each control plane its pods and add-ons.
    expect(compared).to.be.greaterThan(100);
    expect(differing).to.deep.equal(['cp-01', 'cp-02', 'cp-03'].flatMap(cp => INTERFACE_FILES.map(file => `${cp} ${file}`)));
  });

  it('carries every unit of each VM\'s cloud-config, enabled when the cloud-config starts it', () => {
    for (const row of rows) {
      const { config } = vagrantDelivery(row);
      const units = ignitionOf(row.name).systemd?.units ?? [];
      expect(units.map(unit => unit.name), row.name).to.deep.equal((config.coreos?.units ?? []).map(unit => unit.name));
      for (const unit of config.coreos?.units ?? []) {
        const ignition = units.find(u => u.name === unit.name)!;
        expect(ignition.contents, `${row.name} ${unit.name}`).to.equal(unit.content);
        expect(ignition.enabled, `${row.name} ${unit.name}`).to.equal(unit.command === 'start' || unit.enable === true);
        expect(ignition.dropins, `${row.name} ${unit.name}`).to.equal(undefined);
      }
      expect(units.length, row.name).to.be.greaterThan(0);
    }
  });

  it('carries what Vagrant sets outside the cloud-config: the hostname and the address, and the reboot strategy as update.conf', () => {
    for (const row of rows) {
      const { config } = vagrantDelivery(row);
      const files = ignitionFilesOf(ignitionOf(row.name));
      const mac = metal.hardwareOf(row.name)!.mac;
      expect(config.hostname).to.equal(row.name);
      expect(files['/etc/hostname'].content).to.equal(`${row.name}\n`);
      // Vagrant's private_network takes a /24 by default: the same network as the LAN.
      expect(files['/etc/systemd/network/10-lan0.network'].content).to.contain(`[Match]\nMACAddress=${mac}\n`)
        .and.to.contain(`\n[Network]\nAddress=${row.ip}/24\nGateway=10.0.40.1\nDNS=10.0.40.1\n`);
      expect(files['/etc/systemd/network/10-lan0.link'].content).to.contain(`[Match]\nMACAddress=${mac}\n\n[Link]\nName=lan0\n`);
      expect(config.coreos?.update).to.deep.equal({ reboot_strategy: 'off' });
      expect(files['/etc/flatcar/update.conf']).to.deep.include({ content: 'REBOOT_STRATEGY=off\n', mode: '0644' });
    }
  });

  it('holds nothing else: every file is delivered by Vagrant, or is the hostname, update.conf or a networkd file', () => {
    for (const row of rows) {
      const delivered = new Set(vagrantDelivery(row).files.keys());
      const extra = Object.keys(ignitionFilesOf(ignitionOf(row.name))).filter(file => !delivered.has(file));
      expect(extra, row.name).to.deep.equal(['/etc/systemd/network/10-lan0.link', '/etc/systemd/network/10-lan0.network', '/etc/hostname', '/etc/flatcar/update.conf']);
      expect(ignitionOf(row.name).passwd, row.name).to.deep.equal({ users: [{ name: 'core', sshAuthorizedKeys: [METAL_SSH_KEY] }] });
    }
  });

  it('leaves out on purpose what only Vagrant does, each item shown by the Vagrantfile and absent from every Ignition config', () => {
    const vagrantfile = vagrantFiles.get('Vagrantfile')!.content;
    const ignitions = [...metalFiles.entries()].filter(([file]) => file.startsWith('ignition/')).map(([, file]) => file.content);
    expect(ignitions).to.have.length(18);
    for (const { item, vagrantfile: shown, absentFromIgnition } of VAGRANT_ONLY) {
      expect(vagrantfile, item).to.match(shown);
      if (absentFromIgnition) {
        for (const text of ignitions) { expect(text, item).to.not.contain(absentFromIgnition); }
      }
    }
  });

  it('keeps the keys private: every final config is 0600, in a folder with a .gitignore of *', () => {
    for (const row of rows) {
      expect(metalFiles.get(`ignition/${row.name}.ign`)!.mode, row.name).to.equal(0o600);
      expect(metalFiles.get(`ignition/${row.name}-install.ign`)!.mode, row.name).to.equal(0o644);
      expect(metalFiles.get(`ignition/${row.name}-install.ign`)!.content, row.name).to.not.contain('PRIVATE');
    }
    expect(metalFiles.get('.gitignore')!.content).to.match(/^\*$/m);
    // Every key file of the cloud-configs is 0600 in the Ignition config too.
    for (const row of rows) {
      for (const file of Object.values(ignitionFilesOf(ignitionOf(row.name)))) {
        if (/PRIVATE KEY|client-key-data/.test(file.content)) { expect(file.mode, `${row.name} ${file.path}`).to.equal('0600'); }
      }
    }
  });
});
