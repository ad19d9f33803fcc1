import { Construct } from 'constructs';
import { Addon } from './addon';
import type { SecurityContext } from './kube-objects';
import {
  TOLERATE_EVERY_TAINT, addClusterRole, addConfigMap, addDaemonSet, addServiceAccount, allow, bindClusterRole, configMapVolume, copyResources,
  fieldEnv, hostPathVolume, requests, systemPod,
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
const ACCOUNT = 'flannel';
const CONFIG_MAP = 'kube-flannel-cfg';
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
  addServiceAccount(chart, ACCOUNT);
  addClusterRole(chart, 'flannel', [
    ...allow(['get'], '', 'pods'),
    ...allow(['get', 'list', 'watch'], '', 'nodes'),
    ...allow(['patch'], '', 'nodes/status'),
  ]);
  bindClusterRole(chart, 'flannel', 'flannel', ACCOUNT);
  addConfigMap(chart, CONFIG_MAP, {
    'cni-conf.json': stableJsonInOrder(FlannelAddon.cniConf()),
    'net-conf.json': stableJsonInOrder(FlannelAddon.netConf(props.network)),
  }, LABELS);

  // The init containers copy into the node's root-owned CNI folders: as root, on a read-only root filesystem.
  const copyAsRoot: SecurityContext = { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: false };
  addDaemonSet(chart, 'kube-flannel-ds', LABELS, systemPod({
    serviceAccountName: ACCOUNT,
    hostNetwork: true,
    dnsPolicy: 'ClusterFirst',
    priorityClassName: 'system-node-critical',
    runAsNonRoot: false,
    tolerations: TOLERATE_EVERY_TAINT,
    initContainers: [
      {
        name: 'install-cni-plugin',
        image: props.cniPluginImage,
        imagePullPolicy: 'IfNotPresent',
        command: ['cp'],
        args: ['-f', '/flannel', `${CNI_BIN_DIR}/flannel`],
        resources: copyResources(),
        securityContext: copyAsRoot,
        volumeMounts: [{ name: 'cni-plugin', mountPath: CNI_BIN_DIR }],
      },
      {
        name: 'install-cni',
        image: props.image,
        imagePullPolicy: 'IfNotPresent',
        command: ['cp'],
        args: ['-f', `${CONFIG_DIR}cni-conf.json`, `${CNI_CONF_DIR}/10-flannel.conflist`],
        resources: copyResources(),
        securityContext: copyAsRoot,
        volumeMounts: [{ name: 'cni', mountPath: CNI_CONF_DIR }, { name: 'flannel-cfg', mountPath: CONFIG_DIR }],
      },
    ],
    containers: [{
      name: 'kube-flannel',
      image: props.image,
      imagePullPolicy: 'IfNotPresent',
      command: ['/opt/bin/flanneld'],
      args: ['--ip-masq', '--kube-subnet-mgr', `--iface=${props.interface}`],
      env: [
        fieldEnv('POD_NAME', 'metadata.name'),
        fieldEnv('POD_NAMESPACE', 'metadata.namespace'),
        { name: 'EVENT_QUEUE_DEPTH', value: '5000' },
        { name: 'CONT_WHEN_CACHE_NOT_READY', value: 'false' },
      ],
      resources: requests(100, 50),
      // iptables writes outside the mounts: a writable root, as upstream.
      securityContext: {
        allowPrivilegeEscalation: false, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] }, privileged: false, readOnlyRootFilesystem: false, runAsNonRoot: false,
      },
      volumeMounts: [
        { name: 'run', mountPath: '/run/flannel' },
        { name: 'flannel-cfg', mountPath: CONFIG_DIR },
        { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
      ],
    }],
    volumes: [
      hostPathVolume('run', '/run/flannel'),
      configMapVolume('flannel-cfg', CONFIG_MAP),
      hostPathVolume('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
      hostPathVolume('cni-plugin', CNI_BIN_DIR),
      hostPathVolume('cni', CNI_CONF_DIR),
    ],
  }));
}

/** JSON with two-space indent and a final newline, keys in the order given (flannel's documented order). */
function stableJsonInOrder(value: Record<string, unknown>): string {
  return JSON.stringify(value, undefined, 2) + '\n';
}
