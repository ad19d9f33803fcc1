import { flatcarVerifyPlan } from './verify';
import type { ClusterModel } from '../../cluster/cluster-model';
import { ETCD_CLIENT_PORT, httpsUrl } from '../../cluster/endpoints';
import { Machine, MachineKind } from '../../cluster/machine';
import { CONTROL_PLANE_TAINT, NodeRole } from '../../cluster/node-role';
import { code, columns } from '../../formats/markdown';
import type { ProfileRunbook } from '../../runbook/runbook-contribution';
import type { TopologyLayer } from '../../runbook/topology-layout';
import { compareNames, count, listOf } from '../../runbook/wording';
import type { VagrantBox } from '../../vagrant/vagrant-box';

export const FLATCAR_ETCD_ROLE = 'etcd member';
export const FLATCAR_CONTROL_PLANE_ROLE = 'control plane';
export const FLATCAR_WORKER_ROLE = 'worker';

/** What the Flatcar profile bound: the facts its part of the runbook is made of. */
export interface FlatcarRunbookFacts {
  readonly model: ClusterModel;
  readonly box: VagrantBox;
  /** The Kubernetes nodes (Node name = hostname). */
  readonly nodes: readonly Machine[];
  /** The control plane. */
  readonly controlPlane: Machine;
  /** The static pods of the control plane, by pod name. */
  readonly staticPods: readonly string[];
  /** How many CoreDNS pods run. */
  readonly coreDnsReplicas: number;
}

/** A machine's role in the Flatcar profile's words. */
export function flatcarRole(machine: Machine): string {
  return machine.kind === MachineKind.ETCD_PEER ? FLATCAR_ETCD_ROLE
    : machine.role === NodeRole.CONTROL_PLANE ? FLATCAR_CONTROL_PLANE_ROLE : FLATCAR_WORKER_ROLE;
}

/**
 * The Flatcar profile's part of the runbook, the picture and verify.sh: the
 * control plane applies the add-ons, and the checks use kubectl with the
 * output folder's admin.kubeconfig.
 */
export function flatcarRunbook(facts: FlatcarRunbookFacts): ProfileRunbook {
  const { model, controlPlane: control } = facts;
  const { host, pods, services } = model.networks;
  return {
    titleSuffix: ' (Flatcar)',
    roleOf: flatcarRole,
    columns: [],
    summary: [
      `- ${facts.box.description}.`,
      `- Networks: host-only ${host.cidr} on ${model.networks.nodeInterface}, pods ${pods.cidr} (flannel vxlan), services ${services.cidr}.`,
      `- etcd: ${count(model.etcdPeers.length, 'member')} with TLS (${listOf(model.etcdPeers.map(member => member.hostname))}).`,
      `- API server: ${model.endpoints.apiServer} on ${control.hostname}; ${code('admin.kubeconfig')} in this folder holds a cluster-admin key: keep it private.`,
    ],
    prerequisites: [`- On the host, for the checks below: kubectl ${model.kubernetesVersion} or a release one minor version away.`],
    bringUp: [
      `Vagrant creates the ${count(model.machines.length, 'VM')}; each one's \`cloud-config/<name>.yaml\` starts etcd on the `
        + `members and the kubelet on the nodes. ${control.hostname} runs the control plane as static pods and then applies the `
        + 'add-ons (flannel, kube-proxy, CoreDNS). To follow that:',
      '',
      '```sh',
      `vagrant ssh ${control.hostname} -c 'journalctl -u apply-addons -f'`,
      '```',
    ],
    sections: [{ title: 'Check the cluster', lines: check(facts) }],
    topologyNotes: [
      `API server ${model.endpoints.apiServer}, etcd ${listOf(model.etcdPeers.map(member => httpsUrl(member.ip, ETCD_CLIENT_PORT)))}`,
      `Pods ${pods.cidr} (flannel vxlan), services ${services.cidr}`,
    ],
    layersOf: machine => layersOf(machine, facts),
    verify: flatcarVerifyPlan(facts),
  };
}

function check(facts: FlatcarRunbookFacts): string[] {
  const kubectl = 'kubectl --kubeconfig admin.kubeconfig';
  const control = facts.controlPlane;
  const nodes = [...facts.nodes].sort((a, b) => compareNames(a.hostname, b.hostname));
  const pods = [
    ...facts.staticPods.map(pod => `${pod}-${control.hostname}`),
    ...facts.nodes.map(() => 'kube-flannel-ds-…'),
    ...facts.nodes.map(() => 'kube-proxy-…'),
    ...new Array<string>(facts.coreDnsReplicas).fill('coredns-…'),
  ].sort(compareNames);
  return [
    '```',
    `$ ${kubectl} get nodes`,
    ...columns([['NAME', 'STATUS'], ...nodes.map(node => [node.hostname, 'Ready'])]),
    '```',
    '',
    `${control.hostname} is the control plane: it is tainted ${code(`${CONTROL_PLANE_TAINT.key}:${CONTROL_PLANE_TAINT.effect}`)}, so ordinary `
      + `workloads go to ${listOf(facts.nodes.filter(node => node !== control).map(node => node.hostname))}.`,
    '',
    '```',
    `$ ${kubectl} get pods -n kube-system`,
    ...columns([['NAME', 'STATUS'], ...pods.map(pod => [pod, 'Running'])]),
    '```',
    '',
    `That is ${listOf(facts.staticPods.map(code))} on ${control.hostname}, a kube-flannel-ds and a kube-proxy pod on each of the `
      + `${count(facts.nodes.length, 'node')}, and ${count(facts.coreDnsReplicas, 'coredns pod')}; \`…\` stands for the random suffix.`,
    '',
    'Or run both checks at once: `sh verify.sh`. It prints PASS or FAIL for each node and pod with what it saw, and '
      + 'exits non-zero at the first FAIL.',
  ];
}

function layersOf(machine: Machine, facts: FlatcarRunbookFacts): TopologyLayer[] {
  const node: TopologyLayer[] = [{ title: 'kubelet', items: [] }, { title: 'flannel', items: [] }, { title: 'kube-proxy', items: [] }];
  switch (flatcarRole(machine)) {
    case FLATCAR_ETCD_ROLE: return [{ title: 'etcd member (TLS)', items: [] }];
    case FLATCAR_CONTROL_PLANE_ROLE: return [{ title: 'static pods', items: [...facts.staticPods] }, ...node];
    default: return node;
  }
}
