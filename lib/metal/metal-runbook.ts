import type { FlatcarInstallRelease } from './flatcar-install';
import { installIgnitionPath } from './install-ignition';
import { CORE_USER, machineIgnitionPath } from './machine-ignition';
import type { MachineHardware } from './metal-machine';
import { LAN_INTERFACE } from './node-network';
import type { ClusterModel } from '../cluster/cluster-model';
import type { Machine } from '../cluster/machine';
import type { TargetFacts } from '../cluster/target-facts';
import { code, table } from '../formats/markdown';
import { MATCHBOX_RELEASE } from '../formats/matchbox';
import { shellWord } from '../formats/posix-shell';
import { shellWords } from '../formats/posix-shell';
import type { TargetRunbook } from '../runbook/runbook-contribution';
import { count, listOf } from '../runbook/wording';


/**
 * What the model says of the metal target: machines on a LAN that boot the Flatcar release
 * flatcar-install wrote to their disks, each set up by its own Ignition config, reached with `ssh core@<address>`.
 */
export function metalTargetFacts(machines: readonly Machine[], release: FlatcarInstallRelease): TargetFacts {
  return {
    name: 'real machines',
    machineNoun: 'machine',
    hostNetworkKind: 'LAN',
    hostNetworkName: 'the LAN',
    system: `Flatcar Container Linux ${release.version} (${release.channel}), installed by flatcar-install and set up on its first boot by Ignition (spec 3.3.0)`,
    targetFiles: 'every machine\'s Ignition config',
    machinesStart: `The ${count(machines.length, 'machine')} boot Flatcar from their disks`,
    configFileOf: () => machineIgnitionPath('<name>'),
    userDataDelivery: userData => `applies its ${code(machineIgnitionPath('<name>'))}, which carries its ${code(userData)}, on the first boot`,
    folderDelivery: 'written by Ignition',
    // ssh joins its arguments into one line for the remote shell: the command goes as one word.
    runOn: (machine, command) => `ssh ${CORE_USER}@${machine.ip} ${shellWord(command)}`,
  };
}

/** What the metal target's part of the runbook is made of. */
export interface MetalRunbookFacts {
  readonly model: ClusterModel;
  /** Each machine's hardware, by hostname. */
  readonly hardware: ReadonlyMap<string, MachineHardware>;
  readonly gateway: string;
  readonly dnsServers: readonly string[];
  readonly sshKeyCount: number;
  readonly release: FlatcarInstallRelease;
  /** matchbox's HTTP endpoint, when the cluster has the PXE files. */
  readonly matchboxUrl?: string;
  /** matchbox's group ids of a machine: the install group, then the installed one. */
  readonly groupsOf: (hostname: string) => readonly string[];
}

/** The metal target's part of the runbook: the machines, the two ways to install Flatcar on them, and how to give them back. */
export function metalRunbook(facts: MetalRunbookFacts): TargetRunbook {
  const { model, release } = facts;
  const lan = model.networks.host.cidr;
  const hardware = (hostname: string) => facts.hardware.get(hostname)!;
  const cpus = Math.max(...model.machines.map(machine => machine.cpus));
  const memory = Math.max(...model.machines.map(machine => machine.memoryMb));
  return {
    networkLabel: `LAN ${lan}, gateway ${facts.gateway}`,
    prerequisites: [
      `- ${count(model.machines.length, 'machine')} with the MACs below on the LAN ${lan}, its gateway ${facts.gateway} and DNS `
        + `${listOf([...facts.dnsServers])}; each with a disk it may erase (at least 8 GB, flatcar-install's minimum) and at least the CPUs and memory `
        + `its row says (up to ${cpus} CPUs and ${memory} MiB).`,
      `- The private key of ${facts.sshKeyCount === 1 ? 'the SSH public key' : `one of the ${facts.sshKeyCount} SSH public keys`} the cluster `
        + `was given: the machines accept ${code(`ssh ${CORE_USER}@<address>`)} with it, and no other login.`,
      ...facts.matchboxUrl ? [
        `- For the PXE path: matchbox ${MATCHBOX_RELEASE} at ${facts.matchboxUrl}, reachable from the machines, and DHCP that sends PXE `
          + `clients to iPXE and iPXE clients to ${code(`${facts.matchboxUrl}/boot.ipxe`)} (matchbox's docs/network-setup.md). Each machine `
          + 'boots from its disk first and from the network second: an empty disk falls through to PXE, an installed one boots.',
      ] : [],
      `- For the USB path: a USB stick with Flatcar ${release.version}'s ${code('flatcar_production_iso_image.iso')} `
        + `(https://${release.channel}.release.flatcar-linux.net/amd64-usr/${release.version}/), and a network with DHCP for the live system's downloads.`,
    ],
    prerequisiteNotes: [
      '',
      '### The machines',
      '',
      table(['Machine', 'MAC', `${LAN_INTERFACE} address`, 'Install disk', 'Ignition config', ...facts.matchboxUrl ? ['matchbox groups'] : []],
        model.machines.map(machine => [
          code(machine.hostname), code(hardware(machine.hostname).mac), machine.ip, code(hardware(machine.hostname).installDisk),
          code(machineIgnitionPath(machine.hostname)), ...facts.matchboxUrl ? [facts.groupsOf(machine.hostname).map(code).join(', ')] : [],
        ])),
      '',
      `Each machine names the NIC with its MAC ${code(LAN_INTERFACE)} (a systemd ${code('.link')} file) and gives it its address, the `
        + `gateway and the DNS servers (a ${code('.network')} file); flannel and kube-vip use ${code(LAN_INTERFACE)}.`,
      '',
      '### Secrets',
      '',
      `Every ${code('ignition/<machine>.ign')} (mode 0600) holds that machine's private keys, and ${code('admin.kubeconfig')} a cluster-admin `
        + 'key: this folder has a `.gitignore` of `*`. Copy a config only to its own machine'
        + (facts.matchboxUrl ? ', and serve them only on a network you trust: matchbox serves each machine\'s config over plain HTTP to whoever '
          + 'asks with its MAC.' : '.'),
    ],
    bringUp: {
      title: 'Install Flatcar on the machines',
      lines: [
        `Either path installs Flatcar ${release.version} (${release.channel}) onto each machine's disk with its ${code('ignition/<machine>.ign')}, `
          + 'which the machine applies on its first boot from that disk.',
        ...facts.matchboxUrl ? pxePath(facts) : [],
        '',
        '### From a live USB',
        '',
        'Boot each machine from the USB stick, in BIOS mode: the ISO does not boot through UEFI (Flatcar\'s "Booting from an ISO"). Its console '
          + `opens a shell without a password: set one with ${code('sudo passwd core')}, copy the machine's own config from this folder with `
          + `${code('scp ignition/<machine>.ign core@<live address>:')}, and run the machine's line there, then ${code('sudo reboot')} and take the stick out:`,
        '',
        '```sh',
        ...model.machines.map(machine => `sudo ${shellWords(['flatcar-install', '-d', hardware(machine.hostname).installDisk, '-C', release.channel,
          '-V', release.version, '-i', `${machine.hostname}.ign`])}   # on ${machine.hostname} (${hardware(machine.hostname).mac})`),
        '```',
      ],
    },
    tearDown: {
      title: 'Tear down',
      lines: [
        ...facts.matchboxUrl ? ['Stop matchbox if it still runs.', ''] : [],
        'The machines keep running Flatcar until you reinstall them. To give one back, boot it from the USB stick and wipe its install disk, '
          + `for example ${code(`sudo wipefs --all ${hardware(model.machines[0].hostname).installDisk}`)} on ${model.machines[0].hostname}: its keys go with it.`,
        '',
        'Delete this folder and the PKI folder beside it once the cluster is gone for good: they hold its keys.',
      ],
    },
  };
}

function pxePath(facts: MetalRunbookFacts): string[] {
  const url = new URL(facts.matchboxUrl!);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const first = facts.model.machines[0].hostname;
  const mac = facts.hardware.get(first)!.mac;
  const [install, installed] = facts.groupsOf(first);
  return [
    '',
    '### PXE with matchbox',
    '',
    `This folder is a matchbox data directory: ${code('profiles/')}, ${code('groups/')} and ${code('ignition/')}. Serve it, read-only, `
      + `at ${facts.matchboxUrl} with matchbox ${MATCHBOX_RELEASE}, for example from this folder with its container image (matchbox's docs/deployment.md):`,
    '',
    '```sh',
    `docker run --net=host --rm -v "$PWD":/var/lib/matchbox:ro quay.io/poseidon/matchbox:${MATCHBOX_RELEASE} -address=0.0.0.0:${port} -assets-path=`,
    '```',
    '',
    `Then power the machines on. matchbox knows each one by its MAC: for ${first} (${code(mac)}) the group ${code(install)} boots `
      + `the Flatcar ${facts.release.version} PXE kernel and initrd with ${code(installIgnitionPath(first))}, whose ${code('installer.service')} `
      + `fetches ${code(`${facts.matchboxUrl}/ignition?mac=${mac}&os=installed`)} (the group ${code(installed)}: ${code(machineIgnitionPath(first))}), `
      + `writes Flatcar to the disk with ${code('flatcar-install')} and reboots into it. Stop matchbox once every machine has installed.`,
  ];
}
