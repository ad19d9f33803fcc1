// What the runbook and verify.sh of examples/flatcar-full.ts say and check of the optional add-ons,
// verify.sh run against a fake kubectl and a fake curl: `kubectl top nodes` answers for every node,
// a claim of the default StorageClass binds, an Ingress answers on every worker's address.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { flatcarFullCluster } from '../../../examples/flatcar-full';
import { Testing } from '../../../lib';
import { FakeKubectlAnswers, flatcarPkiCopy, flatcarTree, runVerifyWithFakeKubectl } from '../../support/flatcar';

const NODES = ['node-01', 'node-02', 'node-03', 'node-04'];
const WORKERS = ['node-02', 'node-03', 'node-04'];
const STATIC_PODS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];
const POD = (name: string, ready = '1/1', status = 'Running') => `${name}   ${ready}   ${status}   0   5m\n`;

/** What the healthy cluster of examples/flatcar-full.ts answers. */
function healthy(): FakeKubectlAnswers {
  return {
    nodes: NODES.map(vm => `${vm}   Ready   ${vm === 'node-01' ? 'control-plane' : '<none>'}   5m   v1.35.1\n`).join(''),
    pods: [
      ...STATIC_PODS.map(name => POD(`${name}-node-01`)),
      ...NODES.map((_, i) => POD(`kube-flannel-ds-f${i}`)), ...NODES.map((_, i) => POD(`kube-proxy-p${i}`)),
      POD('coredns-66-aa'), POD('coredns-66-bb'), POD('metrics-server-5d-xy'), ...WORKERS.map((_, i) => POD(`traefik-t${i}`)),
    ].join(''),
    labels: Object.fromEntries(NODES.map(vm => [vm, [`kubernetes.io/hostname=${vm}`, ...(vm === 'node-01' ? ['node-role.kubernetes.io/control-plane='] : [])].join(',')])),
    taints: Object.fromEntries(NODES.map(vm => [vm, vm === 'node-01' ? 'node-role.kubernetes.io/control-plane=:NoSchedule,' : ''])),
    top: NODES.map(vm => `${vm}   120m   6%   900Mi   48%\n`).join(''),
    claimBound: true,
    curl: 'verify-ingress-6f-ab',
  };
}

describe('the optional add-ons in the runbook and verify.sh of examples/flatcar-full.ts', () => {
  let pkiDir: string;
  let files: Record<string, string>;

  before(() => {
    pkiDir = flatcarPkiCopy();
    files = Testing.render(flatcarFullCluster(path.join(pkiDir, '..', 'never-written'), pkiDir));
  });
  after(() => fs.rmSync(pkiDir, { recursive: true, force: true }));

  it('passes every check of the healthy cluster, the add-ons\' included, asking curl on the workers\' addresses only', () => {
    const result = runVerifyWithFakeKubectl(files['verify.sh'], healthy());
    expect(result.status, result.lines.join('\n')).to.equal(0);
    expect(result.lines).to.include.members([
      'PASS pods metrics-server-*: 1 ready and Running', 'PASS pods traefik-*: 3 ready and Running',
      ...NODES.map(vm => `PASS kubectl top nodes: ${vm}`),
      'PASS claim verify-local-path: Bound, StorageClass local-path',
      ...WORKERS.map((_, i) => `PASS ingress on http://192.168.56.${22 + i}/: answered by pod verify-ingress-6f-ab`),
    ]);
    expect(result.calls.filter(call => call.startsWith('curl '))).to.deep.equal(
      WORKERS.map((_, i) => `curl --fail --silent --show-error --max-time 5 http://192.168.56.${22 + i}/hostname`));
    // What it made, it deletes.
    expect(result.calls.filter(call => call.includes(' delete ')).map(call => call.replace(/^--kubeconfig \S+ /, ''))).to.deep.equal([
      '--namespace default delete pod,pvc -l app=verify-local-path --wait=false',
      '--namespace default delete deployment,service,ingress -l app=verify-ingress --wait=false',
    ]);
  });

  it('fails when the claim does not bind, and deletes it', () => {
    const result = runVerifyWithFakeKubectl(files['verify.sh'], { ...healthy(), claimBound: false });
    expect(result.status).to.equal(1);
    expect(result.lines[result.lines.length - 1]).to.equal(
      'FAIL claim verify-local-path: expected Bound within 300 s, saw: timed out waiting for the condition');
    expect(result.calls.some(call => call.endsWith('delete pod,pvc -l app=verify-local-path --wait=false'))).to.equal(true);
  });

  it('fails when metrics-server is not running', () => {
    const answers = healthy();
    const result = runVerifyWithFakeKubectl(files['verify.sh'], { ...answers, pods: answers.pods.replace(POD('metrics-server-5d-xy'), POD('metrics-server-5d-xy', '0/1')) });
    expect(result.status).to.equal(1);
    expect(result.lines[result.lines.length - 1]).to.equal('FAIL pods metrics-server-*: expected 1 ready and Running, saw 0');
  });

  it('tells how to use each add-on in the runbook: kubectl top, a claim of the default class, curl on a worker', () => {
    const readme = files['README.md'];
    expect(readme).to.contain('kubectl --kubeconfig admin.kubeconfig top nodes\n');
    expect(readme).to.contain('`local-path` is the default StorageClass');
    expect(readme).to.contain('kind: PersistentVolumeClaim\n');
    expect(readme).to.contain('`traefik` is the default IngressClass');
    expect(readme).to.contain('curl http://192.168.56.22/hostname');
    expect(readme).to.contain('metrics-server-…');
  });

  it('has no add-on check or runbook line for a cluster without them (examples/flatcar.ts)', () => {
    const plain = Testing.render(flatcarTree());
    for (const word of ['check_metrics', 'check_storage', 'check_ingress', 'curl']) { expect(plain['verify.sh'], word).not.to.contain(word); }
    expect(plain['README.md']).not.to.contain('top nodes');
  });
});
