// The Flatcar profile's README.md, topology.txt and topology.svg: every name,
// address and count from the tree, for a cluster unlike examples/flatcar.ts.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, Testing, VagrantCluster } from '../../../lib';
import { FLATCAR_DEFAULT_VERSION } from '../../../lib/profiles/flatcar/releases';
import { flatcarPkiCopy, tempFolder } from '../../support/flatcar';
import { requireTool } from '../../support/required-tool';

/** 1 etcd member `kv-01` and 3 nodes `worker-01..03` on 10.9.8.0/24 (outside VirtualBox's default range). */
function otherFlatcar(pkiDir: string, prefix = '10.9.8'): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir: path.join(pkiDir, '..', 'never-written'),
    // The PKI of examples/flatcar.ts, re-issued for these names and addresses.
    profile: ClusterProfile.flatcar({ pkiDir, regeneratePki: true }),
    prefix,
    ipRange: '10.50.0.0/16',
    serviceIpRange: '10.60.0.0/24',
  });
  const etcd = new EtcdPeerTier(cluster, 'kv', { count: 1, cpus: 1, memoryMb: 768, firstIp: 5 });
  new KubeNodeTier(cluster, 'worker', { count: 3, cpus: 3, memoryMb: 3072, firstIp: 40, etcd });
  return cluster;
}

const lines = (text: string) => text.replace(/\n$/, '').split('\n');

describe('Flatcar runbook files', () => {
  let pkiDir: string;
  let files: Record<string, string>;

  before(() => {
    pkiDir = flatcarPkiCopy();
    files = Testing.render(otherFlatcar(pkiDir));
  });

  after(() => fs.rmSync(pkiDir, { recursive: true, force: true }));

  describe('README.md', () => {
    it('lists every VM with its address and role, and the networks', () => {
      const readme = files['README.md'];
      expect(readme).to.contain('| `kv-01` | 10.9.8.5 | etcd member | 1 | 768 MiB |');
      expect(readme).to.contain('| `worker-01` | 10.9.8.40 | control plane | 3 | 3072 MiB |');
      expect(readme).to.contain('| `worker-03` | 10.9.8.42 | worker | 3 | 3072 MiB |');
      expect(readme).to.contain('host-only 10.9.8.0/24 on eth1, pods 10.50.0.0/16 (flannel vxlan), services 10.60.0.0/24');
      expect(readme).to.contain('API server: https://10.9.8.40:6443 on worker-01');
      expect(readme).to.contain('room for 4 VMs: 10 CPUs and 9984 MiB');
      expect(readme).to.not.contain('node-0');
      expect(readme).to.not.contain('fleet');
    });

    it('gives the steps: prerequisites, networks.conf outside 192.168.56.0/21, vagrant up, apply-addons, kubectl, destroy', () => {
      const readme = files['README.md'];
      expect(readme).to.contain('- Vagrant >= 2.2.5');
      expect(readme).to.contain('VirtualBox');
      expect(readme).to.contain('```\n* 10.9.8.0/24\n```');
      expect(readme).to.contain('vagrant up --provider virtualbox');
      expect(readme).to.contain("vagrant ssh worker-01 -c 'journalctl -u apply-addons -f'");
      expect(readme).to.contain('vagrant destroy --force');
    });

    it('needs no networks.conf line inside 192.168.56.0/21, as the classic runbook says it (one runbook for both profiles)', () => {
      const readme = Testing.render(otherFlatcar(pkiDir, '192.168.57'))['README.md'];
      expect(readme).to.contain('This cluster uses 192.168.57.0/24, inside that default range: nothing to do');
      expect(readme).to.not.contain('put this line into');
      expect(readme).to.contain('Nothing else on the host was changed for this cluster.');
      expect(readme).to.contain('| `kv-01` | 192.168.57.5 | etcd member | 1 | 768 MiB |');
    });

    it('expects every node Ready, the first one tainted as the control plane', () => {
      const readme = lines(files['README.md']);
      const start = readme.indexOf('$ kubectl --kubeconfig admin.kubeconfig get nodes');
      expect(readme.slice(start + 1, start + 6)).to.deep.equal([
        'NAME        STATUS', 'worker-01   Ready', 'worker-02   Ready', 'worker-03   Ready', '```',
      ]);
      expect(files['README.md']).to.contain(
        'worker-01 is the control plane: it is tainted `node-role.kubernetes.io/control-plane:NoSchedule` and labelled '
        + '`node-role.kubernetes.io/control-plane=`, so ordinary workloads go to worker-02 and worker-03.');
    });

    it('expects the static pods of the control plane, flannel and kube-proxy per node and 2 coredns pods in kube-system', () => {
      const readme = lines(files['README.md']);
      const start = readme.indexOf('$ kubectl --kubeconfig admin.kubeconfig get pods -n kube-system');
      const end = readme.indexOf('```', start);
      const names = readme.slice(start + 2, end).map(line => line.split(/ +/)[0]);
      const howMany = (name: string) => names.filter(n => n === name).length;
      expect(names.filter(n => !n.endsWith('…'))).to.deep.equal(
        ['kube-apiserver-worker-01', 'kube-controller-manager-worker-01', 'kube-scheduler-worker-01']);
      expect([howMany('coredns-…'), howMany('kube-flannel-ds-…'), howMany('kube-proxy-…')]).to.deep.equal([2, 3, 3]);
      expect(readme.slice(start + 2, end).every(line => line.endsWith(' Running'))).to.equal(true);
    });
  });

  describe('topology.txt', () => {
    it('draws every VM once by name and address, with what runs on it', () => {
      const text = files['topology.txt'];
      expect(lines(text)[0]).to.equal(`Kubernetes ${FLATCAR_DEFAULT_VERSION} on Vagrant (flatcar profile): 4 VMs, 1 etcd member, 1 control plane, 2 workers`);
      for (const [name, ip] of [['kv-01', '10.9.8.5'], ['worker-01', '10.9.8.40'], ['worker-02', '10.9.8.41'], ['worker-03', '10.9.8.42']]) {
        expect(text.match(new RegExp(`│ ${name} `, 'g')), name).to.have.length(1);
        expect(text.match(new RegExp(`${ip.replace(/\./g, '\\.')}│`, 'g')), ip).to.have.length(1);
      }
      expect(text).to.contain('host-only network 10.9.8.0/24');
      expect(text).to.contain('API server https://10.9.8.40:6443, etcd https://10.9.8.5:2379');
      for (const layer of ['etcd member', '(TLS)', 'static pods', 'apiserver', 'scheduler', 'kubelet', 'flannel', 'kube-proxy']) {
        expect(text, layer).to.contain(layer);
      }
      expect(text.match(/│ kube-proxy +│/g)).to.have.length(3);
    });

    it('keeps every line within 120 characters', () => {
      const long = lines(files['topology.txt']).filter(line => [...line].length > 120);
      expect(long, long.join('\n')).to.deep.equal([]);
    });
  });

  describe('topology.svg', () => {
    it('is well-formed XML with one group per VM, labelled with its name and address', () => {
      const svg = files['topology.svg'];
      const validation = XMLValidator.validate(svg);
      expect(validation, JSON.stringify(validation)).to.equal(true);
      const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: name => name === 'g' });
      const root = parser.parse(svg).svg;
      expect(root['@xmlns']).to.equal('http://www.w3.org/2000/svg');
      const vms = (root.g as any[]).filter(g => g['@class'] === 'tier')
        .flatMap(tier => (tier.g as any[]).filter(g => g['@class'] === 'vm').map(vm => [tier['@data-tier'], vm['@data-name'], vm['@data-ip']]));
      expect(vms).to.deep.equal([
        ['kv', 'kv-01', '10.9.8.5'], ['worker', 'worker-01', '10.9.8.40'], ['worker', 'worker-02', '10.9.8.41'], ['worker', 'worker-03', '10.9.8.42'],
      ]);
    });
  });

  describe('verify.sh', () => {
    const NODES = 'worker-01   Ready   control-plane   5m   v1\nworker-02   Ready   <none>   5m   v1\nworker-03   Ready   <none>   5m   v1\n';
    const POD = (name: string, ready = '1/1', status = 'Running') => `${name}   ${ready}   ${status}   0   5m\n`;
    const PODS = ['kube-apiserver-worker-01', 'kube-controller-manager-worker-01', 'kube-scheduler-worker-01',
      'kube-flannel-ds-a1', 'kube-flannel-ds-b2', 'kube-flannel-ds-c3', 'kube-proxy-x1', 'kube-proxy-y2', 'kube-proxy-z3',
      'coredns-66-aa', 'coredns-66-bb'].map(name => POD(name)).join('');

    /** What `kubectl get node NAME --show-labels` and the taints jsonpath print, by node. */
    const LABELS: Record<string, string> = {
      'worker-01': 'beta.kubernetes.io/arch=amd64,kubernetes.io/hostname=worker-01,node-role.kubernetes.io/control-plane=',
      'worker-02': 'beta.kubernetes.io/arch=amd64,kubernetes.io/hostname=worker-02',
      'worker-03': 'beta.kubernetes.io/arch=amd64,kubernetes.io/hostname=worker-03',
    };
    const TAINTS: Record<string, string> = { 'worker-01': 'node-role.kubernetes.io/control-plane=:NoSchedule,', 'worker-02': '', 'worker-03': '' };

    /** Runs verify.sh from another folder, with a kubectl that prints `nodes`, `pods`, a node's labels or taints, and logs its arguments. */
    function run(nodes: string, pods: string, labels = LABELS, taints = TAINTS) {
      const dir = tempFolder('flatcar-verify');
      try {
        fs.mkdirSync(path.join(dir, 'out'));
        fs.mkdirSync(path.join(dir, 'bin'));
        fs.writeFileSync(path.join(dir, 'out', 'verify.sh'), files['verify.sh']);
        fs.writeFileSync(path.join(dir, 'nodes'), nodes);
        fs.writeFileSync(path.join(dir, 'pods'), pods);
        for (const [node, text] of Object.entries(labels)) {
          fs.writeFileSync(path.join(dir, `labels-${node}`), `${node}   Ready   <none>   5m   v1.35.1   ${text}\n`);
        }
        for (const [node, text] of Object.entries(taints)) { fs.writeFileSync(path.join(dir, `taints-${node}`), text); }
        fs.writeFileSync(path.join(dir, 'bin', 'kubectl'), `#!/bin/sh\necho "$*" >> ${dir}/calls\n`
          + `case "$*" in *'get nodes'*) cat ${dir}/nodes ;; *'get pods'*) cat ${dir}/pods ;;\n`
          + `  *'get node '*'--show-labels'*) cat ${dir}/labels-$5 ;; *'get node '*'jsonpath='*) cat ${dir}/taints-$5 ;; *) exit 1 ;; esac\n`, { mode: 0o755 });
        const result = spawnSync('sh', [path.join(dir, 'out', 'verify.sh')], {
          cwd: os.tmpdir(), encoding: 'utf-8', env: { ...process.env, PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin` },
        });
        const calls = fs.readFileSync(path.join(dir, 'calls'), 'utf-8').trim().split('\n');
        return { status: result.status, lines: result.stdout.trim().split('\n'), calls, dir };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    it('passes shellcheck as POSIX sh', function () {
      requireTool(this, 'shellcheck', 'apt-get install -y shellcheck');
      const dir = tempFolder('flatcar-shellcheck');
      try {
        fs.writeFileSync(path.join(dir, 'verify.sh'), files['verify.sh']);
        const result = spawnSync('shellcheck', ['--shell=sh', '--severity=style', path.join(dir, 'verify.sh')], { encoding: 'utf-8' });
        expect(result.stdout + result.stderr).to.equal('');
        expect(result.status).to.equal(0);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('passes when every node is Ready and the kube-system pods run, using admin.kubeconfig beside it', () => {
      const result = run(NODES, PODS);
      expect(result.lines, result.lines.join('\n')).to.deep.equal([
        'PASS node worker-01: Ready', 'PASS node worker-02: Ready', 'PASS node worker-03: Ready',
        'PASS node worker-01: label node-role.kubernetes.io/control-plane=', 'PASS node worker-01: taint node-role.kubernetes.io/control-plane=:NoSchedule',
        'PASS pod kube-apiserver-worker-01: 1/1 Running', 'PASS pod kube-controller-manager-worker-01: 1/1 Running',
        'PASS pod kube-scheduler-worker-01: 1/1 Running',
        'PASS pods kube-flannel-ds-*: 3 ready and Running', 'PASS pods kube-proxy-*: 3 ready and Running',
        'PASS pods coredns-*: 2 ready and Running', 'verify.sh: all 11 checks passed',
      ]);
      expect(result.status).to.equal(0);
      expect(result.calls.every(call => call.startsWith(`--kubeconfig ${result.dir}/out/admin.kubeconfig `))).to.equal(true);
      expect(result.calls[result.calls.length - 1]).to.contain('--namespace kube-system get pods');
    });

    it('fails at a NotReady node, a missing label or taint, a missing static pod, an unready pod or a short daemonset', () => {
      const notReady = run(NODES.replace('worker-02   Ready', 'worker-02   NotReady'), PODS);
      expect(notReady.status).to.equal(1);
      expect(notReady.lines[notReady.lines.length - 1]).to.equal('FAIL node worker-02: expected Ready, saw NotReady');
      const noScheduler = run(NODES, PODS.replace(POD('kube-scheduler-worker-01'), ''));
      expect(noScheduler.lines[noScheduler.lines.length - 1]).to.equal('FAIL pod kube-scheduler-worker-01: expected Running, saw no such pod');
      const unready = run(NODES, PODS.replace(POD('kube-apiserver-worker-01'), POD('kube-apiserver-worker-01', '0/1')));
      expect(unready.lines[unready.lines.length - 1]).to.equal('FAIL pod kube-apiserver-worker-01: expected every container ready, saw 0/1 Running');
      const unlabelled = run(NODES, PODS, { ...LABELS, 'worker-01': 'kubernetes.io/hostname=worker-01' });
      expect(unlabelled.lines[unlabelled.lines.length - 1]).to.equal(
        'FAIL node worker-01: expected the label node-role.kubernetes.io/control-plane=, saw kubernetes.io/hostname=worker-01');
      const untainted = run(NODES, PODS, LABELS, { ...TAINTS, 'worker-01': '' });
      expect(untainted.lines[untainted.lines.length - 1]).to.equal(
        'FAIL node worker-01: expected the taint node-role.kubernetes.io/control-plane=:NoSchedule, saw none');
      const short = run(NODES, PODS.replace(POD('kube-proxy-y2'), POD('kube-proxy-y2', '1/1', 'CrashLoopBackOff')));
      expect(short.status).to.equal(1);
      expect(short.lines[short.lines.length - 1]).to.equal('FAIL pods kube-proxy-*: expected 3 ready and Running, saw 2');
    });
  });
});
