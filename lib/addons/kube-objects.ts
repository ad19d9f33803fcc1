// The parts of the Kubernetes API the built-in add-ons write, as TypeScript types:
// each interface holds the fields the add-ons use, under their API names, so that
// a misspelt or misplaced field fails to compile. Types only: nothing here exists
// at run time.
// @see https://kubernetes.io/docs/reference/kubernetes-api/

/** Labels or annotations. */
export type StringMap = Readonly<Record<string, string>>;

/** @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/object-meta/ */
export interface ObjectMeta {
  readonly name: string;
  /** Omitted for cluster-scoped objects. */
  readonly namespace?: string;
  readonly labels?: StringMap;
  readonly annotations?: StringMap;
}

/** What every object starts with. */
export interface KubeObjectHeader<ApiVersion extends string, Kind extends string> {
  readonly apiVersion: ApiVersion;
  readonly kind: Kind;
  readonly metadata: ObjectMeta;
}

// ---- core/v1: ServiceAccount, ConfigMap, Service ----

/** @see https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/service-account-v1/ */
export interface ServiceAccount extends KubeObjectHeader<'v1', 'ServiceAccount'> {
  readonly automountServiceAccountToken: boolean;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/config-map-v1/ */
export interface ConfigMap extends KubeObjectHeader<'v1', 'ConfigMap'> {
  readonly data: StringMap;
  readonly immutable: boolean;
}

/** The protocols of ports the add-ons use. */
export type Protocol = 'TCP' | 'UDP';

/** @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec */
export interface ServicePort {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: Protocol;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec */
export interface ServiceSpec {
  readonly type: 'ClusterIP';
  readonly clusterIP: string;
  readonly externalIPs: readonly string[];
  readonly ports: readonly ServicePort[];
  /** The labels of the pods the Service sends traffic to. */
  readonly selector: StringMap;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/ */
export interface Service extends KubeObjectHeader<'v1', 'Service'> {
  readonly spec: ServiceSpec;
}

// ---- rbac.authorization.k8s.io/v1: ClusterRole, ClusterRoleBinding ----

/** @see https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/cluster-role-v1/ */
export interface PolicyRule {
  /** `''` is the core group. */
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  /** Empty: every object of the resources. */
  readonly resourceNames: readonly string[];
  readonly verbs: readonly string[];
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/cluster-role-v1/ */
export interface ClusterRole extends KubeObjectHeader<'rbac.authorization.k8s.io/v1', 'ClusterRole'> {
  readonly rules: readonly PolicyRule[];
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/cluster-role-binding-v1/ */
export interface RoleRef {
  readonly apiGroup: 'rbac.authorization.k8s.io';
  readonly kind: 'ClusterRole';
  readonly name: string;
}

/** A service account as the subject of a binding (its apiGroup is the core group, `''`). */
export interface ServiceAccountSubject {
  readonly apiGroup: '';
  readonly kind: 'ServiceAccount';
  readonly name: string;
  readonly namespace: string;
}

/** A group (of users, e.g. `system:nodes`) as the subject of a binding. */
export interface GroupSubject {
  readonly apiGroup: 'rbac.authorization.k8s.io';
  readonly kind: 'Group';
  readonly name: string;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/cluster-role-binding-v1/ */
export interface ClusterRoleBinding extends KubeObjectHeader<'rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'> {
  readonly roleRef: RoleRef;
  readonly subjects: ReadonlyArray<ServiceAccountSubject | GroupSubject>;
}

// ---- Pods: the pod template of a DaemonSet or Deployment ----

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#environment-variables */
export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  /** A field of the pod, e.g. `metadata.name` or `spec.nodeName`. */
  readonly valueFrom?: { readonly fieldRef: { readonly fieldPath: string } };
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports */
export interface ContainerPort {
  readonly containerPort: number;
  readonly name: string;
  readonly protocol: Protocol;
}

/** Quantities: CPU in millicores (`100m`), memory in mebibytes (`70Mi`). */
export interface ResourceList {
  readonly cpu?: string;
  readonly memory?: string;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#resources */
export interface ResourceRequirements {
  readonly requests: ResourceList;
  readonly limits?: ResourceList;
}

/** Capability names as Kubernetes expects them: `NET_ADMIN`, not `CAP_NET_ADMIN`. */
export interface Capabilities {
  readonly add?: readonly string[];
  readonly drop?: readonly string[];
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context-1 */
export interface SecurityContext {
  readonly allowPrivilegeEscalation: boolean;
  readonly capabilities?: Capabilities;
  readonly privileged: boolean;
  readonly readOnlyRootFilesystem: boolean;
  readonly runAsNonRoot: boolean;
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Probe */
export interface HttpProbe {
  readonly httpGet: { readonly path: string; readonly port: number; readonly scheme: 'HTTP' };
  readonly initialDelaySeconds?: number;
  readonly timeoutSeconds?: number;
  readonly successThreshold?: number;
  readonly failureThreshold: number;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#volumes-1 */
export interface VolumeMount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Container */
export interface Container {
  readonly name: string;
  readonly image: string;
  readonly imagePullPolicy: 'IfNotPresent';
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly ports?: readonly ContainerPort[];
  readonly resources: ResourceRequirements;
  readonly securityContext: SecurityContext;
  readonly livenessProbe?: HttpProbe;
  readonly readinessProbe?: HttpProbe;
  readonly volumeMounts: readonly VolumeMount[];
}

/** `''` skips the check; `FileOrCreate` creates an empty file when none exists. */
export type HostPathType = '' | 'FileOrCreate';

/** @see https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/volume/ */
export interface Volume {
  readonly name: string;
  readonly hostPath?: { readonly path: string; readonly type: HostPathType };
  readonly configMap?: { readonly name: string; readonly items?: ReadonlyArray<{ readonly key: string; readonly path: string }> };
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#scheduling */
export interface Toleration {
  readonly key?: string;
  readonly operator: 'Exists' | 'Equal';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#NodeAffinity */
export interface NodeSelectorRequirement {
  readonly key: string;
  readonly operator: 'In';
  readonly values: readonly string[];
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#affinity */
export interface Affinity {
  readonly nodeAffinity?: {
    readonly requiredDuringSchedulingIgnoredDuringExecution: {
      readonly nodeSelectorTerms: ReadonlyArray<{ readonly matchExpressions: readonly NodeSelectorRequirement[] }>;
    };
  };
  readonly podAntiAffinity?: {
    readonly preferredDuringSchedulingIgnoredDuringExecution: ReadonlyArray<{
      readonly weight: number;
      readonly podAffinityTerm: { readonly labelSelector: LabelSelector; readonly topologyKey: string };
    }>;
  };
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context */
export interface PodSecurityContext {
  readonly fsGroupChangePolicy: 'Always';
  readonly runAsNonRoot: boolean;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#PodSpec */
export interface PodSpec {
  readonly affinity: Affinity;
  readonly automountServiceAccountToken: boolean;
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly dnsPolicy: 'ClusterFirst' | 'Default';
  readonly hostNetwork: boolean;
  readonly priorityClassName: 'system-node-critical' | 'system-cluster-critical';
  readonly restartPolicy: 'Always';
  readonly securityContext: PodSecurityContext;
  readonly serviceAccountName: string;
  readonly setHostnameAsFQDN: boolean;
  readonly terminationGracePeriodSeconds: number;
  readonly tolerations: readonly Toleration[];
  readonly volumes: readonly Volume[];
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/ */
export interface LabelSelector {
  readonly matchLabels: StringMap;
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-template-v1/#PodTemplateSpec */
export interface PodTemplateSpec {
  readonly metadata: { readonly labels: StringMap };
  readonly spec: PodSpec;
}

// ---- apps/v1: DaemonSet, Deployment ----

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/daemon-set-v1/ */
export interface DaemonSet extends KubeObjectHeader<'apps/v1', 'DaemonSet'> {
  readonly spec: {
    readonly minReadySeconds: number;
    readonly selector: LabelSelector;
    readonly template: PodTemplateSpec;
  };
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/#DeploymentSpec */
export interface RollingUpdateDeployment {
  readonly type: 'RollingUpdate';
  /** A count, or a percentage of the replicas such as `25%`. */
  readonly rollingUpdate: { readonly maxSurge: number | string; readonly maxUnavailable: number | string };
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/ */
export interface Deployment extends KubeObjectHeader<'apps/v1', 'Deployment'> {
  readonly spec: {
    readonly minReadySeconds: number;
    readonly progressDeadlineSeconds: number;
    readonly replicas: number;
    readonly selector: LabelSelector;
    readonly strategy: RollingUpdateDeployment;
    readonly template: PodTemplateSpec;
  };
}

/** Every kind of object the built-in add-ons write. */
export type KubeObject = ServiceAccount | ConfigMap | Service | ClusterRole | ClusterRoleBinding | DaemonSet | Deployment;
