import { Construct } from 'constructs';
import { Addon } from './addon';
import { cdk8s, cdk8sPlus } from './cdk8s-modules';
import { KUBE_SYSTEM, bindClusterRole, linuxOnly, requests, selectByLabels, setCapabilities, setPriorityClass, systemServiceAccount } from './system-workloads';
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

  constructor(scope: Construct, id: string, props: CoreDnsAddonProps) {
    super(scope, id, chart => defineCoreDns(chart, props));
  }
}

function defineCoreDns(chart: Construct, props: CoreDnsAddonProps): void {
  const kplus = cdk8sPlus();
  const { Duration } = cdk8s();
  const account = systemServiceAccount(chart, 'coredns');
  const role = new kplus.ClusterRole(chart, 'cluster-role', { metadata: { name: 'system:coredns' } });
  role.allow(['list', 'watch'], kplus.ApiResource.ENDPOINTS, kplus.ApiResource.SERVICES, kplus.ApiResource.PODS, kplus.ApiResource.NAMESPACES,
    kplus.ApiResource.ENDPOINT_SLICES);
  bindClusterRole(chart, 'system:coredns', role, account);

  const config = new kplus.ConfigMap(chart, 'config', {
    metadata: { name: 'coredns', namespace: KUBE_SYSTEM },
    data: { Corefile: CoreDnsAddon.corefile(props.clusterDomain ?? 'cluster.local') },
  });
  const configVolume = kplus.Volume.fromConfigMap(chart, 'config-volume', config, { name: 'config-volume', items: { Corefile: { path: 'Corefile' } } });

  const deployment = new kplus.Deployment(chart, 'deployment', {
    metadata: { name: 'coredns', namespace: KUBE_SYSTEM, labels: LABELS },
    replicas: props.replicas ?? 2,
    strategy: kplus.DeploymentStrategy.rollingUpdate({ maxUnavailable: kplus.PercentOrAbsolute.absolute(1) }),
    select: false,
    serviceAccount: account,
    automountServiceAccountToken: true,
    dns: { policy: kplus.DnsPolicy.DEFAULT },
    containers: [{
      name: 'coredns',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      args: ['-conf', '/etc/coredns/Corefile'],
      resources: requests(100, 70, 170),
      // The image's user is the non-numeric `nonroot`, which runAsNonRoot cannot verify: give its uid.
      securityContext: { user: NONROOT, group: NONROOT, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
      ports: [
        { number: 53, name: 'dns', protocol: kplus.Protocol.UDP },
        { number: 53, name: 'dns-tcp', protocol: kplus.Protocol.TCP },
        { number: METRICS_PORT, name: 'metrics', protocol: kplus.Protocol.TCP },
        { number: HEALTH_PORT, name: 'liveness-probe', protocol: kplus.Protocol.TCP },
        { number: READY_PORT, name: 'readiness-probe', protocol: kplus.Protocol.TCP },
      ],
      liveness: kplus.Probe.fromHttpGet('/health', {
        port: HEALTH_PORT, initialDelaySeconds: Duration.seconds(60), timeoutSeconds: Duration.seconds(5), successThreshold: 1, failureThreshold: 5,
      }),
      readiness: kplus.Probe.fromHttpGet('/ready', { port: READY_PORT }),
      volumeMounts: [{ volume: configVolume, path: '/etc/coredns', readOnly: true }],
    }],
  });
  selectByLabels(deployment, LABELS);
  linuxOnly(deployment);
  deployment.scheduling.tolerate(kplus.Node.tainted(
    kplus.NodeTaintQuery.exists('CriticalAddonsOnly'),
    kplus.NodeTaintQuery.exists(CONTROL_PLANE_TAINT.key, { effect: kplus.TaintEffect.NO_SCHEDULE }),
  ));
  // cdk8s-plus selects a workload's pods by its generated address label, which selectByLabels removed: select by ours.
  const pods = kplus.Pods.select(chart, 'pods', { labels: LABELS });
  // One CoreDNS per node where possible.
  deployment.scheduling.separate(pods, { topology: kplus.Topology.HOSTNAME, weight: 100 });
  setPriorityClass(deployment, 'system-cluster-critical');
  setCapabilities(deployment, 0, { add: ['NET_BIND_SERVICE'], drop: ['ALL'] });

  new kplus.Service(chart, 'service', {
    metadata: {
      name: 'kube-dns',
      namespace: KUBE_SYSTEM,
      labels: { ...LABELS, 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      annotations: { 'prometheus.io/port': String(METRICS_PORT), 'prometheus.io/scrape': 'true' },
    },
    clusterIP: props.clusterIp,
    selector: pods,
    ports: [
      { name: 'dns', port: 53, targetPort: 53, protocol: kplus.Protocol.UDP },
      { name: 'dns-tcp', port: 53, targetPort: 53, protocol: kplus.Protocol.TCP },
      { name: 'metrics', port: METRICS_PORT, targetPort: METRICS_PORT, protocol: kplus.Protocol.TCP },
    ],
  });
}
