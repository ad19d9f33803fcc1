import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { EtcdPeerTier, KubeNodeTier, Testing, VagrantCluster } from '../../lib';
import { renderTree } from '../../lib/synth/synthesizer';
import { defaultCluster } from '../../examples/default';
import { seedFiles } from '../support/fixtures';
import { requireTool } from '../support/required-tool';

/**
 * Fake curl, fleetctl and kubectl: each prints the answer file its arguments
 * select from $FAKE_ANSWERS, and logs its arguments. An `<answer>.exit` file
 * makes it print the answer to stderr and exit with that status instead.
 */
const FAKES: Record<string, string> = {
  curl: `#!/bin/sh
printf 'curl %s\\n' "$*" >> "$FAKE_ANSWERS/calls.log"
for url; do :; done
case $url in
  */v2/members) answer=etcd-members ;;
  */healthz) answer=api-healthz ;;
  */health) answer=etcd-health ;;
  */version) answer=api-version ;;
  *) echo "curl: (6) Could not resolve host in $url" >&2; exit 6 ;;
esac
`,
  fleetctl: `#!/bin/sh
printf 'fleetctl %s\\n' "$*" >> "$FAKE_ANSWERS/calls.log"
case "$*" in
  *list-machines*) answer=fleet-machines ;;
  *list-units*) answer=fleet-units ;;
  *) echo "fleetctl: unexpected command $*" >&2; exit 1 ;;
esac
`,
  kubectl: `#!/bin/sh
printf 'kubectl %s\\n' "$*" >> "$FAKE_ANSWERS/calls.log"
case "$*" in
  *"get nodes"*) answer=kube-nodes ;;
  *"get pods"*) answer=kube-pods ;;
  *) echo "kubectl: unexpected command $*" >&2; exit 1 ;;
esac
`,
};
const ANSWER = `if [ -f "$FAKE_ANSWERS/$answer.exit" ]; then
  cat "$FAKE_ANSWERS/$answer" >&2
  exit "$(cat "$FAKE_ANSWERS/$answer.exit")"
fi
cat "$FAKE_ANSWERS/$answer"
`;

/** What a healthy seed cluster answers, in the formats of etcd 2, fleet 0.11 and Kubernetes 1.1. */
function healthySeedAnswers(): Record<string, string> {
  const member = (id: string, name: string, ip: string) =>
    `{"id":"${id}","name":"${name}","peerURLs":["http://${ip}:2380"],"clientURLs":["http://${ip}:2379"]}`;
  return {
    'etcd-health': '{"health": "true"}',
    'etcd-members': `{"members":[${member('8e9e05c52164694d', 'etcd-02', '10.10.10.12')},${member('91bc3c398fb3c146', 'etcd-01', '10.10.10.11')},${member('fd422379fda50e48', 'etcd-03', '10.10.10.13')}]}\n`,
    'fleet-machines': [
      '10.10.10.102\tcore=node,kube=minion', '10.10.10.103\tcore=node,kube=minion',
      '10.10.10.100\tcore=node,kube=master', '10.10.10.101\tcore=node,kube=minion', '',
    ].join('\n'),
    'fleet-units': [
      'kubelet-master.service\te80687b8b0a84b4da6a5ea0fd6ff7cfa/10.10.10.100\tactive',
      'kubelet-minion.service\t73b64ef0c9aa4b4e9a1bd5ccf0c2b1d2/10.10.10.102\tactive',
      'kubelet-minion.service\taac099ca8dd04ac4a44f3c0ffb9e5e6b/10.10.10.103\tactive',
      'kubelet-minion.service\tedfd9bff0e7b4c1fa0e6f2b5d1c8a3e4/10.10.10.101\tactive', '',
    ].join('\n'),
    'api-healthz': 'ok',
    'api-version': '{\n  "major": "1",\n  "minor": "1",\n  "gitVersion": "v1.1.7",\n  "gitCommit": "e4e6878293a339e4087dae684647c9e53f1cf9f0",\n  "gitTreeState": "clean"\n}\n',
    'kube-nodes': [
      '10.10.10.101   kubernetes.io/hostname=10.10.10.101   Ready     4m',
      '10.10.10.102   kubernetes.io/hostname=10.10.10.102   Ready     4m',
      '10.10.10.103   kubernetes.io/hostname=10.10.10.103   Ready     4m', '',
    ].join('\n'),
    'kube-pods': [
      'kube-master-node-01        3/3       Running   0          5m',
      'kube-minion-10.10.10.101   1/1       Running   0          1m',
      'kube-minion-10.10.10.102   1/1       Running   0          1m',
      'kube-minion-10.10.10.103   1/1       Running   0          1m', '',
    ].join('\n'),
  };
}

interface Run {
  readonly status: number | null;
  readonly lines: string[];
  readonly stderr: string;
  readonly calls: string[];
}

describe('verify.sh', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-verify-'));
    fs.mkdirSync(path.join(tmp, 'bin'));
    for (const [tool, script] of Object.entries(FAKES)) {
      fs.writeFileSync(path.join(tmp, 'bin', tool), script + ANSWER, { mode: 0o755 });
    }
  });
  after(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

  /** Runs a verify.sh with the fakes first on PATH and these answers. */
  function run(script: string, answers: Record<string, string>, exits: Record<string, number> = {}): Run {
    const dir = fs.mkdtempSync(path.join(tmp, 'answers-'));
    for (const [name, text] of Object.entries(answers)) { fs.writeFileSync(path.join(dir, name), text); }
    for (const [name, status] of Object.entries(exits)) { fs.writeFileSync(path.join(dir, `${name}.exit`), String(status)); }
    fs.writeFileSync(path.join(dir, 'verify.sh'), script, { mode: 0o755 });
    const result = spawnSync('sh', [path.join(dir, 'verify.sh')], {
      encoding: 'utf-8',
      env: { PATH: `${path.join(tmp, 'bin')}:${process.env.PATH}`, FAKE_ANSWERS: dir },
    });
    const calls = fs.existsSync(path.join(dir, 'calls.log')) ? fs.readFileSync(path.join(dir, 'calls.log'), 'utf-8').trim().split('\n') : [];
    return { status: result.status, lines: result.stdout.trim().split('\n'), stderr: result.stderr, calls };
  }

  /** Expects a run that passed `passes` checks, then failed with a line matching `failure`, and ran nothing after it. */
  function expectFailure(result: Run, passes: number, failure: string): void {
    expect(result.status, result.lines.join('\n')).to.equal(1);
    expect(result.lines.filter(line => line.startsWith('PASS '))).to.have.length(passes);
    expect(result.lines[result.lines.length - 1]).to.equal(`FAIL ${failure}`);
    expect(result.stderr).to.contain(`stopped at the first failure, after ${passes} passed checks`);
  }

  const script = seedFiles()['verify.sh'];
  const ALL_CHECKS = 2 + 8 + 2 + 3 + 4;

  it('is an executable POSIX sh script', () => {
    expect(script.split('\n')[0]).to.equal('#!/bin/sh');
    const files = renderTree(defaultCluster()).files;
    expect(files.find(file => file.path === 'verify.sh')!.mode).to.equal(0o755);
    expect(fs.statSync(path.join(__dirname, '..', '..', 'dist.out', 'verify.sh')).mode & 0o777).to.equal(0o755);
  });

  it('passes shellcheck as POSIX sh', function () {
    requireTool(this, 'shellcheck', 'apt-get install -y shellcheck');
    const file = path.join(tmp, 'verify-shellcheck.sh');
    fs.writeFileSync(file, script);
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', file], { encoding: 'utf-8' });
    expect(result.stdout + result.stderr).to.equal('');
    expect(result.status).to.equal(0);
  });

  it('passes shellcheck for another cluster too (other names, addresses and version)', function () {
    requireTool(this, 'shellcheck', 'apt-get install -y shellcheck');
    const cluster = new VagrantCluster({ prefix: '172.16.254', kubernetesVersion: '1.12.10' });
    new KubeNodeTier(cluster, 'k8s', { count: 5, etcd: new EtcdPeerTier(cluster, 'kv', { count: 5 }) });
    const file = path.join(tmp, 'verify-other.sh');
    fs.writeFileSync(file, Testing.render(cluster)['verify.sh']);
    const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', file], { encoding: 'utf-8' });
    expect(result.stdout + result.stderr).to.equal('');
  });

  it('reports PASS for every check of a healthy cluster, with what it saw, and exits 0', () => {
    const result = run(script, healthySeedAnswers());
    expect(result.status, result.lines.join('\n') + result.stderr).to.equal(0);
    expect(result.lines).to.deep.equal([
      'PASS etcd health via http://10.10.10.11:2379: {"health": "true"}',
      'PASS etcd members: etcd-01 etcd-02 etcd-03',
      'PASS fleet machine node-01 (10.10.10.100): core=node,kube=master',
      'PASS fleet machine node-02 (10.10.10.101): core=node,kube=minion',
      'PASS fleet machine node-03 (10.10.10.102): core=node,kube=minion',
      'PASS fleet machine node-04 (10.10.10.103): core=node,kube=minion',
      'PASS fleet unit kubelet-master.service on node-01 (10.10.10.100): active',
      'PASS fleet unit kubelet-minion.service on node-02 (10.10.10.101): active',
      'PASS fleet unit kubelet-minion.service on node-03 (10.10.10.102): active',
      'PASS fleet unit kubelet-minion.service on node-04 (10.10.10.103): active',
      'PASS apiserver http://10.10.10.100:8080/healthz: ok',
      'PASS apiserver version: v1.1.7',
      'PASS node 10.10.10.101 (node-02): Ready',
      'PASS node 10.10.10.102 (node-03): Ready',
      'PASS node 10.10.10.103 (node-04): Ready',
      'PASS pod kube-master-node-01 on node-01: 3/3 Running',
      'PASS pod kube-minion-10.10.10.101 on node-02: 1/1 Running',
      'PASS pod kube-minion-10.10.10.102 on node-03: 1/1 Running',
      'PASS pod kube-minion-10.10.10.103 on node-04: 1/1 Running',
      `verify.sh: all ${ALL_CHECKS} checks passed`,
    ]);
  });

  it('asks etcd through the first peer and the API server on the master', () => {
    const { calls } = run(script, healthySeedAnswers());
    expect(calls).to.deep.equal([
      'curl --silent --show-error --max-time 10 http://10.10.10.11:2379/health',
      'curl --silent --show-error --max-time 10 http://10.10.10.11:2379/v2/members',
      'fleetctl --endpoint http://10.10.10.11:2379 list-machines --no-legend --full --fields=ip,metadata',
      'fleetctl --endpoint http://10.10.10.11:2379 list-units --no-legend --full --fields=unit,machine,active',
      'curl --silent --show-error --max-time 10 http://10.10.10.100:8080/healthz',
      'curl --silent --show-error --max-time 10 http://10.10.10.100:8080/version',
      'kubectl --server http://10.10.10.100:8080 get nodes --no-headers',
      'kubectl --server http://10.10.10.100:8080 --namespace default get pods --no-headers',
    ]);
  });

  it('accepts the column layout of a newer kubectl (STATUS second, ROLES, VERSION)', () => {
    const answers = healthySeedAnswers();
    answers['kube-nodes'] = ['10.10.10.101   Ready    <none>   4m   v1.1.7', '10.10.10.102   Ready    <none>   4m   v1.1.7',
      '10.10.10.103   Ready    <none>   4m   v1.1.7', ''].join('\n');
    answers['kube-pods'] = ['kube-master-node-01        3/3     Running   1 (2m ago)   5m', 'kube-minion-10.10.10.101   1/1     Running   0            1m',
      'kube-minion-10.10.10.102   1/1     Running   0            1m', 'kube-minion-10.10.10.103   1/1     Running   0            1m', ''].join('\n');
    const result = run(script, answers);
    expect(result.status, result.lines.join('\n')).to.equal(0);
  });

  it('fails when etcd cannot be reached, with curl\'s message, and checks nothing else', () => {
    const answers = { ...healthySeedAnswers(), 'etcd-health': 'curl: (7) Failed to connect to 10.10.10.11 port 2379: Connection refused' };
    const result = run(script, answers, { 'etcd-health': 7 });
    expectFailure(result, 0, 'etcd health via http://10.10.10.11:2379: curl: (7) Failed to connect to 10.10.10.11 port 2379: Connection refused');
    expect(result.calls).to.have.length(1);
  });

  it('fails when etcd reports itself unhealthy', () => {
    const result = run(script, { ...healthySeedAnswers(), 'etcd-health': '{"health": "false"}' });
    expectFailure(result, 0, 'etcd health via http://10.10.10.11:2379: expected {"health": "true"}, saw: {"health": "false"}');
  });

  it('fails when a peer is missing from the member list or has not started', () => {
    const missing = healthySeedAnswers();
    missing['etcd-members'] = missing['etcd-members'].replace(/,\{"id":"fd42[^}]*\}/, '');
    expectFailure(run(script, missing), 1, 'etcd members: expected etcd-01 etcd-02 etcd-03, saw etcd-01 etcd-02');
    const unstarted = healthySeedAnswers();
    unstarted['etcd-members'] = unstarted['etcd-members'].replace('"name":"etcd-03"', '"name":""');
    expectFailure(run(script, unstarted), 1, 'etcd members: expected etcd-01 etcd-02 etcd-03, saw  etcd-01 etcd-02');
  });

  it('fails when fleet has a node with the wrong metadata, or misses one', () => {
    const wrong = healthySeedAnswers();
    wrong['fleet-machines'] = wrong['fleet-machines'].replace('10.10.10.102\tcore=node,kube=minion', '10.10.10.102\tcore=node,kube=master');
    expectFailure(run(script, wrong), 4, 'fleet machine node-03 (10.10.10.102): expected core=node,kube=minion, saw core=node,kube=master');
    const missing = healthySeedAnswers();
    missing['fleet-machines'] = missing['fleet-machines'].replace('10.10.10.100\tcore=node,kube=master\n', '');
    expectFailure(run(script, missing), 2, 'fleet machine node-01 (10.10.10.100): expected core=node,kube=master, saw no machine with that address');
  });

  it('fails when a kubelet unit is not active where it belongs', () => {
    const answers = healthySeedAnswers();
    answers['fleet-units'] = answers['fleet-units'].replace('/10.10.10.103\tactive', '/10.10.10.103\tfailed');
    expectFailure(run(script, answers), 9, 'fleet unit kubelet-minion.service on node-04 (10.10.10.103): expected active, saw failed');
    const unstarted = { ...healthySeedAnswers(), 'fleet-units': '' };
    expectFailure(run(script, unstarted), 6, 'fleet unit kubelet-master.service on node-01 (10.10.10.100): expected active, saw not scheduled there');
  });

  it('fails when the API server is unhealthy or runs another version', () => {
    expectFailure(run(script, { ...healthySeedAnswers(), 'api-healthz': '[-]etcd failed' }), 10,
      'apiserver http://10.10.10.100:8080/healthz: expected ok, saw: [-]etcd failed');
    const other = healthySeedAnswers();
    other['api-version'] = other['api-version'].replace('v1.1.7', 'v1.2.0');
    expectFailure(run(script, other), 11, 'apiserver version: expected v1.1.7, saw v1.2.0');
  });

  it('fails when a minion is NotReady or has not registered', () => {
    const notReady = healthySeedAnswers();
    notReady['kube-nodes'] = notReady['kube-nodes'].replace('10.10.10.103   Ready', '10.10.10.103   NotReady');
    expectFailure(run(script, notReady), 14, 'node 10.10.10.103 (node-04): expected Ready, saw NotReady');
    const missing = healthySeedAnswers();
    missing['kube-nodes'] = missing['kube-nodes'].split('\n').slice(1).join('\n');
    expectFailure(run(script, missing), 12, 'node 10.10.10.101 (node-02): expected Ready, saw not registered');
  });

  it('fails when kubectl cannot reach the API server', () => {
    const result = run(script, { ...healthySeedAnswers(), 'kube-nodes': 'The connection to the server 10.10.10.100:8080 was refused' }, { 'kube-nodes': 1 });
    expectFailure(result, 12, 'kubectl get nodes: The connection to the server 10.10.10.100:8080 was refused');
  });

  it('fails when a static pod has fewer ready containers than it should, or is crashing', () => {
    const partial = healthySeedAnswers();
    partial['kube-pods'] = partial['kube-pods'].replace('kube-master-node-01        3/3       Running', 'kube-master-node-01        2/3       Running');
    expectFailure(run(script, partial), 15, 'pod kube-master-node-01 on node-01: expected 3/3 Running, saw 2/3 Running');
    const crashing = healthySeedAnswers();
    crashing['kube-pods'] = crashing['kube-pods'].replace('kube-minion-10.10.10.102   1/1       Running', 'kube-minion-10.10.10.102   0/1       CrashLoopBackOff');
    expectFailure(run(script, crashing), 17, 'pod kube-minion-10.10.10.102 on node-03: expected 1/1 Running, saw 0/1 CrashLoopBackOff');
  });

  it('from 1.5 on expects the master as a node too (Ready, even when unschedulable)', () => {
    const cluster = new VagrantCluster({ prefix: '10.10.10', ipRange: '10.11.0.0/16', serviceIpRange: '10.12.0.0/16', kubernetesVersion: '1.5.8' });
    new KubeNodeTier(cluster, 'node', { count: 4, etcd: new EtcdPeerTier(cluster, 'etcd', { count: 3 }) });
    const script15 = Testing.render(cluster)['verify.sh'];
    const answers = healthySeedAnswers();
    answers['api-version'] = answers['api-version'].replace('v1.1.7', 'v1.5.8');
    expectFailure(run(script15, answers), 15, 'node node-01 (node-01): expected Ready, saw not registered');
    answers['kube-nodes'] += 'node-01        kubernetes.io/hostname=node-01        Ready,SchedulingDisabled   5m\n';
    const result = run(script15, answers);
    expect(result.status, result.lines.join('\n')).to.equal(0);
    expect(result.lines).to.include('PASS node node-01 (node-01): Ready,SchedulingDisabled');
  });
});
