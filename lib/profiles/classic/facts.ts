import { EtcdPeerTier } from '../../cluster/etcd-peer-tier';
import { FleetUnit } from './fleet-unit';
import { ExecCommand } from '../../formats/systemd-unit';
import { INSECURE_API_PORT, KUBELET, insecureApiUrl } from './control-plane';
import { HyperkubePod } from './hyperkube-pod';
import { KubeNodeTier, KubeRole } from '../../cluster/kube-node-tier';
import type { VagrantBox } from '../cluster-profile';
import { inVirtualBoxHostOnlyRange } from '../../cluster/ipv4';
import type { VagrantCluster } from '../../vagrant/vagrant-cluster';
import type { VagrantMachine } from '../../vagrant/vagrant-machine';

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
   * network; undefined when the network is inside {@link VIRTUALBOX_HOST_ONLY_RANGE}.
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

/** Something that can say what the running cluster should look like. */
export interface IClusterFactsSource {
  /** Reads the tree; called at synth time, when the tree is complete and locked. */
  clusterFacts(): ClusterFacts;
}

/** Reads the facts of a validated classic cluster. Linear in the number of VMs. */
export function readClassicFacts(cluster: VagrantCluster): ClusterFacts {
  const tiers = cluster.tiers;
  const nodeTier = tiers.find((tier): tier is KubeNodeTier => tier instanceof KubeNodeTier);
  if (!nodeTier || !nodeTier.master) {
    // Validation rejects a cluster without nodes before anything renders.
    throw new Error(`${cluster.node.path} has no Kubernetes nodes; validate the tree before rendering`);
  }
  const machineTiers = tiers.map(tier => ({
    name: tier.node.id,
    machines: tier.machines.map(machine => machineFacts(machine, tier.node.id, tier instanceof EtcdPeerTier)),
  }));
  const machines = machineTiers.flatMap(tier => tier.machines);
  const byName = new Map(machines.map(machine => [machine.name, machine]));
  const nodes = nodeTier.nodes;
  const kubeMachines = nodes.map(node => byName.get(node.hostname)!);
  const etcdPeers = nodeTier.etcd.peers.map(peer => byName.get(peer.hostname)!);

  const fleetUnits = nodeTier.node.children.filter((child): child is FleetUnit => child instanceof FleetUnit);
  const unitFacts = fleetUnits.map(unit => ({
    name: unit.unitName,
    path: unit.filePath,
    machineMetadata: [...(unit.xFleet.machineMetadata ?? [])],
    global: unit.xFleet.global ?? false,
    machines: unit.candidates(nodes).map(machine => machine.hostname),
  }));

  // Each node's kubelet: the kubelet unit fleet places on it, and the Node name that unit gives it.
  const kubelets = new Map<string, KubeletIdentity>();
  for (const unit of fleetUnits) {
    const command = unit.systemdUnit.values('Service', 'ExecStart').find((value): value is ExecCommand => value instanceof ExecCommand);
    if (command?.program !== KUBELET) { continue; }
    for (const node of unit.candidates(nodes)) {
      kubelets.set(node.hostname, kubeletIdentity(command.args, node));
    }
  }

  const pods = nodeTier.node.children.filter(HyperkubePod.isHyperkubePod);
  const staticPods: StaticPodFacts[] = [];
  const podsByMachine = new Map<string, StaticPodFacts[]>();
  for (const node of nodes) {
    const folders = new Set(node.syncedFolders.map(folder => folder.hostPath));
    const nodeName = kubelets.get(node.hostname)?.nodeName ?? node.hostname;
    const onNode = pods.filter(pod => folders.has(parentFolder(pod.filePath))).map(pod => {
      const containers = pod.containers.map(container => container.name);
      return {
        podName: pod.podName,
        mirrorName: `${pod.podName}-${nodeName}`,
        machine: node.hostname,
        containers,
        ready: `${containers.length}/${containers.length}`,
      };
    });
    podsByMachine.set(node.hostname, onNode);
    staticPods.push(...onNode);
  }

  const kubeNodes: KubeNodeFacts[] = nodes
    .filter(node => kubelets.get(node.hostname)?.registers)
    .map(node => ({ name: kubelets.get(node.hostname)!.nodeName, machine: node.hostname, role: node.role }));

  const master = byName.get(nodeTier.master.hostname)!;
  const hostNetwork = `${cluster.prefix}.0/24`;
  return {
    profile: cluster.profile.name,
    box: cluster.box,
    vagrantRequirement: `>= ${cluster.box.minVagrantVersion}`,
    kubernetesVersion: cluster.kubernetesVersion,
    images: [...new Set(pods.flatMap(podImages))],
    hostNetwork,
    podNetwork: cluster.ipRange,
    serviceNetwork: cluster.serviceIpRange,
    networksConfLine: inVirtualBoxHostOnlyRange(cluster.prefix) ? undefined : `* ${hostNetwork}`,
    tiers: machineTiers,
    machines,
    etcdPeers,
    etcdEndpoint: nodeTier.etcd.peers[0].clientUrl,
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

function machineFacts(machine: VagrantMachine, tier: string, etcdPeer: boolean): MachineFacts {
  const labels = machine.labels;
  const role = etcdPeer ? MachineRole.ETCD_PEER : labels.kube === KubeRole.MASTER ? MachineRole.KUBE_MASTER : MachineRole.KUBE_MINION;
  return {
    name: machine.hostname,
    ip: machine.ip,
    cpus: machine.cpus,
    memoryMb: machine.memoryMb,
    tier,
    role,
    // fleet prints metadata as sorted key=value pairs.
    fleetMetadata: Object.entries(labels).map(([key, value]) => `${key}=${value}`).sort().join(','),
  };
}

/** The Node name a kubelet uses (for its Node object and its mirror pods), and whether it registers. */
interface KubeletIdentity {
  readonly nodeName: string;
  readonly registers: boolean;
}

/**
 * Reads a kubelet's identity from its flags. The node name is the
 * `--hostname-override`, else the hostname; the classic units override it with
 * `${COREOS_PUBLIC_IPV4}`, which the CoreOS Vagrant box sets to the host-only
 * address. The kubelet registers unless `--register-node=false` (the classic
 * master before 1.5).
 */
function kubeletIdentity(args: string[], machine: VagrantMachine): KubeletIdentity {
  const flag = (name: string) => args.find(arg => arg.startsWith(`${name}=`))?.slice(name.length + 1);
  const override = flag('--hostname-override');
  const nodeName = override === undefined ? machine.hostname : override === '${COREOS_PUBLIC_IPV4}' ? machine.ip : override;
  return { nodeName, registers: flag('--register-node') !== 'false' };
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

/** Byte order, as etcd keys (and so the API server's lists) are sorted. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
