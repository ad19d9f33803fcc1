import { Construct } from 'constructs';
import { Addon } from './addon';
import type { IngressClass } from './kube-objects';
import {
  addClusterRole, addDaemonSet, addObject, addServiceAccount, bindClusterRole, fieldEnv, nonRootSecurityContext, requests, systemPod,
} from './system-workloads';

/** Props of a {@link TraefikAddon}. */
export interface TraefikAddonProps {
  /** The Traefik image. */
  readonly image: string;
}

/** The IngressClass, the cluster's default, and the controller it names (the Traefik Helm chart's). */
export const TRAEFIK_INGRESS_CLASS = 'traefik';
export const TRAEFIK_CONTROLLER = 'traefik.io/ingress-controller';
/** The annotation that makes an IngressClass the default of Ingresses that name none. */
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The node ports every worker answers on (hostPort), and the unprivileged ports Traefik listens on in its pod (the Helm chart's). */
export const TRAEFIK_PORTS = {
  web: { hostPort: 80, containerPort: 8000 },
  websecure: { hostPort: 443, containerPort: 8443 },
  /** Traefik's own entry point: /ping, for the probes; no host port. */
  traefik: { containerPort: 8080 },
} as const;
const ACCOUNT = 'traefik-ingress-controller';
const LABELS = { app: 'traefik' };
/** The distroless `nonroot` user the Helm chart runs Traefik as. */
const NONROOT = 65532;

/**
 * The ingress controller: Traefik Proxy with its Kubernetes Ingress provider, transcribed from the provider's
 * example in the Traefik docs (traefik/traefik v3.7.9 docs/content/reference/routing-configuration/kubernetes/ingress.md:
 * the service account, ClusterRole, ClusterRoleBinding and the arguments), as a DaemonSet in kube-system that
 * listens on ports 80 and 443 of every node it runs on (host ports, through the CNI portmap plugin) instead of a
 * Deployment behind a LoadBalancer Service, which a Vagrant cluster has none of. It does not tolerate the
 * control-plane taint, so it runs on the workers. From the Traefik Helm chart (v41.3.0): read access to Nodes, which the
 * provider watches and the docs' ClusterRole lacks, the IngressClass `traefik`
 * as the default class, unprivileged container ports 8000/8443, /ping on port 8080 for the probes, a non-root user
 * on a read-only root. TLS on port 443 uses Traefik's self-signed default certificate until an Ingress names a Secret.
 */
export class TraefikAddon extends Addon {
  /** The Traefik container's arguments (its static configuration). */
  public static args(): string[] {
    return [
      `--entryPoints.web.address=:${TRAEFIK_PORTS.web.containerPort}/tcp`,
      // Upstream's example listens on :443 as root; the chart's unprivileged port, the node's 443 through hostPort.
      `--entryPoints.websecure.address=:${TRAEFIK_PORTS.websecure.containerPort}/tcp`,
      '--entryPoints.websecure.http.tls',
      `--entryPoints.traefik.address=:${TRAEFIK_PORTS.traefik.containerPort}/tcp`,
      '--ping=true',
      '--providers.kubernetesingress',
    ];
  }

  constructor(scope: Construct, id: string, props: TraefikAddonProps) {
    super(scope, id, chart => defineTraefik(chart, props));
  }
}

function defineTraefik(chart: Construct, props: TraefikAddonProps): void {
  addServiceAccount(chart, ACCOUNT);
  addClusterRole(chart, ACCOUNT, [
    { apiGroups: [''], resourceNames: [], resources: ['services', 'secrets'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['discovery.k8s.io'], resourceNames: [], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['extensions', 'networking.k8s.io'], resourceNames: [], resources: ['ingresses', 'ingressclasses'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['extensions', 'networking.k8s.io'], resourceNames: [], resources: ['ingresses/status'], verbs: ['update'] },
    // Not in the docs' example, but watched by the provider's client unless disableClusterScopeResources is set
    // (pkg/provider/kubernetes/ingress/client.go at v3.7.9); the Helm chart's ClusterRole grants it.
    { apiGroups: [''], resourceNames: [], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
  ]);
  bindClusterRole(chart, ACCOUNT, ACCOUNT, ACCOUNT);

  const ping = (failureThreshold: number) => ({
    httpGet: { path: '/ping', port: TRAEFIK_PORTS.traefik.containerPort, scheme: 'HTTP' as const },
    initialDelaySeconds: 2, periodSeconds: 10, successThreshold: 1, failureThreshold, timeoutSeconds: 2,
  });
  addDaemonSet(chart, 'traefik', LABELS, systemPod({
    serviceAccountName: ACCOUNT,
    hostNetwork: false,
    dnsPolicy: 'ClusterFirst',
    runAsNonRoot: true,
    // None: the workers only (the control planes are tainted).
    tolerations: [],
    containers: [{
      name: 'traefik',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      args: TraefikAddon.args(),
      env: [fieldEnv('POD_NAME', 'metadata.name'), fieldEnv('POD_NAMESPACE', 'metadata.namespace')],
      ports: [
        { name: 'web', containerPort: TRAEFIK_PORTS.web.containerPort, hostPort: TRAEFIK_PORTS.web.hostPort, protocol: 'TCP' },
        { name: 'websecure', containerPort: TRAEFIK_PORTS.websecure.containerPort, hostPort: TRAEFIK_PORTS.websecure.hostPort, protocol: 'TCP' },
        { name: 'traefik', containerPort: TRAEFIK_PORTS.traefik.containerPort, protocol: 'TCP' },
      ],
      // The chart's probes.
      readinessProbe: ping(1),
      livenessProbe: ping(3),
      // Upstream sets none; a small request, so that the scheduler counts what it uses.
      resources: requests(100, 50),
      securityContext: nonRootSecurityContext(NONROOT, NONROOT),
      // The chart's writable folders on a read-only root.
      volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'tmp', mountPath: '/tmp' }],
    }],
    volumes: [{ name: 'data', emptyDir: {} }, { name: 'tmp', emptyDir: {} }],
  }));

  const ingressClass: IngressClass = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name: TRAEFIK_INGRESS_CLASS, annotations: { [DEFAULT_INGRESS_CLASS_ANNOTATION]: 'true' } },
    spec: { controller: TRAEFIK_CONTROLLER },
  };
  addObject(chart, 'ingress-class', ingressClass);
}
