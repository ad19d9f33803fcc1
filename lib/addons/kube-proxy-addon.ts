import { Construct } from 'constructs';
import { Addon } from './addon';
import { cdk8sPlus } from './cdk8s-modules';
import {
  KUBE_SYSTEM, bindClusterRole, hostPath, linuxOnly, requests, selectByLabels, setPriorityClass, systemServiceAccount,
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
  const kplus = cdk8sPlus();
  const account = systemServiceAccount(chart, 'kube-proxy');
  bindClusterRole(chart, 'kube-proxy', kplus.ClusterRole.fromClusterRoleName(chart, 'node-proxier', 'system:node-proxier'), account);
  const config = new kplus.ConfigMap(chart, 'config', {
    metadata: { name: 'kube-proxy', namespace: KUBE_SYSTEM, labels: { app: 'kube-proxy' } },
    data: {
      'config.conf': renderYaml(KubeProxyAddon.configuration(props.clusterCidr)),
      'kubeconfig.conf': renderYaml(KubeProxyAddon.kubeconfig(props.apiServerUrl)),
    },
  });
  const configVolume = kplus.Volume.fromConfigMap(chart, 'kube-proxy-volume', config, { name: 'kube-proxy' });
  const xtablesLock = hostPath(chart, 'xtables-lock', '/run/xtables.lock', kplus.HostPathVolumeType.FILE_OR_CREATE);
  const libModules = hostPath(chart, 'lib-modules', '/lib/modules');

  const daemonSet = new kplus.DaemonSet(chart, 'daemon-set', {
    metadata: { name: 'kube-proxy', namespace: KUBE_SYSTEM, labels: LABELS },
    select: false,
    serviceAccount: account,
    automountServiceAccountToken: true,
    hostNetwork: true,
    securityContext: { ensureNonRoot: false },
    containers: [{
      name: 'kube-proxy',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/usr/local/bin/kube-proxy', `--config=${CONFIG_DIR}/config.conf`, '--hostname-override=$(NODE_NAME)'],
      // kubeadm sets none; a small request keeps cdk8s-plus from reserving a whole CPU.
      resources: requests(50, 32),
      // Privileged (iptables, conntrack, kernel modules); Kubernetes refuses privileged with allowPrivilegeEscalation false.
      securityContext: { ensureNonRoot: false, privileged: true, allowPrivilegeEscalation: true, readOnlyRootFilesystem: false },
      envVariables: { NODE_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.NODE_NAME) },
      volumeMounts: [
        { volume: configVolume, path: CONFIG_DIR },
        { volume: xtablesLock, path: '/run/xtables.lock' },
        { volume: libModules, path: '/lib/modules', readOnly: true },
      ],
    }],
  });
  selectByLabels(daemonSet, LABELS);
  linuxOnly(daemonSet);
  daemonSet.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.any()));
  setPriorityClass(daemonSet, 'system-node-critical');
}
