import { Construct } from 'constructs';
import { Addon } from './addon';
import {
  TOLERATE_EVERY_TAINT, addConfigMap, addDaemonSet, addServiceAccount, bindClusterRole, configMapVolume, fieldEnv, hostPathVolume, requests,
  systemPod,
} from './system-workloads';
import { renderYaml } from '../formats/yaml';

/** Props of a {@link KubeProxyAddon}. */
export interface KubeProxyAddonProps {
  /** The API server URL, reachable from every node without the service network, e.g. `https://192.168.56.21:6443`. */
  readonly apiServerUrl: string;
  /** The pod network (the cluster's ipRange): traffic from outside it to services is masqueraded. */
  readonly clusterCidr: string;
  /** The kube-proxy image, of the cluster's release. */
  readonly image: string;
}

/** Where the ConfigMap is mounted in the kube-proxy container. */
const CONFIG_DIR = '/var/lib/kube-proxy';
/** The service account's token and CA, as the kubelet projects them. */
const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const LABELS = { 'k8s-app': 'kube-proxy' };
const ACCOUNT = 'kube-proxy';
const CONFIG_MAP = 'kube-proxy';

/**
 * kube-proxy on every node, as kubeadm deploys it (kubernetes
 * cmd/kubeadm/app/phases/addons/proxy/manifests.go): a privileged host-network
 * DaemonSet with a KubeProxyConfiguration and a kubeconfig in a ConfigMap. The
 * kubeconfig authenticates with the pod's service-account token, bound to the
 * built-in `system:node-proxier` role, and reaches the API server at its node
 * address (the service network needs kube-proxy first).
 */
export class KubeProxyAddon extends Addon {
  /** The KubeProxyConfiguration: iptables mode, masquerading traffic from outside `clusterCidr`. */
  public static configuration(clusterCidr: string): Record<string, unknown> {
    return {
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      clientConnection: { kubeconfig: `${CONFIG_DIR}/kubeconfig.conf` },
      // The equivalent of --cluster-cidr: kube-proxy reads its flags' values from this file.
      clusterCIDR: clusterCidr,
      mode: 'iptables',
    };
  }

  /** The kubeconfig of kube-proxy: the API server, the service-account CA and token. */
  public static kubeconfig(apiServerUrl: string): Record<string, unknown> {
    return {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'default', cluster: { 'certificate-authority': `${SERVICE_ACCOUNT_DIR}/ca.crt`, 'server': apiServerUrl } }],
      contexts: [{ name: 'default', context: { cluster: 'default', namespace: 'default', user: 'default' } }],
      'current-context': 'default',
      users: [{ name: 'default', user: { tokenFile: `${SERVICE_ACCOUNT_DIR}/token` } }],
    };
  }

  constructor(scope: Construct, id: string, props: KubeProxyAddonProps) {
    super(scope, id, chart => defineKubeProxy(chart, props));
  }
}

function defineKubeProxy(chart: Construct, props: KubeProxyAddonProps): void {
  addServiceAccount(chart, ACCOUNT);
  bindClusterRole(chart, 'kube-proxy', 'system:node-proxier', ACCOUNT);
  addConfigMap(chart, CONFIG_MAP, {
    'config.conf': renderYaml(KubeProxyAddon.configuration(props.clusterCidr)),
    'kubeconfig.conf': renderYaml(KubeProxyAddon.kubeconfig(props.apiServerUrl)),
  }, { app: 'kube-proxy' });

  addDaemonSet(chart, 'kube-proxy', LABELS, systemPod({
    serviceAccountName: ACCOUNT,
    hostNetwork: true,
    dnsPolicy: 'ClusterFirst',
    priorityClassName: 'system-node-critical',
    runAsNonRoot: false,
    tolerations: TOLERATE_EVERY_TAINT,
    containers: [{
      name: 'kube-proxy',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['/usr/local/bin/kube-proxy', `--config=${CONFIG_DIR}/config.conf`, '--hostname-override=$(NODE_NAME)'],
      env: [fieldEnv('NODE_NAME', 'spec.nodeName')],
      // kubeadm sets none; a small request, so that the scheduler counts what it uses.
      resources: requests(50, 32),
      // Privileged (iptables, conntrack, kernel modules); Kubernetes refuses privileged with allowPrivilegeEscalation false.
      securityContext: { allowPrivilegeEscalation: true, privileged: true, readOnlyRootFilesystem: false, runAsNonRoot: false },
      volumeMounts: [
        { name: 'kube-proxy', mountPath: CONFIG_DIR },
        { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
        { name: 'lib-modules', mountPath: '/lib/modules', readOnly: true },
      ],
    }],
    volumes: [
      configMapVolume('kube-proxy', CONFIG_MAP),
      hostPathVolume('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
      hostPathVolume('lib-modules', '/lib/modules'),
    ],
  }));
}
