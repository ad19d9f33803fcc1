import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { Pki, RENEWAL_WINDOW_DAYS, VERIFIED_RECORD } from '../../lib/pki/pki';
import { issueCertificate } from '../../lib/pki/certificate-issuer';
import { tempDir } from '../support/snapshot';
import { smallSpec } from './support';

// A reused, unchanged PKI is verified once: later loads compare hashes with the
// record instead of parsing every key and certificate again.
describe('pki: the verification record', () => {
  const spec = smallSpec();
  let parent: string;
  let dir: string;

  beforeEach(() => {
    parent = tempDir();
    dir = path.join(parent, 'pki');
    Pki.loadOrCreate(dir, spec);
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  const record = () => JSON.parse(fs.readFileSync(path.join(dir, VERIFIED_RECORD), 'utf-8'));
  const at = (file: string) => path.join(dir, file);

  it('records the hash of every piece and the validity of every certificate, 0600', () => {
    const written = record();
    expect(written.version).to.equal(1);
    const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(at(file), 'utf-8')).digest('hex');
    for (const file of Object.keys(written.files)) {
      expect(written.files[file], file).to.equal(sha(file));
    }
    expect(Object.keys(written.files)).to.include.members(['kubernetes-ca.crt', 'kubernetes-ca.key', 'service-account.pub']);
    const x509 = new crypto.X509Certificate(fs.readFileSync(at('admin.crt')));
    expect(new Date(written.validity.admin.notAfter).getTime()).to.equal(Date.parse(x509.validTo));
    expect(fs.statSync(at(VERIFIED_RECORD)).mode & 0o777).to.equal(0o600);
  });

  it('serves a recorded PKI without parsing it: a key that no parser would read is still served as recorded', () => {
    // Proof that no parse happens: rewrite admin.key with text that is not a key, and record its hash.
    fs.writeFileSync(at('admin.key'), 'not a key\n');
    const changed = record();
    changed.files['admin.key'] = crypto.createHash('sha256').update('not a key\n').digest('hex');
    fs.writeFileSync(at(VERIFIED_RECORD), JSON.stringify(changed));
    expect(Pki.prepare(dir, spec).privateKey('admin')).to.equal('not a key\n');
  });

  it('fails when a file changed behind the record: the full check runs and finds it', () => {
    fs.writeFileSync(at('admin.key'), 'not a key\n');
    expect(() => Pki.prepare(dir, spec)).to.throw(/admin\.key: is not a readable PEM private key/);
  });

  it('checks everything again for another spec, and records the new one', () => {
    const other = { ...spec, keyPairs: [...spec.keyPairs!, 'extra'] };
    const pki = Pki.loadOrCreate(dir, other);
    expect(pki.written).to.deep.equal(['extra.key', 'extra.pub']);
    expect(Object.keys(record().files)).to.include('extra.pub');
    expect(Pki.prepare(dir, other).pending).to.deep.equal([]);
  });

  it('checks everything again when a certificate enters its renewal window', () => {
    const soon = new Date(Date.now() + (365 - RENEWAL_WINDOW_DAYS + 1) * 86_400_000);
    fs.writeFileSync(at('admin.key'), 'not a key\n');
    const changed = record();
    changed.files['admin.key'] = crypto.createHash('sha256').update('not a key\n').digest('hex');
    fs.writeFileSync(at(VERIFIED_RECORD), JSON.stringify(changed));
    expect(() => Pki.prepare(dir, spec), 'today: served from the record').not.to.throw();
    expect(() => Pki.prepare(dir, spec, { now: soon }), 'within the window: parsed').to.throw(/admin\.key/);
  });

  it('writes nothing until commit, and only the new pieces then', () => {
    fs.rmSync(at('admin.crt'));
    fs.rmSync(at('admin.key'));
    const before = fs.readdirSync(dir).sort();
    const pki = Pki.prepare(dir, spec);
    expect(pki.pending).to.deep.equal(['admin.key', 'admin.crt']);
    expect(fs.readdirSync(dir).sort(), 'prepare writes nothing').to.deep.equal(before);
    expect(pki.certificate('admin')).to.contain('BEGIN CERTIFICATE');
    pki.commit();
    expect(pki.written).to.deep.equal(['admin.key', 'admin.crt']);
    expect(fs.readFileSync(at('admin.crt'), 'utf-8')).to.equal(pki.certificate('admin'));
  });

  it('keeps an RSA folder made before ECDSA byte for byte, and issues a new ECDSA leaf under its RSA CA that verifies', () => {
    // An RSA CA and leaf, as the folder held them before keys became ECDSA.
    const rsaDir = path.join(parent, 'rsa');
    fs.mkdirSync(rsaDir, { mode: 0o700 });
    const rsa = () => crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const caKey = rsa();
    const leafKey = rsa();
    const now = new Date();
    const dates = { notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + 300 * 86_400_000) };
    const caPem = issueCertificate({ commonName: 'ca', organizations: [], subjectKey: caKey, ca: true, usages: [], dnsNames: [], ipAddresses: [], ...dates }, { key: caKey });
    const leafPem = issueCertificate({ commonName: 'old', organizations: [], subjectKey: leafKey, ca: false, usages: ['client'], dnsNames: [], ipAddresses: [], ...dates },
      { key: caKey, certificatePem: caPem });
    const write = (file: string, text: string, mode: number) => fs.writeFileSync(path.join(rsaDir, file), text, { mode });
    write('ca.crt', caPem, 0o644);
    write('ca.key', caKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    write('old.crt', leafPem, 0o644);
    write('old.key', leafKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    const before = ['ca.crt', 'ca.key', 'old.crt', 'old.key'].map(file => fs.readFileSync(path.join(rsaDir, file), 'utf-8'));

    const pki = Pki.loadOrCreate(rsaDir, {
      cas: [{ name: 'ca', commonName: 'ca' }],
      certificates: [{ name: 'old', ca: 'ca', commonName: 'old', usages: ['client'] }, { name: 'new', ca: 'ca', commonName: 'new', usages: ['client'] }],
    });
    expect(pki.written).to.deep.equal(['new.key', 'new.crt']);
    expect(['ca.crt', 'ca.key', 'old.crt', 'old.key'].map(file => fs.readFileSync(path.join(rsaDir, file), 'utf-8'))).to.deep.equal(before);
    const leaf = new crypto.X509Certificate(pki.certificate('new'));
    expect(leaf.publicKey.asymmetricKeyType).to.equal('ec');
    expect(leaf.verify(new crypto.X509Certificate(caPem).publicKey), 'the RSA CA signed the ECDSA leaf').to.equal(true);
    expect(leaf.checkIssued(new crypto.X509Certificate(caPem))).to.equal(true);
  });
});
