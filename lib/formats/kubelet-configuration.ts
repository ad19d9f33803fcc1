import { renderYaml } from './yaml';

/** What differs between the kubelets of a cluster. */
export interface KubeletConfigurationProps {
  /** PEM file of the CA that signs client certificates (the API server's, for webhook authn). */
  readonly clientCaFile: string;
  /** The cluster DNS service address (the 10th address of the service range). */
  readonly clusterDns: string;
  /** Folder of static pod manifests. */
  readonly staticPodPath: string;
  /** PEM file of the kubelet's serving certificate, issued by a CA the API server verifies it with. */
  readonly tlsCertFile: string;
  /** PEM file of the serving certificate's private key. */
  readonly tlsPrivateKeyFile: string;
  /**
   * Taints the node registers with (`registerWithTaints`, core/v1 Taint).
   * @default - none
   */
  readonly taints?: ReadonlyArray<{ readonly key: string; readonly value?: string; readonly effect: string }>;
}

/**
 * A KubeletConfiguration (kubelet.config.k8s.io/v1beta1) for Flatcar: webhook
 * authentication and authorization, the systemd cgroup driver of Flatcar's
 * containerd, and systemd-resolved's upstream resolv.conf (the 127.0.0.53 stub
 * would loop in CoreDNS). It serves the certificate it is given (no self-signed
 * one, no serving-certificate bootstrap), with TLS 1.2 at least, and renews its
 * client certificate through the certificates API before it expires
 * (`rotateCertificates`; the renewals need an approval RBAC grants).
 * @see https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export function renderKubeletConfiguration(props: KubeletConfigurationProps): string {
  return renderYaml({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: props.clientCaFile },
    },
    authorization: { mode: 'Webhook' },
    cgroupDriver: 'systemd',
    clusterDNS: [props.clusterDns],
    clusterDomain: 'cluster.local',
    containerRuntimeEndpoint: 'unix:///run/containerd/containerd.sock',
    resolvConf: '/run/systemd/resolve/resolv.conf',
    rotateCertificates: true,
    staticPodPath: props.staticPodPath,
    tlsCertFile: props.tlsCertFile,
    tlsMinVersion: 'VersionTLS12',
    tlsPrivateKeyFile: props.tlsPrivateKeyFile,
    // /usr is read-only on Flatcar.
    volumePluginDir: '/opt/libexec/kubernetes/kubelet-plugins/volume/exec/',
    registerWithTaints: props.taints?.map(taint => ({ ...taint })),
  }, { sortKeys: true });
}
