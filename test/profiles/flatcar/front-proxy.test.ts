// The aggregation layer and the two log errors a real control plane showed: every API server
// carries the front-proxy flag set with the files it names, the front-proxy PKI is checked by
// openssl and follows the reuse and staleness rules of the rest, an older PKI folder gains it
// without re-issuing anything else, every node creates the static pod folder its kubelet
// reads, and kube-proxy accepts NodePorts on the node's primary address only.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { PkiError, Testing, WriteFile } from '../../../lib';
import { ClusterModel } from '../../../lib/cluster/cluster-model';
import { Pki } from '../../../lib/pki/pki';
import { PkiSpec } from '../../../lib/pki/pki-spec';
import { KubeProxyAddon } from '../../../lib/addons/kube-proxy-addon';
import { yaml11 } from '../../support/fixtures';
import { FLATCAR_EXAMPLES, flatcarPkiCopy, flatcarPkiSpec, tempFolder, writeFilesOf } from '../../support/flatcar';
import { changedFiles, folderState, openssl, requireOpenssl } from '../../pki/support';

const PKI = '/etc/kubernetes/pki';
const FRONT_PROXY_FILES = [`${PKI}/front-proxy-ca.crt`, `${PKI}/front-proxy-client.crt`, `${PKI}/front-proxy-client.key`];
const FRONT_PROXY_PIECES = ['front-proxy-ca.crt', 'front-proxy-ca.key', 'front-proxy-client.crt', 'front-proxy-client.key'];

/** A container's `--flag=value` arguments as `{ flag: value }`. */
function flagsOf(command: string[]): Record<string, string> {
  return Object.fromEntries(command.slice(1).map(arg => {
    const match = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    expect(match, `${arg} is --flag=value`).to.not.equal(null);
    return [match![1], match![2]];
  }));
}

/** The spec without the front-proxy CA and certificate: what a PKI folder made before them holds. */
function withoutFrontProxy(spec: PkiSpec): PkiSpec {
  return {
    ...spec,
    cas: spec.cas!.filter(ca => ca.name !== 'front-proxy-ca'),
    certificates: spec.certificates!.filter(certificate => certificate.ca !== 'front-proxy-ca'),
  };
}

for (const example of FLATCAR_EXAMPLES) {
  describe(`front proxy and node folders of ${example.name}`, () => {
    let pkiDir: string;
    let files: Record<string, string>;
    let model: ClusterModel;
    const written: Record<string, Record<string, WriteFile>> = {};

    before(() => {
      pkiDir = example.pkiCopy();
      const tree = example.build(path.join(pkiDir, '..', 'never-written'), pkiDir);
      model = tree.model();
      files = Testing.synth(tree);
      for (const machine of model.machines) { written[machine.hostname] = writeFilesOf(files[`cloud-config/${machine.hostname}.yaml`]); }
    });
    after(() => fs.rmSync(pkiDir, { recursive: true, force: true }));

    it('gives every API server the full front-proxy flag set, naming files its control plane has and its pod mounts', () => {
      expect(model.controlPlanes).to.not.be.empty;
      for (const cp of model.controlPlanes.map(node => node.hostname)) {
        const pod = yaml11(files[`pods/${cp}/kube-apiserver.yaml`]);
        const flags = flagsOf(pod.spec.containers[0].command);
        expect(flags, cp).to.include({
          'requestheader-client-ca-file': `${PKI}/front-proxy-ca.crt`,
          'requestheader-allowed-names': 'front-proxy-client',
          'requestheader-username-headers': 'X-Remote-User',
          'requestheader-group-headers': 'X-Remote-Group',
          'requestheader-extra-headers-prefix': 'X-Remote-Extra-',
          'proxy-client-cert-file': `${PKI}/front-proxy-client.crt`,
          'proxy-client-key-file': `${PKI}/front-proxy-client.key`,
        });
        for (const flag of ['requestheader-client-ca-file', 'proxy-client-cert-file', 'proxy-client-key-file']) {
          expect(written[cp][flags[flag]], `${cp} ${flag}`).to.not.equal(undefined);
          const mount = pod.spec.containers[0].volumeMounts.find((m: any) => flags[flag].startsWith(`${m.mountPath}/`));
          expect(mount, `${cp} mounts ${flags[flag]}`).to.include({ readOnly: true });
        }
        expect(written[cp][`${PKI}/front-proxy-client.key`].permissions, cp).to.equal('0600');
        expect(written[cp][`${PKI}/front-proxy-ca.crt`].permissions, cp).to.equal('0644');
      }
    });

    it('delivers a client certificate named front-proxy-client, of the front-proxy CA alone, and no front-proxy CA key', () => {
      const frontProxyCa = new crypto.X509Certificate(fs.readFileSync(path.join(pkiDir, 'front-proxy-ca.crt')));
      const clusterCa = new crypto.X509Certificate(fs.readFileSync(path.join(pkiDir, 'kubernetes-ca.crt')));
      for (const cp of model.controlPlanes.map(node => node.hostname)) {
        expect(new crypto.X509Certificate(written[cp][`${PKI}/front-proxy-ca.crt`].content).raw.equals(frontProxyCa.raw), cp).to.equal(true);
        const client = new crypto.X509Certificate(written[cp][`${PKI}/front-proxy-client.crt`].content);
        expect(client.subject, cp).to.equal('CN=front-proxy-client');
        expect(client.keyUsage, cp).to.deep.equal(['1.3.6.1.5.5.7.3.2']); // clientAuth alone
        expect(client.checkIssued(frontProxyCa) && client.verify(frontProxyCa.publicKey), cp).to.equal(true);
        expect(client.verify(clusterCa.publicKey), `${cp}: the cluster CA did not sign it`).to.equal(false);
        expect(client.checkPrivateKey(crypto.createPrivateKey(written[cp][`${PKI}/front-proxy-client.key`].content)), cp).to.equal(true);
        expect(Object.keys(written[cp]).filter(file => file.includes('front-proxy-ca.key')), cp).to.deep.equal([]);
      }
      for (const worker of model.workers.map(node => node.hostname)) {
        expect(FRONT_PROXY_FILES.filter(file => written[worker][file]), worker).to.deep.equal([]);
      }
    });

    it('creates the static pod folder on every node before its kubelet starts, workers included', () => {
      for (const node of model.nodes) {
        const config = yaml11(written[node.hostname]['/etc/kubernetes/kubelet-config.yaml'].content);
        const cloudConfig = yaml11(files[`cloud-config/${node.hostname}.yaml`]);
        const unit: string = cloudConfig.coreos.units.find((u: any) => u.name === 'kubelet.service').content;
        const starts = unit.split('\n').filter(line => line.startsWith('ExecStart'));
        expect(starts.indexOf(`ExecStartPre=/usr/bin/mkdir -p ${config.staticPodPath}`), node.hostname)
          .to.be.within(0, starts.findIndex(line => line.startsWith('ExecStart=')) - 1);
      }
      expect(model.workers).to.not.be.empty;
    });

    it('accepts NodePorts on each node\'s primary address only, so that kube-proxy starts without its configuration warning', () => {
      const tree = example.build(path.join(pkiDir, '..', 'never-written'), pkiDir);
      const proxy = tree.bind().node.findAll().find((c): c is KubeProxyAddon => c instanceof KubeProxyAddon)!;
      const configMap = proxy.manifests().find(object => object.kind === 'ConfigMap') as { data: Record<string, string> };
      expect(yaml11(configMap.data['config.conf']).nodePortAddresses).to.deep.equal(['primary']);
    });
  });
}

describe('front-proxy PKI (openssl)', () => {
  const spec = flatcarPkiSpec('192.168.56');
  let parent: string;
  let dir: string;

  before(function () {
    requireOpenssl(this);
    parent = tempFolder('front-proxy-pki');
    dir = path.join(parent, 'pki');
    fs.cpSync(flatcarPkiCopy(), dir, { recursive: true });
  });
  after(() => parent && fs.rmSync(parent, { recursive: true, force: true }));

  it('is in the spec as its own CA and one client certificate it signs', () => {
    expect(spec.cas!.map(ca => ca.name)).to.include('front-proxy-ca');
    expect(spec.certificates!.filter(certificate => certificate.ca === 'front-proxy-ca')).to.deep.equal([
      { name: 'front-proxy-client', ca: 'front-proxy-ca', commonName: 'front-proxy-client', usages: ['client'] },
    ]);
  });

  it('chains front-proxy-client to the front-proxy CA for client use only', () => {
    expect(openssl(['verify', '-x509_strict', '-purpose', 'sslclient', '-CAfile', 'front-proxy-ca.crt', 'front-proxy-client.crt'], dir).output)
      .to.contain('front-proxy-client.crt: OK');
    const server = openssl(['verify', '-x509_strict', '-purpose', 'sslserver', '-CAfile', 'front-proxy-ca.crt', 'front-proxy-client.crt'], dir);
    expect(server.code).not.to.equal(0);
    expect(server.output).to.contain('unsuitable certificate purpose');
    const text = openssl(['x509', '-in', 'front-proxy-ca.crt', '-noout', '-text'], dir).output;
    expect(text).to.match(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
    expect(text).to.contain('Subject: CN = front-proxy-ca');
  });

  it('fails when front-proxy-client is verified against the cluster CA, and the cluster\'s certificates against the front-proxy CA', () => {
    const against = openssl(['verify', '-CAfile', 'kubernetes-ca.crt', 'front-proxy-client.crt'], dir);
    expect(against.code).not.to.equal(0);
    expect(against.output).to.contain('unable to get local issuer certificate');
    const admin = openssl(['verify', '-CAfile', 'front-proxy-ca.crt', 'admin.crt'], dir);
    expect(admin.code).not.to.equal(0);
  });

  it('reuses both pieces byte for byte on a later load', () => {
    const before = folderState(dir);
    const pki = Pki.loadOrCreate(dir, spec);
    expect(pki.written).to.deep.equal([]);
    expect(changedFiles(before, folderState(dir))).to.deep.equal([]);
  });

  it('adds the front-proxy CA and client to a folder made before them, re-issuing nothing else', () => {
    const older = path.join(parent, 'older');
    fs.cpSync(dir, older, { recursive: true });
    for (const piece of FRONT_PROXY_PIECES) { fs.rmSync(path.join(older, piece)); }
    expect(Pki.loadOrCreate(older, withoutFrontProxy(spec)).written).to.deep.equal([]);
    const before = folderState(older);
    const pki = Pki.loadOrCreate(older, spec);
    expect([...pki.written].sort()).to.deep.equal(FRONT_PROXY_PIECES);
    expect(changedFiles(before, folderState(older))).to.deep.equal(FRONT_PROXY_PIECES);
    expect(openssl(['verify', '-purpose', 'sslclient', '-CAfile', 'front-proxy-ca.crt', 'front-proxy-client.crt'], older).code).to.equal(0);
  });

  it('fails when front-proxy-client was signed by another CA; regenerate re-issues it alone', () => {
    const stale = path.join(parent, 'stale');
    fs.cpSync(dir, stale, { recursive: true });
    // The kubelet client certificate of node-02 in its place: signed by the cluster CA, another name.
    fs.copyFileSync(path.join(stale, 'kubelet-node-02.crt'), path.join(stale, 'front-proxy-client.crt'));
    fs.copyFileSync(path.join(stale, 'kubelet-node-02.key'), path.join(stale, 'front-proxy-client.key'));
    let error: unknown;
    try { Pki.loadOrCreate(stale, spec); } catch (caught) { error = caught; }
    expect(error).to.be.instanceOf(PkiError);
    expect((error as PkiError).problems.every(problem => problem.location.endsWith('front-proxy-client.crt'))).to.equal(true);
    expect((error as PkiError).message).to.contain('front-proxy-client');
    const before = folderState(stale);
    const pki = Pki.loadOrCreate(stale, spec, { regenerate: true });
    expect(pki.written).to.deep.equal(['front-proxy-client.crt']);
    expect(changedFiles(before, folderState(stale))).to.deep.equal(['front-proxy-client.crt']);
    expect(openssl(['verify', '-purpose', 'sslclient', '-CAfile', 'front-proxy-ca.crt', 'front-proxy-client.crt'], stale).code).to.equal(0);
  });
});
