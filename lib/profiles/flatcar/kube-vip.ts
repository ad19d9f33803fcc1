import { KUBERNETES_DIR } from './control-plane';
import type { StaticPodContainer, StaticPodProps } from '../../formats/static-pod';

/**
 * kube-vip v1.2.3, the newest release tag of github.com/kube-vip/kube-vip (commit 7ce55caf,
 * 2026-08-10), as its release workflow pushes it (.github/workflows/release.yaml). Pinned by
 * tag only: the project publishes no image digest (its workflow only echoes it into the CI log).
 */
export const KUBE_VIP_IMAGE = 'ghcr.io/kube-vip/kube-vip:v1.2.3';

/** kube-vip's kubeconfig on every control plane: a certificate in system:masters, the local API server. */
export const KUBE_VIP_KUBECONFIG = `${KUBERNETES_DIR}/kube-vip.conf`;

/** Where kube-vip reads its kubeconfig in its container; only this path makes it talk to `kubernetes:<port>` (see below). */
const KUBE_VIP_CONFIG_IN_CONTAINER = '/etc/kubernetes/admin.conf';

/** What a control plane's kube-vip is made of. */
export interface KubeVipProps {
  /** The virtual IP, the cluster's controlPlaneEndpoint. */
  readonly address: string;
  /** The interface that carries node traffic, where the address is added and announced by ARP. */
  readonly interface: string;
  /** The API server's port. */
  readonly port: number;
  /**
   * The image.
   * @default KUBE_VIP_IMAGE
   */
  readonly image?: string;
}

/**
 * The kube-vip static pod of a control plane, as `kube-vip manifest pod --interface <if> --address <vip>
 * --controlplane --arp --leaderElection` writes it at v1.2.3 (pkg/kubevip/config_generator.go
 * `generatePodSpec`, flag defaults in cmd/kube-vip.go): ARP mode, leader election on the
 * `plndr-cp-lock` lease in kube-system with client-go's 15/10/2 s timings, a /32 on the interface.
 *
 * With /etc/kubernetes/admin.conf present, kube-vip replaces the kubeconfig's server by
 * `kubernetes:<port>` (pkg/manager/manager.go `New`), so that a control plane reaches its own API
 * server before the virtual IP exists; the host alias sends `kubernetes` to 127.0.0.1, and the API
 * server's certificate names `kubernetes`.
 */
export function kubeVipPod(props: KubeVipProps): Omit<StaticPodProps, 'folder'> {
  const container: StaticPodContainer = {
    name: 'kube-vip',
    image: props.image ?? KUBE_VIP_IMAGE,
    args: ['manager'],
    env: [
      { name: 'vip_arp', value: 'true' },
      { name: 'port', value: String(props.port) },
      { name: 'vip_nodename', fieldPath: 'spec.nodeName' },
      { name: 'vip_interface', value: props.interface },
      { name: 'vip_subnet', value: '32' },
      { name: 'dns_mode', value: 'first' },
      { name: 'cp_enable', value: 'true' },
      { name: 'cp_namespace', value: 'kube-system' },
      { name: 'vip_leaderelection', value: 'true' },
      { name: 'vip_leasename', value: 'plndr-cp-lock' },
      { name: 'vip_leaseduration', value: '15' },
      { name: 'vip_renewdeadline', value: '10' },
      { name: 'vip_retryperiod', value: '2' },
      { name: 'address', value: props.address },
      { name: 'prometheus_server', value: ':2112' },
    ],
    capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
  };
  return {
    containers: [container],
    hostMounts: [{ name: 'kubeconfig', path: KUBE_VIP_KUBECONFIG, file: true, mountPath: KUBE_VIP_CONFIG_IN_CONTAINER }],
    hostAliases: [{ ip: '127.0.0.1', hostnames: ['kubernetes'] }],
  };
}
