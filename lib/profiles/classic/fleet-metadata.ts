import type { Machine } from '../../cluster/machine';
import { NodeRole } from '../../cluster/node-role';

/** A node's role in the seed's words, as fleet metadata (`kube=master`) and folder names (`pods/minion`) say it. */
export enum KubeRole {
  /** Runs the control plane (API server, controller-manager, scheduler). */
  MASTER = 'master',
  /** Runs workloads. */
  MINION = 'minion',
}

/** The seed's word for a node's role. */
export function kubeRole(node: Machine): KubeRole {
  return node.role === NodeRole.CONTROL_PLANE ? KubeRole.MASTER : KubeRole.MINION;
}

/** A machine as fleet sees it: its metadata. */
export interface FleetMachine {
  readonly hostname: string;
  /** fleet's metadata, e.g. `{ core: 'node', kube: 'master' }`. */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A node's fleet metadata: `core=<pool>` and `kube=master|minion`, as the seed tagged them. */
export function fleetMachine(node: Machine): FleetMachine {
  return { hostname: node.hostname, metadata: { core: node.pool, kube: kubeRole(node) } };
}

/** Metadata as `k=v` pairs in the order given, e.g. `core=node,kube=master` (the cloud-config's `fleet.metadata`). */
export function metadataText(machine: FleetMachine): string {
  return Object.entries(machine.metadata).map(([key, value]) => `${key}=${value}`).join(',');
}
