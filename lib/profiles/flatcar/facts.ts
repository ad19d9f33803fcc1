import type { ClusterModel } from '../../cluster/cluster-model';
import { Machine, MachineKind } from '../../cluster/machine';
import { NodeRole } from '../../cluster/node-role';

export const FLATCAR_ETCD_ROLE = 'etcd member';
export const FLATCAR_CONTROL_PLANE_ROLE = 'control plane';
export const FLATCAR_WORKER_ROLE = 'worker';

/** What the Flatcar profile bound: the facts its part of the runbook is made of. */
export interface FlatcarRunbookFacts {
  readonly model: ClusterModel;
  /** The static pods of each control plane, by pod name, by hostname (a Node name is its hostname). */
  readonly staticPods: ReadonlyMap<string, readonly string[]>;
  /** How many CoreDNS pods run. */
  readonly coreDnsReplicas: number;
  /** The optional add-ons switched on. */
  readonly optionalAddons: FlatcarOptionalAddons;
}

/** Which optional add-ons a Flatcar cluster runs. */
export interface FlatcarOptionalAddons {
  readonly metricsServer: boolean;
  readonly localPathStorage: boolean;
  /** The ingress controller, e.g. `traefik`, or none. */
  readonly ingress?: string;
}

/** A machine's role in the Flatcar profile's words. */
export function flatcarRole(machine: Machine): string {
  return machine.kind === MachineKind.ETCD_PEER ? FLATCAR_ETCD_ROLE
    : machine.role === NodeRole.CONTROL_PLANE ? FLATCAR_CONTROL_PLANE_ROLE : FLATCAR_WORKER_ROLE;
}
