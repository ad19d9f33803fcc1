import { Construct } from 'constructs';
import { Addon } from './addon';
import type { Namespace, Role, RoleBinding, StorageClass } from './kube-objects';
import {
  addClusterRole, addConfigMap, addDeployment, addObject, addServiceAccount, bindClusterRole, configMapVolume, fieldEnv, requests, systemPod,
} from './system-workloads';

/** Props of a {@link LocalPathStorageAddon}. */
export interface LocalPathStorageAddonProps {
  /** The local-path-provisioner image. */
  readonly image: string;
  /** The image of the helper pods that create and remove the volume folders: it needs `sh`, `mkdir` and `rm`. */
  readonly helperImage: string;
}

/** The namespace upstream puts the provisioner in. */
export const LOCAL_PATH_NAMESPACE = 'local-path-storage';
/** The StorageClass, the cluster's default. */
export const LOCAL_PATH_STORAGE_CLASS = 'local-path';
/** The annotation that makes a StorageClass the default of claims that name none. */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';
/** Where on each node the volumes' folders are made (upstream's default; /opt is writable on Flatcar). */
export const LOCAL_PATH_DIR = '/opt/local-path-provisioner';
const ACCOUNT = 'local-path-provisioner-service-account';
const ROLE = 'local-path-provisioner-role';
const BINDING = 'local-path-provisioner-bind';
const CONFIG_MAP = 'local-path-config';
const LABELS = { app: 'local-path-provisioner' };
const CONFIG_DIR = '/etc/config/';
const HEALTH_PORT = 8080;

/**
 * Dynamic local volumes: local-path-provisioner, transcribed from its manifest (rancher/local-path-provisioner
 * v0.0.37 deploy/local-path-storage.yaml): its namespace, RBAC, Deployment, ConfigMap and StorageClass, the
 * StorageClass made the cluster's default, and the helper pods' image pinned. A claim binds when a pod that
 * uses it is scheduled (WaitForFirstConsumer), to a folder on that pod's node: the data stays on that node.
 */
export class LocalPathStorageAddon extends Addon {
  /** The provisioner's configuration: every node keeps its volumes under {@link LOCAL_PATH_DIR} (upstream's config.json). */
  public static configJson(): string {
    return `{
        "nodePathMap":[
        {
                "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",
                "paths":["${LOCAL_PATH_DIR}"]
        }
        ]
}`;
  }

  /** The helper pod's template: upstream's, with its image pinned. */
  public static helperPod(helperImage: string): string {
    return `apiVersion: v1
kind: Pod
metadata:
  name: helper-pod
spec:
  priorityClassName: system-node-critical
  tolerations:
    - key: node.kubernetes.io/disk-pressure
      operator: Exists
      effect: NoSchedule
  containers:
  - name: helper-pod
    image: ${helperImage}
    imagePullPolicy: IfNotPresent`;
  }

  constructor(scope: Construct, id: string, props: LocalPathStorageAddonProps) {
    super(scope, id, chart => defineLocalPathStorage(chart, props));
  }
}

function defineLocalPathStorage(chart: Construct, props: LocalPathStorageAddonProps): void {
  const namespace: Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: LOCAL_PATH_NAMESPACE } };
  addObject(chart, 'namespace', namespace);
  addServiceAccount(chart, ACCOUNT, LOCAL_PATH_NAMESPACE);
  // Its helper pods, in its own namespace.
  const role: Role = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: ROLE, namespace: LOCAL_PATH_NAMESPACE },
    rules: [{ apiGroups: [''], resourceNames: [], resources: ['pods'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] }],
  };
  addObject(chart, 'role', role);
  addClusterRole(chart, ROLE, [
    { apiGroups: [''], resourceNames: [], resources: ['nodes', 'persistentvolumeclaims', 'configmaps', 'pods', 'pods/log'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resourceNames: [], resources: ['persistentvolumes'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'update', 'delete'] },
    { apiGroups: [''], resourceNames: [], resources: ['events'], verbs: ['create', 'patch'] },
    { apiGroups: ['storage.k8s.io'], resourceNames: [], resources: ['storageclasses'], verbs: ['get', 'list', 'watch'] },
  ]);
  const roleBinding: RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: BINDING, namespace: LOCAL_PATH_NAMESPACE },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: ROLE },
    subjects: [{ apiGroup: '', kind: 'ServiceAccount', name: ACCOUNT, namespace: LOCAL_PATH_NAMESPACE }],
  };
  addObject(chart, 'role-binding', roleBinding);
  bindClusterRole(chart, BINDING, ROLE, ACCOUNT, { namespace: LOCAL_PATH_NAMESPACE });

  const probe = (path: string, initialDelaySeconds: number, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'health', scheme: 'HTTP' as const }, initialDelaySeconds, periodSeconds, failureThreshold,
  });
  addDeployment(chart, 'local-path-provisioner', LABELS, 1, {
    // The API's defaults, written out (upstream sets no strategy).
    type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
  }, systemPod({
    serviceAccountName: ACCOUNT,
    hostNetwork: false,
    dnsPolicy: 'ClusterFirst',
    runAsNonRoot: false,
    tolerations: [],
    containers: [{
      name: 'local-path-provisioner',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['local-path-provisioner', '--debug', 'start', '--config', `${CONFIG_DIR}config.json`],
      ports: [{ containerPort: HEALTH_PORT, name: 'health', protocol: 'TCP' }],
      // The API's probe defaults (failureThreshold 3) written out where upstream sets none.
      startupProbe: probe('/health', 5, 5, 12),
      livenessProbe: probe('/health', 10, 10, 3),
      readinessProbe: probe('/ready', 5, 5, 3),
      env: [
        fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
        { name: 'CONFIG_MOUNT_PATH', value: CONFIG_DIR },
        { name: 'HEALTH_PORT', value: String(HEALTH_PORT) },
      ],
      // Upstream sets none; a small request, so that the scheduler counts what it uses.
      resources: requests(10, 32),
      // Upstream sets none. It only talks to the API server (the helper pods touch the node's disk): no privilege.
      securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: false, runAsNonRoot: false },
      volumeMounts: [{ name: 'config-volume', mountPath: CONFIG_DIR }],
    }],
    volumes: [configMapVolume('config-volume', CONFIG_MAP)],
  }), LOCAL_PATH_NAMESPACE);

  const storageClass: StorageClass = {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    // The cluster's default: a claim that names no class gets this one (upstream's is not the default).
    metadata: { name: LOCAL_PATH_STORAGE_CLASS, annotations: { [DEFAULT_STORAGE_CLASS_ANNOTATION]: 'true' } },
    provisioner: 'rancher.io/local-path',
    volumeBindingMode: 'WaitForFirstConsumer',
    reclaimPolicy: 'Delete',
  };
  addObject(chart, 'storage-class', storageClass);

  addConfigMap(chart, CONFIG_MAP, {
    'config.json': LocalPathStorageAddon.configJson(),
    'setup': '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"',
    'teardown': '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"',
    'helperPod.yaml': LocalPathStorageAddon.helperPod(props.helperImage),
  }, undefined, LOCAL_PATH_NAMESPACE);
}
