import { ClassicComponentSettings, insecureApiUrl, INSECURE_API_PORT } from './control-plane';
import { FleetMachine, KubeRole, kubeRole, metadataText } from './fleet-metadata';
import type { FleetUnit } from './fleet-unit';
import type { HyperkubePod } from './hyperkube-pod';
import { kubeletNodeName, kubeletRegisters } from './node';
import type { ClusterModel } from '../../cluster/cluster-model';
import { virtualBoxNetworksConfLine } from '../../cluster/ipv4';
import { Machine, MachineKind } from '../../cluster/machine';
import type { TargetFacts } from '../../cluster/target-facts';
import { compareNames } from '../../runbook/wording';
import type { VagrantBox } from '../../vagrant/vagrant-box';

/**
 * VirtualBox 6.1.28 and later, on Linux and macOS hosts, gives host-only
 * adapters addresses only in this range unless `/etc/vbox/networks.conf` lists others.
 * @see https://www.virtualbox.org/manual/ch06.html#network_hostonly
 */
export { VIRTUALBOX_HOST_ONLY_RANGE } from '../../cluster/ipv4';

/** What a VM is for, in the words of the runbook and the diagrams. */
export enum MachineRole {
  ETCD_PEER = 'etcd peer',
  KUBE_MASTER = 'kube master',
  KUBE_MINION = 'kube minion',
}

/** One VM as the runbook describes it. */
export interface MachineFacts {
  /** Hostname and Vagrant machine name, e.g. `node-01`. */
  readonly name: string;
  /** The host-only (`eth1`) address. */
  readonly ip: string;
  /** Virtual CPUs. */
  readonly cpus: number;
  /** Memory in MiB. */
  readonly memoryMb: number;
  /** Construct id of the tier, e.g. `node`. */
  readonly tier: string;
  /** What the VM is for. */
  readonly role: MachineRole;
  /** fleet metadata, `key=value` pairs sorted as `fleetctl list-machines` prints them; empty on etcd peers. */
  readonly fleetMetadata: string;
}

/** A static pod as `kubectl get pods` shows it: the mirror pod of one manifest on one node. */
export interface StaticPodFacts {
  /** The manifest's pod name, e.g. `kube-master`. */
  readonly podName: string;
  /** The mirror pod name, `<podName>-<kubelet node name>`, e.g. `kube-master-node-01`. */
  readonly mirrorName: string;
  /** The VM that runs it. */
  readonly machine: string;
  /** Container names, in order. */
  readonly containers: string[];
  /** `kubectl get pods` READY column when every container runs, e.g. `3/3`. */
  readonly ready: string;
}

/** A kubelet's Node object as `kubectl get nodes` shows it. */
export interface KubeNodeFacts {
  /** The node name: the kubelet's `--hostname-override`, else the VM's hostname. */
  readonly name: string;
  /** The VM that runs the kubelet. */
  readonly machine: string;
  /** The role of that VM. */
  readonly role: KubeRole;
}

/** A fleet unit of the output folder and the machines fleet runs it on. */
export interface FleetUnitFacts {
  /** e.g. `kubelet-minion.service`. */
  readonly name: string;
  /** Path in the output folder, e.g. `kube/kubelet-minion.service`. */
  readonly path: string;
  /** `[X-Fleet] MachineMetadata` pairs. */
  readonly machineMetadata: string[];
  /** `[X-Fleet] Global=true`: one instance on every matching machine. */
  readonly global: boolean;
  /** The VMs whose metadata matches, in cluster order. */
  readonly machines: string[];
}

/**
 * What the running cluster should look like, read from the construct tree in
 * one pass: the single input of the runbook, the diagrams and verify.sh, so
 * that none of them can disagree with the Vagrantfile or the units.
 */
export interface ClusterFacts {
  /** The profile name, e.g. `classic`. */
  readonly profile: string;
  /** Where the machines live, in the runbook's words: the model's. */
  readonly target: TargetFacts;
  /** The interface of every machine on the host network, e.g. `eth1`. */
  readonly nodeInterface: string;
  /** The box every VM boots. */
  readonly box: VagrantBox;
  /** The Vagrant versions the Vagrantfile accepts (the box's minimum), e.g. `>= 1.8.0`. */
  readonly vagrantRequirement: string;
  /** `MAJOR.MINOR.PATCH`. */
  readonly kubernetesVersion: string;
  /** The images the static pods run, each once, in pod and container order. */
  readonly images: string[];
  /** `<prefix>.0/24`. */
  readonly hostNetwork: string;
  /** The flannel pod network. */
  readonly podNetwork: string;
  /** The Kubernetes service range. */
  readonly serviceNetwork: string;
  /**
   * The `/etc/vbox/networks.conf` line VirtualBox 6.1.28+ needs for the host
   * network; undefined when the network is inside {@link VIRTUALBOX_HOST_ONLY_RANGE}
   * or is the tests' loopback network.
   */
  readonly networksConfLine?: string;
  /** The tiers, in order, each with its VMs. */
  readonly tiers: Array<{ readonly name: string; readonly machines: MachineFacts[] }>;
  /** Every VM, tier by tier. */
  readonly machines: MachineFacts[];
  /** The etcd peers the nodes use. */
  readonly etcdPeers: MachineFacts[];
  /** Client URL of the first peer: where fleetctl and the checks reach etcd from the host. */
  readonly etcdEndpoint: string;
  /** The Kubernetes VMs, master first. */
  readonly kubeMachines: MachineFacts[];
  /** The VM that runs the control plane. */
  readonly master: MachineFacts;
  /** The API server's insecure URL, e.g. `http://10.10.10.100:8080`. */
  readonly apiServer: string;
  /** The port of {@link apiServer}. */
  readonly apiPort: number;
  /** The fleet units, in tree order. */
  readonly fleetUnits: FleetUnitFacts[];
  /** `fleetctl start` argument for every unit, e.g. `kube/*.service`. */
  readonly fleetUnitGlob: string;
  /** `kubectl get nodes`, sorted by name as the API server lists them. */
  readonly kubeNodes: KubeNodeFacts[];
  /** `kubectl get pods`, sorted by name as the API server lists them. */
  readonly staticPods: StaticPodFacts[];
  /** The static pods of each Kubernetes VM, by VM name. */
  readonly podsByMachine: ReadonlyMap<string, StaticPodFacts[]>;
}

/** What the classic profile bound: the facts its runbook files are rendered from. */
export interface ClassicBinding {
  readonly model: ClusterModel;
  readonly box: VagrantBox;
  readonly settings: ClassicComponentSettings;
  /** Every node with its fleet metadata. */
  readonly fleetMachines: readonly FleetMachine[];
  /** The kubelet units, in construct order. */
  readonly units: readonly FleetUnit[];
  /** The static pods, each with the nodes whose kubelet runs it. */
  readonly pods: ReadonlyArray<{ readonly pod: HyperkubePod; readonly nodes: readonly Machine[] }>;
}

/** The facts of a classic cluster, from its model and what the profile bound. Linear in the number of VMs. */
export function readClassicFacts(binding: ClassicBinding): ClusterFacts {
  const { model, box, settings } = binding;
  const fleetMetadata = new Map(binding.fleetMachines.map(machine => [machine.hostname, [...metadataText(machine).split(',')].sort().join(',')]));
  const machineTiers = model.tiers.map(tier => ({
    name: tier.id,
    machines: tier.machines.map(machine => machineFacts(machine, fleetMetadata.get(machine.hostname) ?? '')),
  }));
  const machines = machineTiers.flatMap(tier => tier.machines);
  const byName = new Map(machines.map(machine => [machine.name, machine]));
  const kubeMachines = model.nodes.map(node => byName.get(node.hostname)!);
  const etcdPeers = model.etcdPeers.map(peer => byName.get(peer.hostname)!);

  const unitFacts = binding.units.map(unit => ({
    name: unit.unitName,
    path: unit.filePath,
    machineMetadata: [...(unit.xFleet.machineMetadata ?? [])],
    global: unit.xFleet.global ?? false,
    machines: unit.candidates(binding.fleetMachines).map(machine => machine.hostname),
  }));

  const staticPods: StaticPodFacts[] = [];
  const podsByMachine = new Map<string, StaticPodFacts[]>(model.nodes.map(node => [node.hostname, []]));
  for (const { pod, nodes } of binding.pods) {
    for (const node of nodes) {
      const containers = pod.containers.map(container => container.name);
      const facts = {
        podName: pod.podName,
        mirrorName: `${pod.podName}-${kubeletNodeName(node, kubeRole(node))}`,
        machine: node.hostname,
        containers,
        ready: `${containers.length}/${containers.length}`,
      };
      podsByMachine.get(node.hostname)!.push(facts);
      staticPods.push(facts);
    }
  }

  const kubeNodes: KubeNodeFacts[] = model.nodes
    .filter(node => kubeletRegisters(settings, kubeRole(node)))
    .map(node => ({ name: kubeletNodeName(node, kubeRole(node)), machine: node.hostname, role: kubeRole(node) }));

  const master = byName.get(model.controlPlanes[0].hostname)!;
  const hostNetwork = model.networks.host.cidr;
  return {
    profile: model.profile,
    target: model.target,
    nodeInterface: model.networks.nodeInterface,
    box,
    vagrantRequirement: `>= ${box.minVagrantVersion}`,
    kubernetesVersion: model.kubernetesVersion,
    images: [...new Set(binding.pods.flatMap(({ pod }) => podImages(pod)))],
    hostNetwork,
    podNetwork: model.networks.pods.cidr,
    serviceNetwork: model.networks.services.cidr,
    networksConfLine: virtualBoxNetworksConfLine(hostNetwork),
    tiers: machineTiers,
    machines,
    etcdPeers,
    etcdEndpoint: model.endpoints.etcdClients[0],
    kubeMachines,
    master,
    apiServer: insecureApiUrl(master.ip),
    apiPort: INSECURE_API_PORT,
    fleetUnits: unitFacts,
    fleetUnitGlob: unitGlob(unitFacts.map(unit => unit.path)),
    kubeNodes: kubeNodes.sort((a, b) => compareNames(a.name, b.name)),
    staticPods: staticPods.sort((a, b) => compareNames(a.mirrorName, b.mirrorName)),
    podsByMachine,
  };
}

function machineFacts(machine: Machine, fleetMetadata: string): MachineFacts {
  const role = machine.kind === MachineKind.ETCD_PEER ? MachineRole.ETCD_PEER
    : kubeRole(machine) === KubeRole.MASTER ? MachineRole.KUBE_MASTER : MachineRole.KUBE_MINION;
  return {
    name: machine.hostname,
    ip: machine.ip,
    cpus: machine.cpus,
    memoryMb: machine.memoryMb,
    tier: machine.pool,
    role,
    // fleet prints metadata as sorted key=value pairs.
    fleetMetadata,
  };
}

function podImages(pod: HyperkubePod): string[] {
  const spec = pod.toManifest().spec as { containers?: Array<{ image?: string }> } | undefined;
  return (spec?.containers ?? []).map(container => container.image ?? '').filter(image => image !== '');
}

function parentFolder(path: string): string {
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}

/** `kube/*.service` when every unit sits in one folder, else the paths themselves. */
function unitGlob(paths: string[]): string {
  const folders = [...new Set(paths.map(parentFolder))];
  if (folders.length !== 1) {
    return paths.join(' ');
  }
  return folders[0] === '' ? '*.service' : `${folders[0]}/*.service`;
}
