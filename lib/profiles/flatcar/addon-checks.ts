// What the runbook and verify.sh say and check of the Flatcar profile's optional add-ons:
// `kubectl top nodes` answers (metrics-server), a claim binds (the default StorageClass),
// and an Ingress answers on the address of every worker that takes ordinary pods (the ingress controller).
import type { FlatcarRunbookFacts } from './facts';
import { VERIFY_IMAGE } from './releases';
import { LOCAL_PATH_STORAGE_CLASS } from '../../addons/local-path-storage-addon';
import { TRAEFIK_INGRESS_CLASS } from '../../addons/traefik-addon';
import type { Machine } from '../../cluster/machine';
import { takesOrdinaryPods } from '../../cluster/node-role';
import { shellWords } from '../../formats/posix-shell';
import { renderYaml } from '../../formats/yaml';
import type { VerifyCheck } from '../../runbook/runbook-contribution';
import { listOf } from '../../runbook/wording';

/** The names of what verify.sh creates, in the default namespace, and deletes again. */
export const VERIFY_CLAIM = 'verify-local-path';
export const VERIFY_WEB = 'verify-ingress';
/** How long verify.sh waits for an add-on: image pulls on a fresh cluster take minutes. */
const WAIT_SECONDS = 300;
/** How often it asks, and how long between. */
const ATTEMPTS = 30;
const INTERVAL_SECONDS = 10;

/** The workers an ingress controller and the other optional add-ons run on: those whose taints keep no pod off. */
export function workloadWorkers(facts: FlatcarRunbookFacts): Machine[] {
  return facts.model.workers.filter(takesOrdinaryPods);
}

/** A claim of the default StorageClass (none named) and a pod that uses it, so that it binds (WaitForFirstConsumer). */
export function claimManifest(): string {
  const labels = { app: VERIFY_CLAIM };
  return [
    { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: VERIFY_CLAIM, namespace: 'default', labels },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } } } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { name: VERIFY_CLAIM, namespace: 'default', labels },
      spec: {
        containers: [{ name: 'pause', image: VERIFY_IMAGE, args: ['pause'], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: VERIFY_CLAIM } }],
      } },
  ].map(object => renderYaml(object)).join('---\n');
}

/** A web server (agnhost netexec), its Service and an Ingress of the default IngressClass (none named) for every path. */
export function ingressManifest(): string {
  const labels = { app: VERIFY_WEB };
  return [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: VERIFY_WEB, namespace: 'default', labels },
      spec: {
        replicas: 1, selector: { matchLabels: labels },
        template: { metadata: { labels }, spec: { containers: [{
          name: 'web', image: VERIFY_IMAGE, args: ['netexec', '--http-port=8080'], ports: [{ containerPort: 8080, name: 'http' }],
        }] } },
      } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: VERIFY_WEB, namespace: 'default', labels },
      spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: VERIFY_WEB, namespace: 'default', labels },
      spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: VERIFY_WEB, port: { number: 80 } } } }] } }] } },
  ].map(object => renderYaml(object)).join('---\n');
}

/** verify.sh's checks of the optional add-ons switched on. */
export function addonChecks(facts: FlatcarRunbookFacts): VerifyCheck[] {
  const { optionalAddons } = facts;
  const kubectl = 'kubectl --kubeconfig "$KUBECONFIG_FILE"';
  const call = (fn: string, ...args: string[]) => `  ${fn} ${shellWords(args)}`;
  const checks: VerifyCheck[] = [];
  if (optionalAddons.metricsServer) {
    checks.push({
      description: ['`kubectl top nodes` answers for every node (metrics-server);'],
      run: 'check_metrics',
      definition: [
        '# Metrics: metrics-server answers through the API server (the front proxy) once it scraped every kubelet.',
        'check_metrics() {',
        '  attempt=0',
        `  until top=$(${kubectl} top nodes --no-headers 2>&1) && [ "$(printf '%s\\n' "$top" | wc -l)" -ge ${facts.model.nodes.length} ]; do`,
        '    attempt=$((attempt + 1))',
        `    [ "$attempt" -lt ${ATTEMPTS} ] || fail "kubectl top nodes: expected ${facts.model.nodes.length} nodes, saw: $top"`,
        `    sleep ${INTERVAL_SECONDS}`,
        '  done',
        ...facts.model.nodes.map(node => call('expect_top', node.hostname)),
        '}',
        '',
        'expect_top() { # NODE',
        '  case $(printf \'%s\\n\' "$top" | awk -v node="$1" \'$1 == node { print "seen" }\') in',
        '    seen) pass "kubectl top nodes: $1" ;;',
        '    *) fail "kubectl top nodes: expected $1, saw: $top" ;;',
        '  esac',
        '}',
      ],
    });
  }
  if (optionalAddons.localPathStorage) {
    checks.push({
      description: [`a PersistentVolumeClaim of the default StorageClass (${LOCAL_PATH_STORAGE_CLASS}) binds, then is deleted;`],
      run: 'check_storage',
      definition: [
        `# Storage: a claim naming no class, and a pod that uses it (the class binds on first use); both deleted after.`,
        'check_storage() {',
        `  applied=$(${kubectl} apply -f - 2>&1 <<'MANIFEST'`,
        ...claimManifest().trimEnd().split('\n'),
        'MANIFEST',
        '  ) || fail "kubectl apply of the test claim: $applied"',
        `  if waited=$(${kubectl} --namespace default wait --for=jsonpath='{.status.phase}'=Bound pvc/${VERIFY_CLAIM} --timeout=${WAIT_SECONDS}s 2>&1); then`,
        `    class=$(${kubectl} --namespace default get pvc ${VERIFY_CLAIM} -o 'jsonpath={.spec.storageClassName}' 2>&1)`,
        `    ${kubectl} --namespace default delete pod,pvc -l app=${VERIFY_CLAIM} --wait=false >/dev/null 2>&1`,
        `    [ "$class" = ${LOCAL_PATH_STORAGE_CLASS} ] || fail "claim ${VERIFY_CLAIM}: expected the default StorageClass ${LOCAL_PATH_STORAGE_CLASS}, saw \${class:-none}"`,
        `    pass "claim ${VERIFY_CLAIM}: Bound, StorageClass $class"`,
        '  else',
        `    ${kubectl} --namespace default delete pod,pvc -l app=${VERIFY_CLAIM} --wait=false >/dev/null 2>&1`,
        `    fail "claim ${VERIFY_CLAIM}: expected Bound within ${WAIT_SECONDS} s, saw: $waited"`,
        '  fi',
        '}',
      ],
    });
  }
  if (optionalAddons.ingress !== undefined) {
    const workers = workloadWorkers(facts);
    checks.push({
      description: [`an Ingress of the default IngressClass (${TRAEFIK_INGRESS_CLASS}) answers on port 80 of every worker that takes ordinary pods, then is deleted.`],
      run: 'check_ingress',
      definition: [
        '# Ingress: a web server behind an Ingress naming no class, asked with curl on each worker\'s address; deleted after.',
        'expect_ingress() { # ADDRESS',
        '  attempt=0',
        '  until answer=$(curl --fail --silent --show-error --max-time 5 "http://$1/hostname" 2>&1); do',
        '    attempt=$((attempt + 1))',
        `    if [ "$attempt" -ge ${ATTEMPTS} ]; then`,
        `      ${kubectl} --namespace default delete deployment,service,ingress -l app=${VERIFY_WEB} --wait=false >/dev/null 2>&1`,
        '      fail "ingress on http://$1/: expected an answer, saw: $answer"',
        '    fi',
        `    sleep ${INTERVAL_SECONDS}`,
        '  done',
        '  pass "ingress on http://$1/: answered by pod $answer"',
        '}',
        '',
        'check_ingress() {',
        `  applied=$(${kubectl} apply -f - 2>&1 <<'MANIFEST'`,
        ...ingressManifest().trimEnd().split('\n'),
        'MANIFEST',
        '  ) || fail "kubectl apply of the test Ingress: $applied"',
        `  rolled=$(${kubectl} --namespace default rollout status deployment/${VERIFY_WEB} --timeout=${WAIT_SECONDS}s 2>&1) ||`,
        `    fail "deployment ${VERIFY_WEB}: expected it available within ${WAIT_SECONDS} s, saw: $rolled"`,
        ...workers.map(node => call('expect_ingress', node.ip)),
        `  ${kubectl} --namespace default delete deployment,service,ingress -l app=${VERIFY_WEB} --wait=false >/dev/null 2>&1`,
        '}',
      ],
    });
  }
  return checks;
}

/** The runbook's lines about the optional add-ons switched on, after the checks of the cluster. */
export function addonRunbookLines(facts: FlatcarRunbookFacts): string[] {
  const { optionalAddons } = facts;
  const kubectl = 'kubectl --kubeconfig admin.kubeconfig';
  const lines: string[] = [];
  if (optionalAddons.metricsServer) {
    lines.push('', '`kubectl top` answers once metrics-server has scraped every kubelet, about a minute after it starts:', '', '```sh',
      `${kubectl} top nodes`, `${kubectl} top pods -A`, '```');
  }
  if (optionalAddons.localPathStorage) {
    lines.push('', `\`${LOCAL_PATH_STORAGE_CLASS}\` is the default StorageClass: a PersistentVolumeClaim that names no class binds as soon as a pod `
      + 'uses it, to a folder under `/opt/local-path-provisioner` on that pod\'s node (its data stays there). For example:', '', '```sh',
      `${kubectl} apply -f - <<'EOF'`, ...claimManifest().trimEnd().split('\n'), 'EOF',
      `${kubectl} get pvc ${VERIFY_CLAIM}   # STATUS Bound`, `${kubectl} delete pod,pvc -l app=${VERIFY_CLAIM}`, '```');
  }
  if (optionalAddons.ingress !== undefined) {
    const workers = workloadWorkers(facts);
    lines.push('', `\`${TRAEFIK_INGRESS_CLASS}\` is the default IngressClass: Traefik answers every Ingress on ports 80 and 443 (its self-signed `
      + `certificate until an Ingress names a TLS Secret) of ${listOf(workers.map(node => `${node.hostname} (${node.ip})`))}. For example:`, '', '```sh',
      `${kubectl} apply -f - <<'EOF'`, ...ingressManifest().trimEnd().split('\n'), 'EOF',
      ...(workers.length > 0 ? [`curl http://${workers[0].ip}/hostname   # the name of the pod that answered`] : []),
      `${kubectl} delete deployment,service,ingress -l app=${VERIFY_WEB}`, '```');
  }
  return lines;
}
