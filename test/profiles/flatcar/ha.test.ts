// examples/flatcar-ha.ts, file by file: 3 control planes behind the virtual IP
// 192.168.56.20 that kube-vip moves between them, a worker pool and a labelled,
// tainted pool `big`. Synthesized into a temp folder on a copy of a PKI; the API
// server certificate is checked by the real `openssl verify`, the node labelling
// of apply-addons is run under /bin/sh against a stub kubectl, and verify.sh
// against a fake kubectl that answers as the healthy cluster would.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { parseAllDocuments } from 'yaml';
import { flatcarHaCluster } from '../../../examples/flatcar-ha';
import { CloudConfig, NodeRole, StaticPod, VagrantCluster } from '../../../lib';
import { SynthesizedCluster, cloudConfigs, synthesizeInto } from '../../integration/support/synthesized';
import { RunResult, output, requireTools, run, writeScript } from '../../integration/support/tools';
import { problemsOf, yaml11 } from '../../support/fixtures';
import {
  FakeKubectlAnswers, flatcarHaPkiCopy, flatcarHaTree, flatcarHaVariant, kubeconfigParts, materialize, runVerifyWithFakeKubectl, tempFolder, writeFilesOf,
} from '../../support/flatcar';

const ENDPOINT = '192.168.56.20';
const ETCD = ['etcd-01', 'etcd-02', 'etcd-03'];
const CONTROL_PLANES = ['cp-01', 'cp-02', 'cp-03'];
const WORKERS = ['worker-01', 'worker-02'];
const BIG = ['big-01'];
const NODES = [...CONTROL_PLANES, ...WORKERS, ...BIG];
const ADDRESSES: Record<string, string> = {
  'etcd-01': '192.168.56.11', 'etcd-02': '192.168.56.12', 'etcd-03': '192.168.56.13',
  'cp-01': '192.168.56.21', 'cp-02': '192.168.56.22', 'cp-03': '192.168.56.23',
  'worker-01': '192.168.56.31', 'worker-02': '192.168.56.32', 'big-01': '192.168.56.41',
};
const STATIC_PODS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-vip'];
const CONTROL_PLANE_TAINT = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

/** A container's `--flag=value` arguments as `{ flag: value }`. */
function flagsOf(command: string[]): Record<string, string> {
  return Object.fromEntries(command.slice(1).map(arg => {
    const match = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    expect(match, `${arg} is --flag=value`).to.not.equal(null);
    return [match![1], match![2]];
  }));
}

/** The flags of kubelet.service's ExecStart, as `{ flag: value }`. */
function kubeletFlags(unit: string): Record<string, string> {
  const start = /^ExecStart=(.*)$/m.exec(unit.replace(/ \\\n\s*/g, ' '));
  expect(start, unit).to.not.equal(null);
  return flagsOf(start![1].split(' '));
}

/** The lines of `node_labels="..."` in apply-addons: a node name, then its labels. */
function labelLines(script: string): string[] {
  const match = /\nnode_labels="([^"]*)"\n/.exec(script);
  expect(match, 'apply-addons has a node_labels list').to.not.equal(null);
  return match![1].split('\n');
}

describe('Flatcar HA example (examples/flatcar-ha.ts)', function () {
  let work: string;
  let pkiDir: string;
  let synthesized: SynthesizedCluster;
  let files: Record<string, string>;
  /** The write_files of each VM's cloud-config, by guest path. */
  const written: Record<string, ReturnType<typeof writeFilesOf>> = {};
  let kubernetesCa: crypto.X509Certificate;

  before(function () {
    work = tempFolder('flatcar-ha');
    pkiDir = flatcarHaPkiCopy();
    synthesized = synthesizeInto(path.join(work, 'out'), outdir => flatcarHaCluster(outdir, pkiDir));
    files = synthesized.files;
    for (const vm of [...ETCD, ...NODES]) { written[vm] = writeFilesOf(files[`cloud-config/${vm}.yaml`]); }
    kubernetesCa = new crypto.X509Certificate(fs.readFileSync(path.join(pkiDir, 'kubernetes-ca.crt')));
  });

  after(() => {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(pkiDir, { recursive: true, force: true });
  });

  it('has the VMs of the example: 3 etcd members, cp-01..03, worker-01..02 and big-01, each with its own cloud-config', () => {
    expect(synthesized.cluster.machines.map(m => [m.hostname, m.ip, m.pool, m.role ?? 'etcd'])).to.deep.equal([
      ...ETCD.map(vm => [vm, ADDRESSES[vm], 'etcd', 'etcd']),
      ...CONTROL_PLANES.map(vm => [vm, ADDRESSES[vm], 'cp', NodeRole.CONTROL_PLANE]),
      ...WORKERS.map(vm => [vm, ADDRESSES[vm], 'worker', NodeRole.WORKER]),
      ...BIG.map(vm => [vm, ADDRESSES[vm], 'big', NodeRole.WORKER]),
    ]);
    expect(Object.keys(files).filter(file => file.startsWith('cloud-config/')).sort())
      .to.deep.equal([...ETCD, ...NODES].map(vm => `cloud-config/${vm}.yaml`).sort());
    expect(synthesized.cluster.controlPlaneEndpoint).to.equal(ENDPOINT);
    expect(Object.values(ADDRESSES)).to.not.include(ENDPOINT);
  });

  it('writes the key-bearing files (the cloud-configs, admin.kubeconfig, the SSH key) with mode 0600 and keeps every private key out of the other files', () => {
    for (const file of Object.keys(files)) {
      const mode = fs.statSync(path.join(synthesized.outdir, file)).mode & 0o777;
      const secret = file.startsWith('cloud-config/') || file === 'admin.kubeconfig' || file === 'cluster-ssh.key';
      expect(mode, file).to.equal(secret ? 0o600 : file === 'verify.sh' ? 0o755 : 0o644);
      expect(/PRIVATE KEY|client-key-data/.test(files[file]), file).to.equal(secret);
    }
    // kube-vip's key is on the control planes only, embedded in their kube-vip.conf.
    const kubeVipKey = Buffer.from(fs.readFileSync(path.join(pkiDir, 'kube-vip.key'))).toString('base64');
    expect(Object.keys(files).filter(file => files[file].includes(kubeVipKey))).to.deep.equal(CONTROL_PLANES.map(cp => `cloud-config/${cp}.yaml`));
  });

  describe('static pods', () => {
    const pod = (cp: string, name: string) => yaml11(files[`pods/${cp}/${name}.yaml`]);

    it('gives each control plane pods/<cp>/ with exactly the API server, controller-manager, scheduler and kube-vip; workers and members get none', () => {
      const pods = Object.keys(files).filter(file => file.startsWith('pods/'));
      expect(pods).to.deep.equal(CONTROL_PLANES.flatMap(cp => STATIC_PODS.map(name => `pods/${cp}/${name}.yaml`)));
      for (const cp of CONTROL_PLANES) {
        for (const name of STATIC_PODS) {
          expect([pod(cp, name).metadata.name, pod(cp, name).metadata.namespace], `${cp} ${name}`).to.deep.equal([name, 'kube-system']);
          expect(pod(cp, name).spec.hostNetwork, `${cp} ${name}`).to.equal(true);
        }
      }
    });

    it('rsyncs each control plane\'s own pods/<cp> to its /etc/kubernetes/manifests, and nothing to any other VM', () => {
      const bound = synthesized.cluster.bind();
      for (const machine of synthesized.cluster.machines) {
        const expected = CONTROL_PLANES.includes(machine.hostname) ? [`pods/${machine.hostname} /etc/kubernetes/manifests`] : [];
        expect(bound.deliveryTo(machine).folders.map(f => `${f.source} ${f.target}`), machine.hostname).to.deep.equal(expected);
      }
      for (const cp of CONTROL_PLANES) {
        expect(files.Vagrantfile).to.contain(`{ name: "${cp}", ip: "${ADDRESSES[cp]}", cpus: 2, memory: 2048, user_data: "cloud-config/${cp}.yaml", `
          + `synced_folders: [{ host: "pods/${cp}", guest: "/etc/kubernetes/manifests" }] }`);
        // The kubelet reads its static pods from the folder the pods are rsynced to.
        expect(yaml11(written[cp]['/etc/kubernetes/kubelet-config.yaml'].content).staticPodPath, cp).to.equal('/etc/kubernetes/manifests');
      }
      expect(files.Vagrantfile.match(/synced_folders: \[\{/g)).to.have.length(3);
    });

    it('each API server advertises its own address and binds 0.0.0.0, so that it serves on the virtual IP and on 127.0.0.1 too', () => {
      for (const cp of CONTROL_PLANES) {
        const flags = flagsOf(pod(cp, 'kube-apiserver').spec.containers[0].command);
        expect(flags, cp).to.deep.include({
          'advertise-address': ADDRESSES[cp],
          'bind-address': '0.0.0.0',
          'secure-port': '6443',
          'etcd-servers': ETCD.map(vm => `https://${ADDRESSES[vm]}:2379`).join(','),
        });
      }
    });

    it('every file a control-plane flag or kube-vip\'s volume names is written on each control plane and mounted into its pod', () => {
      for (const cp of CONTROL_PLANES) {
        for (const name of STATIC_PODS) {
          const { spec } = pod(cp, name);
          const [container] = spec.containers;
          const hostPaths: string[] = spec.volumes.map((v: any) => v.hostPath.path);
          // The audit log is the API server's to write, into a folder of its own.
          const named = name === 'kube-vip' ? hostPaths : Object.entries(flagsOf(container.command))
            .filter(([flag, value]) => flag !== 'audit-log-path' && value.startsWith('/')).map(([, value]) => value);
          expect(named, `${cp} ${name}`).to.not.be.empty;
          for (const file of named) {
            const folder = hostPaths.find(p => file === p || file.startsWith(`${p}/`));
            expect(folder, `${cp} ${name}: ${file} is mounted`).to.not.equal(undefined);
            if (folder === '/var/log/kubernetes/audit') { continue; }
            expect(written[cp], `${cp} ${name}: ${file}`).to.have.property(file);
          }
          // Each volume is mounted read-only into the container, but for the audit log's folder.
          expect(container.volumeMounts.map((m: any) => [m.name, m.readOnly]), `${cp} ${name}`)
            .to.deep.equal(spec.volumes.map((v: any) => [v.name, v.name === 'audit-log' ? undefined : true]));
          if (name === 'kube-apiserver') {
            expect(flagsOf(container.command)['audit-log-path'], cp).to.equal('/var/log/kubernetes/audit/audit.log');
            expect(spec.volumes.find((v: any) => v.name === 'audit-log').hostPath, cp).to.deep.equal({ path: '/var/log/kubernetes/audit', type: 'DirectoryOrCreate' });
          }
        }
      }
    });

    it('the control planes run the same pods but for the API server\'s advertised address', () => {
      for (const cp of CONTROL_PLANES.slice(1)) {
        for (const name of STATIC_PODS) {
          const own = files[`pods/${cp}/${name}.yaml`];
          const first = files[`pods/cp-01/${name}.yaml`];
          expect(own, `${cp} ${name}`).to.equal(name === 'kube-apiserver'
            ? first.replace(`--advertise-address=${ADDRESSES['cp-01']}\n`, `--advertise-address=${ADDRESSES[cp]}\n`)
            : first);
        }
      }
    });

    it('kube-vip holds 192.168.56.20 on eth1 by ARP with leader election, reaches its API server as kubernetes -> 127.0.0.1 with kube-vip.conf, from an image pinned to a tag', () => {
      for (const cp of CONTROL_PLANES) {
        const { spec } = pod(cp, 'kube-vip');
        expect(spec.containers, cp).to.have.length(1);
        const [container] = spec.containers;
        const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
        expect(env, cp).to.deep.include({
          vip_arp: 'true',
          address: ENDPOINT,
          vip_interface: 'eth1',
          port: '6443',
          cp_enable: 'true',
          vip_leaderelection: 'true',
          vip_nodename: { fieldRef: { fieldPath: 'spec.nodeName' } },
        });
        expect(container.env.map((e: any) => e.name), cp).to.not.include.members(['bgp_enable', 'svc_enable']);
        expect(container.args, cp).to.deep.equal(['manager']);
        expect(spec.hostAliases, cp).to.deep.equal([{ ip: '127.0.0.1', hostnames: ['kubernetes'] }]);
        expect(spec.volumes, cp).to.deep.equal([{ name: 'kubeconfig', hostPath: { path: '/etc/kubernetes/kube-vip.conf', type: 'File' } }]);
        expect(container.volumeMounts, cp).to.deep.equal([{ name: 'kubeconfig', mountPath: '/etc/kubernetes/admin.conf', readOnly: true }]);
        expect(container.securityContext.capabilities.add, cp).to.include.members(['NET_ADMIN', 'NET_RAW']);
        // A release tag: not latest, not a bare name.
        expect(container.image, cp).to.match(/^ghcr\.io\/kube-vip\/kube-vip:v\d+\.\d+\.\d+$/);
        // The file it mounts is written on the same control plane.
        expect(written[cp], cp).to.have.property('/etc/kubernetes/kube-vip.conf');
      }
    });
  });

  describe('API server certificate, as openssl verifies it', function () {
    /** Each copy of the certificate with the CA it is checked against: the PKI folder's, and each control plane's as its cloud-config writes it. */
    let copies: Array<{ where: string; ca: string; certificate: string }>;

    before(function () {
      requireTools(this, 'openssl');
      copies = [{ where: 'PKI folder', ca: path.join(pkiDir, 'kubernetes-ca.crt'), certificate: path.join(pkiDir, 'apiserver.crt') }];
      for (const cp of CONTROL_PLANES) {
        const root = path.join(work, 'root', cp);
        materialize(files[`cloud-config/${cp}.yaml`], root);
        copies.push({ where: cp, ca: path.join(root, 'etc/kubernetes/pki/ca.crt'), certificate: path.join(root, 'etc/kubernetes/pki/apiserver.crt') });
      }
    });

    /** `openssl verify` of every copy with `check` (e.g. `-verify_ip 1.2.3.4`), by copy. */
    async function verifyEvery(check: string[]): Promise<Array<{ where: string; result: RunResult }>> {
      return Promise.all(copies.map(async copy => ({
        where: `${copy.where} ${check.join(' ')}`,
        result: await run('openssl', ['verify', '-CAfile', copy.ca, '-purpose', 'sslserver', ...check, copy.certificate]),
      })));
    }

    it('every control plane gets the PKI folder\'s certificate and CA', () => {
      for (const copy of copies.slice(1)) {
        expect(fs.readFileSync(copy.certificate, 'utf-8'), copy.where).to.equal(fs.readFileSync(copies[0].certificate, 'utf-8'));
        expect(fs.readFileSync(copy.ca, 'utf-8'), copy.where).to.equal(fs.readFileSync(copies[0].ca, 'utf-8'));
      }
      expect(copies).to.have.length(4);
    });

    it('verifies for the endpoint 192.168.56.20, for each control plane\'s own address, for 127.0.0.1 and for the name kubernetes', async () => {
      const checks = [ENDPOINT, ...CONTROL_PLANES.map(cp => ADDRESSES[cp]), '127.0.0.1'].map(ip => ['-verify_ip', ip]);
      checks.push(['-verify_hostname', 'kubernetes']);
      const verdicts = (await Promise.all(checks.map(verifyEvery))).flat();
      expect(verdicts).to.have.length(4 * 6);
      for (const { where, result } of verdicts) {
        expect(result.code, `${where}\n${output(result)}`).to.equal(0);
        expect(result.stdout, where).to.match(/apiserver\.crt: OK\n$/);
      }
    });

    it('fails when it is checked for a worker\'s address (worker-01, big-01) or an etcd member\'s', async () => {
      const checks = ['worker-01', 'big-01', 'etcd-01'].map(vm => ['-verify_ip', ADDRESSES[vm]]);
      const verdicts = (await Promise.all(checks.map(verifyEvery))).flat();
      expect(verdicts).to.have.length(4 * 3);
      for (const { where, result } of verdicts) {
        expect(result.code, `${where}\n${output(result)}`).to.not.equal(0);
        expect(result.stdout + result.stderr, where).to.contain('IP address mismatch');
      }
    });
  });

  describe('kubeconfigs', () => {
    /** The kube-proxy add-on's kubeconfig: `kubeconfig.conf` of its ConfigMap. */
    const kubeProxyKubeconfig = (text: string) => {
      const documents = parseAllDocuments(text, { version: '1.1' }).map(document => document.toJS());
      const configMap = documents.find(d => d.kind === 'ConfigMap' && d.metadata.name === 'kube-proxy');
      expect(configMap, 'addons/kube-proxy.yaml has the kube-proxy ConfigMap').to.not.equal(undefined);
      return yaml11(configMap.data['kubeconfig.conf']);
    };

    /** Every kubeconfig the cluster has, listed by hand, with the server it must reach. */
    const listed = (): Array<{ where: string; text: string; server: string }> => [
      ...NODES.map(vm => ({ where: `${vm} /etc/kubernetes/kubelet.conf`, text: written[vm]['/etc/kubernetes/kubelet.conf'].content, server: `https://${ENDPOINT}:6443` })),
      { where: 'admin.kubeconfig', text: files['admin.kubeconfig'], server: `https://${ENDPOINT}:6443` },
      ...CONTROL_PLANES.flatMap(cp => ['controller-manager.conf', 'scheduler.conf', 'kube-vip.conf', 'admin.conf'].map(file => ({
        where: `${cp} /etc/kubernetes/${file}`, text: written[cp][`/etc/kubernetes/${file}`].content, server: 'https://127.0.0.1:6443',
      }))),
    ];

    it('the kubelets, kube-proxy and the host\'s admin.kubeconfig reach the virtual IP; each control plane\'s own components, kube-vip and the add-on bootstrap reach 127.0.0.1', () => {
      for (const { where, text, server } of listed()) {
        const parts = kubeconfigParts(text);
        expect(parts.server, where).to.equal(server);
        expect(parts.ca.raw.equals(kubernetesCa.raw), `${where} trusts the Kubernetes CA`).to.equal(true);
        expect(parts.certificate.checkIssued(kubernetesCa) && parts.certificate.verify(kubernetesCa.publicKey), where).to.equal(true);
        expect(parts.certificate.checkPrivateKey(parts.key), where).to.equal(true);
      }
      const kubeProxy = kubeProxyKubeconfig(files['addons/kube-proxy.yaml']);
      expect(kubeProxy.clusters.map((c: any) => c.cluster.server)).to.deep.equal([`https://${ENDPOINT}:6443`]);
      // The control planes apply that same add-on file.
      for (const cp of CONTROL_PLANES) {
        expect(written[cp]['/etc/kubernetes/addons/kube-proxy.yaml'].content, cp).to.equal(files['addons/kube-proxy.yaml']);
      }
      // apply-addons uses admin.conf.
      expect(written['cp-01']['/opt/bin/apply-addons'].content).to.contain('kubeconfig="/etc/kubernetes/admin.conf"\n');
    });

    it('the list above is every kubeconfig: no file of the output or of a VM holds another one', () => {
      const isKubeconfig = (text: string) => /^kind: Config$/m.test(text) && /^clusters:$/m.test(text);
      const found = [
        ...Object.entries(files).filter(([file, text]) => !file.startsWith('cloud-config/') && isKubeconfig(text)).map(([file]) => file),
        ...[...ETCD, ...NODES].flatMap(vm => Object.values(written[vm]).filter(file => isKubeconfig(file.content)).map(file => `${vm} ${file.path}`)),
      ];
      expect(found.sort()).to.deep.equal(listed().map(entry => entry.where).sort());
      // The kube-proxy kubeconfig is inside a ConfigMap (an indented block): the one more, in the add-on and in the control planes' copies of it.
      const embedding = [
        ...Object.entries(files).filter(([file, text]) => !file.startsWith('cloud-config/') && text.includes('kubeconfig.conf: |')).map(([file]) => file),
        ...[...ETCD, ...NODES].flatMap(vm => Object.values(written[vm]).filter(file => file.content.includes('kubeconfig.conf: |')).map(file => `${vm} ${file.path}`)),
      ];
      expect(embedding).to.deep.equal(['addons/kube-proxy.yaml', ...CONTROL_PLANES.map(cp => `${cp} /etc/kubernetes/addons/kube-proxy.yaml`)]);
    });

    it('each control plane\'s kube-vip.conf is kube-vip\'s own identity in system:masters (it takes its lease before any RBAC is applied)', () => {
      for (const cp of CONTROL_PLANES) {
        const kubeVip = kubeconfigParts(written[cp]['/etc/kubernetes/kube-vip.conf'].content);
        expect(kubeVip.certificate.subject.split('\n').sort(), cp).to.deep.equal(['CN=kube-vip', 'O=system:masters']);
        expect(kubeVip.config.users.map((u: any) => u.name), cp).to.deep.equal(['kube-vip']);
      }
      expect(new crypto.X509Certificate(fs.readFileSync(path.join(pkiDir, 'kube-vip.crt'))).subject.split('\n').sort())
        .to.deep.equal(['CN=kube-vip', 'O=system:masters']);
    });

    it('every node\'s kubelet.conf names it system:node:<name> in system:nodes', () => {
      for (const vm of NODES) {
        const kubelet = kubeconfigParts(written[vm]['/etc/kubernetes/kubelet.conf'].content);
        expect(kubelet.certificate.subject.split('\n').sort(), vm).to.deep.equal([`CN=system:node:${vm}`, 'O=system:nodes']);
      }
    });
  });

  describe('labels and taints', () => {
    const kubeletConfig = (vm: string) => yaml11(written[vm]['/etc/kubernetes/kubelet-config.yaml'].content);
    const kubeletUnit = (vm: string) => yaml11(files[`cloud-config/${vm}.yaml`]).coreos.units.find((u: any) => u.name === 'kubelet.service').content as string;

    it('big-01\'s kubelet sets --node-labels=disktype=ssd and registers with the taint dedicated=db:NoSchedule', () => {
      const flags = kubeletFlags(kubeletUnit('big-01'));
      expect(flags).to.deep.include({ 'node-labels': 'disktype=ssd', 'node-ip': ADDRESSES['big-01'] });
      expect(kubeletUnit('big-01')).to.contain(' \\\n  --node-labels=disktype=ssd\n');
      expect(kubeletConfig('big-01').registerWithTaints).to.deep.equal([{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]);
    });

    it('the control planes register with the control-plane taint, and their kubelets set no label', () => {
      for (const cp of CONTROL_PLANES) {
        expect(kubeletConfig(cp).registerWithTaints, cp).to.deep.equal([CONTROL_PLANE_TAINT]);
        expect(kubeletFlags(kubeletUnit(cp)), cp).to.not.have.property('node-labels');
      }
    });

    it('worker-01\'s and worker-02\'s kubelets set neither a label nor a taint', () => {
      for (const vm of WORKERS) {
        expect(kubeletFlags(kubeletUnit(vm)), vm).to.have.keys('config', 'kubeconfig', 'node-ip');
        expect(kubeletConfig(vm), vm).to.not.have.property('registerWithTaints');
      }
    });

    it('a pool\'s taint value reaches its kubelet as the string it is, even a word YAML 1.1 reads as a boolean or a number (yes, off, 1_000)', () => {
      // Each is a valid taint value; the kubelet reads kubelet-config.yaml with go-yaml's YAML 1.1 rules.
      for (const value of ['yes', 'off', '1_000']) {
        const taint = { key: 'dedicated', value, effect: 'NoSchedule' as const };
        const config = cloudConfigs(flatcarHaVariant(ENDPOINT, [taint])).find(c => c.filePath === 'cloud-config/big-01.yaml')!.config;
        const kubeletConfig = config.write_files!.find(file => file.path === '/etc/kubernetes/kubelet-config.yaml')!.content;
        expect(yaml11(kubeletConfig).registerWithTaints, `${value}:\n${kubeletConfig}`).to.deep.equal([taint]);
      }
    });

    it('apply-addons on every control plane labels cp-01, cp-02 and cp-03 node-role.kubernetes.io/control-plane= (a kubelet may not), and nothing else', () => {
      for (const cp of CONTROL_PLANES) {
        const script = written[cp]['/opt/bin/apply-addons'];
        expect(script.permissions, cp).to.equal('0755');
        expect(labelLines(script.content), cp).to.deep.equal(CONTROL_PLANES.map(name => `${name} node-role.kubernetes.io/control-plane=`));
        expect(yaml11(files[`cloud-config/${cp}.yaml`]).coreos.units.map((u: any) => u.name), cp).to.include('apply-addons.service');
      }
      for (const vm of [...WORKERS, ...BIG]) { expect(written[vm], vm).to.not.have.property('/opt/bin/apply-addons'); }
    });

    describe('apply-addons, run under /bin/sh with a stub kubectl', () => {
      let root: string;
      let log: string;

      beforeEach(() => {
        root = tempFolder('flatcar-ha-labels');
        log = path.join(root, 'calls.log');
        writeScript(path.join(root, 'stub-bin', 'sleep'), 'exit 0\n');
      });

      afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

      /**
       * Runs cp-02's apply-addons with its paths moved under the temp root and a kubectl that
       * answers /readyz and the apply, and refuses to label a node until it has been asked
       * `registersAfter[node]` times (Infinity: never), as for a node that has not registered.
       */
      function applyAddons(registersAfter: Record<string, number>): Promise<RunResult> {
        const script = ['/opt/bin/kubectl', '/etc/kubernetes/admin.conf', '/etc/kubernetes/addons']
          .reduce((text, p) => text.split(`"${p}`).join(`"${root}${p}`), written['cp-02']['/opt/bin/apply-addons'].content);
        const refusals = Object.entries(registersAfter).map(([node, times]) => (times === Infinity
          ? `    ${node}) exit 1 ;;`
          : `    ${node}) n=$(cat "${root}/asked-${node}" 2>/dev/null || echo 0); echo $((n + 1)) > "${root}/asked-${node}"; [ "$n" -ge ${times} ] ;;`));
        writeScript(path.join(root, 'opt/bin/kubectl'), `echo "kubectl $*" >> "${log}"
case "$*" in
  *--raw=/readyz*|*" apply "*) exit 0 ;;
esac
case "$*" in *" label "*) ;; *) exit 2 ;; esac
case "$6" in
${refusals.join('\n')}
    *) exit 0 ;;
esac
`);
        const file = path.join(root, 'apply-addons');
        fs.writeFileSync(file, script, { mode: 0o755 });
        return run('/bin/sh', [file], { env: { ...process.env, PATH: `${path.join(root, 'stub-bin')}:${process.env.PATH}` } });
      }

      const labelCalls = () => fs.readFileSync(log, 'utf-8').trim().split('\n').filter(call => call.includes(' label '));
      const label = (node: string) => `kubectl --kubeconfig=${root}/etc/kubernetes/admin.conf --request-timeout=10s label --overwrite node ${node} `
        + 'node-role.kubernetes.io/control-plane=';

      it('labels cp-01, cp-02 and cp-03, and asks again for a control plane until it has registered', async () => {
        const result = await applyAddons({ 'cp-03': 2 });
        expect(result.code, output(result)).to.equal(0);
        expect(result.stdout).to.contain('labelled every node');
        expect(labelCalls()).to.deep.equal([
          label('cp-01'), label('cp-02'), label('cp-03'),
          label('cp-01'), label('cp-02'), label('cp-03'),
          label('cp-01'), label('cp-02'), label('cp-03'),
        ]);
      });

      it('fails when a control plane never registers, after its attempts, naming it', async () => {
        const result = await applyAddons({ 'cp-02': Infinity });
        expect(result.code, output(result)).to.equal(1);
        expect(result.stderr).to.equal('nodes not labelled after 240 attempts: cp-02\n');
        expect(labelCalls().filter(call => call === label('cp-02'))).to.have.length(240);
      });
    });
  });

  describe('runbook files', () => {
    const lines = (text: string) => text.replace(/\n$/, '').split('\n');

    it('README.md gives the endpoint, the 3 control planes, the pools with big-01\'s label and taint, and kube-vip on each control plane', () => {
      const readme = files['README.md'];
      expect(readme).to.contain(`- API server: https://${ENDPOINT}:6443, a virtual IP that kube-vip keeps on one of cp-01, cp-02 and cp-03, each of which runs an API server;`);
      const table = lines(readme).filter(line => line.startsWith('| `'));
      expect(table).to.deep.equal([
        ...ETCD.map(vm => `| \`${vm}\` | ${ADDRESSES[vm]} | etcd member | 1 | 1024 MiB |  |  |  |`),
        ...CONTROL_PLANES.map(vm => `| \`${vm}\` | ${ADDRESSES[vm]} | control plane | 2 | 2048 MiB | \`cp\` |  |  |`),
        ...WORKERS.map(vm => `| \`${vm}\` | ${ADDRESSES[vm]} | worker | 2 | 2048 MiB | \`worker\` |  |  |`),
        `| \`big-01\` | ${ADDRESSES['big-01']} | worker | 4 | 8192 MiB | \`big\` | \`disktype=ssd\` | \`dedicated=db:NoSchedule\` |`,
      ]);
      expect(readme).to.contain('| VM | eth1 address | Role | CPUs | Memory | Pool | Labels | Taints |\n');
      expect(readme).to.contain('cp-01, cp-02 and cp-03 are the control planes: each is tainted `node-role.kubernetes.io/control-plane:NoSchedule` '
        + 'and labelled `node-role.kubernetes.io/control-plane=`, so ordinary workloads go to worker-01 and worker-02.\n');
      expect(readme).to.contain('big-01 is tainted `dedicated=db:NoSchedule`: only pods that tolerate it run there.\n');
      expect(readme).to.contain('big-01 is labelled `disktype=ssd`.\n');
      expect(readme).to.contain(`with kube-vip, which moves ${ENDPOINT} to another control plane when its holder fails,`);
      for (const cp of CONTROL_PLANES) {
        for (const name of STATIC_PODS) { expect(readme, `${name}-${cp}`).to.match(new RegExp(`\\n${name}-${cp} +Running\\n`)); }
      }
      // Every node is expected Ready.
      const nodes = readme.split('```').find(part => part.startsWith('\n$ kubectl --kubeconfig admin.kubeconfig get nodes\n'))!;
      expect(lines(nodes.trim()).slice(2).map(line => line.split(/ +/))).to.deep.equal([...NODES].sort().map(vm => [vm, 'Ready']));
    });

    it('topology.txt counts the VMs by role, names the endpoint with kube-vip, draws kube-vip on each control plane and big-01\'s label and taint', () => {
      const text = files['topology.txt'];
      expect(lines(text)[0]).to.match(/: 9 VMs, 3 etcd members, 3 control planes, 3 workers$/);
      expect(lines(text)[1]).to.match(new RegExp(`^API server https://${ENDPOINT.replace(/\./g, '\\.')}:6443 \\(kube-vip\\), etcd `));
      for (const vm of [...ETCD, ...NODES]) {
        expect(text.match(new RegExp(`│ ${vm} `, 'g')), vm).to.have.length(1);
        expect(text.match(new RegExp(`${ADDRESSES[vm].replace(/\./g, '\\.')}│`, 'g')), vm).to.have.length(1);
      }
      expect(text.match(/│ {2}kube-vip +│/g)).to.have.length(3);
      expect(text.match(/│ {2}disktype=ssd +│/g)).to.have.length(1);
      expect(text.match(/│ {2}dedicated=db:NoSchedule +│/g)).to.have.length(1);
      const long = lines(text).filter(line => [...line].length > 120);
      expect(long, long.join('\n')).to.deep.equal([]);
    });

    it('topology.txt draws each pool\'s boxes alike and apart from the next pool\'s, and topology.svg groups the VMs by pool', () => {
      const text = files['topology.txt'];
      // A box's name line, `│ cp-01        │`, is as wide as its box.
      const width = (vm: string) => [...new RegExp(`│ ${vm} +│`).exec(text)![0]].length;
      const widths = (vms: string[]) => [...new Set(vms.map(width))];
      expect(widths(CONTROL_PLANES)).to.have.length(1);
      expect(widths(WORKERS)).to.have.length(1);
      expect(widths(BIG)[0]).to.be.greaterThan(widths(WORKERS)[0]); // big-01's box holds its label and taint
      const svg = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: name => name === 'g' }).parse(files['topology.svg']).svg;
      const pools = (svg.g as any[]).filter(g => g['@class'] === 'tier')
        .map(tier => [tier['@data-tier'], ...(tier.g as any[]).filter(g => g['@class'] === 'vm').map(vm => vm['@data-name'])]);
      expect(pools).to.deep.equal([['etcd', ...ETCD], ['cp', ...CONTROL_PLANES], ['worker', ...WORKERS], ['big', ...BIG]]);
    });

    it('verify.sh expects every node Ready, the control-plane label and taint on cp-01..03, big-01\'s label and taint, and the four static pods of each control plane', () => {
      const script = files['verify.sh'];
      const calls = (fn: string) => lines(script).filter(line => line.startsWith(`  ${fn} `)).map(line => line.trim());
      expect(calls('expect_node')).to.deep.equal(NODES.map(vm => `expect_node ${vm}`));
      expect([...calls('expect_label'), ...calls('expect_taint')]).to.deep.equal([
        ...CONTROL_PLANES.map(cp => `expect_label ${cp} node-role.kubernetes.io/control-plane=`),
        'expect_label big-01 disktype=ssd',
        ...CONTROL_PLANES.map(cp => `expect_taint ${cp} node-role.kubernetes.io/control-plane=:NoSchedule`),
        'expect_taint big-01 dedicated=db:NoSchedule',
      ]);
      expect(calls('expect_pod')).to.deep.equal(CONTROL_PLANES.flatMap(cp => STATIC_PODS.map(name => `expect_pod ${name}-${cp}`)));
      expect(calls('expect_pods')).to.deep.equal(['expect_pods kube-flannel-ds- 6', 'expect_pods kube-proxy- 6', 'expect_pods coredns- 2']);
    });

    describe('verify.sh, run against a fake kubectl', () => {
      const POD = (name: string, ready = '1/1', status = 'Running') => `${name}   ${ready}   ${status}   0   5m\n`;
      /** What the healthy cluster answers. */
      const healthy = (): FakeKubectlAnswers => ({
        nodes: NODES.map(vm => `${vm}   Ready   ${CONTROL_PLANES.includes(vm) ? 'control-plane' : '<none>'}   5m   v1.35.1\n`).join(''),
        pods: [
          ...CONTROL_PLANES.flatMap(cp => STATIC_PODS.map(name => POD(`${name}-${cp}`))),
          ...NODES.map((_, i) => POD(`kube-flannel-ds-f${i}`)), ...NODES.map((_, i) => POD(`kube-proxy-p${i}`)),
          POD('coredns-66-aa'), POD('coredns-66-bb'),
        ].join(''),
        labels: Object.fromEntries(NODES.map(vm => [vm, [`kubernetes.io/hostname=${vm}`,
          ...(CONTROL_PLANES.includes(vm) ? ['node-role.kubernetes.io/control-plane='] : []), ...(vm === 'big-01' ? ['disktype=ssd'] : [])].join(',')])),
        taints: Object.fromEntries(NODES.map(vm => [vm, CONTROL_PLANES.includes(vm) ? 'node-role.kubernetes.io/control-plane=:NoSchedule,'
          : vm === 'big-01' ? 'dedicated=db:NoSchedule,' : ''])),
      });

      it('passes every check of the healthy cluster: 6 nodes, 8 labels and taints, 12 static pods and 3 pod groups', () => {
        const result = runVerifyWithFakeKubectl(files['verify.sh'], healthy());
        expect(result.status, result.lines.join('\n')).to.equal(0);
        expect(result.lines[result.lines.length - 1]).to.equal('verify.sh: all 29 checks passed');
        expect(result.lines).to.include.members([
          'PASS node big-01: label disktype=ssd', 'PASS node big-01: taint dedicated=db:NoSchedule',
          'PASS pod kube-vip-cp-03: 1/1 Running', 'PASS pods kube-proxy-*: 6 ready and Running',
        ]);
      });

      it('fails when big-01 registered without its taint, or without its label', () => {
        const answers = healthy();
        const untainted = runVerifyWithFakeKubectl(files['verify.sh'], { ...answers, taints: { ...answers.taints, 'big-01': '' } });
        expect(untainted.status).to.equal(1);
        expect(untainted.lines[untainted.lines.length - 1]).to.equal('FAIL node big-01: expected the taint dedicated=db:NoSchedule, saw none');
        const unlabelled = runVerifyWithFakeKubectl(files['verify.sh'], { ...answers, labels: { ...answers.labels, 'big-01': 'kubernetes.io/hostname=big-01' } });
        expect(unlabelled.status).to.equal(1);
        expect(unlabelled.lines[unlabelled.lines.length - 1]).to.equal('FAIL node big-01: expected the label disktype=ssd, saw kubernetes.io/hostname=big-01');
      });

      it('fails when one control plane\'s kube-vip is not running', () => {
        const answers = healthy();
        const result = runVerifyWithFakeKubectl(files['verify.sh'], { ...answers, pods: answers.pods.replace(POD('kube-vip-cp-02'), POD('kube-vip-cp-02', '0/1', 'CrashLoopBackOff')) });
        expect(result.status).to.equal(1);
        expect(result.lines[result.lines.length - 1]).to.equal('FAIL pod kube-vip-cp-02: expected Running, saw 0/1 CrashLoopBackOff');
      });
    });
  });

  describe('validation of the endpoint', () => {
    it('the example\'s tiers with its own endpoint are accepted, and bind to the example\'s key-free files', () => {
      expect(problemsOf(() => flatcarHaTree().model())).to.deep.equal([]);
      expect(problemsOf(() => flatcarHaVariant(ENDPOINT).model())).to.deep.equal([]);
      const keyFree = (cluster: VagrantCluster) => cluster.bind().node.findAll()
        .flatMap(c => (CloudConfig.isCloudConfig(c) ? [[c.filePath, c.config]] : c instanceof StaticPod ? [[c.filePath, c.renderFile().content]] : []));
      expect(keyFree(flatcarHaVariant(ENDPOINT))).to.deep.equal(keyFree(flatcarHaTree())).and.to.have.length(9 + 12);
    });

    it('fails when 3 control planes have no controlPlaneEndpoint', () => {
      expect(problemsOf(() => flatcarHaVariant(undefined).model())).to.deep.equal([
        'has 3 control planes (cp-01, cp-02, cp-03) but no controlPlaneEndpoint; expected a free address of the host network 192.168.56.0/24 '
          + 'as controlPlaneEndpoint, the virtual IP that kube-vip keeps on one of them for the kubelets, kube-proxy and kubectl',
      ]);
    });

    it('fails when the controlPlaneEndpoint is a control plane\'s own address', () => {
      expect(problemsOf(() => flatcarHaVariant(ADDRESSES['cp-01']).model())).to.deep.equal([
        `controlPlaneEndpoint ${ADDRESSES['cp-01']} is the address of cluster/cp/cp-01; expected a free address of the host network 192.168.56.0/24, such as 192.168.56.20`,
      ]);
    });

    it('fails when the controlPlaneEndpoint is outside the host network', () => {
      expect(problemsOf(() => flatcarHaVariant('192.168.57.20').model())).to.deep.equal([
        'controlPlaneEndpoint 192.168.57.20 is outside the host network 192.168.56.0/24; expected a free address of the host network 192.168.56.0/24, such as 192.168.56.20',
      ]);
    });
  });
});
