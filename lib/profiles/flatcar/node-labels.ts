/**
 * Who may set a node label (Kubernetes 1.33 to 1.35). The kubelet sets its own labels
 * (`--node-labels`) only outside the kubernetes.io and k8s.io namespaces, or from an allowed
 * set within them: it refuses to start otherwise ("unknown 'kubernetes.io' or 'k8s.io' labels
 * specified with --node-labels", cmd/kubelet/app/options/options.go `ValidateKubeletFlags`), and
 * the NodeRestriction admission plugin refuses the same labels on its Node
 * (plugin/pkg/admission/noderestriction/admission.go `getForbiddenLabels`).
 */

/**
 * The labels within kubernetes.io and k8s.io a kubelet may set, and the namespaces whose labels it
 * may set: k8s.io/kubelet pkg/apis/well_known_labels.go `KubeletLabels()` and
 * `KubeletLabelNamespaces()`, identical at kubelet v0.33.0, v0.34.0 and v0.35.0.
 */
export const KUBELET_LABELS: readonly string[] = [
  'kubernetes.io/hostname', 'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
  'topology.kubernetes.io/zone', 'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region',
  'node.kubernetes.io/instance-type', 'beta.kubernetes.io/instance-type',
];
export const KUBELET_LABEL_NAMESPACES: readonly string[] = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

/**
 * Namespaces whose labels an administrator sets through the API: `node-role.kubernetes.io` (kubeadm
 * marks control planes so, cmd/kubeadm/app/phases/markcontrolplane), and
 * `node-restriction.kubernetes.io`, which NodeRestriction reserves for exactly that.
 */
export const API_LABEL_NAMESPACES: readonly string[] = ['node-role.kubernetes.io', 'node-restriction.kubernetes.io'];

/** Who sets a label: the kubelet itself, the add-on bootstrap through the API, or nobody (refused). */
export type LabelSetter = 'kubelet' | 'api' | 'refused';

/** Who sets the label with this key. */
export function labelSetter(key: string): LabelSetter {
  const slash = key.lastIndexOf('/');
  const namespace = slash < 0 ? '' : key.slice(0, slash);
  const within = (ns: string) => namespace === ns || namespace.endsWith(`.${ns}`);
  if (!within('kubernetes.io') && !within('k8s.io')) {
    return 'kubelet';
  }
  if (API_LABEL_NAMESPACES.some(within)) {
    return 'api';
  }
  return KUBELET_LABELS.includes(key) || KUBELET_LABEL_NAMESPACES.some(within) ? 'kubelet' : 'refused';
}
