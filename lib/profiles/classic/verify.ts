import type { ClusterFacts } from './facts';
import { shellWord, shellWords } from '../../formats/posix-shell';
import type { VerifyPlan } from '../../runbook/runbook-contribution';
import { compareNames } from '../../runbook/wording';

/**
 * The checks of the classic profile's verify.sh, run with curl, fleetctl and
 * kubectl from the host: etcd through the first peer, fleet's machines and
 * kubelet units, the API server, the nodes and the static pods, each against
 * the values of the model. Every check builds on the one before.
 */
export function classicVerifyPlan(facts: ClusterFacts): VerifyPlan {
  const first = facts.etcdPeers[0];
  const version = `v${facts.kubernetesVersion}`;
  const peerNames = facts.etcdPeers.map(peer => peer.name).sort(compareNames).join(' ');
  const byName = new Map(facts.machines.map(machine => [machine.name, machine]));
  const call = (fn: string, ...args: string[]) => `  ${fn} ${shellWords(args)}`;
  return {
    stopNote: ' (each builds on the one before)',
    needs: ['Needs curl, fleetctl and kubectl on PATH. Exit status 0 when every check passes, 1 on a FAIL.'],
    variables: [
      `ETCD=${shellWord(facts.etcdEndpoint)}`,
      `API=${shellWord(facts.apiServer)}`,
      `VERSION=${shellWord(version)}`,
      `PEERS=${shellWord(peerNames)}`,
    ],
    helpers: [
      [
        '# fetch URL: prints the body; fails with curl\'s message when the server does not answer.',
        'fetch() {',
        '  curl --silent --show-error --max-time 10 "$1" 2>&1',
        '}',
      ],
      [
        '# json_string KEY: the string values of KEY in the JSON on stdin, one per line. Splitting at',
        '# braces and commas is enough for the small answers of etcd and the API server.',
        'json_string() {',
        '  sed \'s/[{},]/\\',
        '/g\' | sed -n "s/^[[:space:]]*\\"$1\\"[[:space:]]*:[[:space:]]*\\"\\([^\\"]*\\)\\"[[:space:]]*\\$/\\1/p"',
        '}',
      ],
    ],
    checks: [
      {
        description: [`etcd answers healthy through ${first.name} and lists every peer;`],
        run: 'check_etcd',
        definition: [
          '# 1. etcd, through the first peer: the same endpoint fleetctl uses.',
          'check_etcd() {',
          '  health=$(fetch "$ETCD/health") || fail "etcd health via $ETCD: $health"',
          '  case $health in',
          '    *\'"health"\'*\'"true"\'*) pass "etcd health via $ETCD: $health" ;;',
          '    *) fail "etcd health via $ETCD: expected {\\"health\\": \\"true\\"}, saw: $health" ;;',
          '  esac',
          '  members=$(fetch "$ETCD/v2/members") || fail "etcd members via $ETCD: $members"',
          '  names=$(printf \'%s\\n\' "$members" | json_string name | LC_ALL=C sort | tr \'\\n\' \' \')',
          '  names=${names% }',
          '  if [ "$names" = "$PEERS" ]; then',
          '    pass "etcd members: $names"',
          '  else',
          '    fail "etcd members: expected $PEERS, saw ${names:-none}"',
          '  fi',
          '}',
        ],
      },
      {
        description: ['fleet lists every node with its metadata and runs the kubelet units;'],
        run: 'check_fleet',
        definition: [
          '# 2. fleet: every node with its metadata, and the kubelet units running where they belong.',
          'expect_machine() { # NAME IP METADATA',
          '  seen=$(printf \'%s\\n\' "$machines" | awk -v ip="$2" \'$1 == ip { print $2; exit }\')',
          '  if [ "$seen" = "$3" ]; then',
          '    pass "fleet machine $1 ($2): $seen"',
          '  else',
          '    fail "fleet machine $1 ($2): expected $3, saw ${seen:-no machine with that address}"',
          '  fi',
          '}',
          '',
          'expect_unit() { # UNIT NAME IP',
          '  seen=$(printf \'%s\\n\' "$units" | awk -v unit="$1" -v suffix="/$3" \\',
          '    \'$1 == unit && substr($2, length($2) - length(suffix) + 1) == suffix { print $3; exit }\')',
          '  if [ "$seen" = active ]; then',
          '    pass "fleet unit $1 on $2 ($3): $seen"',
          '  else',
          '    fail "fleet unit $1 on $2 ($3): expected active, saw ${seen:-not scheduled there}"',
          '  fi',
          '}',
          '',
          'check_fleet() {',
          '  machines=$(fleetctl --endpoint "$ETCD" list-machines --no-legend --full --fields=ip,metadata 2>&1) ||',
          '    fail "fleetctl list-machines: $machines"',
          ...facts.kubeMachines.map(machine => call('expect_machine', machine.name, machine.ip, machine.fleetMetadata)),
          '  units=$(fleetctl --endpoint "$ETCD" list-units --no-legend --full --fields=unit,machine,active 2>&1) ||',
          '    fail "fleetctl list-units: $units"',
          ...facts.fleetUnits.flatMap(unit => unit.machines.map(name => call('expect_unit', unit.name, name, byName.get(name)!.ip))),
          '}',
        ],
      },
      {
        description: [`the API server answers /healthz and runs Kubernetes ${version};`],
        run: 'check_apiserver',
        definition: [
          '# 3. The API server on the master.',
          'check_apiserver() {',
          '  healthz=$(fetch "$API/healthz") || fail "apiserver $API/healthz: $healthz"',
          '  if [ "$healthz" = ok ]; then',
          '    pass "apiserver $API/healthz: ok"',
          '  else',
          '    fail "apiserver $API/healthz: expected ok, saw: $healthz"',
          '  fi',
          '  version=$(fetch "$API/version") || fail "apiserver $API/version: $version"',
          '  git_version=$(printf \'%s\\n\' "$version" | json_string gitVersion)',
          '  case $git_version in',
          '    "$VERSION" | "$VERSION"+*) pass "apiserver version: $git_version" ;;',
          '    *) fail "apiserver version: expected $VERSION, saw ${git_version:-no gitVersion in: $version}" ;;',
          '  esac',
          '}',
        ],
      },
      {
        description: ['every kubelet registered its node, and the node is Ready;'],
        run: 'check_nodes',
        definition: [
          '# 4. Nodes: the STATUS column is found by its value, because its position differs between kubectl releases.',
          'expect_node() { # NODE NAME',
          '  status=$(printf \'%s\\n\' "$nodes" | awk -v node="$1" \\',
          '    \'$1 == node { for (i = 2; i <= NF; i++) if ($i ~ /^(Ready|NotReady|Unknown)(,|$)/) { print $i; exit } }\')',
          '  case $status in',
          '    Ready | Ready,*) pass "node $1 ($2): $status" ;;',
          '    *) fail "node $1 ($2): expected Ready, saw ${status:-not registered}" ;;',
          '  esac',
          '}',
          '',
          'check_nodes() {',
          '  nodes=$(kubectl --server "$API" get nodes --no-headers 2>&1) || fail "kubectl get nodes: $nodes"',
          ...facts.kubeNodes.map(node => call('expect_node', node.name, node.machine)),
          '}',
        ],
      },
      {
        description: ['every static pod runs with all of its containers ready.'],
        run: 'check_pods',
        definition: [
          '# 5. Static pods: the kubelets create a mirror pod named <pod>-<node name> for each.',
          'expect_pod() { # POD READY NAME',
          '  seen=$(printf \'%s\\n\' "$pods" | awk -v pod="$1" \'$1 == pod { print $2, $3; exit }\')',
          '  if [ "$seen" = "$2 Running" ]; then',
          '    pass "pod $1 on $3: $seen"',
          '  else',
          '    fail "pod $1 on $3: expected $2 Running, saw ${seen:-no such pod}"',
          '  fi',
          '}',
          '',
          'check_pods() {',
          '  pods=$(kubectl --server "$API" --namespace default get pods --no-headers 2>&1) || fail "kubectl get pods: $pods"',
          ...facts.staticPods.map(pod => call('expect_pod', pod.mirrorName, pod.ready, pod.machine)),
          '}',
        ],
      },
    ],
  };
}
