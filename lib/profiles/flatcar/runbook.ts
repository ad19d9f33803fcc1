import { FLATCAR_CONTROL_PLANE_ROLE, FLATCAR_ETCD_ROLE, FlatcarRunbookFacts, flatcarRole } from './facts';
import { addonRunbookLines, workloadWorkers } from './addon-checks';
import { flatcarVerifyPlan } from './verify';
import { ETCD_CLIENT_PORT, httpsUrl } from '../../cluster/endpoints';
import { Machine, MachineKind } from '../../cluster/machine';
import { CONTROL_PLANE_LABEL, CONTROL_PLANE_TAINT, formatTaint, takesOrdinaryPods } from '../../cluster/node-role';
import { code, columns } from '../../formats/markdown';
import type { ProfileRunbook } from '../../runbook/runbook-contribution';
import type { TopologyLayer } from '../../runbook/topology-layout';
import { compareNames, count, listOf } from '../../runbook/wording';

/**
 * The Flatcar profile's part of the runbook, the picture and verify.sh: the
 * control planes apply the add-ons, and the checks use kubectl with the
 * output folder's admin.kubeconfig. How the machines come up, and how to reach
 * one, are the target's words (`model.target`).
 */
export function flatcarRunbook(facts: FlatcarRunbookFacts): ProfileRunbook {
  const { model } = facts;
  const { host, pods, services } = model.networks;
  const planes = model.controlPlanes.map(cp => cp.hostname);
  const first = planes[0];
  const endpoint = model.endpoints.controlPlaneEndpoint;
  const hasLabels = model.nodes.some(node => Object.keys(node.labels).length > 0);
  const hasTaints = model.nodes.some(node => node.taints.length > 0);
  return {
    titleSuffix: ' (Flatcar)',
    roleOf: flatcarRole,
    columns: [
      ...(model.nodeTiers.length > 1 ? [{ header: 'Pool', value: (machine: Machine) => (machine.kind === MachineKind.KUBE_NODE ? code(machine.pool) : '') }] : []),
      ...(hasLabels ? [{ header: 'Labels', value: (machine: Machine) => Object.entries(machine.labels).map(([k, v]) => code(`${k}=${v}`)).join(' ') }] : []),
      ...(hasTaints ? [{ header: 'Taints', value: (machine: Machine) => machine.taints.map(taint => code(formatTaint(taint))).join(' ') }] : []),
    ],
    summary: [
      `- ${model.target.system}.`,
      `- Networks: ${model.target.hostNetworkKind} ${host.cidr} on ${model.networks.nodeInterface}, pods ${pods.cidr} (flannel vxlan), services ${services.cidr}.`,
      `- etcd: ${count(model.etcdPeers.length, 'member')} with TLS (${listOf(model.etcdPeers.map(member => member.hostname))}).`,
      endpoint
        ? `- API server: ${model.endpoints.apiServer}, a virtual IP that kube-vip keeps on one of ${listOf(planes)}, each of which runs an `
          + `API server; ${code('admin.kubeconfig')} in this folder holds a cluster-admin key: keep it private.`
        : `- API server: ${model.endpoints.apiServer} on ${first}; ${code('admin.kubeconfig')} in this folder holds a cluster-admin key: keep it private.`,
    ],
    prerequisites: [`- On the host, for the checks below: kubectl ${model.kubernetesVersion} or a release one minor version away.`],
    bringUp: [
      `${model.target.machinesStart}; each one's ${code(model.target.configFileOf('cloud-config/<name>.yaml'))} starts etcd on the `
        + `members and the kubelet on the nodes. ${listOf(planes)} ${planes.length === 1 ? 'runs' : 'run'} the control plane as static pods`
        + (endpoint ? `, with kube-vip, which moves ${endpoint} to another control plane when its holder fails,` : '')
        + ` and then ${planes.length === 1 ? 'applies' : 'each apply'} the add-ons (flannel, kube-proxy, CoreDNS) and ${planes.length === 1 ? 'labels' : 'label'} the nodes. To follow that:`,
      '',
      '```sh',
      model.target.runOn(model.controlPlanes[0], 'journalctl -u apply-addons -f'),
      '```',
    ],
    sections: [{ title: 'Check the cluster', lines: check(facts) }],
    topologyNotes: [
      `API server ${model.endpoints.apiServer}${endpoint ? ' (kube-vip)' : ''}, etcd ${listOf(model.etcdPeers.map(member => httpsUrl(member.ip, ETCD_CLIENT_PORT)))}`,
      `Pods ${pods.cidr} (flannel vxlan), services ${services.cidr}`,
    ],
    layersOf: machine => layersOf(machine, facts),
    verify: flatcarVerifyPlan(facts),
  };
}

function check(facts: FlatcarRunbookFacts): string[] {
  const { model } = facts;
  const kubectl = 'kubectl --kubeconfig admin.kubeconfig';
  const planes = model.controlPlanes.map(cp => cp.hostname);
  const nodes = [...model.nodes].sort((a, b) => compareNames(a.hostname, b.hostname));
  const staticPods = [...facts.staticPods].flatMap(([node, names]) => names.map(pod => `${pod}-${node}`));
  const pods = [
    ...staticPods,
    ...model.nodes.map(() => 'kube-flannel-ds-…'),
    ...model.nodes.map(() => 'kube-proxy-…'),
    ...new Array<string>(facts.coreDnsReplicas).fill('coredns-…'),
    ...(facts.optionalAddons.metricsServer ? ['metrics-server-…'] : []),
    ...(facts.optionalAddons.ingress !== undefined ? workloadWorkers(facts).map(() => 'traefik-…') : []),
  ].sort(compareNames);
  const podNames = [...new Set([...facts.staticPods.values()].flat())];
  const tainted = model.workers.filter(node => !takesOrdinaryPods(node));
  const untainted = model.workers.filter(takesOrdinaryPods).map(node => node.hostname);
  const labelled = model.nodes.filter(node => Object.keys(node.labels).length > 0);
  return [
    '```',
    `$ ${kubectl} get nodes`,
    ...columns([['NAME', 'STATUS'], ...nodes.map(node => [node.hostname, 'Ready'])]),
    '```',
    '',
    `${listOf(planes)} ${planes.length === 1 ? 'is the control plane: it is' : 'are the control planes: each is'} tainted `
      + `${code(`${CONTROL_PLANE_TAINT.key}:${CONTROL_PLANE_TAINT.effect}`)} and labelled ${code(`${CONTROL_PLANE_LABEL}=`)}, so ordinary `
      + `workloads go to ${listOf(untainted)}.`,
    ...tainted.map(node => `${node.hostname} is tainted ${listOf(node.taints.map(taint => code(formatTaint(taint))))}: only pods that tolerate `
      + `${node.taints.length === 1 ? 'it' : 'them'} run there.`),
    ...labelled.map(node => `${node.hostname} is labelled ${listOf(Object.entries(node.labels).map(([k, v]) => code(`${k}=${v}`)))}.`),
    '',
    '```',
    `$ ${kubectl} get pods -n kube-system`,
    ...columns([['NAME', 'STATUS'], ...pods.map(pod => [pod, 'Running'])]),
    '```',
    '',
    `That is ${listOf(podNames.map(code))} on ${planes.length === 1 ? planes[0] : `each of ${listOf(planes)}`}, a kube-flannel-ds and a kube-proxy pod on each of the `
      + `${count(model.nodes.length, 'node')}, and ${count(facts.coreDnsReplicas, 'coredns pod')}`
      + (facts.optionalAddons.metricsServer ? ', metrics-server' : '')
      + (facts.optionalAddons.ingress !== undefined ? `, a traefik pod on each of ${listOf(workloadWorkers(facts).map(node => node.hostname))}` : '')
      + '; `…` stands for the random suffix.'
      + (facts.optionalAddons.localPathStorage ? ' local-path-provisioner runs in the namespace local-path-storage.' : ''),
    ...addonRunbookLines(facts),
    '',
    'Or run every check at once: `sh verify.sh`. It prints PASS or FAIL for each node, label, taint and pod with what it saw, and '
      + 'exits non-zero at the first FAIL.',
  ];
}

function layersOf(machine: Machine, facts: FlatcarRunbookFacts): TopologyLayer[] {
  const settings = [
    ...Object.entries(machine.labels).map(([key, value]) => `${key}=${value}`),
    ...machine.taints.map(formatTaint),
  ];
  const node: TopologyLayer[] = [{ title: 'kubelet', items: settings }, { title: 'flannel', items: [] }, { title: 'kube-proxy', items: [] }];
  switch (flatcarRole(machine)) {
    case FLATCAR_ETCD_ROLE: return [{ title: 'etcd member (TLS)', items: [] }];
    case FLATCAR_CONTROL_PLANE_ROLE: return [{ title: 'static pods', items: [...facts.staticPods.get(machine.hostname) ?? []] }, ...node];
    default: return node;
  }
}
