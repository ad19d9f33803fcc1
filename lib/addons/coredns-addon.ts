import { Construct } from 'constructs';
import { Addon } from './addon';
import {
  addClusterRole, addConfigMap, addDeployment, addService, addServiceAccount, allow, bindClusterRole, configMapVolume, requests, systemPod,
} from './system-workloads';
import { CONTROL_PLANE_TAINT } from '../cluster/node-role';

/** Props of a {@link CoreDnsAddon}. */
export interface CoreDnsAddonProps {
  /** The Service address: the kubelets' clusterDNS, the 10th address of the service range. */
  readonly clusterIp: string;
  /** The CoreDNS image. */
  readonly image: string;
  /**
   * The cluster domain, as the kubelets' clusterDomain.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
  /**
   * How many CoreDNS pods run.
   * @default 2
   */
  readonly replicas?: number;
}

const LABELS = { 'k8s-app': 'kube-dns' };
const ACCOUNT = 'coredns';
const CONFIG_MAP = 'coredns';
/** The distroless `nonroot` user of the CoreDNS image (`USER nonroot:nonroot`). */
const NONROOT = 65532;
const HEALTH_PORT = 8080;
const READY_PORT = 8181;
const METRICS_PORT = 9153;

/**
 * The cluster DNS: CoreDNS behind the `kube-dns` Service at the kubelets'
 * clusterDNS address, as kubeadm deploys it (kubernetes
 * cmd/kubeadm/app/phases/addons/dns/manifests.go): its Corefile, RBAC,
 * probes and security context. It forwards other names to the node's resolver
 * (dnsPolicy Default), which on Flatcar is systemd-resolved's upstream list,
 * never the 127.0.0.53 stub that would loop.
 */
export class CoreDnsAddon extends Addon {
  /** kubeadm's Corefile for `clusterDomain`. */
  public static corefile(clusterDomain: string): string {
    return `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :${METRICS_PORT}
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success ${clusterDomain}
       disable denial ${clusterDomain}
    }
    loop
    reload
    loadbalance
}
`;
  }

  /** How many CoreDNS pods run: what its Deployment says, known without rendering the chart. */
  public readonly replicas: number;

  constructor(scope: Construct, id: string, props: CoreDnsAddonProps) {
    const replicas = props.replicas ?? 2;
    super(scope, id, chart => defineCoreDns(chart, props, replicas));
    this.replicas = replicas;
  }
}

function defineCoreDns(chart: Construct, props: CoreDnsAddonProps, replicas: number): void {
  addServiceAccount(chart, ACCOUNT);
  addClusterRole(chart, 'system:coredns', [
    ...allow(['list', 'watch'], '', 'endpoints', 'services', 'pods', 'namespaces'),
    ...allow(['list', 'watch'], 'discovery.k8s.io', 'endpointslices'),
  ]);
  bindClusterRole(chart, 'system:coredns', 'system:coredns', ACCOUNT);
  addConfigMap(chart, CONFIG_MAP, { Corefile: CoreDnsAddon.corefile(props.clusterDomain ?? 'cluster.local') });

  addDeployment(chart, 'coredns', LABELS, replicas, {
    type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 },
  }, systemPod({
    serviceAccountName: ACCOUNT,
    hostNetwork: false,
    // Other names go to the node's resolver (see the class doc).
    dnsPolicy: 'Default',
    priorityClassName: 'system-cluster-critical',
    runAsNonRoot: true,
    tolerations: [
      { key: 'CriticalAddonsOnly', operator: 'Exists' },
      { key: CONTROL_PLANE_TAINT.key, operator: 'Exists', effect: 'NoSchedule' },
    ],
    // One CoreDNS per node where possible.
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: LABELS }, topologyKey: 'kubernetes.io/hostname' } },
      ],
    },
    containers: [{
      name: 'coredns',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      args: ['-conf', '/etc/coredns/Corefile'],
      ports: [
        { containerPort: 53, name: 'dns', protocol: 'UDP' },
        { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
        { containerPort: METRICS_PORT, name: 'metrics', protocol: 'TCP' },
        { containerPort: HEALTH_PORT, name: 'liveness-probe', protocol: 'TCP' },
        { containerPort: READY_PORT, name: 'readiness-probe', protocol: 'TCP' },
      ],
      livenessProbe: {
        httpGet: { path: '/health', port: HEALTH_PORT, scheme: 'HTTP' }, initialDelaySeconds: 60, timeoutSeconds: 5, successThreshold: 1, failureThreshold: 5,
      },
      readinessProbe: { httpGet: { path: '/ready', port: READY_PORT, scheme: 'HTTP' }, failureThreshold: 3 },
      resources: requests(100, 70, 170),
      // The image's user is the non-numeric `nonroot`, which runAsNonRoot cannot verify: give its uid.
      securityContext: {
        allowPrivilegeEscalation: false,
        capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] },
        privileged: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: NONROOT,
        runAsGroup: NONROOT,
      },
      volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
    }],
    volumes: [configMapVolume('config-volume', CONFIG_MAP, { Corefile: 'Corefile' })],
  }));

  addService(chart, {
    name: 'kube-dns',
    labels: { ...LABELS, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
    annotations: { 'prometheus.io/port': String(METRICS_PORT), 'prometheus.io/scrape': 'true' },
  }, {
    clusterIP: props.clusterIp,
    selector: LABELS,
    ports: [
      { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, targetPort: 53, protocol: 'TCP' },
      { name: 'metrics', port: METRICS_PORT, targetPort: METRICS_PORT, protocol: 'TCP' },
    ],
  });
}
