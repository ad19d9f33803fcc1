import { Construct } from 'constructs';
import { Addon } from './addon';
import { cdk8sPlus } from './cdk8s-modules';
import {
  KUBE_SYSTEM, bindClusterRole, hostPath, linuxOnly, requests, selectByLabels, setCapabilities,
  copyResources, setPriorityClass, systemServiceAccount,
} from './system-workloads';

/** Props of a {@link FlannelAddon}. */
export interface FlannelAddonProps {
  /** The pod network (the cluster's ipRange); the controller-manager allocates each node's podCIDR from it. */
  readonly network: string;
  /** The interface that carries the VXLAN traffic between nodes, e.g. `eth1` (the host-only network). */
  readonly interface: string;
  /** The flanneld image. */
  readonly image: string;
  /** The image that holds the flannel CNI plugin binary. */
  readonly cniPluginImage: string;
}

/** Where the CNI plugin binaries are (containerd's default bin_dir). */
export const CNI_BIN_DIR = '/opt/cni/bin';
/** Where the CNI network configurations are (containerd's default conf_dir). */
export const CNI_CONF_DIR = '/etc/cni/net.d';

const LABELS = { app: 'flannel', tier: 'node' };
const CONFIG_DIR = '/etc/kube-flannel/';

/**
 * The pod network: flannel with the Kubernetes subnet manager (each node's
 * podCIDR, allocated by the controller-manager) and the VXLAN backend, pinned to
 * one interface. Follows flannel's own manifest (flannel-io/flannel
 * Documentation/kustomization/kube-flannel/kube-flannel.yml @05e2b583), in
 * kube-system rather than a namespace of its own, and tolerating every taint so
 * that it also runs on the control plane (upstream: every NoSchedule taint).
 * Its CNI plugin delegates to the bridge, host-local and portmap plugins, which
 * must already be in /opt/cni/bin on every node.
 */
export class FlannelAddon extends Addon {
  /** The net-conf.json flanneld reads. */
  public static netConf(network: string): Record<string, unknown> {
    return { Network: network, EnableNFTables: false, Backend: { Type: 'vxlan' } };
  }

  /** The CNI network configuration the install-cni init container writes to /etc/cni/net.d/10-flannel.conflist. */
  public static cniConf(): Record<string, unknown> {
    return {
      name: 'cbr0',
      cniVersion: '0.3.1',
      plugins: [
        { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    };
  }

  constructor(scope: Construct, id: string, props: FlannelAddonProps) {
    super(scope, id, chart => defineFlannel(chart, props));
  }
}

function defineFlannel(chart: Construct, props: FlannelAddonProps): void {
  const kplus = cdk8sPlus();
  const account = systemServiceAccount(chart, 'flannel');
  const role = new kplus.ClusterRole(chart, 'cluster-role', { metadata: { name: 'flannel' } });
  role.allowGet(kplus.ApiResource.PODS);
  role.allow(['get', 'list', 'watch'], kplus.ApiResource.NODES);
  role.allow(['patch'], kplus.ApiResource.custom({ apiGroup: '', resourceType: 'nodes/status' }));
  bindClusterRole(chart, 'flannel', role, account);

  const config = new kplus.ConfigMap(chart, 'config', {
    metadata: { name: 'kube-flannel-cfg', namespace: KUBE_SYSTEM, labels: LABELS },
    data: { 'cni-conf.json': stableJsonInOrder(FlannelAddon.cniConf()), 'net-conf.json': stableJsonInOrder(FlannelAddon.netConf(props.network)) },
  });

  const run = hostPath(chart, 'run', '/run/flannel');
  const cniPlugin = hostPath(chart, 'cni-plugin', CNI_BIN_DIR);
  const cni = hostPath(chart, 'cni', CNI_CONF_DIR);
  const xtablesLock = hostPath(chart, 'xtables-lock', '/run/xtables.lock', kplus.HostPathVolumeType.FILE_OR_CREATE);
  const flannelConfig = kplus.Volume.fromConfigMap(chart, 'flannel-cfg-volume', config, { name: 'flannel-cfg' });
  const asRoot = { ensureNonRoot: false };

  const daemonSet = new kplus.DaemonSet(chart, 'daemon-set', {
    metadata: { name: 'kube-flannel-ds', namespace: KUBE_SYSTEM, labels: LABELS },
    select: false,
    serviceAccount: account,
    automountServiceAccountToken: true,
    hostNetwork: true,
    securityContext: asRoot,
    initContainers: [
      {
        name: 'install-cni-plugin',
        image: props.cniPluginImage,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: ['cp'],
        args: ['-f', '/flannel', `${CNI_BIN_DIR}/flannel`],
        resources: copyResources(),
        securityContext: asRoot,
        volumeMounts: [{ volume: cniPlugin, path: CNI_BIN_DIR }],
      },
      {
        name: 'install-cni',
        image: props.image,
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        command: ['cp'],
        args: ['-f', `${CONFIG_DIR}cni-conf.json`, `${CNI_CONF_DIR}/10-flannel.conflist`],
        resources: copyResources(),
        securityContext: asRoot,
        volumeMounts: [{ volume: cni, path: CNI_CONF_DIR }, { volume: flannelConfig, path: CONFIG_DIR }],
      },
    ],
    containers: [{
      name: 'kube-flannel',
      image: props.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['/opt/bin/flanneld'],
      args: ['--ip-masq', '--kube-subnet-mgr', `--iface=${props.interface}`],
      resources: requests(100, 50),
      // iptables writes outside the mounts: a writable root, as upstream.
      securityContext: { ...asRoot, readOnlyRootFilesystem: false },
      envVariables: {
        POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME),
        POD_NAMESPACE: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAMESPACE),
        EVENT_QUEUE_DEPTH: kplus.EnvValue.fromValue('5000'),
        CONT_WHEN_CACHE_NOT_READY: kplus.EnvValue.fromValue('false'),
      },
      volumeMounts: [
        { volume: run, path: '/run/flannel' },
        { volume: flannelConfig, path: CONFIG_DIR },
        { volume: xtablesLock, path: '/run/xtables.lock' },
      ],
    }],
  });
  selectByLabels(daemonSet, LABELS);
  linuxOnly(daemonSet);
  daemonSet.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.any()));
  setPriorityClass(daemonSet, 'system-node-critical');
  setCapabilities(daemonSet, 0, { add: ['NET_ADMIN', 'NET_RAW'] });
}

/** JSON with two-space indent and a final newline, keys in the order given (flannel's documented order). */
function stableJsonInOrder(value: Record<string, unknown>): string {
  return JSON.stringify(value, undefined, 2) + '\n';
}
