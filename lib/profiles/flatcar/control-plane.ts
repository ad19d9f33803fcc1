import { FlatcarRelease } from './releases';
import { StaticPodContainer } from '../../formats/static-pod';
import { ExecCommand, SystemdUnit } from '../../formats/systemd-unit';

/** The Kubernetes folders of a Flatcar node. */
export const KUBERNETES_DIR = '/etc/kubernetes';
export const PKI_DIR = `${KUBERNETES_DIR}/pki`;
export const STATIC_POD_DIR = `${KUBERNETES_DIR}/manifests`;
export const KUBELET_CONFIG = `${KUBERNETES_DIR}/kubelet-config.yaml`;
export const KUBELET_KUBECONFIG = `${KUBERNETES_DIR}/kubelet.conf`;
export const CONTROLLER_MANAGER_KUBECONFIG = `${KUBERNETES_DIR}/controller-manager.conf`;
export const SCHEDULER_KUBECONFIG = `${KUBERNETES_DIR}/scheduler.conf`;
/** The API server's audit policy, structured authentication configuration and encryption at rest (api-server-config.ts). */
export const AUDIT_POLICY_FILE = `${KUBERNETES_DIR}/audit-policy.yaml`;
export const AUTHENTICATION_CONFIG_FILE = `${KUBERNETES_DIR}/authentication-config.yaml`;
export const ENCRYPTION_CONFIG_FILE = `${KUBERNETES_DIR}/encryption-config.yaml`;
/** Where the API server writes its audit log, rotated by size (the folder is mounted read-write into its pod). */
export const AUDIT_LOG_DIR = '/var/log/kubernetes/audit';
/**
 * The audit log's rotation: 30 days, 10 files of 100 MB at most (the values the CIS Kubernetes
 * Benchmark asks for), so at most 1.1 GB on each control plane.
 */
export const AUDIT_LOG_ROTATION = { maxAgeDays: 30, maxBackups: 10, maxSizeMegabytes: 100 } as const;
/** The kubelet's serving certificate and key, issued at synth by the cluster CA for the node's name and address. */
export const KUBELET_SERVING_CERTIFICATE = '/var/lib/kubelet/pki/kubelet-serving.crt';
export const KUBELET_SERVING_KEY = '/var/lib/kubelet/pki/kubelet-serving.key';
/** The lowest TLS version every component serves. */
export const TLS_MIN_VERSION = 'VersionTLS12';
/** /usr is read-only on Flatcar; binaries go to /opt/bin. */
export const KUBELET_BINARY = '/opt/bin/kubelet';
export const INSTALL_KUBELET = '/opt/bin/install-kubelet';
/** The API server's secure port. */
export const SECURE_PORT = 6443;

/** What the control-plane flags are made of. */
export interface ControlPlaneSettings {
  readonly release: FlatcarRelease;
  readonly imageRepository: string;
  /** The control plane's own address, which its API server advertises. */
  readonly advertiseAddress: string;
  /** Where its API server listens: its own address, or every address (0.0.0.0) when the control planes share a virtual IP. */
  readonly bindAddress: string;
  readonly etcdServers: string[];
  readonly serviceIpRange: string;
  readonly podIpRange: string;
}

const pki = (file: string) => `${PKI_DIR}/${file}`;

/**
 * The three control-plane containers, with the flag set kubeadm uses for a
 * secure-port-only API server (cmd/kubeadm/app/phases/controlplane/manifests.go):
 * Node,RBAC authorization, etcd over TLS, service-account signing keys. The API
 * server binds to the host-only address only, or, behind a virtual IP, to every
 * address of the node (the virtual IP and 127.0.0.1 among them).
 *
 * Hardened beyond kubeadm's defaults: no profiling endpoints and TLS 1.2 at least on
 * all three; on the API server an audit log, anonymous requests only to the health
 * endpoints (`--authentication-config`, so no `--anonymous-auth`), Secrets encrypted
 * in etcd, and kubelets verified against the cluster CA that issued their serving
 * certificates. The controller-manager signs the kubelets' client certificate
 * renewals with the cluster CA.
 */
export function controlPlaneContainers(settings: ControlPlaneSettings): { apiServer: StaticPodContainer; controllerManager: StaticPodContainer; scheduler: StaticPodContainer } {
  const image = (name: string) => `${settings.imageRepository}/${name}:v${settings.release.version}`;
  return {
    apiServer: {
      name: 'kube-apiserver',
      image: image('kube-apiserver'),
      command: ['kube-apiserver',
        `--advertise-address=${settings.advertiseAddress}`,
        `--bind-address=${settings.bindAddress}`,
        `--secure-port=${SECURE_PORT}`,
        '--allow-privileged=true',
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction',
        `--authentication-config=${AUTHENTICATION_CONFIG_FILE}`,
        `--client-ca-file=${pki('ca.crt')}`,
        `--tls-cert-file=${pki('apiserver.crt')}`,
        `--tls-private-key-file=${pki('apiserver.key')}`,
        `--tls-min-version=${TLS_MIN_VERSION}`,
        '--profiling=false',
        `--audit-policy-file=${AUDIT_POLICY_FILE}`,
        `--audit-log-path=${AUDIT_LOG_DIR}/audit.log`,
        `--audit-log-maxage=${AUDIT_LOG_ROTATION.maxAgeDays}`,
        `--audit-log-maxbackup=${AUDIT_LOG_ROTATION.maxBackups}`,
        `--audit-log-maxsize=${AUDIT_LOG_ROTATION.maxSizeMegabytes}`,
        `--encryption-provider-config=${ENCRYPTION_CONFIG_FILE}`,
        `--etcd-servers=${settings.etcdServers.join(',')}`,
        `--etcd-cafile=${pki('etcd-ca.crt')}`,
        `--etcd-certfile=${pki('apiserver-etcd-client.crt')}`,
        `--etcd-keyfile=${pki('apiserver-etcd-client.key')}`,
        `--kubelet-client-certificate=${pki('apiserver-kubelet-client.crt')}`,
        `--kubelet-client-key=${pki('apiserver-kubelet-client.key')}`,
        // The kubelets serve certificates of the cluster CA, issued at synth for their names and addresses.
        `--kubelet-certificate-authority=${pki('ca.crt')}`,
        '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${pki('sa.pub')}`,
        `--service-account-signing-key-file=${pki('sa.key')}`,
        `--service-cluster-ip-range=${settings.serviceIpRange}`,
      ],
    },
    controllerManager: {
      name: 'kube-controller-manager',
      image: image('kube-controller-manager'),
      command: ['kube-controller-manager',
        '--bind-address=127.0.0.1',
        `--kubeconfig=${CONTROLLER_MANAGER_KUBECONFIG}`,
        `--authentication-kubeconfig=${CONTROLLER_MANAGER_KUBECONFIG}`,
        `--authorization-kubeconfig=${CONTROLLER_MANAGER_KUBECONFIG}`,
        `--client-ca-file=${pki('ca.crt')}`,
        `--root-ca-file=${pki('ca.crt')}`,
        `--cluster-signing-cert-file=${pki('ca.crt')}`,
        `--cluster-signing-key-file=${pki('ca.key')}`,
        `--service-account-private-key-file=${pki('sa.key')}`,
        '--use-service-account-credentials=true',
        '--allocate-node-cidrs=true',
        `--cluster-cidr=${settings.podIpRange}`,
        `--service-cluster-ip-range=${settings.serviceIpRange}`,
        '--leader-elect=true',
        '--profiling=false',
        `--tls-min-version=${TLS_MIN_VERSION}`,
      ],
    },
    scheduler: {
      name: 'kube-scheduler',
      image: image('kube-scheduler'),
      command: ['kube-scheduler',
        '--bind-address=127.0.0.1',
        `--kubeconfig=${SCHEDULER_KUBECONFIG}`,
        `--authentication-kubeconfig=${SCHEDULER_KUBECONFIG}`,
        `--authorization-kubeconfig=${SCHEDULER_KUBECONFIG}`,
        '--leader-elect=true',
        '--profiling=false',
        `--tls-min-version=${TLS_MIN_VERSION}`,
      ],
    },
  };
}

/**
 * `kubelet.service`: installs the pinned binary first, then runs it on the node's host-only address,
 * with the labels it may set itself (`--node-labels` has no KubeletConfiguration field).
 */
export function flatcarKubeletUnit(release: FlatcarRelease, nodeIp: string, nodeLabels: Readonly<Record<string, string>> = {}): SystemdUnit {
  const labels = Object.entries(nodeLabels).map(([key, value]) => `${key}=${value}`).sort();
  return SystemdUnit.of(
    {
      name: 'Unit',
      directives: [
        ['Description', `Kubernetes kubelet v${release.version}`],
        ['Documentation', 'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/'],
        ['Requires', 'containerd.service'],
        ['After', 'containerd.service network-online.target'],
        ['Wants', 'network-online.target'],
      ],
    },
    {
      name: 'Service',
      directives: [
        ['ExecStartPre', ExecCommand.of(INSTALL_KUBELET)],
        ['ExecStart', ExecCommand.of(KUBELET_BINARY, `--config=${KUBELET_CONFIG}`, `--kubeconfig=${KUBELET_KUBECONFIG}`, `--node-ip=${nodeIp}`,
          ...(labels.length > 0 ? [`--node-labels=${labels.join(',')}`] : []))],
        ['Restart', 'always'],
        ['RestartSec', '10'],
      ],
    },
    { name: 'Install', directives: [['WantedBy', 'multi-user.target']] },
  );
}

/**
 * POSIX sh that installs the official kubelet release binary into /opt/bin,
 * verified by its pinned sha256, and does nothing when it is already there.
 */
export function installKubeletScript(release: FlatcarRelease): string {
  return installReleaseBinaryScript({
    name: 'kubelet', version: release.version, sha256: release.kubeletSha256, target: KUBELET_BINARY,
    runBy: 'kubelet.service runs it before the kubelet',
  });
}

/** A Kubernetes release binary from dl.k8s.io, pinned by version and sha256. */
export interface ReleaseBinary {
  /** The binary's name on dl.k8s.io, e.g. `kubelet`. */
  readonly name: string;
  /** `1.<minor>.<patch>`. */
  readonly version: string;
  /** sha256 of the amd64 binary. */
  readonly sha256: string;
  /** Absolute path it is installed to. */
  readonly target: string;
  /** Who runs the script, for its header, e.g. `kubelet.service runs it before the kubelet`. */
  readonly runBy: string;
}

/**
 * POSIX sh that installs an official release binary for amd64, verified by its
 * pinned sha256 before it replaces anything, and does nothing when the binary
 * already there has that checksum.
 */
export function installReleaseBinaryScript(binary: ReleaseBinary): string {
  return `#!/bin/sh
# Installs ${binary.name} v${binary.version} from the official release, verified by sha256.
# Written by cdk-vagrant-kubernetes; ${binary.runBy}.
set -eu
url="https://dl.k8s.io/release/v${binary.version}/bin/linux/amd64/${binary.name}"
sha256="${binary.sha256}"
target="${binary.target}"
if [ -x "$target" ] && echo "$sha256  $target" | sha256sum --check --status; then
  exit 0
fi
mkdir -p "$(dirname "$target")"
download="$(mktemp "$target.XXXXXX")"
trap 'rm -f "$download"' EXIT
curl --fail --silent --show-error --location --retry 5 --output "$download" "$url"
if ! echo "$sha256  $download" | sha256sum --check --status; then
  echo "${binary.name} download from $url does not match sha256 $sha256" >&2
  exit 1
fi
chmod 0755 "$download"
mv "$download" "$target"
`;
}
