/** What a Kubernetes node does in the cluster. */
export enum NodeRole {
  /** Runs the control plane: API server, controller-manager and scheduler. */
  CONTROL_PLANE = 'control-plane',
  /** Runs workloads. */
  WORKER = 'worker',
}

/** What a taint does to pods that do not tolerate it. */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/**
 * A taint a node registers with (core/v1 Taint, without timeAdded).
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export interface NodeTaint {
  /** A qualified name, e.g. `dedicated` or `example.com/gpu`. */
  readonly key: string;
  /**
   * A label value.
   * @default - no value
   */
  readonly value?: string;
  /** `NoSchedule`, `PreferNoSchedule` or `NoExecute`. */
  readonly effect: TaintEffect;
}

/**
 * The label kubeadm puts on a control-plane node, with an empty value, through the API
 * (cmd/kubeadm/app/phases/markcontrolplane/markcontrolplane.go): the kubelet may not set it itself.
 */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/** The taint that keeps workloads off a control-plane node (kubeadm's `ControlPlaneTaint`, cmd/kubeadm/app/constants/constants.go). */
export const CONTROL_PLANE_TAINT: NodeTaint = { key: CONTROL_PLANE_LABEL, effect: 'NoSchedule' };

/** `key=value:effect`, or `key:effect` without a value: the form of kubectl and the kubelet's --register-with-taints. */
export function formatTaint(taint: NodeTaint): string {
  return `${taint.key}${taint.value === undefined ? '' : `=${taint.value}`}:${taint.effect}`;
}

/**
 * Whether pods that tolerate nothing are scheduled on a node with these taints: a `NoSchedule` or
 * `NoExecute` taint keeps them off, a `PreferNoSchedule` one only steers the scheduler away.
 */
export function takesOrdinaryPods(node: { readonly taints: readonly NodeTaint[] }): boolean {
  return node.taints.every(taint => taint.effect === 'PreferNoSchedule');
}
