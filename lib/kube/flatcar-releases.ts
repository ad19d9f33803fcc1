import { KubernetesVersion } from './kubernetes-version';

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
}

// Checksums as published next to each binary (`kubelet.sha256`) and mirrored in
// kubernetes-sigs/kubespray roles/kubespray_defaults/vars/main/checksums.yml (kubelet_checksums.amd64).
export const FLATCAR_RELEASES: readonly FlatcarRelease[] = [
  { version: '1.33.8', kubeletSha256: '1caa69c5328cfa774218f75f0621a6f10a1b97e095af85015f468aeb8fdf956a' },
  { version: '1.34.3', kubeletSha256: '0e759f40bbc717c05227ae3994b77786f58f59ffa0137a34958c6b26fa5bcbbd' },
  { version: '1.34.4', kubeletSha256: '03b8fea715a7ef82eeaf518dee34c72670c57cc7bc40dc1320c04fbf4f15172f' },
  { version: '1.35.0', kubeletSha256: '2f4ed7778681649b81244426c29c5d98df60ccabf83d561d69e61c1cbb943ddf' },
  { version: '1.35.1', kubeletSha256: 'e7343310e03ff0d424df4397bdfa4468947d6d1f0f93dac586c1e8d6e4086d5d' },
];

/** The newest pinned release: the Flatcar profile's default. */
export const FLATCAR_DEFAULT_VERSION = '1.35.1';

/**
 * The oldest minor this design serves: `containerRuntimeEndpoint` in the kubelet's
 * config file is honoured only from 1.27 (kubernetes/kubernetes#112136, #118787).
 */
const FIRST_MINOR = 27;
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
      + `(1.27 is the first kubelet that reads containerRuntimeEndpoint from its config; 1.36 needs containerd 2)` };
  }
  if (kubeletSha256 !== undefined) {
    return /^[0-9a-f]{64}$/.test(kubeletSha256)
      ? { release: { version: text, kubeletSha256 } }
      : { problem: `kubeletSha256 '${kubeletSha256}' is not a sha256; expected 64 lowercase hex digits` };
  }
  const release = FLATCAR_RELEASES.find(r => r.version === text);
  return release ? { release } : {
    problem: `kubernetesVersion ${text} has no pinned kubelet checksum; expected one of ${pinned}, or set kubeletSha256 to the `
      + `sha256 published at https://dl.k8s.io/release/v${text}/bin/linux/amd64/kubelet.sha256`,
  };
}
