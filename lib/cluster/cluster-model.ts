import type { IClusterAddon } from './cluster-addon';
import { ETCD_CLIENT_PORT, ETCD_PEER_PORT, EndpointConventions, url } from './endpoints';
import { Cidr, nthAddress, parseCidr } from './ipv4';
import { Machine, MachineKind } from './machine';
import { NodeRole, NodeTaint } from './node-role';

/** A network range: its CIDR as written, and parsed. */
export interface NetworkRange {
  /** e.g. `10.10.10.0/24`. */
  readonly cidr: string;
  /** The parsed range. */
  readonly range: Cidr;
}

/** The cluster's networks. */
export interface ClusterNetworks {
  /** The network the machines share: the host-only network of the Vagrant target, the LAN of the metal target. */
  readonly host: NetworkRange;
  /**
   * The interface of every machine on {@link host}: the one that carries node traffic
   * (flannel's VXLAN, the virtual IP). On Vagrant `eth1`, as `eth0` is VirtualBox's NAT; on
   * real machines `lan0`, the name the metal target gives the NIC with the machine's MAC.
   */
  readonly nodeInterface: string;
  /** The pod network (`ipRange`). */
  readonly pods: NetworkRange;
  /** The service network (`serviceIpRange`). */
  readonly services: NetworkRange;
  /** The first service address: the `kubernetes` Service. */
  readonly kubernetesServiceAddress: string;
  /** The tenth service address: the cluster DNS Service, the kubelets' clusterDNS. */
  readonly dnsServiceAddress: string;
}

/** Where the cluster's components are reached. */
export interface ClusterEndpoints {
  /**
   * The API server address every node, add-on and the host use: the control-plane
   * endpoint when there is one, else the (first) control plane's address.
   */
  readonly apiServerAddress: string;
  /** {@link apiServerAddress} as a URL, e.g. `https://192.168.56.20:6443`. */
  readonly apiServer: string;
  /** The API server as a control plane reaches its own: `https://127.0.0.1:6443`. */
  readonly localApiServer: string;
  /** The API server's port. */
  readonly apiServerPort: number;
  /** The virtual IP held by the control planes, when the cluster has one. */
  readonly controlPlaneEndpoint?: string;
  /** Client URL of every etcd peer, e.g. `https://192.168.56.11:2379`. */
  readonly etcdClients: readonly string[];
  /** etcd's initial-cluster value: `etcd-01=<peer URL>,...`. */
  readonly etcdInitialCluster: string;
}

/** One tier of the model. */
export interface TierModel {
  /** Construct id: the machines' name prefix, and a node tier's pool name. */
  readonly id: string;
  /** Construct path, for problems. */
  readonly path: string;
  readonly kind: MachineKind;
  /** The role given to a node tier; undefined for the seed's layout and for etcd. */
  readonly role?: NodeRole;
  readonly machines: readonly Machine[];
  /** Labels of every node of the tier. */
  readonly labels: Readonly<Record<string, string>>;
  /** Taints every node of the tier registers with. */
  readonly taints: readonly NodeTaint[];
}

/** Everything {@link ClusterModel} is computed from, resolved and validated by the cluster. */
export interface ClusterModelInput {
  /** Construct id and path of the cluster. */
  readonly name: string;
  readonly path: string;
  readonly profile: string;
  readonly kubernetesVersion: string;
  readonly imageRepository: string;
  /** Per-component images the user pinned, by component (`apiserver`, `controller-manager`, `scheduler`, `proxy`). */
  readonly componentImages: Readonly<Record<string, string>>;
  readonly hostNetwork: string;
  readonly nodeInterface: string;
  readonly ipRange: string;
  readonly serviceIpRange: string;
  readonly controlPlaneEndpoint?: string;
  readonly endpoints: EndpointConventions;
  readonly tiers: readonly TierModel[];
  readonly addons: readonly IClusterAddon[];
}

/**
 * What the cluster is, computed once from a validated tree and never changed:
 * its machines with their role and pool, its networks, its endpoints and its
 * release. Profiles, targets and the runbook read their facts from here; none
 * re-derives them from strings or from rendered files.
 */
export class ClusterModel {
  /** Builds the model of a validated cluster. */
  public static read(input: ClusterModelInput): ClusterModel {
    return new ClusterModel(input);
  }

  /** Construct id of the cluster, e.g. `cluster`. */
  public readonly name: string;
  /** Construct path of the cluster. */
  public readonly path: string;
  /** The profile's name, e.g. `classic`. */
  public readonly profile: string;
  /** `MAJOR.MINOR.PATCH`. */
  public readonly kubernetesVersion: string;
  /** Where images are pulled from. */
  public readonly imageRepository: string;
  /** Per-component images the user pinned, by component. */
  public readonly componentImages: Readonly<Record<string, string>>;
  public readonly networks: ClusterNetworks;
  public readonly endpoints: ClusterEndpoints;
  /** The tiers, in the order they were added. */
  public readonly tiers: readonly TierModel[];
  /** Every machine, tier by tier. */
  public readonly machines: readonly Machine[];
  /** The etcd peers. */
  public readonly etcdPeers: readonly Machine[];
  /** The Kubernetes nodes, tier by tier. */
  public readonly nodes: readonly Machine[];
  /** The control-plane nodes, in order. */
  public readonly controlPlanes: readonly Machine[];
  /** The worker nodes, in order. */
  public readonly workers: readonly Machine[];
  /** The user's add-ons, in tree order. */
  public readonly addons: readonly IClusterAddon[];

  private constructor(input: ClusterModelInput) {
    this.name = input.name;
    this.path = input.path;
    this.profile = input.profile;
    this.kubernetesVersion = input.kubernetesVersion;
    this.imageRepository = input.imageRepository;
    this.componentImages = Object.freeze({ ...input.componentImages });
    this.tiers = Object.freeze(input.tiers.map(tier => Object.freeze({ ...tier, machines: Object.freeze([...tier.machines]) })));
    this.machines = Object.freeze(this.tiers.flatMap(tier => tier.machines));
    this.etcdPeers = Object.freeze(this.machines.filter(m => m.kind === MachineKind.ETCD_PEER));
    this.nodes = Object.freeze(this.machines.filter(m => m.kind === MachineKind.KUBE_NODE));
    this.controlPlanes = Object.freeze(this.nodes.filter(m => m.role === NodeRole.CONTROL_PLANE));
    this.workers = Object.freeze(this.nodes.filter(m => m.role === NodeRole.WORKER));
    this.addons = Object.freeze([...input.addons]);

    const services = range(input.serviceIpRange);
    this.networks = Object.freeze({
      host: range(input.hostNetwork),
      nodeInterface: input.nodeInterface,
      pods: range(input.ipRange),
      services,
      kubernetesServiceAddress: nthAddress(services.range, 1),
      dnsServiceAddress: nthAddress(services.range, 10),
    });

    const conventions = input.endpoints;
    const apiServerAddress = input.controlPlaneEndpoint ?? this.controlPlanes[0].ip;
    this.endpoints = Object.freeze({
      apiServerAddress,
      apiServer: url(conventions.apiServerScheme, apiServerAddress, conventions.apiServerPort),
      localApiServer: url(conventions.apiServerScheme, '127.0.0.1', conventions.apiServerPort),
      apiServerPort: conventions.apiServerPort,
      controlPlaneEndpoint: input.controlPlaneEndpoint,
      etcdClients: Object.freeze(this.etcdPeers.map(peer => url(conventions.etcdScheme, peer.ip, ETCD_CLIENT_PORT))),
      etcdInitialCluster: this.etcdPeers.map(peer => `${peer.hostname}=${url(conventions.etcdScheme, peer.ip, ETCD_PEER_PORT)}`).join(','),
    });
  }

  /** The machine with this hostname. */
  public machine(hostname: string): Machine {
    const found = this.machines.find(m => m.hostname === hostname);
    if (!found) { throw new Error(`${this.path} has no machine ${hostname}`); }
    return found;
  }

  /** The tier a machine belongs to. */
  public tierOf(machine: Machine): TierModel {
    return this.tiers.find(tier => tier.path === machine.tierPath)!;
  }

  /** The node tiers, in order. */
  public get nodeTiers(): TierModel[] {
    return this.tiers.filter(tier => tier.kind === MachineKind.KUBE_NODE);
  }

  /** Whether the control planes share a virtual IP (controlPlaneEndpoint). */
  public get hasControlPlaneEndpoint(): boolean {
    return this.endpoints.controlPlaneEndpoint !== undefined;
  }
}

function range(cidr: string): NetworkRange {
  const parsed = parseCidr(cidr);
  if (!parsed) {
    throw new Error(`${cidr} is not a network; validate the tree before reading its model`);
  }
  return Object.freeze({ cidr, range: parsed });
}
