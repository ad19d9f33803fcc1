import { Construct } from 'constructs';
import { EtcdPeerTier } from './etcd-peer-tier';
import type { VagrantCluster } from '../vagrant/vagrant-cluster';
import { MachineTier, MachineTierProps } from './machine-tier';
import { VagrantMachine } from '../vagrant/vagrant-machine';

/** What a node does in the cluster. */
export enum KubeRole {
  /** Runs the control plane (API server, controller-manager, scheduler). */
  MASTER = 'master',
  /** Runs workloads. */
  MINION = 'minion',
}

/** Props of a {@link KubeNodeTier}. */
export interface KubeNodeTierProps extends MachineTierProps {
  /** The etcd peers this tier's nodes proxy to. */
  readonly etcd: EtcdPeerTier;
}

/** One Kubernetes node VM. */
export class KubeNode extends VagrantMachine {
  /** Whether a construct is a KubeNode. */
  public static isKubeNode(x: unknown): x is KubeNode {
    return x instanceof KubeNode;
  }

  /** The node's role: the first node of a tier is the master. */
  public get role(): KubeRole {
    return this.labels.kube as KubeRole;
  }
}

/**
 * The Kubernetes node VMs (`node-01`, ...): the first is the master, the rest
 * are minions. The cluster's profile adds what runs on them.
 */
export class KubeNodeTier extends MachineTier<KubeNode> {
  /** The etcd peers this tier uses. */
  public readonly etcd: EtcdPeerTier;

  constructor(cluster: VagrantCluster, id: string, props: KubeNodeTierProps) {
    super(cluster, id, props, { count: 4, cpus: 2, memoryMb: 2048, firstIp: 100 },
      { cpus: 1, memoryMb: 1024, reason: 'docker, flannel, fleet and the kubelet need it before any pod runs' });
    this.etcd = props?.etcd;
    this.node.addValidation({ validate: () => this.validateEtcd() });
    this.createMachines((scope: Construct, name, machineProps) => new KubeNode(scope, name, cluster.prefix, machineProps));
    cluster.profile.populateNodeTier(this);
  }

  /** All nodes, in order. */
  public get nodes(): KubeNode[] {
    return this.machines;
  }

  /** The master, node-01. Undefined only in a tier with no nodes, which validation rejects. */
  public get master(): KubeNode | undefined {
    return this.nodes[0];
  }

  /** Every node but the master. */
  public get minions(): KubeNode[] {
    return this.nodes.slice(1);
  }

  /** The master's host-only address. */
  public get masterIp(): string | undefined {
    return this.master?.ip;
  }

  private validateEtcd(): string[] {
    const count = this.sizing.count;
    if (count === 1) {
      return [`count 1 leaves no minion (node-01 is the master); expected at least 2 nodes`];
    }
    if (!(this.etcd instanceof EtcdPeerTier)) {
      return [`etcd is ${this.etcd === undefined ? 'missing' : 'not an EtcdPeerTier'}; expected the EtcdPeerTier whose peers the nodes proxy to`];
    }
    if (this.etcd.cluster !== this.cluster) {
      return [`etcd ${this.etcd.node.path} belongs to another cluster; expected an EtcdPeerTier of ${this.cluster.node.path}`];
    }
    return [];
  }

  protected labelsFor(index: number): Record<string, string> {
    return { core: this.node.id, kube: index === 0 ? KubeRole.MASTER : KubeRole.MINION };
  }
}
