import type { VagrantBox } from './vagrant-box';
import type { ClusterModel } from '../cluster/cluster-model';
import { VIRTUALBOX_HOST_ONLY_RANGE, specialPurposeBlockOf, virtualBoxNetworksConfLine } from '../cluster/ipv4';
import type { Machine } from '../cluster/machine';
import type { TargetFacts } from '../cluster/target-facts';
import { code } from '../formats/markdown';
import { shellWord } from '../formats/posix-shell';
import type { TargetRunbook } from '../runbook/runbook-contribution';
import { count } from '../runbook/wording';

/** What the model says of the Vagrant target: VirtualBox VMs of the profile's box on a host-only network, reached with `vagrant ssh`. */
export function vagrantTargetFacts(machines: readonly Machine[], box: VagrantBox): TargetFacts {
  return {
    name: 'Vagrant',
    machineNoun: 'VM',
    hostNetworkKind: 'host-only',
    hostNetworkName: 'the host-only network',
    system: box.description,
    targetFiles: 'the Vagrantfile',
    machinesStart: `Vagrant creates the ${count(machines.length, 'VM')}`,
    configFileOf: userData => userData,
    userDataDelivery: userData => `uploads each one's ${code(userData)} to ${code(box.userDataPath)}`,
    folderDelivery: 'rsynced',
    runOn: (machine, command) => `vagrant ssh ${shellWord(machine.hostname)} -c ${shellWord(command)}`,
  };
}

/**
 * The line `/etc/vbox/networks.conf` needs for the host network, or undefined when it lies in
 * VirtualBox's default host-only range (VirtualBox 6.1.28 and later, on Linux and macOS hosts)
 * or is the loopback network of the tests.
 * @see https://www.virtualbox.org/manual/ch06.html#network_hostonly
 */
export function networksConfLine(model: ClusterModel): string | undefined {
  return virtualBoxNetworksConfLine(model.networks.host.cidr);
}

/** The Vagrant target's part of the runbook: Vagrant and VirtualBox, `vagrant up`, `vagrant destroy`. */
export function vagrantRunbook(model: ClusterModel, box: VagrantBox): TargetRunbook {
  const host = model.networks.host.cidr;
  const line = networksConfLine(model);
  // Only the loopback block passes validation: the tests' host network, which no VM uses.
  const block = specialPurposeBlockOf(model.networks.host.range);
  const cpus = model.machines.reduce((sum, machine) => sum + machine.cpus, 0);
  const memoryMb = model.machines.reduce((sum, machine) => sum + machine.memoryMb, 0);
  const range = [
    '',
    '### VirtualBox host-only range',
    '',
    `VirtualBox 6.1.28 and later, on Linux and macOS hosts, only accept host-only addresses in ${VIRTUALBOX_HOST_ONLY_RANGE} `
      + 'unless `/etc/vbox/networks.conf` lists other ranges; the file then replaces that default.',
    ...block ? [
      `This cluster uses ${host}, in ${block.cidr}, the ${block.name}: it only serves tests that run the cluster's processes `
        + 'on this host, and no VM can use it, so `/etc/vbox/networks.conf` needs nothing for it.',
    ] : line ? [
      `This cluster uses ${host}, so put this line into \`/etc/vbox/networks.conf\` (as root; create the file if it does not exist):`,
      '',
      '```',
      line,
      '```',
      '',
      `If other VMs of yours use addresses in ${VIRTUALBOX_HOST_ONLY_RANGE}, add \`* ${VIRTUALBOX_HOST_ONLY_RANGE}\` as well. `
        + 'Older VirtualBox releases and Windows hosts need nothing.',
    ] : [
      `This cluster uses ${host}, inside that default range: nothing to do, unless \`/etc/vbox/networks.conf\` `
        + 'exists; it must then list a range that holds the cluster, for example:',
      '',
      '```',
      `* ${VIRTUALBOX_HOST_ONLY_RANGE}`,
      '```',
    ],
  ];
  return {
    networkLabel: `host-only network ${host}`,
    prerequisites: [
      `- Vagrant >= ${box.minVagrantVersion} (the Vagrantfile requires it).`,
      `- VirtualBox, with room for ${count(model.machines.length, 'VM')}: ${cpus} CPUs and ${memoryMb} MiB of memory in total.`,
      ...box.endOfLife ? [
        `- The box ${code(box.name)}, which Vagrant downloads from <${box.url}>. ${box.endOfLife}: if that URL no longer answers, `
          + `add a copy of the box first with ${code(`vagrant box add ${box.name} <file or URL>`)}.`,
      ] : [],
    ],
    prerequisiteNotes: range,
    bringUp: { title: 'Bring the VMs up', lines: ['From this folder:', '', '```sh', 'vagrant up --provider virtualbox', '```'] },
    tearDown: {
      title: 'Tear down',
      lines: [
        'From this folder:',
        '',
        '```sh',
        'vagrant destroy --force',
        '```',
        '',
        line ? `Then remove the line \`${line}\` from \`/etc/vbox/networks.conf\` if you added it only for this cluster.`
          : 'Nothing else on the host was changed for this cluster.',
      ],
    },
  };
}
