import type { IClusterScope } from './cluster-scope';
import { EtcdPeerTier } from './etcd-peer-tier';
import propsSchema from './kube-node-tier-props.schema.json';
import { labelsProblems, taintsProblems } from './labels';
import { Machine, MachineKind } from './machine';
import { MachineTier, MachineTierProps } from './machine-tier';
import { NodeRole, NodeTaint } from './node-role';

/** Props of a {@link KubeNodeTier}. */
export interface KubeNodeTierProps extends MachineTierProps {
  /** The etcd peers of the cluster. */
  readonly etcd: EtcdPeerTier;
  /**
   * What every node of the tier does. A tier without a role has the seed's layout: its
   * first VM is the control plane and the others are workers; it must then be the
   * cluster's only node tier.
   * @default - the seed's layout
   */
  readonly role?: NodeRole;
  /**
   * Kubernetes labels of every node of the tier, e.g. `{ disktype: 'ssd' }`.
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * Taints every node of the tier registers with, e.g. `[{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]`.
   * @default - none (control planes still get the control-plane taint)
   */
  readonly taints?: NodeTaint[];
}

/**
 * Kubernetes node VMs (`node-01`, ...): a node pool. With a `role`, every node
 * of the pool is a control plane or a worker; without one, the first is the
 * control plane and the others are workers (the seed's layout). The cluster's
 * profile decides what runs on them.
 */
export class KubeNodeTier extends MachineTier {
  public readonly kind = MachineKind.KUBE_NODE;
  /** The etcd peers the nodes use. */
  public readonly etcd: EtcdPeerTier;
  /** The tier's role, as given; undefined for the seed's layout. */
  public readonly role?: NodeRole;
  private readonly _labels: Record<string, string>;
  private readonly _taints: NodeTaint[];

  constructor(cluster: IClusterScope, id: string, props: KubeNodeTierProps) {
    super(cluster, id, props, { count: 4, cpus: 2, memoryMb: 2048, firstIp: 100 },
      { cpus: 1, memoryMb: 1024, reason: 'the container runtime, the pod network and the kubelet need it before any pod runs' }, propsSchema);
    const given = this.givenProps as Partial<KubeNodeTierProps>;
    this.etcd = given.etcd!;
    this.role = given.role;
    const labels = given.labels;
    const taints = given.taints;
    this._labels = labels !== null && typeof labels === 'object' && !Array.isArray(labels) ? { ...labels } : {};
    this._taints = Array.isArray(taints) ? taints.map(taint => ({ ...taint })) : [];
  }

  /** Labels of every node of the tier. */
  public get labels(): Record<string, string> {
    return { ...this._labels };
  }

  /** Taints every node of the tier registers with (besides the control plane's). */
  public get taints(): NodeTaint[] {
    return this._taints.map(taint => ({ ...taint }));
  }

  /** The role of the tier's i-th node (0-based). */
  public roleAt(index: number): NodeRole {
    return this.role ?? (index === 0 ? NodeRole.CONTROL_PLANE : NodeRole.WORKER);
  }

  /** All nodes, in order. */
  public get nodes(): Machine[] {
    return this.machines;
  }

  /** The tier's control-plane nodes: the first of a tier without a role, every node of a control-plane tier, none of a worker tier. */
  public get controlPlanes(): Machine[] {
    return this.nodes.filter(node => node.role === NodeRole.CONTROL_PLANE);
  }

  /** The tier's workers: all but the first of a tier without a role, every node of a worker tier, none of a control-plane tier. */
  public get workers(): Machine[] {
    return this.nodes.filter(node => node.role === NodeRole.WORKER);
  }

  /**
   * The tier's first control plane: node-01 of a tier without a role, the first node of a
   * control-plane tier; undefined on a worker tier (and in an empty tier, which validation rejects).
   */
  public get master(): Machine | undefined {
    return this.controlPlanes[0];
  }

  /** The seed's name for {@link workers}. */
  public get minions(): Machine[] {
    return this.workers;
  }

  /** The address of {@link master}. */
  public get masterIp(): string | undefined {
    return this.master?.ip;
  }

  protected validateTier(): string[] {
    const problems = [...super.validateTier(), ...labelsProblems(this.givenLabels()), ...taintsProblems((this.givenProps as KubeNodeTierProps).taints)];
    const nodeTiers = this.cluster?.node.children.filter(child => child instanceof KubeNodeTier) ?? [];
    if (this.role === undefined && nodeTiers.length > 1) {
      problems.push(`has no role, but the cluster has ${nodeTiers.length} KubeNodeTiers (${nodeTiers.map(t => t.node.id).join(', ')}); `
        + 'expected role: NodeRole.CONTROL_PLANE or NodeRole.WORKER on each (a tier without a role must be the only node tier)');
    }
    if (this.role === undefined && this.sizing.count === 1) {
      problems.push(`count 1 leaves no worker (${this.node.id}-01 is the control plane); expected at least 2 nodes, or a role`);
    }
    if (!(this.etcd instanceof EtcdPeerTier)) {
      problems.push(`etcd is ${this.etcd === undefined ? 'missing' : 'not an EtcdPeerTier'}; expected the EtcdPeerTier of the cluster`);
    } else if (this.cluster && this.etcd.cluster && this.etcd.cluster !== this.cluster) {
      problems.push(`etcd ${this.etcd.node.path} belongs to another cluster; expected an EtcdPeerTier of ${this.cluster.node.path}`);
    }
    return problems;
  }

  private givenLabels(): unknown {
    return (this.givenProps as KubeNodeTierProps).labels;
  }
}
