import { Construct } from 'constructs';
import { Addon } from './addon';
import type { APIService, RoleBinding } from './kube-objects';
import {
  KUBE_SYSTEM, addClusterRole, addDeployment, addObject, addService, addServiceAccount, bindClusterRole, configMapVolume, nonRootSecurityContext, requests, systemPod,
} from './system-workloads';

/** Props of a {@link MetricsServerAddon}. */
export interface MetricsServerAddonProps {
  /** The metrics-server image. */
  readonly image: string;
}

const LABELS = { 'k8s-app': 'metrics-server' };
const ACCOUNT = 'metrics-server';
/** The ConfigMap the controller-manager publishes in every namespace: its --root-ca-file, the cluster CA that issued the kubelets' serving certificates. */
export const ROOT_CA_CONFIG_MAP = 'kube-root-ca.crt';
/** Where metrics-server reads the cluster CA it verifies the kubelets with. */
export const METRICS_SERVER_KUBELET_CA = '/etc/metrics-server/kubelet-ca/ca.crt';
/** metrics-server's secure port in its pod (upstream's, the kubelet's number, which is free there: the pod has its own network). */
const SECURE_PORT = 10250;

/**
 * metrics-server, the Metrics API (`kubectl top`, HorizontalPodAutoscalers), transcribed from its release
 * manifest (kubernetes-sigs/metrics-server v0.8.1 components.yaml): the same objects, RBAC, probes and
 * security context, in kube-system. Two arguments differ, both about the kubelets: it reaches them at
 * their InternalIP only (the host-only address their serving certificates name), and it verifies their
 * certificates with the cluster CA (`--kubelet-certificate-authority`, from the `kube-root-ca.crt` ConfigMap),
 * never `--kubelet-insecure-tls`. The API server reaches it as an aggregated API through its Service
 * (kube-proxy runs on the control planes) and authenticates with the front-proxy client certificate.
 * As upstream, the APIService skips verifying metrics-server's own self-signed serving certificate.
 */
export class MetricsServerAddon extends Addon {
  /** The metrics-server container's arguments. */
  public static args(): string[] {
    return [
      '--cert-dir=/tmp',
      `--secure-port=${SECURE_PORT}`,
      // Upstream: InternalIP,ExternalIP,Hostname. The serving certificates name the InternalIP; a node has no other address here.
      '--kubelet-preferred-address-types=InternalIP',
      '--kubelet-use-node-status-port',
      '--metric-resolution=15s',
      `--kubelet-certificate-authority=${METRICS_SERVER_KUBELET_CA}`,
    ];
  }

  constructor(scope: Construct, id: string, props: MetricsServerAddonProps) {
    // Upstream's kustomization puts its commonLabels on every object.
    super(scope, id, chart => defineMetricsServer(chart, props), { labels: LABELS });
  }
}

function defineMetricsServer(chart: Construct, props: MetricsServerAddonProps): void {
  addServiceAccount(chart, ACCOUNT);
  // Lets the admin, edit and view roles read the Metrics API.
  addClusterRole(chart, 'system:aggregated-metrics-reader', [
    { apiGroups: ['metrics.k8s.io'], resourceNames: [], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
  ], {
    'rbac.authorization.k8s.io/aggregate-to-admin': 'true',
    'rbac.authorization.k8s.io/aggregate-to-edit': 'true',
    'rbac.authorization.k8s.io/aggregate-to-view': 'true',
  }, 'aggregated-metrics-reader');
  addClusterRole(chart, 'system:metrics-server', [
    { apiGroups: [''], resourceNames: [], resources: ['nodes/metrics'], verbs: ['get'] },
    { apiGroups: [''], resourceNames: [], resources: ['pods', 'nodes'], verbs: ['get', 'list', 'watch'] },
  ], undefined, 'metrics-server-role');
  // Reads the front-proxy CA and the allowed names from extension-apiserver-authentication.
  const authReader: RoleBinding = {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'metrics-server-auth-reader', namespace: KUBE_SYSTEM },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
    subjects: [{ apiGroup: '', kind: 'ServiceAccount', name: ACCOUNT, namespace: KUBE_SYSTEM }],
  };
  addObject(chart, 'auth-reader', authReader);
  // Delegates authentication and authorization of its own requests to the API server.
  bindClusterRole(chart, 'metrics-server:system:auth-delegator', 'system:auth-delegator', ACCOUNT, { id: 'auth-delegator' });
  bindClusterRole(chart, 'system:metrics-server', 'system:metrics-server', ACCOUNT, { id: 'metrics-server-binding' });
  addService(chart, { name: 'metrics-server' }, {
    selector: LABELS,
    ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP', appProtocol: 'https' }],
  });

  addDeployment(chart, 'metrics-server', LABELS, 1, {
    // Upstream sets maxUnavailable 0; maxSurge is the API's default.
    type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
  }, systemPod({
    serviceAccountName: ACCOUNT,
    hostNetwork: false,
    dnsPolicy: 'ClusterFirst',
    priorityClassName: 'system-cluster-critical',
    runAsNonRoot: true,
    tolerations: [],
    containers: [{
      name: 'metrics-server',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      args: MetricsServerAddon.args(),
      ports: [{ containerPort: SECURE_PORT, name: 'https', protocol: 'TCP' }],
      readinessProbe: { httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' }, initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 3 },
      livenessProbe: { httpGet: { path: '/livez', port: 'https', scheme: 'HTTPS' }, periodSeconds: 10, failureThreshold: 3 },
      resources: requests(100, 200),
      securityContext: nonRootSecurityContext(1000),
      volumeMounts: [
        { name: 'tmp-dir', mountPath: '/tmp' },
        { name: 'kubelet-ca', mountPath: METRICS_SERVER_KUBELET_CA.slice(0, METRICS_SERVER_KUBELET_CA.lastIndexOf('/')), readOnly: true },
      ],
    }],
    volumes: [
      // Upstream's: a writable /tmp for its self-signed serving certificate, on a read-only root.
      { name: 'tmp-dir', emptyDir: {} },
      configMapVolume('kubelet-ca', ROOT_CA_CONFIG_MAP, { 'ca.crt': 'ca.crt' }),
    ],
  }));

  const apiService: APIService = {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io' },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      groupPriorityMinimum: 100,
      versionPriority: 100,
      insecureSkipTLSVerify: true,
      service: { name: 'metrics-server', namespace: KUBE_SYSTEM, port: 443 },
    },
  };
  addObject(chart, 'api-service', apiService);
}
