import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { PkiError } from '../../lib';
import { Pki, PkiOptions } from '../../lib/pki/pki';
import { PkiSpec } from '../../lib/pki/pki-spec';
import { issueCertificate } from '../../lib/pki/certificate-issuer';
import { tempDir } from '../support/snapshot';
import { changedFiles, folderState, openssl, requireOpenssl, smallSpec, withCertificate } from './support';

const DAY = 86_400_000;

// A stored piece that no longer fits the spec, or today's date, is an error that
// lists every problem; `regenerate: true` re-issues exactly those pieces.
describe('pki: stale pieces', () => {
  const spec = smallSpec();
  let base: string;
  let parent: string;
  let dir: string;

  before(() => {
    base = path.join(tempDir(), 'pki');
    Pki.loadOrCreate(base, spec);
  });
  after(() => fs.rmSync(path.dirname(base), { recursive: true, force: true }));
  beforeEach(() => {
    parent = tempDir();
    dir = path.join(parent, 'pki');
    fs.cpSync(base, dir, { recursive: true, preserveTimestamps: true });
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  const at = (file: string) => path.join(dir, file);
  const read = (file: string) => fs.readFileSync(at(file), 'utf-8');
  const x509 = (file: string) => new crypto.X509Certificate(read(file));

  /** The problem lines of the PkiError that loading throws; proves nothing was written. */
  function problemsOf(loadSpec: PkiSpec, options: PkiOptions = {}): string[] {
    const before = folderState(dir);
    try {
      Pki.loadOrCreate(dir, loadSpec, options);
    } catch (error) {
      expect(error).to.be.instanceOf(PkiError);
      expect(folderState(dir)).to.deep.equal(before);
      const lines = (error as PkiError).message.split('\n');
      expect(lines[0]).to.match(/^PKI check failed with \d+ problems?:$/);
      expect(lines[lines.length - 1]).to.match(/^Fix the spec, or pass \{ regenerate: true \}/);
      expect(lines.length - 2).to.equal((error as PkiError).problems.length);
      return lines.slice(1, -1);
    }
    throw new Error('expected a PkiError');
  }

  /** Loads with regenerate and returns which files changed content. */
  function regenerate(loadSpec: PkiSpec, options: PkiOptions = {}): { pki: Pki; changed: string[] } {
    const before = folderState(dir);
    const pki = Pki.loadOrCreate(dir, loadSpec, { ...options, regenerate: true });
    const changed = changedFiles(before, folderState(dir));
    expect([...pki.written].sort()).to.deep.equal(changed);
    // and a plain load afterwards is content with everything
    expect(Pki.loadOrCreate(dir, loadSpec, options).written).to.deep.equal([]);
    return { pki, changed };
  }

  it('fails when the spec asks for an IP the certificate lacks, naming the file and the IP; regenerate re-issues only that certificate', () => {
    const changed = withCertificate(spec, 'apiserver', { ipAddresses: ['192.168.56.21', '10.3.0.1', '192.168.56.30'] });
    expect(problemsOf(changed)).to.deep.equal([
      `${at('apiserver.crt')}: subjectAltName lacks IP 192.168.56.30; expected IP 192.168.56.21, 10.3.0.1, 192.168.56.30`,
    ]);
    const key = read('apiserver.key');
    expect(regenerate(changed).changed).to.deep.equal(['apiserver.crt']);
    expect(read('apiserver.key')).to.equal(key); // re-issued for the same key
    expect(x509('apiserver.crt').subjectAltName).to.equal(
      'DNS:kubernetes, DNS:kubernetes.default, IP Address:192.168.56.21, IP Address:10.3.0.1, IP Address:192.168.56.30');
  });

  it('fails when the certificate has a SAN the spec dropped', () => {
    const changed = withCertificate(spec, 'apiserver', { dnsNames: ['kubernetes'], ipAddresses: ['10.3.0.1'] });
    expect(problemsOf(changed)).to.deep.equal([
      `${at('apiserver.crt')}: subjectAltName has DNS kubernetes.default, which the spec does not list; expected DNS kubernetes`,
      `${at('apiserver.crt')}: subjectAltName has IP 192.168.56.21, which the spec does not list; expected IP 10.3.0.1`,
    ]);
  });

  it('fails when several pieces are wrong at once, listing every problem with its file', () => {
    let changed = withCertificate(spec, 'admin', { commonName: 'root', organizations: ['system:masters', 'ops'] });
    changed = withCertificate(changed, 'etcd-01', { usages: ['server'] });
    changed = withCertificate(changed, 'apiserver', { ipAddresses: ['fd00::1', '10.3.0.1', '192.168.56.21'] });
    expect(problemsOf(changed)).to.deep.equal([
      `${at('apiserver.crt')}: subjectAltName lacks IP fd00::1; expected IP fd00::1, 10.3.0.1, 192.168.56.21`,
      `${at('admin.crt')}: subject CN is "admin"; expected "root"`,
      `${at('admin.crt')}: subject O is "system:masters"; expected "system:masters", "ops"`,
      `${at('etcd-01.crt')}: extendedKeyUsage is serverAuth, clientAuth; expected serverAuth (usages: server)`,
    ]);
    expect(regenerate(changed).changed).to.deep.equal(['admin.crt', 'apiserver.crt', 'etcd-01.crt']);
    expect(x509('apiserver.crt').subjectAltName).to.contain('IP Address:FD00:0:0:0:0:0:0:1');
    expect(x509('admin.crt').subject).to.equal('O=system:masters\nO=ops\nCN=root');
  });

  it('fails when certificates expired; regenerate re-issues them and leaves the CAs alone', () => {
    fs.rmSync(dir, { recursive: true });
    const twoYearsAgo = new Date(Date.now() - 730 * DAY);
    Pki.loadOrCreate(dir, spec, { now: twoYearsAgo, validityDays: 30 });
    const problems = problemsOf(spec);
    expect(problems).to.have.length(3);
    for (const [i, name] of ['apiserver', 'admin', 'etcd-01'].entries()) {
      expect(problems[i]).to.match(new RegExp(`^${escape(at(`${name}.crt`))}: expired on \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(now is [^)]+\\); expected a certificate valid now$`));
    }
    const { changed } = regenerate(spec);
    expect(changed).to.deep.equal(['admin.crt', 'apiserver.crt', 'etcd-01.crt']);
    expect(Date.parse(x509('admin.crt').validTo)).to.be.greaterThan(Date.now() + 364 * DAY);
  });

  it('fails when a certificate is not valid yet', () => {
    fs.rmSync(dir, { recursive: true });
    Pki.loadOrCreate(dir, { ...spec, certificates: [] }, { now: new Date(Date.now() + 2 * DAY) });
    expect(problemsOf({ ...spec, certificates: [] })[0]).to.match(
      new RegExp(`^${escape(at('kubernetes-ca.crt'))}: is not valid before \\S+ \\(now is \\S+\\); expected a certificate valid now$`));
  });

  it('fails when a certificate moves to another CA; regenerate re-issues it from that CA', () => {
    const changed = withCertificate(spec, 'admin', { ca: 'etcd-ca' });
    expect(problemsOf(changed)).to.deep.equal([
      `${at('admin.crt')}: is issued by "CN=kubernetes-ca"; expected CA 'etcd-ca' (${at('etcd-ca.crt')}) ("CN=etcd-ca")`,
      `${at('admin.crt')}: signature does not verify with the key of CA 'etcd-ca' (${at('etcd-ca.crt')}); expected a certificate signed by it (was the CA replaced?)`,
    ]);
    expect(regenerate(changed).changed).to.deep.equal(['admin.crt']);
    expect(x509('admin.crt').checkIssued(x509('etcd-ca.crt'))).to.equal(true);
    expect(x509('admin.crt').verify(x509('etcd-ca.crt').publicKey)).to.equal(true);
  });

  it('fails when a CA was replaced by another with the same name, because its certificates no longer verify', () => {
    const other = path.join(parent, 'other');
    Pki.loadOrCreate(other, { cas: [spec.cas![0]] });
    for (const file of ['kubernetes-ca.crt', 'kubernetes-ca.key']) { fs.copyFileSync(path.join(other, file), at(file)); }
    const problems = problemsOf(spec);
    expect(problems).to.deep.equal(['apiserver', 'admin'].map(name =>
      `${at(`${name}.crt`)}: signature does not verify with the key of CA 'kubernetes-ca' (${at('kubernetes-ca.crt')}); expected a certificate signed by it (was the CA replaced?)`));
    expect(regenerate(spec).changed).to.deep.equal(['admin.crt', 'apiserver.crt']);
  });

  it('fails when a certificate lost its key; regenerate makes a new key and certificate', () => {
    fs.rmSync(at('admin.key'));
    expect(problemsOf(spec)).to.deep.equal([
      `${at('admin.key')}: is missing, but ${at('admin.crt')} exists; expected the private key of that certificate (a new key needs a new certificate)`,
    ]);
    expect(regenerate(spec).changed).to.deep.equal(['admin.crt', 'admin.key']);
    expect(x509('admin.crt').checkPrivateKey(crypto.createPrivateKey(read('admin.key')))).to.equal(true);
  });

  it('fails when a key does not belong to its certificate; regenerate re-issues the certificate for the key', () => {
    fs.copyFileSync(at('etcd-01.key'), at('admin.key'));
    expect(problemsOf(spec)).to.deep.equal([
      `${at('admin.key')}: does not match ${at('admin.crt')} (their public keys differ); expected the private key of that certificate`,
    ]);
    expect(regenerate(spec).changed).to.deep.equal(['admin.crt']);
    expect(x509('admin.crt').checkPrivateKey(crypto.createPrivateKey(read('admin.key')))).to.equal(true);
  });

  it('fails when a certificate file is not a certificate, or a key is weak, on another curve or of another type', () => {
    fs.writeFileSync(at('admin.crt'), 'hello\n');
    fs.writeFileSync(at('apiserver.key'), crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(at('service-account.key'), crypto.generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    fs.writeFileSync(at('etcd-01.key'), crypto.generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const problems = problemsOf(spec);
    expect(problems).to.have.length(4);
    // In spec order: the apiserver, then admin, then the etcd members, then the service-account pair.
    expect(problems[0]).to.equal(`${at('apiserver.key')}: holds an RSA key of 1024 bits; expected at least 2048 bits`);
    expect(problems[1]).to.match(new RegExp(`^${escape(at('admin.crt'))}: is not a readable PEM certificate \\(.+\\); expected one PEM "CERTIFICATE"$`));
    expect(problems[2]).to.equal(`${at('etcd-01.key')}: holds a key of type ed25519; expected an ECDSA P-256 or RSA key`);
    expect(problems[3]).to.equal(`${at('service-account.key')}: holds an ECDSA key on the curve secp384r1; expected P-256 (prime256v1)`);
    const { changed } = regenerate(spec);
    expect(changed).to.deep.equal(['admin.crt', 'apiserver.crt', 'apiserver.key', 'etcd-01.crt', 'etcd-01.key', 'service-account.key', 'service-account.pub']);
  });

  it('fails when a public key lost its private key, or does not match it', () => {
    fs.copyFileSync(at('admin.key'), at('service-account.key'));
    expect(problemsOf(spec)).to.deep.equal([
      `${at('service-account.pub')}: does not match ${at('service-account.key')}; expected the public half of that private key`,
    ]);
    expect(regenerate(spec).changed).to.deep.equal(['service-account.pub']);
    fs.rmSync(at('service-account.key'));
    expect(problemsOf(spec)).to.deep.equal([
      `${at('service-account.key')}: is missing, but ${at('service-account.pub')} exists; expected the private half of that key pair (a new pair would invalidate everything signed with the old one)`,
    ]);
    expect(regenerate(spec).changed).to.deep.equal(['service-account.key', 'service-account.pub']);
  });

  it('fails when a CA is renamed, and its certificates with it; regenerate re-issues the CA and every certificate it signs', () => {
    const renamed: PkiSpec = { ...spec, cas: [{ name: 'kubernetes-ca', commonName: 'cluster-ca' }, spec.cas![1]] };
    const issuer = `expected CA 'kubernetes-ca' (${at('kubernetes-ca.crt')}) ("CN=cluster-ca")`;
    expect(problemsOf(renamed)).to.deep.equal([
      `${at('kubernetes-ca.crt')}: subject CN is "kubernetes-ca"; expected "cluster-ca"`,
      `${at('apiserver.crt')}: is issued by "CN=kubernetes-ca"; ${issuer}`,
      `${at('admin.crt')}: is issued by "CN=kubernetes-ca"; ${issuer}`,
    ]);
    const keys = ['kubernetes-ca.key', 'apiserver.key', 'admin.key'].map(read);
    expect(regenerate(renamed).changed).to.deep.equal(['admin.crt', 'apiserver.crt', 'kubernetes-ca.crt']);
    expect(['kubernetes-ca.key', 'apiserver.key', 'admin.key'].map(read)).to.deep.equal(keys);
    expect(x509('apiserver.crt').issuer).to.equal('CN=cluster-ca');
    expect(x509('apiserver.crt').verify(x509('kubernetes-ca.crt').publicKey)).to.equal(true);
  });

  it('fails when a CA lost its key; regenerate makes a new CA and re-issues every certificate it signs', () => {
    fs.rmSync(at('kubernetes-ca.key'));
    expect(problemsOf(spec)).to.deep.equal([
      `${at('kubernetes-ca.key')}: is missing, but ${at('kubernetes-ca.crt')} exists; expected the private key of that certificate (a new key needs a new certificate)`,
    ]);
    const { changed } = regenerate(spec);
    expect(changed).to.deep.equal(['admin.crt', 'apiserver.crt', 'kubernetes-ca.crt', 'kubernetes-ca.key']);
    for (const leaf of ['admin.crt', 'apiserver.crt']) {
      expect(x509(leaf).verify(x509('kubernetes-ca.crt').publicKey), leaf).to.equal(true);
    }
  });

  it('fails when both CA files are gone but its certificates remain; regenerate re-issues them from the new CA', () => {
    fs.rmSync(at('etcd-ca.crt'));
    fs.rmSync(at('etcd-ca.key'));
    expect(problemsOf(spec)).to.deep.equal([
      `${at('etcd-01.crt')}: was signed by CA 'etcd-ca', which is generated anew because ${at('etcd-ca.crt')} and its key are missing; `
        + 'expected a certificate of the CA in the folder (restore the CA files, or re-issue this certificate)',
    ]);
    expect(regenerate(spec).changed).to.deep.equal(['etcd-01.crt', 'etcd-ca.crt', 'etcd-ca.key']);
    expect(x509('etcd-01.crt').verify(x509('etcd-ca.crt').publicKey)).to.equal(true);
  });

  it('fails when a CA certificate lacks CA:TRUE and keyCertSign, or has an extendedKeyUsage', function () {
    requireOpenssl(this);
    const made = openssl(['req', '-x509', '-key', 'kubernetes-ca.key', '-subj', '/CN=kubernetes-ca', '-days', '30', '-out', 'kubernetes-ca.crt',
      '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'keyUsage=critical,digitalSignature', '-addext', 'extendedKeyUsage=serverAuth'], dir);
    expect(made.code, made.output).to.equal(0);
    expect(problemsOf(spec)).to.deep.equal([
      `${at('kubernetes-ca.crt')}: is not a CA (basicConstraints CA:TRUE is missing); expected a CA certificate`,
      `${at('kubernetes-ca.crt')}: keyUsage is digitalSignature; expected keyCertSign and cRLSign on a CA`,
      `${at('kubernetes-ca.crt')}: extendedKeyUsage is serverAuth; expected none on a CA`,
    ]);
    expect(regenerate(spec).changed).to.deep.equal(['admin.crt', 'apiserver.crt', 'kubernetes-ca.crt']);
    expect(openssl(['verify', '-x509_strict', '-CAfile', 'kubernetes-ca.crt', 'apiserver.crt', 'admin.crt'], dir).code).to.equal(0);
  });

  it('fails when a CA certificate is not self-signed', () => {
    const caKey = crypto.createPrivateKey(read('kubernetes-ca.key'));
    fs.writeFileSync(at('kubernetes-ca.crt'), issueCertificate({
      commonName: 'kubernetes-ca', organizations: [], subjectKey: caKey, ca: true, usages: [], dnsNames: [], ipAddresses: [],
      notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY),
    }, { key: crypto.createPrivateKey(read('etcd-ca.key')), certificatePem: read('etcd-ca.crt') }));
    expect(problemsOf(spec)).to.deep.equal([
      `${at('kubernetes-ca.crt')}: is issued by "CN=etcd-ca", not by itself ("CN=kubernetes-ca"); expected a self-signed CA`,
    ]);
    expect(regenerate(spec).changed).to.deep.equal(['admin.crt', 'apiserver.crt', 'kubernetes-ca.crt']);
  });

  it('never issues a certificate that outlives its CA', () => {
    fs.rmSync(dir, { recursive: true });
    Pki.loadOrCreate(dir, spec, { now: new Date(Date.now() - 3600 * DAY), validityDays: 30 });
    const { changed } = regenerate(spec);
    expect(changed).to.deep.equal(['admin.crt', 'apiserver.crt', 'etcd-01.crt']);
    expect(x509('admin.crt').validTo).to.equal(x509('kubernetes-ca.crt').validTo); // 50 days left, not 365
  });
});

/** `text` as a literal inside a RegExp. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
