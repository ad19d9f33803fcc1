import { KubernetesVersion } from '../../cluster/kubernetes-version';

/**
 * What the Flatcar profile pins for one Kubernetes release: the kubelet is the
 * official release binary, verified by sha256 before it is installed, and the
 * control plane runs from registry.k8s.io images of the same version.
 */
export interface FlatcarRelease {
  /** `1.<minor>.<patch>`. */
  readonly version: string;
  /** sha256 of `https://dl.k8s.io/release/v<version>/bin/linux/amd64/kubelet`. */
  readonly kubeletSha256: string;
  /**
   * sha256 of `https://dl.k8s.io/release/v<version>/bin/linux/amd64/kubectl`, which applies the add-ons.
   * @default - none: a release given by kubeletSha256 alone needs FlatcarProfileOptions.kubectlSha256
   */
  readonly kubectlSha256?: string;
}

// Checksums as published next to each binary (`kubelet.sha256`) and mirrored in
// kubernetes-sigs/kubespray roles/kubespray_defaults/vars/main/checksums.yml (kubelet_checksums.amd64,
// kubectl_checksums.amd64).
export const FLATCAR_RELEASES: readonly FlatcarRelease[] = [
  {
    version: '1.33.8',
    kubeletSha256: '1caa69c5328cfa774218f75f0621a6f10a1b97e095af85015f468aeb8fdf956a',
    kubectlSha256: '7f9c3faab7c9f9cc3f318d49eb88efc60eb3b3a7ce9eee5feb39b1280e108a29',
  },
  {
    version: '1.34.3',
    kubeletSha256: '0e759f40bbc717c05227ae3994b77786f58f59ffa0137a34958c6b26fa5bcbbd',
    kubectlSha256: 'ab60ca5f0fd60c1eb81b52909e67060e3ba0bd27e55a8ac147cbc2172ff14212',
  },
  {
    version: '1.34.4',
    kubeletSha256: '03b8fea715a7ef82eeaf518dee34c72670c57cc7bc40dc1320c04fbf4f15172f',
    kubectlSha256: 'd50c359d95e0841eaad08ddc27c7be37cba8fdccfba5c8e2ded65e121ff112db',
  },
  {
    version: '1.35.0',
    kubeletSha256: '2f4ed7778681649b81244426c29c5d98df60ccabf83d561d69e61c1cbb943ddf',
    kubectlSha256: 'a2e984a18a0c063279d692533031c1eff93a262afcc0afdc517375432d060989',
  },
  {
    version: '1.35.1',
    kubeletSha256: 'e7343310e03ff0d424df4397bdfa4468947d6d1f0f93dac586c1e8d6e4086d5d',
    kubectlSha256: '36e2f4ac66259232341dd7866952d64a958846470f6a9a6a813b9117bd965207',
  },
];

/** The newest pinned release: the Flatcar profile's default. */
export const FLATCAR_DEFAULT_VERSION = '1.35.1';

/**
 * The oldest minor this design serves: the API server limits anonymous requests to the
 * health endpoints with the `anonymous` section of its AuthenticationConfiguration, which
 * is on by default from 1.32 (feature AnonymousAuthConfigurableEndpoints: alpha in 1.31,
 * beta in 1.32, stable in 1.34). Before 1.32, anonymous requests would reach every path
 * RBAC grants `system:unauthenticated`, or a `--anonymous-auth=false` API server would
 * answer its own liveness probes with 401.
 */
const FIRST_MINOR = 32;
/**
 * The newest minor: "Kubernetes 1.35 is the last release supporting containerd 1.x",
 * and the containerd of Flatcar stable is not pinned by this design.
 */
const LAST_MINOR = 35;

/** The etcd image of the Flatcar profile's etcd members: v3.6.9, pinned by digest (etcd-io/etcd bump_etcd_version_k8s.md). */
export const ETCD_IMAGE = 'registry.k8s.io/etcd:3.6.9-0@sha256:38e46ab26aa2a82251d3f24cbbdaefe2e68a66346404ee4b7afe7e90db26805d';

/** The Flatcar pins for a version and kubelet checksum (`kubeletSha256` given by the user, or from the table), or why not. */
export function flatcarRelease(text: string, kubeletSha256?: string): { release: FlatcarRelease } | { problem: string } {
  const version = KubernetesVersion.parse(text);
  const pinned = FLATCAR_RELEASES.map(r => r.version).join(', ');
  if (!version) {
    return { problem: `kubernetesVersion '${text}' is not a release number; expected MAJOR.MINOR.PATCH such as ${FLATCAR_DEFAULT_VERSION}` };
  }
  if (version.major !== 1 || version.minor < FIRST_MINOR || version.minor > LAST_MINOR) {
    return { problem: `kubernetesVersion ${text} is not supported by the Flatcar profile; expected 1.${FIRST_MINOR}.x to 1.${LAST_MINOR}.x `
      + '(1.32 is the first API server that limits anonymous requests to its health endpoints by default; 1.36 needs containerd 2)' };
  }
  if (kubeletSha256 !== undefined) {
    const pinnedKubectl = FLATCAR_RELEASES.find(r => r.version === text)?.kubectlSha256;
    return /^[0-9a-f]{64}$/.test(kubeletSha256)
      ? { release: pinnedKubectl ? { version: text, kubeletSha256, kubectlSha256: pinnedKubectl } : { version: text, kubeletSha256 } }
      : { problem: `kubeletSha256 '${kubeletSha256}' is not a sha256; expected 64 lowercase hex digits` };
  }
  const release = FLATCAR_RELEASES.find(r => r.version === text);
  return release ? { release } : {
    problem: `kubernetesVersion ${text} has no pinned kubelet checksum; expected one of ${pinned}, or set kubeletSha256 to the `
      + `sha256 published at https://dl.k8s.io/release/v${text}/bin/linux/amd64/kubelet.sha256`,
  };
}

/**
 * The flannel images of the Flatcar profile's pod network: the pair that flannel's own
 * manifest pins together (flannel-io/flannel Documentation/kustomization/kube-flannel/kube-flannel.yml
 * @05e2b583: `ghcr.io/flannel-io/flannel:v0.27.4`, `ghcr.io/flannel-io/flannel-cni-plugin:v1.8.0-flannel1`).
 * They do not depend on the Kubernetes minor.
 */
export const FLANNEL_IMAGE = 'ghcr.io/flannel-io/flannel:v0.27.4';
export const FLANNEL_CNI_PLUGIN_IMAGE = 'ghcr.io/flannel-io/flannel-cni-plugin:v1.8.0-flannel1';

/** The containernetworking plugins (bridge, host-local, portmap, ...) that flannel's CNI plugin delegates to. */
export interface CniPluginsRelease {
  /** `<major>.<minor>.<patch>`, without the `v`. */
  readonly version: string;
  /** sha256 of `cni-plugins-linux-amd64-v<version>.tgz`. */
  readonly sha256: string;
}

/**
 * CNI plugins v1.8.0, the release flannel-cni-plugin v1.8.0 is built with. The checksum is
 * kubespray's (roles/kubespray_defaults/vars/main/checksums.yml, cni_binary_checksums.amd64).
 */
export const CNI_PLUGINS: CniPluginsRelease = { version: '1.8.0', sha256: 'ab3bda535f9d90766cccc90d3dddb5482003dd744d7f22bcf98186bf8eea8be6' };

/**
 * The CoreDNS version kubeadm installs with each Kubernetes minor, the one it is tested with:
 * - 1.32: v1.11.3, kubernetes cmd/kubeadm/app/constants/constants.go (release-1.32, `CoreDNSVersion`);
 * - 1.33: v1.12.0, coredns/deployment#306 (from kubernetes v1.33.0 build/dependencies.yaml);
 * - 1.34: v1.12.1 and 1.35: v1.13.1, as `kubeadm config images list --kubernetes-version` v1.34.1 and
 *   v1.35.0 print them (several independent transcripts; the constants file of those branches was
 *   not among the sources read).
 */
export const COREDNS_VERSIONS: Readonly<Record<number, string>> = { 32: 'v1.11.3', 33: 'v1.12.0', 34: 'v1.12.1', 35: 'v1.13.1' };

/** The CoreDNS image for a Kubernetes version, from `imageRepository` as kubeadm names it, or why not. */
export function coreDnsImage(kubernetesVersion: string, imageRepository: string): { image: string } | { problem: string } {
  const version = KubernetesVersion.parse(kubernetesVersion);
  const tag = version ? COREDNS_VERSIONS[version.minor] : undefined;
  if (!version || !tag) {
    const known = Object.keys(COREDNS_VERSIONS).map(minor => `1.${minor}`).join(', ');
    return { problem: `kubernetesVersion ${kubernetesVersion} has no pinned CoreDNS version; expected a minor of ${known}, or set coreDnsImage` };
  }
  return { image: `${imageRepository}/coredns/coredns:${tag}` };
}

/** kube-proxy runs the cluster's own release, like the control plane. */
export function kubeProxyImage(kubernetesVersion: string, imageRepository: string): string {
  return `${imageRepository}/kube-proxy:v${kubernetesVersion}`;
}

/**
 * metrics-server v0.8.1 (kubernetes-sigs/metrics-server, tag v0.8.1, release manifest components.yaml).
 * Its README's compatibility matrix: 0.8.x serves Kubernetes 1.31+, 0.9.x 1.34+; the profile runs 1.32 to 1.35,
 * so 0.8.x is the newest line that serves every release it runs.
 */
export const METRICS_SERVER_VERSION = 'v0.8.1';
export const METRICS_SERVER_IMAGE = `registry.k8s.io/metrics-server/metrics-server:${METRICS_SERVER_VERSION}`;

/** local-path-provisioner v0.0.37 (rancher/local-path-provisioner, tag v0.0.37, deploy/local-path-storage.yaml). */
export const LOCAL_PATH_PROVISIONER_VERSION = 'v0.0.37';
export const LOCAL_PATH_PROVISIONER_IMAGE = `docker.io/rancher/local-path-provisioner:${LOCAL_PATH_PROVISIONER_VERSION}`;
/**
 * The image of local-path-provisioner's helper pods, which create and remove the volume folders with `sh`.
 * Upstream names `docker.io/library/busybox` untagged (its chart: tag `latest`); pinned here to the busybox
 * that Kubernetes' own e2e tests use (kubernetes test/utils/image/manifest.go: configs[BusyBox], `1.36.1-1`).
 */
export const LOCAL_PATH_HELPER_IMAGE = 'registry.k8s.io/e2e-test-images/busybox:1.36.1-1';

/**
 * Traefik Proxy v3.7.9 (traefik/traefik, tag v3.7.9), the ingress controller: the official image on Docker Hub,
 * the one the Traefik Helm chart runs (`docker.io/traefik`, traefik/traefik-helm-chart values.yaml `image`).
 */
export const TRAEFIK_VERSION = 'v3.7.9';
export const TRAEFIK_IMAGE = `docker.io/library/traefik:${TRAEFIK_VERSION}`;

/**
 * The image verify.sh runs its throwaway pods with: agnhost, whose `netexec` serves HTTP and `pause` just waits
 * (the revision of kubernetes test/utils/image/manifest.go that pins busybox 1.36.1-1 pins agnhost 2.52).
 */
export const VERIFY_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.52';

/** One optional add-on of the Flatcar profile, for the README's table. */
export interface OptionalAddonRelease {
  /** The profile option that switches it on, e.g. `addons.metricsServer: true`. */
  readonly option: string;
  /** What it is, e.g. `metrics-server`. */
  readonly name: string;
  readonly version: string;
  /** Every image it runs. */
  readonly images: readonly string[];
  /** What a user gets, in one sentence. */
  readonly expect: string;
}

/** The optional add-ons, in the order of the README's table. */
export const OPTIONAL_ADDONS: readonly OptionalAddonRelease[] = [
  {
    option: 'addons.metricsServer: true', name: 'metrics-server', version: METRICS_SERVER_VERSION, images: [METRICS_SERVER_IMAGE],
    expect: '`kubectl top nodes` and `kubectl top pods` answer about a minute after it starts; HorizontalPodAutoscalers get CPU and memory.',
  },
  {
    option: 'addons.localPathStorage: true', name: 'local-path-provisioner', version: LOCAL_PATH_PROVISIONER_VERSION,
    images: [LOCAL_PATH_PROVISIONER_IMAGE, LOCAL_PATH_HELPER_IMAGE],
    expect: 'the default StorageClass `local-path`: a PersistentVolumeClaim binds once a pod uses it, to a folder under '
      + '`/opt/local-path-provisioner` of the node that pod runs on (the data stays on that node).',
  },
  {
    option: 'addons.ingress: \'traefik\'', name: 'Traefik', version: TRAEFIK_VERSION, images: [TRAEFIK_IMAGE],
    expect: 'the default IngressClass `traefik`: every Ingress answers on ports 80 and 443 (a self-signed certificate) of each worker\'s address (the workers a NoSchedule or NoExecute taint keeps pods off excepted).',
  },
];

/** The README's table of the optional add-ons. */
export function optionalAddonsTable(): string {
  const rows = OPTIONAL_ADDONS.map(addon => `| \`${addon.option}\` | ${addon.name} ${addon.version} | ${addon.images.map(image => `\`${image}\``).join('<br>')} | ${addon.expect} |`);
  return ['| Profile option | Add-on | Images | What to expect |', '| --- | --- | --- | --- |', ...rows, ''].join('\n');
}
