import { Construct } from 'constructs';
import { code, columns, table } from '../../formats/markdown';
import { ITopologySource, TopologyLayer, TopologyModel } from '../../runbook/topology-layout';
import { compareNames, count, listOf } from '../../runbook/wording';
import type { ClusterModel } from '../../cluster/cluster-model';
import { VIRTUALBOX_HOST_ONLY_RANGE, rangeInVirtualBoxHostOnlyRange } from '../../cluster/ipv4';
import { MachineKind } from '../../cluster/machine';
import { CONTROL_PLANE_TAINT, NodeRole } from '../../cluster/node-role';
import { IFileOwner, SynthesizedFile } from '../../synth/synthesized-file';
import type { VagrantBox } from '../../vagrant/vagrant-box';

/** One VM of a Flatcar cluster. */
export interface FlatcarMachineFacts {
  readonly name: string;
  readonly ip: string;
  readonly cpus: number;
  readonly memoryMb: number;
  /** `etcd member`, `control plane` or `worker`. */
  readonly role: string;
}

/** What a running Flatcar cluster should look like, read from the tree. */
export interface FlatcarFacts {
  readonly box: VagrantBox;
  readonly kubernetesVersion: string;
  /** `<prefix>.0/24`. */
  readonly hostNetwork: string;
  readonly podNetwork: string;
  readonly serviceNetwork: string;
  /** The `/etc/vbox/networks.conf` line, when the host network is outside {@link VIRTUALBOX_HOST_ONLY_RANGE}. */
  readonly networksConfLine?: string;
  readonly tiers: Array<{ readonly name: string; readonly machines: FlatcarMachineFacts[] }>;
  readonly machines: FlatcarMachineFacts[];
  readonly etcdMembers: FlatcarMachineFacts[];
  /** The Kubernetes nodes (Node name = hostname), control plane first. */
  readonly nodes: FlatcarMachineFacts[];
  readonly controlPlane: FlatcarMachineFacts;
  /** `https://<control plane>:6443`. */
  readonly apiServer: string;
  /** The static pods of the control plane, by pod name. */
  readonly staticPods: string[];
  readonly coreDnsReplicas: number;
}

export const FLATCAR_ETCD_ROLE = 'etcd member';
export const FLATCAR_CONTROL_PLANE_ROLE = 'control plane';
export const FLATCAR_WORKER_ROLE = 'worker';

/** What the Flatcar profile bound: the facts its runbook files are rendered from. */
export interface FlatcarBinding {
  readonly model: ClusterModel;
  readonly box: VagrantBox;
  /** The static pods of the control plane, by pod name. */
  readonly staticPods: readonly string[];
  /** How many CoreDNS pods run. */
  readonly coreDnsReplicas: number;
}

/** The facts of a Flatcar cluster, from its model and what the profile bound. */
export function readFlatcarFacts(binding: FlatcarBinding): FlatcarFacts {
  const { model } = binding;
  const tiers = model.tiers.map(tier => ({
    name: tier.id,
    machines: tier.machines.map(machine => ({
      name: machine.hostname,
      ip: machine.ip,
      cpus: machine.cpus,
      memoryMb: machine.memoryMb,
      role: machine.kind === MachineKind.ETCD_PEER ? FLATCAR_ETCD_ROLE
        : machine.role === NodeRole.CONTROL_PLANE ? FLATCAR_CONTROL_PLANE_ROLE : FLATCAR_WORKER_ROLE,
    })),
  }));
  const machines = tiers.flatMap(tier => tier.machines);
  const byName = new Map(machines.map(machine => [machine.name, machine]));
  const hostNetwork = model.networks.host.cidr;
  return {
    box: binding.box,
    kubernetesVersion: model.kubernetesVersion,
    hostNetwork,
    podNetwork: model.networks.pods.cidr,
    serviceNetwork: model.networks.services.cidr,
    networksConfLine: rangeInVirtualBoxHostOnlyRange(model.networks.host.range) ? undefined : `* ${hostNetwork}`,
    tiers,
    machines,
    etcdMembers: model.etcdPeers.map(peer => byName.get(peer.hostname)!),
    nodes: model.nodes.map(node => byName.get(node.hostname)!),
    controlPlane: byName.get(model.controlPlanes[0].hostname)!,
    apiServer: model.endpoints.apiServer,
    staticPods: [...binding.staticPods],
    coreDnsReplicas: binding.coreDnsReplicas,
  };
}

/** Reads a Flatcar cluster's facts and picture at render time, once the profile is bound. */
export class FlatcarRunbookSource implements ITopologySource {
  constructor(private readonly binding: () => FlatcarBinding) {}

  public facts(): FlatcarFacts {
    return readFlatcarFacts(this.binding());
  }

  public topology(): TopologyModel {
    return flatcarTopology(this.facts());
  }
}

/** The output folder's `README.md` for the Flatcar profile. */
export class FlatcarRunbook extends Construct implements IFileOwner {
  public readonly filePath = 'README.md';

  constructor(scope: Construct, id: string, private readonly source: FlatcarRunbookSource) {
    super(scope, id);
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: renderFlatcarRunbook(this.source.facts()), mode: 0o644 };
  }
}

/** The picture of a Flatcar cluster. */
export function flatcarTopology(facts: FlatcarFacts): TopologyModel {
  const etcdLayers: TopologyLayer[] = [{ title: 'etcd member (TLS)', items: [] }];
  const workerLayers: TopologyLayer[] = [{ title: 'kubelet', items: [] }, { title: 'flannel', items: [] }, { title: 'kube-proxy', items: [] }];
  const controlLayers: TopologyLayer[] = [{ title: 'static pods', items: facts.staticPods }, ...workerLayers];
  return {
    title: `Kubernetes ${facts.kubernetesVersion} on Vagrant (flatcar profile): ${count(facts.machines.length, 'VM')}, `
      + roleCaption(facts.machines),
    notes: [
      `API server ${facts.apiServer}, etcd ${listOf(facts.etcdMembers.map(member => `https://${member.ip}:2379`))}`,
      `Pods ${facts.podNetwork} (flannel vxlan), services ${facts.serviceNetwork}`,
    ],
    network: `host-only network ${facts.hostNetwork}`,
    interfaceName: 'eth1',
    tiers: facts.tiers.map(tier => ({
      name: tier.name,
      caption: `${tier.name}: ${roleCaption(tier.machines)}`,
      machines: tier.machines.map(machine => ({
        name: machine.name,
        ip: machine.ip,
        role: machine.role,
        layers: machine.role === FLATCAR_ETCD_ROLE ? etcdLayers : machine.role === FLATCAR_CONTROL_PLANE_ROLE ? controlLayers : workerLayers,
      })),
    })),
  };
}

function roleCaption(machines: FlatcarMachineFacts[]): string {
  const roles = [...new Set(machines.map(machine => machine.role))];
  return roles.map(role => count(machines.filter(machine => machine.role === role).length, role)).join(', ');
}

/** The runbook of a Flatcar cluster, as Markdown. */
export function renderFlatcarRunbook(facts: FlatcarFacts): string {
  const kubectl = 'kubectl --kubeconfig admin.kubeconfig';
  const control = facts.controlPlane;
  const cpus = facts.machines.reduce((sum, machine) => sum + machine.cpus, 0);
  const memoryMb = facts.machines.reduce((sum, machine) => sum + machine.memoryMb, 0);
  const nodes = [...facts.nodes].sort((a, b) => compareNames(a.name, b.name));
  const pods = [
    ...facts.staticPods.map(pod => `${pod}-${control.name}`),
    ...facts.nodes.map(() => 'kube-flannel-ds-…'),
    ...facts.nodes.map(() => 'kube-proxy-…'),
    ...new Array<string>(facts.coreDnsReplicas).fill('coredns-…'),
  ].sort(compareNames);
  const lines: string[] = [
    `# Kubernetes ${facts.kubernetesVersion} on Vagrant (Flatcar): runbook`,
    '',
    'Generated by cdk-vagrant-kubernetes from the construct tree that also wrote the Vagrantfile, so every '
      + 'address, name and count below matches it. Do not edit: change the program and synthesize again.',
    '',
    table(['VM', 'eth1 address', 'Role', 'CPUs', 'Memory'], facts.machines.map(machine => [
      code(machine.name), machine.ip, machine.role, String(machine.cpus), `${machine.memoryMb} MiB`,
    ])),
    '',
    `- ${facts.box.description}.`,
    `- Networks: host-only ${facts.hostNetwork} on eth1, pods ${facts.podNetwork} (flannel vxlan), services ${facts.serviceNetwork}.`,
    `- etcd: ${count(facts.etcdMembers.length, 'member')} with TLS (${listOf(facts.etcdMembers.map(member => member.name))}).`,
    `- API server: ${facts.apiServer} on ${control.name}; ${code('admin.kubeconfig')} in this folder holds a cluster-admin key: keep it private.`,
    '- Pictures: [topology.txt](topology.txt), [topology.svg](topology.svg). Smoke test: [verify.sh](verify.sh).',
    '',
    '## 1. Prerequisites',
    '',
    `- Vagrant >= ${facts.box.minVagrantVersion} (the box's Vagrantfile requires it).`,
    `- VirtualBox, with room for ${count(facts.machines.length, 'VM')}: ${cpus} CPUs and ${memoryMb} MiB of memory in total.`,
    `- On the host, for the checks below: kubectl ${facts.kubernetesVersion} or a release one minor version away.`,
  ];
  if (facts.networksConfLine) {
    lines.push(
      '',
      '### VirtualBox host-only range',
      '',
      `VirtualBox 6.1.28 and later, on Linux and macOS hosts, only accept host-only addresses in ${VIRTUALBOX_HOST_ONLY_RANGE} `
        + `unless \`/etc/vbox/networks.conf\` lists other ranges. This cluster uses ${facts.hostNetwork}, so put this line into `
        + '`/etc/vbox/networks.conf` (as root; create the file if it does not exist):',
      '',
      '```',
      facts.networksConfLine,
      '```',
    );
  }
  lines.push(
    '',
    '## 2. Bring the VMs up',
    '',
    'From this folder:',
    '',
    '```sh',
    'vagrant up --provider virtualbox',
    '```',
    '',
    `Vagrant creates the ${count(facts.machines.length, 'VM')}; each one's \`cloud-config/<name>.yaml\` starts etcd on the `
      + `members and the kubelet on the nodes. ${control.name} runs the control plane as static pods and then applies the `
      + 'add-ons (flannel, kube-proxy, CoreDNS). To follow that:',
    '',
    '```sh',
    `vagrant ssh ${control.name} -c 'journalctl -u apply-addons -f'`,
    '```',
    '',
    '## 3. Check the cluster',
    '',
    '```',
    `$ ${kubectl} get nodes`,
    ...columns([['NAME', 'STATUS'], ...nodes.map(node => [node.name, 'Ready'])]),
    '```',
    '',
    `${control.name} is the control plane: it is tainted ${code(`${CONTROL_PLANE_TAINT.key}:${CONTROL_PLANE_TAINT.effect}`)}, so ordinary `
      + `workloads go to ${listOf(facts.nodes.filter(node => node !== control).map(node => node.name))}.`,
    '',
    '```',
    `$ ${kubectl} get pods -n kube-system`,
    ...columns([['NAME', 'STATUS'], ...pods.map(pod => [pod, 'Running'])]),
    '```',
    '',
    `That is ${listOf(facts.staticPods.map(code))} on ${control.name}, a kube-flannel-ds and a kube-proxy pod on each of the `
      + `${count(facts.nodes.length, 'node')}, and ${count(facts.coreDnsReplicas, 'coredns pod')}; \`…\` stands for the random suffix.`,
    '',
    'Or run both checks at once: `sh verify.sh`. It prints PASS or FAIL for each node and pod with what it saw, and '
      + 'exits non-zero at the first FAIL.',
    '',
    '## 4. Tear down',
    '',
    'From this folder:',
    '',
    '```sh',
    'vagrant destroy -f',
    '```',
    '',
    facts.networksConfLine
      ? `Then remove the line \`${facts.networksConfLine}\` from \`/etc/vbox/networks.conf\` if you added it only for this cluster.`
      : 'Nothing else on the host was changed for this cluster.',
    '',
  );
  return lines.join('\n');
}
