// The Flatcar profile, file by file: what examples/flatcar.ts writes, checked
// value by value (the golden files of the classic profile do not cover it, and
// its output holds fresh keys, so it has no golden copy).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { Pod } from 'kubernetes-models/v1';
import { flatcarCluster } from '../../../examples/flatcar';
import { CloudConfig, ClusterProfile, EtcdPeerTier, KubeNodeTier, Testing, ValidationError, VagrantCluster } from '../../../lib';
import { parseEtcdEnv } from '../../../lib/formats/etcd-env';
import { FLATCAR_DEFAULT_VERSION, FLATCAR_RELEASES } from '../../../lib/profiles/flatcar/releases';
import { renderTree } from '../../../lib/synth/synthesizer';
import { yaml11 } from '../../support/fixtures';
import { FLATCAR_PREFIX, flatcarPkiCopy, tempFolder, writeFilesOf } from '../../support/flatcar';
import { cloudConfigReadBackProblems } from '../../support/read-back';

const ETCD = ['etcd-01', 'etcd-02', 'etcd-03'];
const NODES = ['node-01', 'node-02', 'node-03', 'node-04'];
const ipOf = (vm: string) => `${FLATCAR_PREFIX}.${vm.startsWith('etcd') ? 10 + Number(vm.slice(-2)) : 20 + Number(vm.slice(-2))}`;

/** Options of {@link flatcarVariant}. */
interface Variant {
  readonly pkiDir: string;
  readonly kubernetesVersion?: string;
  readonly kubeletSha256?: string;
  readonly kubectlSha256?: string;
  readonly nodeFirstIp?: number;
  readonly regeneratePki?: boolean;
}

/** examples/flatcar.ts with the knobs these tests turn (a test below proves the defaults give the example's files). */
function flatcarVariant(variant: Variant): VagrantCluster {
  const cluster = new VagrantCluster({
    outdir: path.join(variant.pkiDir, '..', 'never-written'),
    name: 'flatcar',
    profile: ClusterProfile.flatcar({
      pkiDir: variant.pkiDir, kubeletSha256: variant.kubeletSha256, kubectlSha256: variant.kubectlSha256, regeneratePki: variant.regeneratePki,
    }),
    prefix: FLATCAR_PREFIX,
    ipRange: '10.20.0.0/16',
    serviceIpRange: '10.3.0.0/24',
    kubernetesVersion: variant.kubernetesVersion,
  });
  const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, cpus: 1, memoryMb: 1024, firstIp: 11 });
  new KubeNodeTier(cluster, 'node', { count: 4, cpus: 2, memoryMb: 2048, firstIp: variant.nodeFirstIp ?? 21, etcd });
  return cluster;
}

/** Synth's error, or a failure when it does not throw one. */
function synthError(cluster: VagrantCluster): ValidationError {
  try {
    Testing.render(cluster);
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return error as ValidationError;
  }
  expect.fail('expected synth to throw a ValidationError');
}

/** The decoded PEMs embedded in a kubeconfig. */
function kubeconfigPems(text: string) {
  const config = yaml11(text);
  const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf-8');
  return {
    config,
    server: config.clusters[0].cluster.server as string,
    ca: new crypto.X509Certificate(decode(config.clusters[0].cluster['certificate-authority-data'])),
    certificate: new crypto.X509Certificate(decode(config.users[0].user['client-certificate-data'])),
    key: decode(config.users[0].user['client-key-data']),
  };
}

/** A static pod's only container's flags as `{ name: value }`, and the pod. */
function podFlags(files: Record<string, string>, name: string): { pod: any; command: string[]; flags: Record<string, string> } {
  const pod = yaml11(files[`pods/node-01/${name}.yaml`]);
  const command: string[] = pod.spec.containers[0].command;
  const flags = Object.fromEntries(command.slice(1).map(arg => {
    const match = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    expect(match, `${name}: ${arg} is --flag=value`).to.not.equal(null);
    return [match![1], match![2]];
  }));
  return { pod, command, flags };
}

describe('Flatcar profile', function () {
  let pkiDir: string;
  let files: Record<string, string>;
  /** The write_files of each VM's cloud-config, by guest path. */
  const written: Record<string, ReturnType<typeof writeFilesOf>> = {};
  let kubernetesCa: crypto.X509Certificate;
  let etcdCa: crypto.X509Certificate;
  /** examples/flatcar.ts on the suite's PKI folder; Testing synthesizes into temp folders, so its outdir is never written. */
  const example = () => flatcarCluster(path.join(pkiDir, '..', 'never-written'), pkiDir);

  before(function () {
    pkiDir = flatcarPkiCopy();
    files = Testing.synth(example());
    for (const vm of [...ETCD, ...NODES]) { written[vm] = writeFilesOf(files[`cloud-config/${vm}.yaml`]); }
    kubernetesCa = new crypto.X509Certificate(fs.readFileSync(path.join(pkiDir, 'kubernetes-ca.crt')));
    etcdCa = new crypto.X509Certificate(fs.readFileSync(path.join(pkiDir, 'etcd-ca.crt')));
  });

  after(() => fs.rmSync(pkiDir, { recursive: true, force: true }));

  it('writes one cloud-config per VM, the control-plane pods, the add-ons, admin.kubeconfig, the runbook files, a .gitignore and nothing named user-data', () => {
    expect(Object.keys(files)).to.deep.equal([
      '.gitignore',
      'README.md',
      'Vagrantfile',
      'addons/coredns.yaml',
      'addons/flannel.yaml',
      'addons/kube-proxy.yaml',
      'addons/kubelet-certificate-rotation.yaml',
      'admin.kubeconfig',
      ...[...ETCD, ...NODES].map(vm => `cloud-config/${vm}.yaml`),
      'cluster-ssh.key',
      'cluster-ssh.pub',
      'manifest.json',
      'pods/node-01/kube-apiserver.yaml',
      'pods/node-01/kube-controller-manager.yaml',
      'pods/node-01/kube-scheduler.yaml',
      'topology.svg',
      'topology.txt',
      'verify.sh',
    ]);
    expect(files['.gitignore'].split('\n')).to.include('*');
    expect(Object.keys(files).filter(file => file.split('/').includes('user-data'))).to.deep.equal([]);
    // Nothing is set to listen on every address: etcd and the API server bind their host-only address.
    for (const [file, content] of Object.entries(files)) { expect(content, file).to.not.contain('0.0.0.0'); }
  });

  describe('etcd members', () => {
    const env = (vm: string) => parseEtcdEnv(written[vm]['/etc/etcd/etcd.env'].content);

    it('configure each member by its own env file: its name, https URLs on its own address, the initial cluster', () => {
      const initialCluster = ETCD.map(vm => `${vm}=https://${ipOf(vm)}:2380`).join(',');
      for (const vm of ETCD) {
        const ip = ipOf(vm);
        expect(env(vm), vm).to.deep.include({
          ETCD_NAME: vm,
          ETCD_LISTEN_CLIENT_URLS: `https://${ip}:2379`,
          ETCD_ADVERTISE_CLIENT_URLS: `https://${ip}:2379`,
          ETCD_LISTEN_PEER_URLS: `https://${ip}:2380`,
          ETCD_INITIAL_ADVERTISE_PEER_URLS: `https://${ip}:2380`,
          ETCD_INITIAL_CLUSTER: initialCluster,
          ETCD_INITIAL_CLUSTER_STATE: 'new',
          ETCD_DATA_DIR: '/var/lib/etcd',
        });
        expect(written[vm]['/etc/etcd/etcd.env'].content, vm).to.not.contain('0.0.0.0');
        // Every URL but the initial cluster's is the member's own address.
        const own = Object.entries(env(vm)).filter(([key]) => key !== 'ETCD_INITIAL_CLUSTER' && /_URLS$/.test(key));
        expect(own, vm).to.have.length(4);
        for (const [key, value] of own) {
          expect(value.split(',').map(url => new URL(url).hostname), `${vm} ${key}`).to.deep.equal([ip]);
        }
      }
    });

    it('turn on TLS with client-certificate auth for clients and peers, from files that the cloud-config writes', () => {
      for (const vm of ETCD) {
        expect(env(vm), vm).to.deep.include({
          ETCD_CERT_FILE: '/etc/etcd/pki/server.crt',
          ETCD_KEY_FILE: '/etc/etcd/pki/server.key',
          ETCD_TRUSTED_CA_FILE: '/etc/etcd/pki/ca.crt',
          ETCD_CLIENT_CERT_AUTH: 'true',
          ETCD_PEER_CERT_FILE: '/etc/etcd/pki/peer.crt',
          ETCD_PEER_KEY_FILE: '/etc/etcd/pki/peer.key',
          ETCD_PEER_TRUSTED_CA_FILE: '/etc/etcd/pki/ca.crt',
          ETCD_PEER_CLIENT_CERT_AUTH: 'true',
        });
        for (const [key, value] of Object.entries(env(vm)).filter(([k]) => k.endsWith('_FILE'))) {
          expect(written[vm], `${vm} ${key}`).to.have.property(value);
        }
        expect(new crypto.X509Certificate(written[vm]['/etc/etcd/pki/ca.crt'].content).raw.equals(etcdCa.raw), vm).to.equal(true);
      }
    });

    it('get server and peer certificates from the etcd CA that carry the member\'s IP, its name, localhost and 127.0.0.1 only', () => {
      for (const vm of ETCD) {
        for (const file of ['server', 'peer']) {
          const where = `${vm} ${file}.crt`;
          const certificate = new crypto.X509Certificate(written[vm][`/etc/etcd/pki/${file}.crt`].content);
          expect(certificate.checkIssued(etcdCa) && certificate.verify(etcdCa.publicKey), where).to.equal(true);
          expect(certificate.checkIP(ipOf(vm)), where).to.equal(ipOf(vm));
          expect(certificate.checkHost(vm), where).to.equal(vm);
          expect(certificate.checkHost('localhost'), where).to.equal('localhost');
          expect(certificate.checkIP('127.0.0.1'), where).to.equal('127.0.0.1');
          for (const other of ETCD.filter(o => o !== vm)) {
            expect(certificate.checkIP(ipOf(other)), `${where} must not claim ${other}`).to.equal(undefined);
          }
          expect(certificate.subjectAltName, where).to.equal(`DNS:${vm}, DNS:localhost, IP Address:${ipOf(vm)}, IP Address:127.0.0.1`);
          // The key in the same folder belongs to this certificate.
          const key = crypto.createPrivateKey(written[vm][`/etc/etcd/pki/${file}.key`].content);
          expect(certificate.checkPrivateKey(key), where).to.equal(true);
        }
      }
    });

    it('run etcd-member.service from the pinned etcd image, configured by the env file only', () => {
      for (const vm of ETCD) {
        const units = yaml11(files[`cloud-config/${vm}.yaml`]).coreos.units;
        expect(units.map((u: any) => [u.name, u.command, u.enable]), vm).to.deep.equal([['etcd-member.service', 'start', true]]);
        const unit: string = units[0].content;
        expect(unit).to.contain('--env-file=/etc/etcd/etcd.env');
        expect(unit).to.match(/registry\.k8s\.io\/etcd:3\.6\.\d+-0@sha256:[0-9a-f]{64} etcd\n/);
        // No etcd flag on the command line: etcd refuses a setting given both as a flag and in the environment.
        expect(unit).to.not.match(/--(listen|advertise|initial|data-dir|cert-file|key-file|trusted|client-cert|peer)/);
      }
    });
  });

  describe('keys and secrets', () => {
    /** A private key's PEM body lines and the base64 of the whole PEM: any of them in a file is a leak. */
    const leaks = (pem: string) => [...pem.split('\n').filter(line => /^[A-Za-z0-9+/=]{64}$/.test(line)).slice(0, 2), Buffer.from(pem).toString('base64').slice(0, 64)];
    const keyPems = () => fs.readdirSync(pkiDir).filter(file => file.endsWith('.key')).map(file => fs.readFileSync(path.join(pkiDir, file), 'utf-8'));

    it('write every private key, and every kubeconfig with one, with permissions 0600', () => {
      let keys = 0;
      for (const vm of [...ETCD, ...NODES]) {
        for (const file of Object.values(written[vm])) {
          // The encryption configuration holds the keys of Secrets at rest.
          const secret = /PRIVATE KEY-----/.test(file.content) || /client-key-data:/.test(file.content) || /\n {6}- secretbox:\n/.test(file.content);
          expect(file.path.endsWith('.key') || file.path.endsWith('.conf') || file.path === '/etc/kubernetes/encryption-config.yaml', `${vm} ${file.path}`).to.equal(secret);
          expect(file.permissions, `${vm} ${file.path}`).to.equal(secret ? '0600' : file.path.startsWith('/opt/bin/') ? '0755' : '0644');
          if (secret) { keys++; }
        }
      }
      // 2 per member; on the control plane: ca, apiserver, apiserver-kubelet-client, apiserver-etcd-client, front-proxy-client,
      // sa, the kubelet's serving key, the encryption configuration and 4 kubeconfigs (kubelet, controller-manager, scheduler,
      // the add-on bootstrap's admin.conf); on each worker its kubeconfig and its kubelet's serving key.
      expect(keys).to.equal(3 * 2 + 12 + 3 * 2);
    });

    it('keep every private key out of the Vagrantfile, the pods and manifest.json (only cloud-configs, admin.kubeconfig and the SSH key carry keys)', () => {
      const pems = keyPems();
      // 3 CAs (Kubernetes, etcd, front proxy), 6 etcd, 7 control-plane (the front-proxy client among them) and admin, 4 kubelets'
      // client and 4 their serving keys, the service-account key, the SSH key and the keys of Secrets at rest (their own tests:
      // test/profiles/flatcar/hardening.test.ts)
      expect(pems).to.have.length(27);
      const carriers = Object.keys(files).filter(file => file.startsWith('cloud-config/') || file === 'admin.kubeconfig' || file === 'cluster-ssh.key');
      for (const [file, content] of Object.entries(files).filter(([f]) => !carriers.includes(f))) {
        expect(content, file).to.not.match(/PRIVATE KEY|client-key-data/);
        for (const pem of pems) {
          for (const leak of leaks(pem)) { expect(content.includes(leak), `${file} holds a private key`).to.equal(false); }
        }
      }
      // The check would see them: the etcd-01 server key is in its cloud-config, the admin key base64 in admin.kubeconfig.
      const [etcdKeyLine] = leaks(fs.readFileSync(path.join(pkiDir, 'etcd-etcd-01-server.key'), 'utf-8'));
      expect(files['cloud-config/etcd-01.yaml']).to.contain(etcdKeyLine);
      expect(files['admin.kubeconfig']).to.contain(Buffer.from(fs.readFileSync(path.join(pkiDir, 'admin.key'), 'utf-8')).toString('base64'));
    });

    it('writes the cloud-configs, admin.kubeconfig and the SSH key with mode 0600, verify.sh with 0755, the rest with 0644', () => {
      const out = tempFolder('flatcar-modes');
      try {
        const cluster = flatcarCluster(path.join(out, 'out'), pkiDir);
        const modes = Object.fromEntries(renderTree(cluster).files.map(file => [file.path, file.mode]));
        for (const [file, mode] of Object.entries(modes)) {
          const secret = file.startsWith('cloud-config/') || file === 'admin.kubeconfig' || file === 'cluster-ssh.key';
          expect(mode, file).to.equal(secret ? 0o600 : file === 'verify.sh' ? 0o755 : 0o644);
        }
        // ...and the writer keeps them, whatever the umask.
        const cluster2 = flatcarCluster(path.join(out, 'out'), pkiDir);
        const umask = process.umask(0o000);
        try { cluster2.synth(); } finally { process.umask(umask); }
        for (const [file, mode] of Object.entries(modes)) {
          expect(fs.statSync(path.join(out, 'out', file)).mode & 0o777, file).to.equal(mode);
        }
      } finally {
        fs.rmSync(out, { recursive: true, force: true });
      }
    });
  });

  describe('kubeconfigs', () => {
    it('admin.kubeconfig reaches https://<node-01>:6443 as kubernetes-admin (system:masters) and trusts the Kubernetes CA', () => {
      const admin = kubeconfigPems(files['admin.kubeconfig']);
      expect(admin.server).to.equal(`https://${ipOf('node-01')}:6443`);
      expect(admin.config['current-context']).to.equal('flatcar');
      expect(admin.ca.raw.equals(kubernetesCa.raw)).to.equal(true);
      expect(admin.certificate.subject.split('\n').sort()).to.deep.equal(['CN=kubernetes-admin', 'O=system:masters']);
      expect(admin.certificate.checkIssued(kubernetesCa) && admin.certificate.verify(kubernetesCa.publicKey)).to.equal(true);
      expect(admin.certificate.checkPrivateKey(crypto.createPrivateKey(admin.key))).to.equal(true);
    });

    it('every node\'s kubelet.conf names it system:node:<name> in system:nodes, at the same server', () => {
      for (const vm of NODES) {
        const kubelet = kubeconfigPems(written[vm]['/etc/kubernetes/kubelet.conf'].content);
        expect(kubelet.server, vm).to.equal(`https://${ipOf('node-01')}:6443`);
        expect(kubelet.certificate.subject.split('\n').sort(), vm).to.deep.equal([`CN=system:node:${vm}`, 'O=system:nodes']);
        expect(kubelet.ca.raw.equals(kubernetesCa.raw), vm).to.equal(true);
        expect(kubelet.certificate.checkPrivateKey(crypto.createPrivateKey(kubelet.key)), vm).to.equal(true);
      }
    });

    it('the controller-manager and the scheduler get their own identities, on node-01 only', () => {
      for (const [file, cn] of [['controller-manager.conf', 'system:kube-controller-manager'], ['scheduler.conf', 'system:kube-scheduler']]) {
        const config = kubeconfigPems(written['node-01'][`/etc/kubernetes/${file}`].content);
        expect(config.certificate.subject, file).to.equal(`CN=${cn}`);
        expect(config.server, file).to.equal(`https://${ipOf('node-01')}:6443`);
        for (const worker of NODES.slice(1)) { expect(written[worker], worker).to.not.have.property(`/etc/kubernetes/${file}`); }
      }
    });
  });

  describe('kubelets', () => {
    const kubeletConfig = (vm: string) => yaml11(written[vm]['/etc/kubernetes/kubelet-config.yaml'].content);

    it('configure every kubelet alike: systemd cgroups, webhook authn/authz, resolved\'s resolv.conf, the static pod path, DNS at the 10th service IP', () => {
      for (const vm of NODES) {
        const { registerWithTaints, ...config } = kubeletConfig(vm);
        expect(config, vm).to.deep.include({
          apiVersion: 'kubelet.config.k8s.io/v1beta1',
          kind: 'KubeletConfiguration',
          cgroupDriver: 'systemd',
          resolvConf: '/run/systemd/resolve/resolv.conf',
          staticPodPath: '/etc/kubernetes/manifests',
          clusterDNS: ['10.3.0.10'],
          authorization: { mode: 'Webhook' },
        });
        expect(config.authentication, vm).to.deep.equal({
          anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: '/etc/kubernetes/pki/ca.crt' },
        });
        expect(written[vm], vm).to.have.property('/etc/kubernetes/pki/ca.crt');
        expect(registerWithTaints, vm).to.deep.equal(vm === 'node-01'
          ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]
          : undefined);
      }
    });

    it('run kubelet.service on each node\'s own host-only address, after installing the pinned binary', () => {
      for (const vm of NODES) {
        const units = yaml11(files[`cloud-config/${vm}.yaml`]).coreos.units;
        expect(units.map((u: any) => [u.name, u.command, u.enable]), vm).to.deep.equal([
          ['install-cni-plugins.service', 'start', true],
          ['kubelet.service', 'start', true],
          ...(vm === 'node-01' ? [['apply-addons.service', 'start', true]] : []),
        ]);
        const unit: string = units[1].content;
        expect(unit.match(/--node-ip=\S+/g), vm).to.deep.equal([`--node-ip=${ipOf(vm)}`]);
        expect(unit, vm).to.contain('ExecStartPre=/opt/bin/install-kubelet\n');
        expect(unit, vm).to.contain('--config=/etc/kubernetes/kubelet-config.yaml');
        expect(unit, vm).to.contain('--kubeconfig=/etc/kubernetes/kubelet.conf');
      }
    });

    it('install-kubelet downloads the release binary of the table and checks the table\'s sha256 before installing it', () => {
      const pin = FLATCAR_RELEASES.find(release => release.version === FLATCAR_DEFAULT_VERSION)!;
      expect(pin.kubeletSha256).to.match(/^[0-9a-f]{64}$/);
      for (const vm of NODES) {
        const script = written[vm]['/opt/bin/install-kubelet'];
        expect(script.permissions, vm).to.equal('0755');
        expect(script.content, vm).to.contain(`url="https://dl.k8s.io/release/v${pin.version}/bin/linux/amd64/kubelet"\n`);
        expect(script.content, vm).to.contain(`sha256="${pin.kubeletSha256}"\n`);
        // The checksum is checked on the download before it replaces the target.
        const check = script.content.indexOf('echo "$sha256  $download" | sha256sum --check');
        expect(check, vm).to.be.greaterThan(script.content.indexOf('curl '));
        expect(check, vm).to.be.lessThan(script.content.indexOf('mv "$download" "$target"'));
      }
    });
  });

  describe('control-plane static pods', () => {
    it('the API server serves the secure port only, authorizes with Node,RBAC, reaches etcd over TLS and signs service accounts', () => {
      const { flags, command } = podFlags(files, 'kube-apiserver');
      expect(flags).to.deep.include({
        'secure-port': '6443',
        'bind-address': ipOf('node-01'),
        'advertise-address': ipOf('node-01'),
        'authorization-mode': 'Node,RBAC',
        'client-ca-file': '/etc/kubernetes/pki/ca.crt',
        'tls-cert-file': '/etc/kubernetes/pki/apiserver.crt',
        'tls-private-key-file': '/etc/kubernetes/pki/apiserver.key',
        'etcd-servers': ETCD.map(vm => `https://${ipOf(vm)}:2379`).join(','),
        'etcd-cafile': '/etc/kubernetes/pki/etcd-ca.crt',
        'etcd-certfile': '/etc/kubernetes/pki/apiserver-etcd-client.crt',
        'etcd-keyfile': '/etc/kubernetes/pki/apiserver-etcd-client.key',
        'service-account-key-file': '/etc/kubernetes/pki/sa.pub',
        'service-account-signing-key-file': '/etc/kubernetes/pki/sa.key',
        'service-cluster-ip-range': '10.3.0.0/24',
      });
      expect(command.join(' ')).to.not.match(/--insecure|--anonymous-auth=true|AlwaysAllow|--token-auth-file|--basic-auth-file|0\.0\.0\.0|http:\/\//);
    });

    it('every file a control-plane flag names is written on node-01 and mounted into its pod', () => {
      for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
        const { pod, flags } = podFlags(files, name);
        const mounts: string[] = pod.spec.containers[0].volumeMounts.map((m: any) => m.mountPath);
        // The audit log is the API server's to write (test/profiles/flatcar/hardening.test.ts checks its mount).
        const paths = Object.entries(flags).filter(([flag, value]) => flag !== 'audit-log-path' && value.startsWith('/')).map(([, value]) => value);
        expect(paths, name).to.not.be.empty;
        for (const file of paths) {
          expect(written['node-01'], `${name}: ${file}`).to.have.property(file);
          expect(mounts.some(mount => file === mount || file.startsWith(`${mount}/`)), `${name}: ${file} is mounted`).to.equal(true);
        }
      }
    });

    it('the apiserver\'s certificates fit their flags: its serving cert carries its names, its etcd client cert is from the etcd CA', () => {
      const pki = written['node-01'];
      const apiServer = new crypto.X509Certificate(pki['/etc/kubernetes/pki/apiserver.crt'].content);
      expect(apiServer.checkIssued(kubernetesCa)).to.equal(true);
      for (const ip of [ipOf('node-01'), '10.3.0.1']) { expect(apiServer.checkIP(ip), ip).to.equal(ip); }
      for (const host of ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']) {
        expect(apiServer.checkHost(host), host).to.equal(host);
      }
      const etcdClient = new crypto.X509Certificate(pki['/etc/kubernetes/pki/apiserver-etcd-client.crt'].content);
      expect(etcdClient.checkIssued(etcdCa) && etcdClient.verify(etcdCa.publicKey)).to.equal(true);
      expect(new crypto.X509Certificate(pki['/etc/kubernetes/pki/etcd-ca.crt'].content).raw.equals(etcdCa.raw)).to.equal(true);
      // The service-account pair is one pair.
      const publicKey = crypto.createPublicKey(pki['/etc/kubernetes/pki/sa.pub'].content);
      const derived = crypto.createPublicKey(crypto.createPrivateKey(pki['/etc/kubernetes/pki/sa.key'].content));
      expect(publicKey.export({ type: 'spki', format: 'der' }).equals(derived.export({ type: 'spki', format: 'der' }))).to.equal(true);
    });

    it('every pod is a valid Pod from registry.k8s.io at the pinned version, on the host network', () => {
      for (const name of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
        const { pod } = podFlags(files, name);
        expect(() => new Pod(pod).validate(), name).to.not.throw();
        expect(pod.spec.containers[0].image, name).to.equal(`registry.k8s.io/${name}:v${FLATCAR_DEFAULT_VERSION}`);
        expect(pod.spec.hostNetwork, name).to.equal(true);
      }
    });
  });

  describe('Vagrantfile', () => {
    it('boots flatcar-stable, requires Vagrant >= 2.2.5 and uploads each VM\'s own cloud-config/<vm>.yaml to the Flatcar path', () => {
      const vagrantfile = files.Vagrantfile;
      expect(vagrantfile).to.contain('BOX = "flatcar-stable"\n');
      expect(vagrantfile).to.contain('config.vm.box = BOX\n');
      expect(vagrantfile).to.contain('Vagrant.require_version ">= 2.2.5"\n');
      for (const vm of [...ETCD, ...NODES]) {
        expect(vagrantfile).to.contain(`{ name: "${vm}", ip: "${ipOf(vm)}", `);
        expect(vagrantfile).to.contain(`user_data: "cloud-config/${vm}.yaml"`);
      }
      // Root's alone, 0600, in one rename (test/integration/vagrant.test.ts has Vagrant read it).
      expect(vagrantfile).to.contain('inline: "install -D -o root -g root -m 0600 /tmp/vagrantfile-user-data /var/lib/flatcar-vagrant/.vagrantfile-user-data.new '
        + '&& rm -f /tmp/vagrantfile-user-data && mv -f /var/lib/flatcar-vagrant/.vagrantfile-user-data.new /var/lib/flatcar-vagrant/vagrantfile-user-data"');
      // The box's own Vagrantfile uploads a host path named user-data to every VM: we never name one so.
      expect(vagrantfile).to.not.match(/["'/]user-data\b/);
      expect(vagrantfile).to.contain('{ host: "pods/node-01", guest: "/etc/kubernetes/manifests" }');
    });
  });

  describe('cloud-config schema', () => {
    it('every cloud-config, as written, passes the cloud-config schema', () => {
      const cloudConfigs = example().bind().node.findAll().filter(CloudConfig.isCloudConfig);
      expect(cloudConfigs).to.have.length(7);
      for (const cloudConfig of cloudConfigs) {
        expect(cloudConfigReadBackProblems(cloudConfig.filePath, files[cloudConfig.filePath]), cloudConfig.filePath).to.deep.equal([]);
      }
    });

    it('fails when a key file\'s permissions are written unquoted (YAML 1.1 reads 0600 as the number 384)', () => {
      const [cloudConfig] = example().bind().node.findAll().filter(CloudConfig.isCloudConfig);
      const content = files[cloudConfig.filePath].replace('permissions: "0600"', 'permissions: 0600');
      expect(content).to.not.equal(files[cloudConfig.filePath]);
      expect(cloudConfigReadBackProblems(cloudConfig.filePath, content).join('\n')).to.contain('permissions');
    });
  });

  describe('versions', () => {
    it('the test variant with its defaults gives the files of examples/flatcar.ts', () => {
      expect(Testing.render(flatcarVariant({ pkiDir }))).to.deep.equal(Testing.render(example()));
    });

    for (const [version, why, expected] of [
      ['1.31.9', 'older than 1.32', /kubernetesVersion 1\.31\.9 is not supported by the Flatcar profile; expected 1\.32\.x to 1\.35\.x \(1\.32 is the first API server that limits anonymous requests to its health endpoints by default; 1\.36 needs containerd 2\)/],
      ['1.36.0', 'newer than 1.35', /kubernetesVersion 1\.36\.0 is not supported by the Flatcar profile; expected 1\.32\.x to 1\.35\.x/],
      ['1.35.2', 'a patch without a pinned checksum', /kubernetesVersion 1\.35\.2 has no pinned kubelet checksum; expected one of .*1\.35\.1.*, or set kubeletSha256 .*https:\/\/dl\.k8s\.io\/release\/v1\.35\.2\/bin\/linux\/amd64\/kubelet\.sha256/],
    ] as const) {
      it(`fails when kubernetesVersion is ${version} (${why}), saying what is supported`, () => {
        const error = synthError(flatcarVariant({ pkiDir, kubernetesVersion: version }));
        expect(error.problems.map(p => p.constructPath)).to.deep.equal(['cluster']);
        expect(error.message).to.match(expected);
      });
    }

    it('fails when kubeletSha256 is not a sha256', () => {
      const error = synthError(flatcarVariant({ pkiDir, kubernetesVersion: '1.35.2', kubeletSha256: 'E7343310' }));
      expect(error.message).to.contain('kubeletSha256 \'E7343310\' is not a sha256; expected 64 lowercase hex digits');
    });

    it('takes a patch without a pin when kubeletSha256 is given, and pins that checksum', () => {
      const sha256 = 'ab'.repeat(32);
      const rendered = Testing.render(flatcarVariant({ pkiDir, kubernetesVersion: '1.34.9', kubeletSha256: sha256, kubectlSha256: sha256 }));
      const script = writeFilesOf(rendered['cloud-config/node-02.yaml'])['/opt/bin/install-kubelet'].content;
      expect(script).to.contain('url="https://dl.k8s.io/release/v1.34.9/bin/linux/amd64/kubelet"\n');
      expect(script).to.contain(`sha256="${sha256}"\n`);
      expect(yaml11(rendered['pods/node-01/kube-apiserver.yaml']).spec.containers[0].image).to.equal('registry.k8s.io/kube-apiserver:v1.34.9');
    });
  });

  describe('stability', () => {
    it('re-synthesis with the same PKI folder is byte-identical, and leaves the folder as it was', () => {
      const before = Testing.readFolder(pkiDir);
      const again = Testing.synth(example());
      expect(Object.keys(again)).to.deep.equal(Object.keys(files));
      for (const [file, content] of Object.entries(files)) {
        expect(again[file] === content, `${file} is byte-identical`).to.equal(true);
      }
      expect(Testing.readFolder(pkiDir)).to.deep.equal(before);
    });

    describe('when a node\'s address changes', () => {
      let copy: string;
      beforeEach(() => {
        copy = tempFolder('flatcar-stale');
        fs.cpSync(pkiDir, path.join(copy, 'pki'), { recursive: true });
      });
      afterEach(() => fs.rmSync(copy, { recursive: true, force: true }));

      it('fails when the PKI folder is a file, without the regeneratePki hint, which would not help', () => {
        const file = path.join(copy, 'keys');
        fs.writeFileSync(file, 'not a folder\n');
        expect(synthError(flatcarVariant({ pkiDir: file })).problems.map(p => p.message)).to.deep.equal([
          `${file}: is not a folder; expected a folder (or nothing) to keep the PKI in`,
        ]);
      });

      it('fails when the same PKI folder holds certificates for the old addresses, naming each stale certificate and regeneratePki', () => {
        const folder = path.join(copy, 'pki');
        const before = Testing.readFolder(folder);
        const error = synthError(flatcarVariant({ pkiDir: folder, nodeFirstIp: 31 }));
        const HINT = 'set the profile option regeneratePki to re-issue it: ClusterProfile.flatcar({ regeneratePki: true }), '
          + 'or in a cluster file profile: { name: flatcar, options: { regeneratePki: true } }';
        // The API server's certificate, and each kubelet's serving certificate, which names its node's address.
        const serving = (n: number) => [
          `${path.join(folder, `kubelet-node-0${n}-serving.crt`)}: subjectAltName lacks IP ${FLATCAR_PREFIX}.3${n}; expected IP ${FLATCAR_PREFIX}.3${n}; ${HINT}`,
          `${path.join(folder, `kubelet-node-0${n}-serving.crt`)}: subjectAltName has IP ${FLATCAR_PREFIX}.2${n}, which the spec does not list; expected IP ${FLATCAR_PREFIX}.3${n}; ${HINT}`,
        ];
        expect(error.problems.map(p => p.message)).to.deep.equal([
          `${path.join(folder, 'apiserver.crt')}: subjectAltName lacks IP ${FLATCAR_PREFIX}.31; expected IP ${FLATCAR_PREFIX}.31, 10.3.0.1, 127.0.0.1; ${HINT}`,
          `${path.join(folder, 'apiserver.crt')}: subjectAltName has IP ${FLATCAR_PREFIX}.21, which the spec does not list; expected IP ${FLATCAR_PREFIX}.31, 10.3.0.1, 127.0.0.1; ${HINT}`,
          ...[1, 2, 3, 4].flatMap(serving),
        ]);
        expect(new Set(error.problems.map(p => p.constructPath))).to.deep.equal(new Set(['cluster/pki']));
        expect(Testing.readFolder(folder), 'nothing in the PKI folder changed').to.deep.equal(before);
      });

      it('re-issues only the certificates that name an address, for the same keys, when regeneratePki is set', () => {
        const folder = path.join(copy, 'pki');
        const before = Testing.readFolder(folder);
        const cluster = flatcarVariant({ pkiDir: folder, nodeFirstIp: 31, regeneratePki: true });
        expect(Testing.readFolder(folder), 'an in-memory render writes nothing').to.deep.equal((Testing.render(cluster), before));
        const rendered = Testing.synth(cluster);
        const after = Testing.readFolder(folder);
        const changed = Object.keys(after).filter(file => after[file] !== before[file]);
        expect(changed).to.deep.equal(['.verified.json', 'apiserver.crt', ...[1, 2, 3, 4].map(n => `kubelet-node-0${n}-serving.crt`)]);
        const reissued = new crypto.X509Certificate(after['apiserver.crt']);
        expect(reissued.checkIP(`${FLATCAR_PREFIX}.31`)).to.equal(`${FLATCAR_PREFIX}.31`);
        expect(reissued.checkIP(`${FLATCAR_PREFIX}.21`)).to.equal(undefined);
        expect(reissued.checkPrivateKey(crypto.createPrivateKey(before['apiserver.key']))).to.equal(true);
        expect(writeFilesOf(rendered['cloud-config/node-01.yaml'])['/etc/kubernetes/pki/apiserver.crt'].content).to.equal(after['apiserver.crt']);
      });
    });
  });
});
