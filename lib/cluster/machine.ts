import type { NodeRole, NodeTaint } from './node-role';

/** What a machine is for. */
export enum MachineKind {
  /** A member of the cluster's etcd. */
  ETCD_PEER = 'etcd-peer',
  /** A Kubernetes node: a control plane or a worker. */
  KUBE_NODE = 'kube-node',
}

/** A machine as the target places it: its name, its address on the host network and its size. */
export interface PlannedMachine {
  /** Hostname, also the Vagrant machine name and the Kubernetes node name, e.g. `node-01`. */
  readonly hostname: string;
  /** The address on the host network (the interface that carries node traffic). */
  readonly ip: string;
  /** Virtual CPUs. */
  readonly cpus: number;
  /** Memory in MiB. */
  readonly memoryMb: number;
}

/** One machine of the cluster, as every profile and the runbook see it. */
export interface Machine extends PlannedMachine {
  /** What the machine is for. */
  readonly kind: MachineKind;
  /** The role of a Kubernetes node; undefined on an etcd peer. */
  readonly role?: NodeRole;
  /** Id of the tier the machine belongs to: its node pool, e.g. `node` or `big`. */
  readonly pool: string;
  /** Construct path of that tier, e.g. `cluster/node`. */
  readonly tierPath: string;
  /** Kubernetes labels of a node (its tier's); empty on etcd peers. */
  readonly labels: Readonly<Record<string, string>>;
  /** Taints a node registers with (its tier's, without the control plane's); empty on etcd peers. */
  readonly taints: readonly NodeTaint[];
}

/** `<tier>-01`, `<tier>-02`, ...: the hostname of the i-th machine (0-based) of a tier. */
export function machineName(tierId: string, index: number): string {
  return `${tierId}-${String(index + 1).padStart(2, '0')}`;
}
