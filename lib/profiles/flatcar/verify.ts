import { addonChecks, workloadWorkers } from './addon-checks';
import { apiLabels, kubeletLabels, registerTaints } from './node';
import type { FlatcarRunbookFacts } from './facts';
import { formatTaint } from '../../cluster/node-role';
import { shellWords } from '../../formats/posix-shell';
import type { VerifyPlan } from '../../runbook/runbook-contribution';

/**
 * The checks of the Flatcar profile's verify.sh, run with kubectl and the output
 * folder's admin.kubeconfig: every node Ready, and the kube-system pods running.
 */
export function flatcarVerifyPlan(facts: FlatcarRunbookFacts): VerifyPlan {
  const call = (fn: string, ...args: string[]) => `  ${fn} ${shellWords(args)}`;
  const { model } = facts;
  const perNode = String(model.nodes.length);
  const apiLabelsOf = new Map(apiLabels(model).map(entry => [entry.node, entry.labels]));
  const labelsOf = (node: (typeof model.nodes)[number]) => Object.entries({ ...kubeletLabels(node), ...apiLabelsOf.get(node.hostname) })
    .map(([key, value]) => `${key}=${value}`);
  // `key=value:effect`, as the jsonpath below prints a taint: `key=:effect` when it has no value.
  const taintsOf = (node: (typeof model.nodes)[number]) => registerTaints(node).map(taint => formatTaint({ ...taint, value: taint.value ?? '' }));
  return {
    stopNote: '',
    needs: facts.optionalAddons.ingress === undefined ? [
      'Needs kubectl on PATH; uses admin.kubeconfig beside this script. Exit status 0 when every',
      'check passes, 1 on a FAIL.',
    ] : [
      'Needs kubectl and curl on PATH; uses admin.kubeconfig beside this script. Exit status 0 when',
      'every check passes, 1 on a FAIL.',
    ],
    variables: [
      'HERE=$(cd "$(dirname "$0")" && pwd) || exit 1',
      'KUBECONFIG_FILE="$HERE/admin.kubeconfig"',
    ],
    helpers: [],
    checks: [
      {
        description: ['every node is registered and Ready;'],
        run: 'check_nodes',
        definition: [
          '# 1. Nodes: the STATUS column is found by its value, because its position differs between kubectl releases.',
          'expect_node() { # NODE',
          '  status=$(printf \'%s\\n\' "$nodes" | awk -v node="$1" \\',
          '    \'$1 == node { for (i = 2; i <= NF; i++) if ($i ~ /^(Ready|NotReady|Unknown)(,|$)/) { print $i; exit } }\')',
          '  case $status in',
          '    Ready | Ready,*) pass "node $1: $status" ;;',
          '    *) fail "node $1: expected Ready, saw ${status:-not registered}" ;;',
          '  esac',
          '}',
          '',
          'check_nodes() {',
          '  nodes=$(kubectl --kubeconfig "$KUBECONFIG_FILE" get nodes --no-headers 2>&1) || fail "kubectl get nodes: $nodes"',
          ...model.nodes.map(node => call('expect_node', node.hostname)),
          '}',
        ],
      },
      {
        description: ['every node has its labels and taints;'],
        run: 'check_labels',
        definition: [
          '# 2. Labels (the LABELS column of --show-labels) and taints, as key=value and key=value:effect.',
          'expect_label() { # NODE LABEL',
          '  labels=$(kubectl --kubeconfig "$KUBECONFIG_FILE" get node "$1" --show-labels --no-headers 2>&1) ||',
          '    fail "node $1: kubectl get node: $labels"',
          '  labels=${labels##* }',
          '  case ",$labels," in',
          '    *",$2,"*) pass "node $1: label $2" ;;',
          '    *) fail "node $1: expected the label $2, saw $labels" ;;',
          '  esac',
          '}',
          '',
          'expect_taint() { # NODE TAINT',
          '  taints=$(kubectl --kubeconfig "$KUBECONFIG_FILE" get node "$1" \\',
          '    -o \'jsonpath={range .spec.taints[*]}{.key}={.value}:{.effect}{","}{end}\' 2>&1) || fail "node $1: kubectl get node: $taints"',
          '  case ",$taints" in',
          '    *",$2,"*) pass "node $1: taint $2" ;;',
          '    *) fail "node $1: expected the taint $2, saw ${taints:-none}" ;;',
          '  esac',
          '}',
          '',
          'check_labels() {',
          ...model.nodes.flatMap(node => [
            ...labelsOf(node).map(label => call('expect_label', node.hostname, label)),
            ...taintsOf(node).map(taint => call('expect_taint', node.hostname, taint)),
          ]),
          '  :',
          '}',
        ],
      },
      {
        description: [
          'the kube-system pods run: the static pods of each control plane with every container',
          'ready, a kube-flannel-ds and a kube-proxy pod per node, and the coredns pods.',
        ],
        run: 'check_pods',
        definition: [
          '# 3. Pods: READY n/n and STATUS Running.',
          'expect_pod() { # POD',
          '  seen=$(printf \'%s\\n\' "$pods" | awk -v pod="$1" \'$1 == pod { print $2, $3; exit }\')',
          '  case $seen in',
          '    *" Running") ready=${seen% Running} ;;',
          '    *) fail "pod $1: expected Running, saw ${seen:-no such pod}" ;;',
          '  esac',
          '  if [ "${ready%/*}" = "${ready#*/}" ]; then',
          '    pass "pod $1: $seen"',
          '  else',
          '    fail "pod $1: expected every container ready, saw $seen"',
          '  fi',
          '}',
          '',
          'expect_pods() { # PREFIX COUNT',
          '  seen=$(printf \'%s\\n\' "$pods" | awk -v prefix="$1" \\',
          '    \'index($1, prefix) == 1 && $3 == "Running" { split($2, r, "/"); if (r[1] == r[2]) n++ } END { print n + 0 }\')',
          '  if [ "$seen" = "$2" ]; then',
          '    pass "pods $1*: $seen ready and Running"',
          '  else',
          '    fail "pods $1*: expected $2 ready and Running, saw $seen"',
          '  fi',
          '}',
          '',
          'check_pods() {',
          '  pods=$(kubectl --kubeconfig "$KUBECONFIG_FILE" --namespace kube-system get pods --no-headers 2>&1) ||',
          '    fail "kubectl get pods -n kube-system: $pods"',
          ...[...facts.staticPods].flatMap(([node, pods]) => pods.map(pod => call('expect_pod', `${pod}-${node}`))),
          call('expect_pods', 'kube-flannel-ds-', perNode),
          call('expect_pods', 'kube-proxy-', perNode),
          call('expect_pods', 'coredns-', String(facts.coreDnsReplicas)),
          ...(facts.optionalAddons.metricsServer ? [call('expect_pods', 'metrics-server-', '1')] : []),
          ...(facts.optionalAddons.ingress !== undefined ? [call('expect_pods', 'traefik-', String(workloadWorkers(facts).length))] : []),
          '}',
        ],
      },
      ...addonChecks(facts),
    ],
  };
}
