import { KubernetesVersion } from '../../cluster/kubernetes-version';

/**
 * What the classic profile (CoreOS + etcd2 + fleet + hyperkube static pods)
 * must render for one Kubernetes minor release. One row per minor: the single
 * source of truth for flags that changed release by release. PR and issue
 * numbers refer to kubernetes/kubernetes.
 */
export interface ClassicRelease {
  /** `1.<minor>`. */
  readonly minor: number;
  /** A released patch of this minor with a published hyperkube image (used by tests and docs). */
  readonly knownPatch: string;
  /** kubelet flag naming the static pod folder. */
  readonly manifestFlag: '--config' | '--pod-manifest-path';
  /** How the kubelet finds the API server: the `--api-servers` flag, or a kubeconfig file. */
  readonly apiServerBy: 'api-servers' | 'kubeconfig';
  /** hyperkube image name under the image repository. */
  readonly hyperkubeImage: 'hyperkube' | 'hyperkube-amd64';
  /** hyperkube subcommands: `apiserver` (short) or `kube-apiserver` (prefixed). */
  readonly componentNames: 'short' | 'prefixed';
  /** Extra apiserver flags that keep it on the etcd2 (v2 API) storage backend. */
  readonly storageFlags: string[];
  /** The apiserver admission flags. */
  readonly admissionFlags: string[];
  /** How the master kubelet registers, so that its static pods keep their mirror pods. */
  readonly masterRegistration: string[];
  /** Whether the kubelet has `--node-labels`, for a node pool's labels. */
  readonly nodeLabels: boolean;
  /** Whether the kubelet has `--register-with-taints`, for a node pool's taints. */
  readonly registerWithTaints: boolean;
}

/** The admission plugins of the seed: no ServiceAccount, because the design has no service-account keys. */
const ADMISSION_PLUGINS = 'NamespaceLifecycle,LimitRanger,ResourceQuota';

/** Taint that keeps workloads off the master once it registers (1.6+). */
export const MASTER_TAINT = 'node-role.kubernetes.io/master=:NoSchedule';

/** The newest minor the classic design can serve, and why the next one can't work. */
export const CLASSIC_LAST_MINOR = 12;
// "kube-apiserver has removed support for the `etcd2` storage backend" (#69310, CHANGELOG-1.13.md).
const BEYOND_LAST_REASON = 'etcd2 storage backend removed in 1.13; the classic profile runs CoreOS etcd2, which speaks only the v2 API';

function row(minor: number, knownPatch: string): ClassicRelease {
  return {
    minor,
    knownPatch,
    // "[Kubelet] Rename `--config` to `--pod-manifest-path`. `--config` is deprecated. (#29999)" (CHANGELOG-1.4.md);
    // the old --config was removed in 1.6 (CHANGELOG-1.6.md, #40048).
    manifestFlag: minor >= 4 ? '--pod-manifest-path' : '--config',
    // --api-servers is deprecated in 1.4 but works until 1.7; 1.8 removed it: "The following deprecated flags were
    // removed from `kubelet`: `api-servers` - add apiserver addresses to the kubeconfig file instead" (CHANGELOG-1.8.md).
    // --require-kubeconfig is a deprecated no-op in 1.8-1.9 and an error from 1.10 (#58367), so it is never passed.
    apiServerBy: minor >= 8 ? 'kubeconfig' : 'api-servers',
    // 1.1 tags exist only as hyperkube:vX (#20235); hyperkube-amd64 "is built for every release since v1.2.x"
    // (#33249, cluster/images/hyperkube/README.md), while plain hyperkube tags have gaps (v1.3.8, v1.3.9: #33969).
    hyperkubeImage: minor >= 2 ? 'hyperkube-amd64' : 'hyperkube',
    // "Add alternative names for the server binaries to hyperkube" (#41017, 1.6); the short names were
    // removed in 1.15 (#76953).
    componentNames: minor >= 6 ? 'prefixed' : 'short',
    // --storage-backend exists from 1.3, default etcd2 (#24455). 1.6 makes etcd3 the default: "explicitly specify
    // `--storage-backend=etcd2 --storage-media-type=application/json` when starting the apiserver" (CHANGELOG-1.6.md).
    storageFlags: minor >= 6 ? ['--storage-backend=etcd2', '--storage-media-type=application/json']
      : minor >= 3 ? ['--storage-backend=etcd2'] : [],
    // "Add `--enable-admission-plugin` `--disable-admission-plugin` flags and deprecate `--admission-control`" (#58123,
    // CHANGELOG-1.10.md). The enable list adds to a default set that has ServiceAccount, which needs service-account
    // keys this design does not have, so it is disabled explicitly.
    admissionFlags: minor >= 10
      ? [`--enable-admission-plugins=${ADMISSION_PLUGINS}`, '--disable-admission-plugins=ServiceAccount']
      : [`--admission-control=${ADMISSION_PLUGINS}`],
    // From 1.5 the pod garbage collector force-deletes mirror pods of nodes that have no Node object ("Move orphaned
    // Pod deletion logic to PodGC", #32495; seen in #38187), so a --register-node=false master loses kube-master from
    // `get pods`. The master registers instead: unschedulable on 1.5 (#15108), tainted from 1.6 (--register-with-taints,
    // #31647; --register-schedulable is ignored on 1.7, #49628).
    masterRegistration: minor >= 6 ? ['--register-node=true', `--register-with-taints=${MASTER_TAINT}`]
      : minor >= 5 ? ['--register-node=true', '--register-schedulable=false'] : ['--register-node=false'],
    // "kubelet - node labels command line option" (#17265, reworked by #19498) merged in the 1.2 cycle; CHANGELOG-1.2.md
    // lists the release as "Changes since v1.1.1" without the pull requests.
    nodeLabels: minor >= 2,
    // "add a configuration for kubelet to register as a node with taints" (#31647), under v1.6.0-alpha.1 in CHANGELOG-1.6.md.
    registerWithTaints: minor >= 6,
  };
}

/** Every minor the classic profile supports, oldest first. */
export const CLASSIC_RELEASES: readonly ClassicRelease[] = [
  row(1, '1.1.7'), row(2, '1.2.7'), row(3, '1.3.10'), row(4, '1.4.12'),
  row(5, '1.5.8'), row(6, '1.6.13'), row(7, '1.7.16'), row(8, '1.8.15'),
  row(9, '1.9.11'), row(10, '1.10.13'), row(11, '1.11.10'), row(12, '1.12.10'),
];

/** The seed's version. */
export const CLASSIC_DEFAULT_VERSION = '1.1.7';

/** The classic facts for a version, or why it is not supported. */
export function classicRelease(text: string): { release: ClassicRelease; version: KubernetesVersion } | { problem: string } {
  const version = KubernetesVersion.parse(text);
  const range = `1.1.0 to 1.${CLASSIC_LAST_MINOR}.x`;
  if (!version) {
    return { problem: `kubernetesVersion '${text}' is not a release number; expected MAJOR.MINOR.PATCH such as ${CLASSIC_DEFAULT_VERSION}, from ${range}` };
  }
  const release = version.major === 1 ? CLASSIC_RELEASES.find(r => r.minor === version.minor) : undefined;
  if (release) { return { release, version }; }
  if (version.major === 1 && version.minor > CLASSIC_LAST_MINOR) {
    return { problem: `kubernetesVersion ${text} is not supported: ${BEYOND_LAST_REASON}; expected ${range}` };
  }
  return { problem: `kubernetesVersion ${text} is not supported by the classic profile; expected ${range}` };
}

/**
 * The compatibility table of the classic profile as Markdown, one row per
 * supported minor, generated from {@link CLASSIC_RELEASES} (the README embeds it).
 */
export function classicCompatibilityTable(): string {
  const header = [
    '| Kubernetes | Tested patch | kubelet manifest flag | kubelet finds the API server by | hyperkube image | apiserver storage flags | admission flags | master kubelet registers | node pool labels, taints |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const code = (values: string[]) => (values.length ? values.map(v => `\`${v}\``).join(' ') : '-');
  const rows = CLASSIC_RELEASES.map(r => `| 1.${r.minor} | ${r.knownPatch} | \`${r.manifestFlag}\` | `
    + `${r.apiServerBy === 'kubeconfig' ? '`--kubeconfig` (written by the cloud-config)' : '`--api-servers`'} | `
    + `\`${r.hyperkubeImage}\`, \`/hyperkube ${r.componentNames === 'prefixed' ? 'kube-apiserver' : 'apiserver'}\` | `
    + `${code(r.storageFlags)} | ${code(r.admissionFlags)} | ${code(r.masterRegistration)} | `
    + `${code([...(r.nodeLabels ? ['--node-labels'] : []), ...(r.registerWithTaints ? ['--register-with-taints'] : [])])} |`);
  const unsupported = `| 1.${CLASSIC_LAST_MINOR + 1}+ | - | ${BEYOND_LAST_REASON} | | | | | | |`;
  return [...header, ...rows, unsupported].join('\n') + '\n';
}
