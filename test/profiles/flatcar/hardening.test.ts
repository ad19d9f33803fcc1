// Secure by default: the settings each Flatcar example hands its API servers, controller-managers,
// schedulers and kubelets, item by item, read back from the files as written (static pods, cloud-
// configs, the PKI folder). test/integration/flatcar-tls.test.ts runs openssl on the kubelets'
// serving certificates; test/integration/vagrant.test.ts has Vagrant load the SSH keys.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { ClusterProfile, EtcdPeerTier, KubeNodeTier, Testing, VagrantCluster, WriteFile } from '../../../lib';
import { ClusterModel } from '../../../lib/cluster/cluster-model';
import { FLATCAR_RELEASES } from '../../../lib/profiles/flatcar/releases';
import {
  NODES_GROUP, ROTATION_BINDING_NAME, SELF_NODE_CLIENT_ROLE,
} from '../../../lib/addons/kubelet-certificate-rotation-addon';
import { yaml11 } from '../../support/fixtures';
import { FLATCAR_EXAMPLES, tempFolder, writeFilesOf } from '../../support/flatcar';

const AUDIT_POLICY = '/etc/kubernetes/audit-policy.yaml';
const AUTHENTICATION_CONFIG = '/etc/kubernetes/authentication-config.yaml';
const ENCRYPTION_CONFIG = '/etc/kubernetes/encryption-config.yaml';
const AUDIT_LOG_DIR = '/var/log/kubernetes/audit';
const KUBELET_CONFIG = '/etc/kubernetes/kubelet-config.yaml';
const CLUSTER_CA = '/etc/kubernetes/pki/ca.crt';
const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** A container's `--flag=value` arguments as `{ flag: value }`; every argument after the program must be one. */
function flagsOf(command: string[]): Record<string, string> {
  return Object.fromEntries(command.slice(1).map(arg => {
    const match = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    expect(match, `${arg} is --flag=value`).to.not.equal(null);
    return [match![1], match![2]];
  }));
}

/** A request as the audit policy sees it. */
interface AuditRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  /** A resource request: its group, resource (`resource/subresource`) and namespace (`''` for cluster-scoped). */
  readonly resource?: { readonly group: string; readonly resource: string; readonly namespace: string };
  /** A non-resource request: its path. */
  readonly path?: string;
}

/**
 * The level the first matching rule gives, as kube-apiserver's policy checker decides it
 * (k8s.io/apiserver pkg/audit/policy/checker.go: users, groups and verbs when set; a rule with
 * resources or namespaces matches resource requests only, one with nonResourceURLs the others only).
 */
function auditLevel(policy: any, request: AuditRequest): string {
  const matches = (rule: any) => {
    if (rule.users && !rule.users.includes(request.user)) { return false; }
    if (rule.userGroups && !request.groups.some(group => rule.userGroups.includes(group))) { return false; }
    if (rule.verbs && !rule.verbs.includes(request.verb)) { return false; }
    if (request.resource) {
      if (rule.nonResourceURLs) { return false; }
      if (rule.namespaces && !rule.namespaces.includes(request.resource.namespace)) { return false; }
      if (!rule.resources) { return true; }
      const [resource, subresource] = request.resource.resource.split('/');
      return rule.resources.some((group: any) => group.group === request.resource!.group && group.resources.some((name: string) =>
        name === '*' || name === request.resource!.resource || (subresource !== undefined && name === `*/${subresource}`) || (subresource === undefined && name === resource)));
    }
    if (rule.resources || rule.namespaces) { return false; }
    if (!rule.nonResourceURLs) { return true; }
    return rule.nonResourceURLs.some((url: string) => (url.endsWith('*') ? request.path!.startsWith(url.slice(0, -1)) : request.path === url));
  };
  return policy.rules.find(matches)?.level ?? 'None';
}

const LEVELS = ['None', 'Metadata', 'Request', 'RequestResponse'];

for (const example of FLATCAR_EXAMPLES) {
  describe(`hardening of ${example.name}`, function () {
    let pkiDir: string;
    let files: Record<string, string>;
    let model: ClusterModel;
    /** The write_files of each machine's cloud-config, by guest path. */
    const written: Record<string, Record<string, WriteFile>> = {};
    const cluster = () => example.build(path.join(pkiDir, '..', 'never-written'), pkiDir);
    const controlPlanes = () => model.controlPlanes.map(node => node.hostname);
    const pod = (cp: string, name: string) => yaml11(files[`pods/${cp}/${name}.yaml`]);
    const container = (cp: string, name: string) => pod(cp, name).spec.containers[0];
    const flags = (cp: string, name: string) => flagsOf(container(cp, name).command);
    const kubeletConfig = (node: string) => yaml11(written[node][KUBELET_CONFIG].content);
    /** The host path a container mounts at `file` or a folder above it, and whether it may write there. */
    const mountOf = (cp: string, name: string, file: string) => {
      const spec = pod(cp, name).spec;
      const mount = spec.containers[0].volumeMounts.find((m: any) => file === m.mountPath || file.startsWith(`${m.mountPath}/`));
      expect(mount, `${cp} ${name} mounts ${file}`).to.not.equal(undefined);
      const volume = spec.volumes.find((v: any) => v.name === mount.name);
      return { hostPath: volume.hostPath, readOnly: mount.readOnly === true };
    };

    before(() => {
      pkiDir = example.pkiCopy();
      const tree = cluster();
      model = tree.model();
      files = Testing.synth(tree);
      for (const machine of model.machines) { written[machine.hostname] = writeFilesOf(files[`cloud-config/${machine.hostname}.yaml`]); }
      expect(controlPlanes()).to.not.be.empty;
    });

    after(() => fs.rmSync(pkiDir, { recursive: true, force: true }));

    it('turns profiling off on every API server, controller-manager and scheduler', () => {
      for (const cp of controlPlanes()) {
        for (const name of COMPONENTS) {
          expect(flags(cp, name).profiling, `${cp} ${name}`).to.equal('false');
        }
      }
    });

    it('serves TLS 1.2 at least on the three components and every kubelet', () => {
      for (const cp of controlPlanes()) {
        for (const name of COMPONENTS) {
          expect(flags(cp, name)['tls-min-version'], `${cp} ${name}`).to.equal('VersionTLS12');
        }
      }
      for (const node of model.nodes) {
        expect(kubeletConfig(node.hostname).tlsMinVersion, node.hostname).to.equal('VersionTLS12');
      }
    });

    describe('audit log', () => {
      it('writes the audit log into a folder mounted read-write, rotated at 100 MB, 10 files and 30 days', () => {
        for (const cp of controlPlanes()) {
          const apiServer = flags(cp, 'kube-apiserver');
          expect(apiServer['audit-log-path'], cp).to.equal(`${AUDIT_LOG_DIR}/audit.log`);
          expect([apiServer['audit-log-maxsize'], apiServer['audit-log-maxbackup'], apiServer['audit-log-maxage']], cp).to.deep.equal(['100', '10', '30']);
          expect(mountOf(cp, 'kube-apiserver', apiServer['audit-log-path']), cp).to.deep.equal({
            hostPath: { path: AUDIT_LOG_DIR, type: 'DirectoryOrCreate' }, readOnly: false,
          });
          // Nothing else is writable in any control-plane pod.
          for (const name of COMPONENTS) {
            const writable = container(cp, name).volumeMounts.filter((m: any) => m.readOnly !== true).map((m: any) => m.mountPath);
            expect(writable, `${cp} ${name}`).to.deep.equal(name === 'kube-apiserver' ? [AUDIT_LOG_DIR] : []);
          }
        }
      });

      it('reads its audit policy from a file written on each control plane and mounted read-only, the same everywhere', () => {
        const first = written[controlPlanes()[0]][AUDIT_POLICY];
        for (const cp of controlPlanes()) {
          expect(flags(cp, 'kube-apiserver')['audit-policy-file'], cp).to.equal(AUDIT_POLICY);
          expect(mountOf(cp, 'kube-apiserver', AUDIT_POLICY), cp).to.deep.equal({ hostPath: { path: AUDIT_POLICY, type: 'File' }, readOnly: true });
          expect(written[cp][AUDIT_POLICY], cp).to.deep.equal(first);
        }
        expect([first.owner, first.permissions]).to.deep.equal(['root', '0644']);
        const policy = yaml11(first.content);
        expect([policy.apiVersion, policy.kind, policy.omitStages]).to.deep.equal(['audit.k8s.io/v1', 'Policy', ['RequestReceived']]);
      });

      it('logs no request or response body at all: every rule is None or Metadata, and the last one takes the rest at Metadata', () => {
        const policy = yaml11(written[controlPlanes()[0]][AUDIT_POLICY].content);
        for (const rule of policy.rules) {
          expect(LEVELS.indexOf(rule.level), JSON.stringify(rule)).to.be.within(0, 1);
        }
        expect(policy.rules[policy.rules.length - 1]).to.deep.equal({ level: 'Metadata' });
      });

      it('logs every request to Secrets, ConfigMaps, tokens and TokenReviews at Metadata, whoever makes it, and drops health checks and the system\'s routine traffic', () => {
        const policy = yaml11(written[controlPlanes()[0]][AUDIT_POLICY].content);
        const admin = { user: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] };
        const kubelet = { user: 'system:node:node-02', groups: ['system:nodes', 'system:authenticated'] };
        const anonymous = { user: 'system:anonymous', groups: ['system:unauthenticated'] };
        const controllerManager = { user: 'system:kube-controller-manager', groups: ['system:authenticated'] };
        const kubeProxy = { user: 'system:serviceaccount:kube-system:kube-proxy', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'] };
        const core = (resource: string, namespace = 'default') => ({ group: '', resource, namespace });
        const cases: Array<[string, AuditRequest, string]> = [
          ['the admin reads a Secret', { ...admin, verb: 'get', resource: core('secrets') }, 'Metadata'],
          ['the admin writes a Secret', { ...admin, verb: 'create', resource: core('secrets') }, 'Metadata'],
          ['a kubelet reads a Secret for its pod', { ...kubelet, verb: 'get', resource: core('secrets') }, 'Metadata'],
          ['a controller lists Secrets', { ...controllerManager, verb: 'list', resource: core('secrets', '') }, 'Metadata'],
          ['a kubelet watches a ConfigMap', { ...kubelet, verb: 'watch', resource: core('configmaps', 'kube-system') }, 'Metadata'],
          ['a kubelet asks for a service-account token', { ...kubelet, verb: 'create', resource: core('serviceaccounts/token') }, 'Metadata'],
          ['a TokenReview', { ...kubelet, verb: 'create', resource: { group: 'authentication.k8s.io', resource: 'tokenreviews', namespace: '' } }, 'Metadata'],
          ['the admin creates a Deployment', { ...admin, verb: 'create', resource: { group: 'apps', resource: 'deployments', namespace: 'default' } }, 'Metadata'],
          ['the admin deletes a Node', { ...admin, verb: 'delete', resource: core('nodes', '') }, 'Metadata'],
          ['a kubelet updates its Node\'s status', { ...kubelet, verb: 'patch', resource: core('nodes/status', '') }, 'Metadata'],
          ['an anonymous request is refused on /version', { ...anonymous, verb: 'get', path: '/version' }, 'None'],
          ['an anonymous liveness probe', { ...anonymous, verb: 'get', path: '/livez' }, 'None'],
          ['a verbose readiness check', { ...admin, verb: 'get', path: '/readyz/etcd' }, 'None'],
          ['an anonymous request for /api', { ...anonymous, verb: 'get', path: '/api' }, 'Metadata'],
          ['kube-proxy watches EndpointSlices', { ...kubeProxy, verb: 'watch', resource: { group: 'discovery.k8s.io', resource: 'endpointslices', namespace: '' } }, 'None'],
          ['the controller-manager lists pods', { ...controllerManager, verb: 'list', resource: core('pods', '') }, 'None'],
          ['a kubelet reads its Node', { ...kubelet, verb: 'get', resource: core('nodes', '') }, 'None'],
          ['a kubelet renews its lease', { ...kubelet, verb: 'update', resource: { group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease' } }, 'None'],
          ['the scheduler renews its leader lease', { user: 'system:kube-scheduler', groups: ['system:authenticated'], verb: 'update', resource: { group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system' } }, 'None'],
          ['kube-proxy updates a lease elsewhere', { ...kubeProxy, verb: 'update', resource: { group: 'coordination.k8s.io', resource: 'leases', namespace: 'default' } }, 'Metadata'],
          ['a kubelet deletes a pod', { ...kubelet, verb: 'delete', resource: core('pods') }, 'Metadata'],
        ];
        for (const [what, request, level] of cases) {
          expect(auditLevel(policy, request), what).to.equal(level);
        }
      });
    });

    describe('anonymous access', () => {
      it('reaches /livez, /readyz and /healthz only, through the API server\'s AuthenticationConfiguration, never --anonymous-auth', () => {
        for (const cp of controlPlanes()) {
          const apiServer = flags(cp, 'kube-apiserver');
          expect(apiServer['authentication-config'], cp).to.equal(AUTHENTICATION_CONFIG);
          expect(apiServer, cp).to.not.have.property('anonymous-auth'); // refused together with an anonymous section
          expect(mountOf(cp, 'kube-apiserver', AUTHENTICATION_CONFIG), cp).to.deep.equal({ hostPath: { path: AUTHENTICATION_CONFIG, type: 'File' }, readOnly: true });
          const file = written[cp][AUTHENTICATION_CONFIG];
          expect([file.owner, file.permissions], cp).to.deep.equal(['root', '0644']);
          expect(yaml11(file.content), cp).to.deep.equal({
            apiVersion: 'apiserver.config.k8s.io/v1', // both examples run 1.35
            kind: 'AuthenticationConfiguration',
            anonymous: { enabled: true, conditions: [{ path: '/livez' }, { path: '/readyz' }, { path: '/healthz' }] },
          });
        }
      });

      it('keeps the kubelets\' anonymous access off', () => {
        for (const node of model.nodes) {
          expect(kubeletConfig(node.hostname).authentication.anonymous, node.hostname).to.deep.equal({ enabled: false });
        }
      });
    });

    describe('encryption at rest', () => {
      const keyFile = () => path.join(pkiDir, 'secrets-encryption.key');
      const storedKeys = () => fs.readFileSync(keyFile(), 'utf-8').split('\n').filter(line => line !== '' && !line.startsWith('#'))
        .map(line => { const [name, secret] = line.split(' '); return { name, secret }; });

      it('encrypts Secrets with secretbox under the PKI folder\'s key, then reads plain data with identity, on every control plane alike', () => {
        const [key] = storedKeys();
        expect(Buffer.from(key.secret, 'base64')).to.have.length(32);
        const first = written[controlPlanes()[0]][ENCRYPTION_CONFIG];
        for (const cp of controlPlanes()) {
          expect(flags(cp, 'kube-apiserver')['encryption-provider-config'], cp).to.equal(ENCRYPTION_CONFIG);
          expect(mountOf(cp, 'kube-apiserver', ENCRYPTION_CONFIG), cp).to.deep.equal({ hostPath: { path: ENCRYPTION_CONFIG, type: 'File' }, readOnly: true });
          expect(written[cp][ENCRYPTION_CONFIG], cp).to.deep.equal(first);
        }
        expect([first.owner, first.permissions]).to.deep.equal(['root', '0600']);
        expect(yaml11(first.content)).to.deep.equal({
          apiVersion: 'apiserver.config.k8s.io/v1',
          kind: 'EncryptionConfiguration',
          resources: [{ resources: ['secrets'], providers: [{ secretbox: { keys: [key] } }, { identity: {} }] }],
        });
      });

      it('keeps the key 0600 in the PKI folder and in the cloud-configs that hold it, and nowhere but on the control planes', () => {
        expect(fs.statSync(keyFile()).mode & 0o777).to.equal(0o600);
        const [{ secret }] = storedKeys();
        const holders = Object.keys(files).filter(file => files[file].includes(secret));
        expect(holders).to.deep.equal(controlPlanes().map(cp => `cloud-config/${cp}.yaml`));
        const out = tempFolder('hardening-modes');
        try {
          const tree = example.build(path.join(out, 'out'), pkiDir);
          tree.synth();
          for (const holder of holders) { expect(fs.statSync(path.join(out, 'out', holder)).mode & 0o777, holder).to.equal(0o600); }
        } finally {
          fs.rmSync(out, { recursive: true, force: true });
        }
      });

      it('makes the key once: a later synth, and regeneratePki re-issuing a lost CA, keep it byte for byte, and the SSH key too', () => {
        const copy = tempFolder('hardening-regenerate');
        try {
          const folder = path.join(copy, 'pki');
          fs.cpSync(pkiDir, folder, { recursive: true });
          const before = fs.readFileSync(path.join(folder, 'secrets-encryption.key'), 'utf-8');
          const sshKey = fs.readFileSync(path.join(folder, 'cluster-ssh.key'), 'utf-8');
          const again = Testing.synth(example.build(path.join(copy, 'out'), folder));
          expect(again[`cloud-config/${controlPlanes()[0]}.yaml`]).to.equal(files[`cloud-config/${controlPlanes()[0]}.yaml`]);
          fs.rmSync(path.join(folder, 'kubernetes-ca.crt'));
          fs.rmSync(path.join(folder, 'kubernetes-ca.key'));
          fs.rmSync(path.join(folder, '.verified.json'));
          const regenerated = new VagrantCluster({
            outdir: path.join(copy, 'out'), profile: ClusterProfile.flatcar({ pkiDir: folder, regeneratePki: true }), prefix: '192.168.56',
          });
          const etcd = new EtcdPeerTier(regenerated, 'etcd', { count: 1, cpus: 1, memoryMb: 1024, firstIp: 11 });
          new KubeNodeTier(regenerated, 'node', { count: 2, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
          const rendered = Testing.synth(regenerated);
          expect(fs.readFileSync(path.join(folder, 'secrets-encryption.key'), 'utf-8')).to.equal(before);
          expect(fs.readFileSync(path.join(folder, 'cluster-ssh.key'), 'utf-8')).to.equal(sshKey);
          expect(rendered['cluster-ssh.key']).to.equal(sshKey);
          expect(writeFilesOf(rendered['cloud-config/node-01.yaml'])[ENCRYPTION_CONFIG].content)
            .to.equal(written[controlPlanes()[0]][ENCRYPTION_CONFIG].content);
        } finally {
          fs.rmSync(copy, { recursive: true, force: true });
        }
      });

      it('lists a rotated key set newest first, the identity provider last', () => {
        const copy = tempFolder('hardening-rotate');
        try {
          const folder = path.join(copy, 'pki');
          fs.cpSync(pkiDir, folder, { recursive: true });
          const [old] = storedKeys();
          const added = { name: 'key2', secret: crypto.randomBytes(32).toString('base64') };
          fs.writeFileSync(path.join(folder, 'secrets-encryption.key'), `${added.name} ${added.secret}\n${old.name} ${old.secret}\n`, { mode: 0o600 });
          const rendered = Testing.synth(example.build(path.join(copy, 'out'), folder));
          for (const cp of controlPlanes()) {
            const config = yaml11(writeFilesOf(rendered[`cloud-config/${cp}.yaml`])[ENCRYPTION_CONFIG].content);
            expect(config.resources[0].providers, cp).to.deep.equal([{ secretbox: { keys: [added, old] } }, { identity: {} }]);
          }
        } finally {
          fs.rmSync(copy, { recursive: true, force: true });
        }
      });
    });

    describe('SSH', () => {
      const publicKey = () => fs.readFileSync(path.join(pkiDir, 'cluster-ssh.pub'), 'utf-8');

      it('logs in as core with the cluster key first and the box\'s insecure key second, Vagrant inserting none', () => {
        const lines = files.Vagrantfile.split('\n').map(line => line.trim());
        expect(lines).to.include('config.ssh.insert_key = false');
        expect(lines).to.include('config.ssh.username = "core"');
        expect(lines).to.include('config.ssh.private_key_path = ["cluster-ssh.key", Vagrant.source_root.join("keys", "vagrant").to_s]');
        expect(files['cluster-ssh.key']).to.equal(fs.readFileSync(path.join(pkiDir, 'cluster-ssh.key'), 'utf-8'));
        expect(files['cluster-ssh.key']).to.match(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
        expect(publicKey()).to.match(/^ssh-ed25519 [A-Za-z0-9+/]{68} cdk-vagrant-kubernetes cluster key\n$/);
        for (const file of ['cluster-ssh.key', 'secrets-encryption.key']) {
          expect(fs.statSync(path.join(pkiDir, file)).mode & 0o777, file).to.equal(0o600);
        }
      });

      it('makes the cluster key the only key of core in the first provisioning step, before any key is uploaded', () => {
        const provisions = files.Vagrantfile.split('\n').filter(line => line.includes('node.vm.provision'));
        expect(provisions).to.have.length(3);
        expect(provisions[0]).to.match(/^ {6}node\.vm\.provision :shell, inline: "\\#!\/bin\/sh\\n.*", args: \[CLUSTER_KEY\], privileged: true$/);
        expect(provisions[0]).to.contain('printf \'%s\\n\' \\"$key\\" > \\"$home/.ssh/authorized_keys.new\\"');
        expect(provisions[1]).to.contain('node.vm.provision :file, source: machine[:user_data]');
        // The key is the output's cluster-ssh.pub, the PKI folder's public key, which the Vagrantfile reads (Vagrant evaluates it: test/integration/vagrant.test.ts).
        expect(files.Vagrantfile).to.contain('\nCLUSTER_KEY = File.read(File.expand_path("cluster-ssh.pub", __dir__)).strip\n');
        expect(files['cluster-ssh.pub']).to.equal(publicKey());
      });

      it('authorizes the cluster key on every machine at every boot, in its cloud-config', () => {
        for (const machine of model.machines) {
          expect(yaml11(files[`cloud-config/${machine.hostname}.yaml`]).ssh_authorized_keys, machine.hostname).to.deep.equal([publicKey().trimEnd()]);
        }
      });

      it('moves each uploaded cloud-config into place root-owned, 0600, in one rename, and leaves no copy in /tmp', () => {
        const [, , move] = files.Vagrantfile.split('\n').filter(line => line.includes('node.vm.provision'));
        expect(move).to.contain('inline: "install -D -o root -g root -m 0600 /tmp/vagrantfile-user-data /var/lib/flatcar-vagrant/.vagrantfile-user-data.new '
          + '&& rm -f /tmp/vagrantfile-user-data && mv -f /var/lib/flatcar-vagrant/.vagrantfile-user-data.new /var/lib/flatcar-vagrant/vagrantfile-user-data", privileged: true');
      });
    });

    describe('kubelet serving certificates', () => {
      it('serves a certificate of the cluster CA for the node\'s name and address, which the API server verifies with that CA', () => {
        const ca = new crypto.X509Certificate(fs.readFileSync(path.join(pkiDir, 'kubernetes-ca.crt')));
        for (const cp of controlPlanes()) {
          const authority = flags(cp, 'kube-apiserver')['kubelet-certificate-authority'];
          expect(authority, cp).to.equal(CLUSTER_CA);
          expect(mountOf(cp, 'kube-apiserver', authority).readOnly, cp).to.equal(true);
          expect(new crypto.X509Certificate(written[cp][authority].content).raw.equals(ca.raw), cp).to.equal(true);
          expect(flags(cp, 'kube-apiserver')['kubelet-preferred-address-types'], cp).to.equal('InternalIP,ExternalIP,Hostname');
        }
        for (const node of model.nodes) {
          const config = kubeletConfig(node.hostname);
          expect(config, node.hostname).to.not.have.property('serverTLSBootstrap');
          const certificate = written[node.hostname][config.tlsCertFile];
          const key = written[node.hostname][config.tlsPrivateKeyFile];
          expect([certificate.owner, certificate.permissions, key.owner, key.permissions], node.hostname).to.deep.equal(['root', '0644', 'root', '0600']);
          const x509 = new crypto.X509Certificate(certificate.content);
          expect(x509.checkIssued(ca) && x509.verify(ca.publicKey), `${node.hostname} is signed by the cluster CA`).to.equal(true);
          expect(x509.subjectAltName, node.hostname).to.equal(`DNS:${node.hostname}, IP Address:${node.ip}`);
          expect(x509.keyUsage, node.hostname).to.deep.equal(['1.3.6.1.5.5.7.3.1']); // serverAuth alone
          expect(x509.checkPrivateKey(crypto.createPrivateKey(key.content)), node.hostname).to.equal(true);
          // It is not the kubelet's client certificate: that one has no address, and a key of its own.
          expect(x509.publicKey.export({ type: 'spki', format: 'der' })
            .equals(crypto.createPublicKey(fs.readFileSync(path.join(pkiDir, `kubelet-${node.hostname}.key`), 'utf-8')).export({ type: 'spki', format: 'der' })), node.hostname).to.equal(false);
        }
      });
    });

    describe('kubelet client certificate rotation', () => {
      it('rotates every kubelet\'s client certificate, and the controller-manager signs renewals with the cluster CA', () => {
        for (const node of model.nodes) {
          expect(kubeletConfig(node.hostname).rotateCertificates, node.hostname).to.equal(true);
        }
        const ca = fs.readFileSync(path.join(pkiDir, 'kubernetes-ca.crt'), 'utf-8');
        for (const cp of controlPlanes()) {
          const controllerManager = flags(cp, 'kube-controller-manager');
          expect(controllerManager, cp).to.not.have.property('controllers'); // the defaults: csrapproving and csrsigning among them
          const certificate = written[cp][controllerManager['cluster-signing-cert-file']];
          const key = written[cp][controllerManager['cluster-signing-key-file']];
          expect(certificate.content, cp).to.equal(ca);
          expect(key.permissions, cp).to.equal('0600');
          expect(new crypto.X509Certificate(certificate.content).checkPrivateKey(crypto.createPrivateKey(key.content)), cp).to.equal(true);
          for (const file of [certificate.path, key.path]) { expect(mountOf(cp, 'kube-controller-manager', file).readOnly, `${cp} ${file}`).to.equal(true); }
        }
        // Only control planes hold the CA key.
        for (const node of model.nodes.filter(n => !controlPlanes().includes(n.hostname))) {
          expect(Object.keys(written[node.hostname]), node.hostname).to.not.include('/etc/kubernetes/pki/ca.key');
        }
      });

      it('approves renewals by binding system:nodes to selfnodeclient, in an add-on every control plane applies', () => {
        const binding = yaml11(files['addons/kubelet-certificate-rotation.yaml']);
        expect(binding).to.deep.equal({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: ROTATION_BINDING_NAME },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient' },
          subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' }],
        });
        expect([SELF_NODE_CLIENT_ROLE, NODES_GROUP]).to.deep.equal([binding.roleRef.name, binding.subjects[0].name]);
        for (const cp of controlPlanes()) {
          expect(written[cp]['/etc/kubernetes/addons/kubelet-certificate-rotation.yaml'].content, cp).to.equal(files['addons/kubelet-certificate-rotation.yaml']);
          // apply-addons applies the whole folder.
          expect(written[cp]['/opt/bin/apply-addons'].content, cp).to.contain('addons="/etc/kubernetes/addons"').and.contain(' -f "$addons"');
        }
      });
    });
  });
}

describe('hardening across the pinned releases', () => {
  /** A one-node Flatcar cluster of a release, bound without its PKI. */
  const clusterOf = (kubernetesVersion: string) => {
    const cluster = new VagrantCluster({
      outdir: '/nonexistent/out', profile: ClusterProfile.flatcar({ pkiDir: '/nonexistent/pki' }), prefix: '192.168.56', kubernetesVersion,
    });
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 1, cpus: 1, memoryMb: 1024, firstIp: 11 });
    new KubeNodeTier(cluster, 'node', { count: 2, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
    return cluster;
  };

  it('writes the AuthenticationConfiguration in the newest version each release reads: v1beta1 on 1.33, v1 from 1.34', () => {
    const versions: Record<string, string> = {};
    for (const release of FLATCAR_RELEASES) {
      const config = clusterOf(release.version).bind().node.findAll()
        .flatMap(c => ((c as { config?: { write_files?: WriteFile[] } }).config?.write_files ?? []))
        .find(file => file.path === AUTHENTICATION_CONFIG)!;
      versions[release.version] = yaml11(config.content).apiVersion;
    }
    expect(versions).to.deep.equal({
      '1.33.8': 'apiserver.config.k8s.io/v1beta1',
      '1.34.3': 'apiserver.config.k8s.io/v1',
      '1.34.4': 'apiserver.config.k8s.io/v1',
      '1.35.0': 'apiserver.config.k8s.io/v1',
      '1.35.1': 'apiserver.config.k8s.io/v1',
    });
  });

  it('fails for a release older than 1.32, whose API server cannot limit anonymous requests to the health endpoints by default', () => {
    const sha = 'c'.repeat(64);
    const cluster = new VagrantCluster({
      outdir: '/nonexistent/out', profile: ClusterProfile.flatcar({ pkiDir: '/nonexistent/pki', kubeletSha256: sha, kubectlSha256: sha }),
      prefix: '192.168.56', kubernetesVersion: '1.31.14',
    });
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 1, cpus: 1, memoryMb: 1024, firstIp: 11 });
    new KubeNodeTier(cluster, 'node', { count: 2, cpus: 2, memoryMb: 2048, firstIp: 21, etcd });
    expect(cluster.node.validate()).to.deep.equal(['kubernetesVersion 1.31.14 is not supported by the Flatcar profile; expected 1.32.x to 1.35.x '
      + '(1.32 is the first API server that limits anonymous requests to its health endpoints by default; 1.36 needs containerd 2)']);
    const accepted = clusterOf('1.32.9');
    // 1.32 has no pinned checksums: the version itself is accepted, only the pins are asked for.
    expect(accepted.node.validate().join('\n')).to.not.contain('is not supported');
  });
});
