import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { PkiError } from '../../lib';
import { Pki, VERIFIED_RECORD } from '../../lib/pki/pki';
import { tempDir } from '../support/snapshot';
import { changedFiles, folderState, smallSpec } from './support';

// Re-synthesis must be deterministic: a second load reads what the first wrote,
// and generates only what is missing, never rotating a key it can keep.
describe('pki: reuse', () => {
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

  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf-8');
  const remove = (...files: string[]) => files.forEach(f => fs.rmSync(path.join(dir, f)));

  it('returns byte-identical PEMs on a second load and rewrites nothing', () => {
    const first = Pki.loadOrCreate(dir, spec);
    const before = folderState(dir);
    const second = Pki.loadOrCreate(dir, spec);
    expect(second.written).to.deep.equal([]);
    expect(folderState(dir)).to.deep.equal(before); // content, mtime and mode of every file
    for (const ca of spec.cas!) {
      expect(second.caCertificate(ca.name)).to.equal(first.caCertificate(ca.name));
      expect(second.privateKey(ca.name)).to.equal(first.privateKey(ca.name));
    }
    for (const cert of spec.certificates!) {
      expect(second.certificate(cert.name)).to.equal(read(`${cert.name}.crt`));
      expect(second.privateKey(cert.name)).to.equal(read(`${cert.name}.key`));
    }
    expect(second.publicKey('service-account')).to.equal(read('service-account.pub'));
    expect(second.privateKey('service-account')).to.equal(read('service-account.key'));
  });

  it('generates a missing certificate and its key, and touches nothing else', () => {
    remove('admin.crt', 'admin.key');
    const before = folderState(dir);
    const pki = Pki.loadOrCreate(dir, spec);
    expect(pki.written).to.deep.equal(['admin.key', 'admin.crt']);
    expect(changedFiles(before, folderState(dir))).to.deep.equal(['admin.crt', 'admin.key']);
    const after = folderState(dir);
    for (const name of Object.keys(before)) {
      expect(after[name].mtimeMs, name).to.equal(before[name].mtimeMs);
    }
    const ca = new crypto.X509Certificate(read('kubernetes-ca.crt'));
    expect(new crypto.X509Certificate(read('admin.crt')).verify(ca.publicKey)).to.equal(true);
  });

  it('issues a missing certificate for the key that is still there, instead of rotating the key', () => {
    const key = read('apiserver.key');
    remove('apiserver.crt');
    const pki = Pki.loadOrCreate(dir, spec);
    expect(pki.written).to.deep.equal(['apiserver.crt']);
    expect(read('apiserver.key')).to.equal(key);
    expect(new crypto.X509Certificate(read('apiserver.crt')).checkPrivateKey(crypto.createPrivateKey(key))).to.equal(true);
  });

  it('issues a missing CA certificate for its key, so its certificates still chain', () => {
    const leaf = read('apiserver.crt');
    remove('kubernetes-ca.crt');
    const pki = Pki.loadOrCreate(dir, spec);
    expect(pki.written).to.deep.equal(['kubernetes-ca.crt']);
    expect(read('apiserver.crt')).to.equal(leaf);
    const ca = new crypto.X509Certificate(read('kubernetes-ca.crt'));
    expect(new crypto.X509Certificate(leaf).verify(ca.publicKey)).to.equal(true);
    expect(new crypto.X509Certificate(leaf).checkIssued(ca)).to.equal(true);
  });

  it('derives a missing public key from its private key: same bytes as before', () => {
    const pub = read('service-account.pub');
    remove('service-account.pub');
    const pki = Pki.loadOrCreate(dir, spec);
    expect(pki.written).to.deep.equal(['service-account.pub']);
    expect(read('service-account.pub')).to.equal(pub);
  });

  it('generates a missing key pair', () => {
    const before = read('service-account.pub');
    remove('service-account.pub', 'service-account.key');
    const pki = Pki.loadOrCreate(dir, spec);
    expect(pki.written).to.deep.equal(['service-account.key', 'service-account.pub']);
    expect(read('service-account.pub')).not.to.equal(before);
  });

  it('creates the folder with mode 0700, and its missing parents', () => {
    const deep = path.join(parent, 'a', 'b', 'pki');
    Pki.loadOrCreate(deep, { keyPairs: ['sa'] });
    expect(fs.statSync(deep).mode & 0o777).to.equal(0o700);
    expect(fs.readdirSync(deep).sort()).to.deep.equal([VERIFIED_RECORD, 'sa.key', 'sa.pub']);
  });

  it('tightens a private key that others may read to 0600, without changing its content', () => {
    fs.chmodSync(path.join(dir, 'admin.key'), 0o644);
    const content = read('admin.key');
    const pki = Pki.loadOrCreate(dir, spec);
    expect(pki.written).to.deep.equal([]);
    expect(fs.statSync(path.join(dir, 'admin.key')).mode & 0o777).to.equal(0o600);
    expect(read('admin.key')).to.equal(content);
  });

  it('never deletes or changes files the spec does not name, even when regenerating', () => {
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine\n');
    fs.writeFileSync(path.join(dir, 'old-node.crt'), 'not even a certificate\n');
    remove('etcd-ca.key');
    Pki.loadOrCreate(dir, { ...spec, keyPairs: [] }, { regenerate: true });
    expect(read('notes.txt')).to.equal('mine\n');
    expect(read('old-node.crt')).to.equal('not even a certificate\n');
    expect(fs.existsSync(path.join(dir, 'service-account.key'))).to.equal(true);
    expect(fs.readdirSync(dir).filter(name => name.includes('.tmp-'))).to.deep.equal([]);
  });

  it('fails when asked for a name the spec does not have, listing the names it has', () => {
    const pki = Pki.loadOrCreate(dir, spec);
    expect(() => pki.caCertificate('apiserver')).to.throw(
      'no CA named "apiserver" in the PKI spec ("apiserver" is a certificate: use certificate()); expected one of: kubernetes-ca, etcd-ca');
    expect(() => pki.certificate('kubernetes-ca')).to.throw(
      'no certificate named "kubernetes-ca" in the PKI spec ("kubernetes-ca" is a CA: use caCertificate()); expected one of: apiserver, admin, etcd-01');
    expect(() => pki.publicKey('admin')).to.throw('no key pair named "admin" in the PKI spec ("admin" is a certificate: use certificate()); expected one of: service-account');
    expect(() => pki.certificate('nobody')).to.throw('no certificate named "nobody" in the PKI spec; expected one of: apiserver, admin, etcd-01');
    expect(() => pki.privateKey('nobody')).to.throw(/privateKey\("nobody"\): no CA, certificate or key pair of that name; expected one of: kubernetes-ca, etcd-ca, apiserver, admin, etcd-01, service-account/);
  });

  it('fails when the folder is a file', () => {
    const file = path.join(parent, 'pki.txt');
    fs.writeFileSync(file, 'not a folder\n');
    expect(() => Pki.loadOrCreate(file, spec)).to.throw(PkiError, `${file}: is not a folder; expected a folder (or nothing) to keep the PKI in`);
    expect(fs.readFileSync(file, 'utf-8')).to.equal('not a folder\n');
  });

  it('fails when the spec is malformed, listing every problem, and creates nothing', () => {
    const target = path.join(parent, 'never');
    const attempt = () => Pki.loadOrCreate(target, {
      cas: [{ name: 'ca', commonName: 'ca' }],
      certificates: [
        { name: 'ca', ca: 'ca', commonName: 'dup', usages: ['client'] },
        { name: 'a/b', ca: 'missing-ca', commonName: '', ipAddresses: ['10.0.0.300'], dnsNames: ['bad name'], usages: [] },
        { name: 'c', ca: 'ca', commonName: 'c', usages: ['server', 'peer' as 'server', 'server'] },
      ],
      keyPairs: ['C'],
    }, { validityDays: 0 });
    expect(attempt).to.throw(PkiError);
    let message = '';
    try { attempt(); } catch (error) { message = (error as Error).message; }
    expect(message.split('\n')).to.deep.equal([
      'PKI check failed with 11 problems:',
      'spec.certificates[0] (ca): name "ca" is already used by spec.cas[0] (ca); expected names unique across cas, certificates and keyPairs (they share one folder)',
      'spec.certificates[1] (a/b): name "a/b" is not a file name stem; expected letters, digits, \'.\', \'_\' or \'-\', starting with a letter or digit',
      'spec.certificates[1] (a/b): commonName "" is not usable; expected a non-blank string of at most 64 characters',
      'spec.certificates[1] (a/b): ca "missing-ca" is not in spec.cas; expected one of: ca',
      'spec.certificates[1] (a/b): dnsName "bad name" is not a DNS name; expected dot-separated labels of letters, digits and \'-\', e.g. kubernetes.default.svc',
      'spec.certificates[1] (a/b): ipAddress "10.0.0.300" is not an IP address; expected an IPv4 (10.0.0.1) or IPv6 (fd00::1) address',
      'spec.certificates[1] (a/b): usages [] is empty; expected \'server\', \'client\' or both',
      'spec.certificates[2] (c): usage "peer" is unknown; expected \'server\' or \'client\'',
      'spec.certificates[2] (c): usages ["server","peer","server"] repeat an entry; expected each usage once',
      'spec.keyPairs[0]: name "C" is already used by spec.certificates[2] (c); expected names unique across cas, certificates and keyPairs (they share one folder)',
      'options.validityDays: 0 is not a whole number of days; expected an integer of at least 1',
    ]);
    expect(fs.existsSync(target)).to.equal(false);
  });
});
