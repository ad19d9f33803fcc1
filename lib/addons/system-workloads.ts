// Shared pieces of the built-in add-ons: typed Kubernetes objects (kube-objects.ts) added
// to an add-on's chart as plain cdk8s ApiObjects, and the values every kube-system workload
// of this library has in common. Each object is written out field by field, defaults
// included: what a helper fills in is said in its doc, and nothing else is added.
import type { ApiObject } from 'cdk8s';
import type { Construct } from 'constructs';
import { cdk8s } from './cdk8s-modules';
import type {
  Affinity, ClusterRole, ClusterRoleBinding, ConfigMap, DaemonSet, Deployment, EnvVar, HostPathType, KubeObject, ObjectMeta,
  PodSpec, PodTemplateSpec, PolicyRule, ResourceRequirements, RollingUpdateDeployment, SecurityContext, Service, ServiceAccount, StringMap,
  Toleration, Volume,
} from './kube-objects';

/** Where the built-in add-ons live. */
export const KUBE_SYSTEM = 'kube-system';

/** The label every node carries for its operating system. */
const OS_LABEL = 'kubernetes.io/os';

/** Tolerates every taint, as kubeadm's kube-proxy does: node agents must run on every node. */
export const TOLERATE_EVERY_TAINT: readonly Toleration[] = [{ operator: 'Exists' }];

/** Adds one object to an add-on's chart; cdk8s renders it as given (keys sorted, undefined fields left out). */
export function addObject(chart: Construct, id: string, object: KubeObject): ApiObject {
  const { ApiObject } = cdk8s();
  return new ApiObject(chart, id, object);
}

/** A service account (in kube-system unless told) whose token is mounted into the pods that use it: every add-on here talks to the API server. */
export function addServiceAccount(chart: Construct, name: string, namespace: string = KUBE_SYSTEM): ApiObject {
  const account: ServiceAccount = {
    apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace }, automountServiceAccountToken: true,
  };
  return addObject(chart, 'service-account', account);
}

/** A cluster role with these rules (and labels), under the construct id given. */
export function addClusterRole(chart: Construct, name: string, rules: readonly PolicyRule[], labels?: StringMap, id = 'cluster-role'): ApiObject {
  const role: ClusterRole = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, labels }, rules };
  return addObject(chart, id, role);
}

/** One rule per resource of `apiGroup` (`''` is the core group), each allowing `verbs` on every object of it. */
export function allow(verbs: readonly string[], apiGroup: string, ...resources: string[]): PolicyRule[] {
  return resources.map(resource => ({ apiGroups: [apiGroup], resourceNames: [], resources: [resource], verbs }));
}

/**
 * Binds the cluster role `roleName` to the service account `accountName` (of kube-system unless
 * told), under the binding name given.
 */
export function bindClusterRole(chart: Construct, name: string, roleName: string, accountName: string,
  options: { readonly namespace?: string; readonly labels?: StringMap; readonly id?: string } = {}): ApiObject {
  const binding: ClusterRoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: options.labels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
    subjects: [{ apiGroup: '', kind: 'ServiceAccount', name: accountName, namespace: options.namespace ?? KUBE_SYSTEM }],
  };
  return addObject(chart, options.id ?? 'cluster-role-binding', binding);
}

/** A mutable ConfigMap (in kube-system unless told). */
export function addConfigMap(chart: Construct, name: string, data: StringMap, labels?: StringMap, namespace: string = KUBE_SYSTEM): ApiObject {
  const config: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data, immutable: false };
  return addObject(chart, 'config', config);
}

/** Metadata of a workload selected by `labels`. */
function workloadMetadata(name: string, labels: StringMap, namespace: string): ObjectMeta {
  return { name, namespace, labels };
}

/** Pods labelled `labels`, which is also what the workload selects. */
function template(labels: StringMap, spec: PodSpec): PodTemplateSpec {
  return { metadata: { labels }, spec };
}

/** A DaemonSet (in kube-system unless told) whose pods carry, and are selected by, `labels`. */
export function addDaemonSet(chart: Construct, name: string, labels: StringMap, pod: PodSpec, namespace: string = KUBE_SYSTEM): ApiObject {
  const daemonSet: DaemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: workloadMetadata(name, labels, namespace),
    spec: { minReadySeconds: 0, selector: { matchLabels: labels }, template: template(labels, pod) },
  };
  return addObject(chart, 'daemon-set', daemonSet);
}

/** A Deployment (in kube-system unless told) whose pods carry, and are selected by, `labels`, rolled out with `strategy`. */
export function addDeployment(chart: Construct, name: string, labels: StringMap, replicas: number, strategy: RollingUpdateDeployment,
  pod: PodSpec, namespace: string = KUBE_SYSTEM): ApiObject {
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: workloadMetadata(name, labels, namespace),
    spec: {
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      replicas,
      selector: { matchLabels: labels },
      strategy,
      template: template(labels, pod),
    },
  };
  return addObject(chart, 'deployment', deployment);
}

/** A ClusterIP Service in kube-system. */
export function addService(chart: Construct, metadata: Omit<ObjectMeta, 'namespace'>, spec: Omit<Service['spec'], 'type' | 'externalIPs'>): ApiObject {
  const service: Service = {
    apiVersion: 'v1', kind: 'Service', metadata: { ...metadata, namespace: KUBE_SYSTEM }, spec: { ...spec, externalIPs: [], type: 'ClusterIP' },
  };
  return addObject(chart, 'service', service);
}

/** What differs between the pods of the built-in add-ons; {@link systemPod} adds the rest. */
export type SystemPodProps = Omit<PodSpec,
  'affinity' | 'automountServiceAccountToken' | 'restartPolicy' | 'securityContext' | 'setHostnameAsFQDN' | 'terminationGracePeriodSeconds'> & {
  /** Whether every container must run as a non-root user (the kubelet refuses to start one that would not). */
  readonly runAsNonRoot: boolean;
  /** Affinity besides Linux-only nodes. */
  readonly podAntiAffinity?: Affinity['podAntiAffinity'];
};

/**
 * A pod of a kube-system workload: on Linux nodes only (as every upstream manifest of these
 * add-ons requires), with its service account's token mounted, restarted always, given the
 * usual 30 s to stop, its hostname not a FQDN and its volumes' ownership always applied
 * (the API's defaults, written out).
 */
export function systemPod(props: SystemPodProps): PodSpec {
  const { runAsNonRoot, podAntiAffinity, ...spec } = props;
  return {
    ...spec,
    affinity: { nodeAffinity: linuxOnly(), podAntiAffinity },
    automountServiceAccountToken: true,
    restartPolicy: 'Always',
    securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot },
    setHostnameAsFQDN: false,
    terminationGracePeriodSeconds: 30,
  };
}

/** Only nodes labelled `kubernetes.io/os=linux`. */
function linuxOnly(): Affinity['nodeAffinity'] {
  return { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: OS_LABEL, operator: 'In', values: ['linux'] }] }] } };
}

/** Requests (and an optional memory limit) as an upstream manifest states them; no CPU limit. */
export function requests(cpuMillis: number, memoryMebibytes: number, memoryLimitMebibytes?: number): ResourceRequirements {
  return {
    requests: { cpu: `${cpuMillis}m`, memory: `${memoryMebibytes}Mi` },
    limits: memoryLimitMebibytes === undefined ? undefined : { memory: `${memoryLimitMebibytes}Mi` },
  };
}

/**
 * The restricted container of a non-root image, as the upstream manifests of metrics-server and Traefik state it:
 * no privilege escalation, no capability, a read-only root, the user (and group) given, the runtime's seccomp profile.
 */
export function nonRootSecurityContext(user: number, group?: number): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: group,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** What a one-shot `cp` init container needs: a token amount. */
export function copyResources(): ResourceRequirements {
  return requests(10, 16);
}

/** An environment variable holding a field of the pod, e.g. `metadata.name` or `spec.nodeName`. */
export function fieldEnv(name: string, fieldPath: string): EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/** A host path volume; `type` `''` mounts whatever is there. */
export function hostPathVolume(name: string, path: string, type: HostPathType = ''): Volume {
  return { name, hostPath: { path, type } };
}

/** A volume of a ConfigMap's keys, all of them unless `items` maps some to file paths. */
export function configMapVolume(name: string, configMapName: string, items?: Readonly<Record<string, string>>): Volume {
  return { name, configMap: { name: configMapName, items: items && Object.entries(items).map(([key, path]) => ({ key, path })) } };
}
