// Shared pieces of the built-in add-ons, and the cdk8s-plus-27 defaults they override.
//
// cdk8s-plus-27 (2.9.5) chooses defaults for application pods. Reviewed for cluster
// add-ons, these are wrong and are overridden where they apply:
// - resources: it requests 1 CPU and 512Mi per container (limits 1.5 CPU, 2Gi); the add-ons
//   request what their upstream manifests request, and init containers a token amount;
// - imagePullPolicy Always: pinned tags use IfNotPresent, as kubeadm does;
// - automountServiceAccountToken false (pod and service account): every add-on here talks
//   to the API server with its service account, so the token is mounted;
// - runAsNonRoot on every container: node agents run as root (flannel, kube-proxy), and
//   CoreDNS's image has the non-numeric `USER nonroot` that runAsNonRoot cannot verify, so
//   it gets uid/gid 65532 (distroless nonroot) explicitly;
// - allowPrivilegeEscalation false is kept except where privileged requires it true;
// - capabilities: it writes `CAP_NET_ADMIN`, while Kubernetes expects names without the
//   `CAP_` prefix (fixed upstream in cdk8s-team/cdk8s-plus#4267, after 2.9.5), so they are
//   set with a JSON patch;
// - it has no priorityClassName, also set with a JSON patch;
// - its pod-selector label `cdk8s.io/metadata.addr` (a hash of the construct path) is
//   replaced by the upstream labels, which Services and anti-affinity select on.
// Kept: dnsPolicy ClusterFirst (for host-network pods it falls back to the node's
// resolver), restartPolicy Always, terminationGracePeriodSeconds 30, readOnlyRootFilesystem
// where the program writes only to its mounts.
import type * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { cdk8s, cdk8sPlus } from './cdk8s-modules';

/** Where the built-in add-ons live. */
export const KUBE_SYSTEM = 'kube-system';

/** The label every pod of the cluster's nodes carries for its operating system. */
const OS_LABEL = 'kubernetes.io/os';

/** A service account in kube-system whose token is mounted into the pods that use it. */
export function systemServiceAccount(scope: Construct, name: string): kplus.ServiceAccount {
  const { ServiceAccount } = cdk8sPlus();
  return new ServiceAccount(scope, 'service-account', { metadata: { name, namespace: KUBE_SYSTEM }, automountToken: true });
}

/** Binds a cluster role to a service account, under the binding name given. */
export function bindClusterRole(scope: Construct, name: string, role: kplus.IClusterRole, account: kplus.ServiceAccount): kplus.ClusterRoleBinding {
  const { ClusterRoleBinding } = cdk8sPlus();
  const binding = new ClusterRoleBinding(scope, 'cluster-role-binding', { metadata: { name }, role });
  binding.addSubjects(account);
  return binding;
}

/** Requests (and an optional memory limit) as an upstream manifest states them; no CPU limit. */
export function requests(cpuMillis: number, memoryMebibytes: number, memoryLimitMebibytes?: number): kplus.ContainerResources {
  const { Cpu } = cdk8sPlus();
  const { Size } = cdk8s();
  return {
    cpu: { request: Cpu.millis(cpuMillis) },
    memory: { request: Size.mebibytes(memoryMebibytes), limit: memoryLimitMebibytes === undefined ? undefined : Size.mebibytes(memoryLimitMebibytes) },
  };
}

/** What a one-shot `cp` init container needs: a token amount. */
export function copyResources(): kplus.ContainerResources {
  return requests(10, 16);
}

/** Capabilities of one container, Kubernetes-style (`NET_ADMIN`, not `CAP_NET_ADMIN`). */
export interface Capabilities {
  readonly add?: string[];
  readonly drop?: string[];
}

/** Sets a container's capabilities, which cdk8s-plus-27 2.9.5 would prefix with `CAP_`. */
export function setCapabilities(workload: kplus.Workload, containerIndex: number, capabilities: Capabilities): void {
  const value = Object.fromEntries(Object.entries({ add: capabilities.add, drop: capabilities.drop }).filter(([, v]) => v !== undefined));
  const { ApiObject, JsonPatch } = cdk8s();
  ApiObject.of(workload).addJsonPatch(JsonPatch.add(`/spec/template/spec/containers/${containerIndex}/securityContext/capabilities`, value));
}

/** Sets the pod template's priority class, which cdk8s-plus-27 has no property for. */
export function setPriorityClass(workload: kplus.Workload, priorityClassName: 'system-node-critical' | 'system-cluster-critical'): void {
  const { ApiObject, JsonPatch } = cdk8s();
  ApiObject.of(workload).addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', priorityClassName));
}

/** Only Linux nodes, as every upstream manifest of these add-ons requires. */
export function linuxOnly(workload: kplus.Workload): void {
  const { Node, NodeLabelQuery } = cdk8sPlus();
  workload.scheduling.attract(Node.labeled(NodeLabelQuery.is(OS_LABEL, 'linux')));
}

/** Uses `labels` for the workload's selector and its pods, instead of cdk8s-plus's generated label. */
export function selectByLabels(workload: kplus.Workload, labels: Record<string, string>): void {
  const { ApiObject, JsonPatch } = cdk8s();
  for (const [key, value] of Object.entries(labels)) {
    workload.podMetadata.addLabel(key, value);
  }
  workload.select(cdk8sPlus().LabelSelector.of({ labels }));
  ApiObject.of(workload).addJsonPatch(JsonPatch.remove('/spec/template/metadata/labels/cdk8s.io~1metadata.addr'));
}

/** A host path volume. */
export function hostPath(scope: Construct, name: string, path: string, type?: kplus.HostPathVolumeType): kplus.Volume {
  return cdk8sPlus().Volume.fromHostPath(scope, `${name}-volume`, name, { path, type });
}
