// The node side of the add-ons on Flatcar: the CNI plugins on every node, and on the
// control plane the unit that applies addons/*.yaml once the API server answers.
import { CNI_BIN_DIR } from '../../addons/flannel-addon';
import { ExecCommand, SystemdUnit } from '../../formats/systemd-unit';
import { KUBERNETES_DIR, installReleaseBinaryScript } from './control-plane';
import { CniPluginsRelease } from './releases';

/** Where the control plane keeps the add-on manifests it applies. */
export const ADDONS_DIR = `${KUBERNETES_DIR}/addons`;
/** The admin kubeconfig on the control plane (O=system:masters), mode 0600: it applies the add-ons. */
export const ADMIN_KUBECONFIG = `${KUBERNETES_DIR}/admin.conf`;
export const KUBECTL_BINARY = '/opt/bin/kubectl';
export const INSTALL_KUBECTL = '/opt/bin/install-kubectl';
export const APPLY_ADDONS = '/opt/bin/apply-addons';
export const INSTALL_CNI_PLUGINS = '/opt/bin/install-cni-plugins';
export const APPLY_ADDONS_UNIT = 'apply-addons.service';
export const CNI_PLUGINS_UNIT = 'install-cni-plugins.service';
/** The field manager of the server-side apply, so that `kubectl apply --server-side` from the host takes over cleanly. */
export const FIELD_MANAGER = 'cdk-vagrant-kubernetes';

/** How long apply-addons waits for the API server: image pulls of the control plane take minutes on a fresh VM. */
const API_ATTEMPTS = 240;
const API_INTERVAL_SECONDS = 5;
/** How often it applies before it gives up (and systemd restarts the unit). */
const APPLY_ATTEMPTS = 12;
/** How long it waits for the nodes to register before it labels them: 20 minutes, then systemd restarts it. */
const LABEL_ATTEMPTS = 240;

/** Labels the add-on bootstrap puts on a node through the API (the kubelet may not set them itself). */
export interface NodeApiLabels {
  /** The Node name: the machine's hostname. */
  readonly node: string;
  /** Label keys and values, e.g. `{ 'node-role.kubernetes.io/control-plane': '' }`. */
  readonly labels: Readonly<Record<string, string>>;
}

/** The kubectl that applies the add-ons: the cluster's own release, pinned by sha256. */
export function installKubectlScript(version: string, sha256: string): string {
  return installReleaseBinaryScript({
    name: 'kubectl', version, sha256, target: KUBECTL_BINARY, runBy: `${APPLY_ADDONS_UNIT} runs it before applying the add-ons`,
  });
}

/**
 * POSIX sh that waits until the API server answers `/readyz` with the admin
 * kubeconfig, then applies every manifest of the add-on folder (server-side,
 * so re-applying at every boot is idempotent), retrying a failed apply; then
 * labels each node with what its kubelet may not set itself (`node-role.kubernetes.io/*`),
 * as soon as the node has registered. Node names and labels are validated DNS
 * names and label words, so they are written into the script as they are.
 */
export function applyAddonsScript(nodeLabels: readonly NodeApiLabels[] = []): string {
  const lines = nodeLabels.filter(entry => Object.keys(entry.labels).length > 0)
    .map(entry => [entry.node, ...Object.entries(entry.labels).map(([key, value]) => `${key}=${value}`)].join(' '));
  return `#!/bin/sh
# Applies the cluster add-ons in ${ADDONS_DIR} once the API server answers.
# Written by cdk-vagrant-kubernetes; ${APPLY_ADDONS_UNIT} runs it on the control plane.
set -eu
kubectl="${KUBECTL_BINARY}"
kubeconfig="${ADMIN_KUBECONFIG}"
addons="${ADDONS_DIR}"
attempt=0
until "$kubectl" --kubeconfig="$kubeconfig" --request-timeout=10s get --raw=/readyz >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge ${API_ATTEMPTS} ]; then
    echo "the API server did not answer /readyz after ${API_ATTEMPTS} attempts" >&2
    exit 1
  fi
  sleep ${API_INTERVAL_SECONDS}
done
attempt=0
until "$kubectl" --kubeconfig="$kubeconfig" apply --server-side --force-conflicts --field-manager=${FIELD_MANAGER} -f "$addons"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge ${APPLY_ATTEMPTS} ]; then
    echo "applying $addons failed ${APPLY_ATTEMPTS} times" >&2
    exit 1
  fi
  sleep ${API_INTERVAL_SECONDS}
done
echo "applied every add-on in $addons"
${lines.length === 0 ? '' : labelNodesShell(lines)}`;
}

/** The part of apply-addons that labels the registered nodes, retrying until each is there. */
function labelNodesShell(lines: string[]): string {
  return `# One line per node: its name, then the labels only the API may set.
node_labels="${lines.join('\n')}"
attempt=0
while :; do
  pending=""
  while read -r node pairs; do
    # The label words are written unquoted on purpose: one argument per label.
    # shellcheck disable=SC2086
    if ! "$kubectl" --kubeconfig="$kubeconfig" --request-timeout=10s label --overwrite node "$node" $pairs >/dev/null 2>&1; then
      pending="$pending $node"
    fi
  done <<LABELS
$node_labels
LABELS
  if [ -z "$pending" ]; then
    break
  fi
  attempt=$((attempt + 1))
  if [ "$attempt" -ge ${LABEL_ATTEMPTS} ]; then
    echo "nodes not labelled after ${LABEL_ATTEMPTS} attempts:$pending" >&2
    exit 1
  fi
  sleep ${API_INTERVAL_SECONDS}
done
echo "labelled every node"
`;
}

/**
 * `apply-addons.service`: a oneshot that installs kubectl, applies the add-ons
 * and stays active (RemainAfterExit) once they are applied. A failure is retried
 * by systemd; it runs again at every boot, which re-applies idempotently.
 */
export function applyAddonsUnit(): SystemdUnit {
  return SystemdUnit.of(
    {
      name: 'Unit',
      directives: [
        ['Description', 'Apply the cluster add-ons (pod network, kube-proxy, CoreDNS and your own) and label the nodes'],
        ['Documentation', 'https://kubernetes.io/docs/reference/using-api/server-side-apply/'],
        ['Wants', 'network-online.target'],
        ['After', 'network-online.target kubelet.service'],
      ],
    },
    {
      name: 'Service',
      directives: [
        ['Type', 'oneshot'],
        ['RemainAfterExit', 'yes'],
        ['ExecStartPre', ExecCommand.of(INSTALL_KUBECTL)],
        ['ExecStart', ExecCommand.of(APPLY_ADDONS)],
        ['Restart', 'on-failure'],
        ['RestartSec', '30'],
        // A oneshot has no start timeout by default. Bound it above the script's longest waits,
        // 240 x (5 s + a 10 s request timeout) for the API server and as much for the nodes to
        // register, plus the applies; a timeout is a failure, and restarts it.
        ['TimeoutStartSec', '150min'],
      ],
    },
    { name: 'Install', directives: [['WantedBy', 'multi-user.target']] },
  );
}

/**
 * POSIX sh that installs the containernetworking plugins tarball into
 * /opt/cni/bin, verified by its pinned sha256, once per version. flannel's CNI
 * plugin delegates to bridge, host-local and portmap from there. It also loads
 * br_netfilter, which flannel refuses to start without (flannel-io/flannel#2166);
 * Flatcar loads it at boot since flatcar/init#72, so this only covers older images.
 */
export function installCniPluginsScript(plugins: CniPluginsRelease): string {
  return `#!/bin/sh
# Installs the CNI plugins v${plugins.version} into ${CNI_BIN_DIR}, verified by sha256.
# Written by cdk-vagrant-kubernetes; ${CNI_PLUGINS_UNIT} runs it on every node.
set -eu
version="v${plugins.version}"
url="https://github.com/containernetworking/plugins/releases/download/$version/cni-plugins-linux-amd64-$version.tgz"
sha256="${plugins.sha256}"
target="${CNI_BIN_DIR}"
stamp="$target/.cdk-vagrant-kubernetes-cni-plugins"
modprobe br_netfilter
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version $sha256" ]; then
  exit 0
fi
mkdir -p "$target"
download="$(mktemp "$target/.download.XXXXXX")"
trap 'rm -f "$download"' EXIT
curl --fail --silent --show-error --location --retry 5 --output "$download" "$url"
if ! echo "$sha256  $download" | sha256sum --check --status; then
  echo "CNI plugins download from $url does not match sha256 $sha256" >&2
  exit 1
fi
tar --extract --gzip --no-same-owner --file "$download" --directory "$target"
echo "$version $sha256" > "$stamp"
`;
}

/** `install-cni-plugins.service`: a oneshot before the kubelet, staying active once the plugins are there. */
export function cniPluginsUnit(plugins: CniPluginsRelease): SystemdUnit {
  return SystemdUnit.of(
    {
      name: 'Unit',
      directives: [
        ['Description', `Install the CNI plugins v${plugins.version} into ${CNI_BIN_DIR}`],
        ['Documentation', 'https://github.com/containernetworking/plugins'],
        ['Wants', 'network-online.target'],
        ['After', 'network-online.target'],
        ['Before', 'kubelet.service'],
      ],
    },
    {
      name: 'Service',
      directives: [
        ['Type', 'oneshot'],
        ['RemainAfterExit', 'yes'],
        ['ExecStart', ExecCommand.of(INSTALL_CNI_PLUGINS)],
        ['Restart', 'on-failure'],
        ['RestartSec', '30'],
      ],
    },
    { name: 'Install', directives: [['WantedBy', 'multi-user.target']] },
  );
}
