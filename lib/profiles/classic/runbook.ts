import { ClusterFacts, MachineRole } from './facts';
import { classicVerifyPlan } from './verify';
import type { Machine } from '../../cluster/machine';
import { code, columns } from '../../formats/markdown';
import type { ProfileRunbook } from '../../runbook/runbook-contribution';
import type { TopologyLayer } from '../../runbook/topology-layout';
import { count, listOf } from '../../runbook/wording';

/** The classic profile's part of the runbook, with the facts it is made of. */
export interface ClassicRunbook extends ProfileRunbook {
  readonly facts: ClusterFacts;
}

/**
 * The classic profile's part of the runbook, the picture and verify.sh: fleet
 * starts the kubelets, the API server answers on the insecure port, and the
 * checks use curl, fleetctl and kubectl from the host. How the machines come up,
 * and how to reach one, are the target's words (`facts.target`).
 */
export function classicRunbook(facts: ClusterFacts): ClassicRunbook {
  const byName = new Map(facts.machines.map(machine => [machine.name, machine]));
  const factsOf = (machine: Machine) => byName.get(machine.hostname)!;
  return {
    facts,
    titleSuffix: '',
    roleOf: machine => factsOf(machine).role,
    columns: [{ header: 'fleet metadata', value: machine => (factsOf(machine).fleetMetadata ? code(factsOf(machine).fleetMetadata) : '') }],
    summary: summary(facts),
    prerequisites: prerequisites(facts),
    bringUp: [
      `${facts.target.machinesStart} and ${facts.target.userDataDelivery('user-data/<name>.yaml')}; the nodes `
        + `(${listOf(facts.kubeMachines.map(machine => machine.name))}) also get their static pod manifests ${facts.target.folderDelivery}. `
        + 'coreos-cloudinit then starts etcd2 on the peers, and the etcd2 proxy, fleet, flannel and docker on the nodes.',
    ],
    sections: [
      { title: 'Start the kubelets with fleet', lines: startWithFleet(facts) },
      { title: 'Wait', lines: wait(facts) },
      { title: 'Check the cluster', lines: check(facts) },
    ],
    topologyNotes: [
      `API server ${facts.apiServer}, etcd ${facts.etcdEndpoint}, fleet units ${facts.fleetUnitGlob}`,
      `Pods ${facts.podNetwork} (flannel vxlan), services ${facts.serviceNetwork}`,
    ],
    layersOf: machine => layersOf(factsOf(machine).role, facts.podsByMachine.get(machine.hostname) ?? []),
    verify: classicVerifyPlan(facts),
  };
}

function summary(facts: ClusterFacts): string[] {
  const { master, etcdEndpoint, apiServer } = facts;
  return [
    `- Profile ${code(facts.profile)}: ${facts.target.system}.`,
    facts.images.length === 1
      ? `- Kubernetes ${facts.kubernetesVersion}, every component from ${code(facts.images[0])}.`
      : `- Kubernetes ${facts.kubernetesVersion}, from the images ${listOf(facts.images.map(code))}.`,
    `- Networks: ${facts.target.hostNetworkKind} ${facts.hostNetwork} on ${facts.nodeInterface}, pods ${facts.podNetwork} (flannel vxlan), services ${facts.serviceNetwork}.`,
    `- etcd: ${count(facts.etcdPeers.length, 'peer')}; the host reaches it at ${etcdEndpoint} (${facts.etcdPeers[0].name}).`,
    `- API server: ${apiServer} on ${master.name}, the insecure port without authentication: keep ${facts.target.hostNetworkName} private.`,
  ];
}

function prerequisites(facts: ClusterFacts): string[] {
  const version = `v${facts.kubernetesVersion}`;
  const master = { hostname: facts.master.name, ip: facts.master.ip };
  return [
    `- On the host, for the checks below: curl; fleetctl of the box's fleet release (0.11.x; `
      + `${code(facts.target.runOn(master, 'fleetctl version'))} shows it); and kubectl ${version} `
      + `(<https://dl.k8s.io/release/${version}/bin/linux/amd64/kubectl>), because a much newer kubectl may not talk to this API server.`,
  ];
}

function startWithFleet(facts: ClusterFacts): string[] {
  const fleetctl = `fleetctl --endpoint ${facts.etcdEndpoint}`;
  return [
    `fleet should see every node with its metadata (${count(facts.kubeMachines.length, 'machine')}; the IDs differ on every `
      + 'bring-up, and fleetctl sorts by them):',
    '',
    '```',
    `$ ${fleetctl} list-machines`,
    ...columns([['MACHINE', 'IP', 'METADATA'], ...facts.kubeMachines.map(machine => ['...', machine.ip, machine.fleetMetadata])]),
    '```',
    '',
    'Then start the kubelet units, from this folder:',
    '',
    '```',
    `$ ${fleetctl} start ${facts.fleetUnitGlob}`,
    '```',
    '',
    ...facts.fleetUnits.map(unit => `- ${code(unit.name)} (${[...(unit.global ? ['global'] : []), ...unit.machineMetadata.map(pair => `\`MachineMetadata=${pair}\``)].join(', ')}) `
      + `runs on ${listOf(unit.machines)}.`),
  ];
}

function wait(facts: ClusterFacts): string[] {
  const { master, apiServer } = facts;
  return [
    `Each kubelet first pulls ${listOf(facts.images.map(code))}; the minions' kubelets also wait until the API server `
      + `answers on ${master.ip}:${facts.apiPort}. Expect about 5 minutes until the API server is up, then a minute or two until `
      + 'every node is Ready. To watch:',
    '',
    '```sh',
    `fleetctl --endpoint ${facts.etcdEndpoint} list-units`,
    `until curl -fsS ${apiServer}/healthz; do sleep 10; done; echo`,
    '```',
  ];
}

function check(facts: ClusterFacts): string[] {
  const { master, apiServer } = facts;
  const kubectl = `kubectl --server ${apiServer}`;
  const version = `v${facts.kubernetesVersion}`;
  const minions = facts.kubeMachines.filter(machine => machine !== master);
  const masterNode = facts.kubeNodes.find(node => node.machine === master.name);
  const onMaster = facts.staticPods.filter(pod => pod.machine === master.name);
  return [
    '```',
    `$ ${kubectl} cluster-info`,
    `Kubernetes master is running at ${apiServer}`,
    '```',
    '',
    '```',
    `$ ${kubectl} get nodes`,
    ...columns([['NAME', 'STATUS'], ...facts.kubeNodes.map(node => [node.name, 'Ready'])]),
    '```',
    '',
    masterNode
      ? `${master.name} is listed too, as ${code(masterNode.name)}: its kubelet registers the node (from Kubernetes 1.5 on, the `
        + 'mirror pods of an unregistered node are deleted), marked so that it takes no workloads. The minions register '
        + `under their ${facts.nodeInterface} addresses.`
      : `${master.name} is not listed: its kubelet runs with \`--register-node=false\`, so only the minions register, under `
        + `their ${facts.nodeInterface} addresses. Its static pod still shows below.`,
    '',
    '```',
    `$ ${kubectl} get pods`,
    ...columns([['NAME', 'READY', 'STATUS'], ...facts.staticPods.map(pod => [pod.mirrorName, pod.ready, 'Running'])]),
    '```',
    '',
    `Each static pod shows as \`<pod>-<node name>\`: ${onMaster.map(pod => code(pod.podName)).join(', ')} `
      + `on ${master.name} with ${listOf(onMaster.flatMap(pod => pod.containers))}, `
      + `and ${listOf([...new Set(facts.staticPods.filter(pod => pod.machine !== master.name).map(pod => code(pod.podName)))])} `
      + `on each of the ${count(minions.length, 'minion')}. Other columns are left out above; they differ between kubectl releases.`,
    '',
    'Or run every check at once: `sh verify.sh`. It prints PASS or FAIL for each check with what it saw, and '
      + 'exits non-zero at the first FAIL:',
    '',
    `1. etcd is healthy through ${facts.etcdPeers[0].name} and lists ${listOf(facts.etcdPeers.map(peer => peer.name))};`,
    `2. fleet lists every node with its metadata and runs ${listOf(facts.fleetUnits.map(unit => unit.name))} where they belong;`,
    `3. ${apiServer}/healthz says ok and /version says ${version};`,
    `4. ${facts.kubeNodes.length === 1 ? 'the node is' : `all ${facts.kubeNodes.length} nodes are`} Ready;`,
    `5. ${facts.staticPods.length === 1 ? 'the static pod runs' : `all ${facts.staticPods.length} static pods run`} with every container ready.`,
  ];
}

/** What the picture shows on a machine: etcd2 on a peer; the static pods, kubelet, fleet and etcd2 proxy on a node. */
function layersOf(role: MachineRole, pods: ReadonlyArray<{ podName: string; containers: string[] }>): TopologyLayer[] {
  if (role === MachineRole.ETCD_PEER) {
    return [{ title: 'etcd2 peer', items: [] }];
  }
  return [
    ...pods.map(pod => ({ title: `pod ${pod.podName}`, items: pod.containers })),
    { title: 'kubelet', items: [] }, { title: 'fleet', items: [] }, { title: 'etcd2 proxy', items: [] },
  ];
}
