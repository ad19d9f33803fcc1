import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { expect } from 'chai';
import { Pki, VERIFIED_RECORD } from '../../lib/pki/pki';
import { tempDir } from '../support/snapshot';
import { clusterSpec, openssl, requireOpenssl } from './support';

// The issued chain as OpenSSL (and Node's TLS, which is OpenSSL) sees it.
describe('pki: issued certificates', () => {
  const spec = clusterSpec();
  let parent: string;
  let dir: string;
  let pki: Pki;
  let now: Date;

  before(function () {
    requireOpenssl(this);
    parent = tempDir();
    dir = path.join(parent, 'pki');
    now = new Date(Math.floor(Date.now() / 1000) * 1000); // X.509 times have whole seconds
    pki = Pki.loadOrCreate(dir, spec, { now });
  });
  after(() => parent && fs.rmSync(parent, { recursive: true, force: true }));

  const text = (file: string) => openssl(['x509', '-in', file, '-noout', '-text'], dir).output;

  it('writes every piece: keys 0600, certificates and public keys 0644, the folder 0700', () => {
    const expected = [
      ...spec.cas!.flatMap(ca => [`${ca.name}.crt`, `${ca.name}.key`]),
      ...spec.certificates!.flatMap(c => [`${c.name}.crt`, `${c.name}.key`]),
      'service-account.key', 'service-account.pub',
    ].sort();
    expect(fs.readdirSync(dir).sort()).to.deep.equal([VERIFIED_RECORD, ...expected]);
    expect([...pki.written].sort()).to.deep.equal(expected);
    expect(fs.statSync(dir).mode & 0o777).to.equal(0o700);
    for (const file of [...expected, VERIFIED_RECORD]) {
      const mode = fs.statSync(path.join(dir, file)).mode & 0o777;
      expect(mode, file).to.equal(file.endsWith('.key') || file === VERIFIED_RECORD ? 0o600 : 0o644);
    }
  });

  it('chains every certificate to its CA, for exactly the purposes of its usages', () => {
    for (const cert of spec.certificates!) {
      const ca = `${cert.ca}.crt`;
      const leaf = `${cert.name}.crt`;
      const plain = openssl(['verify', '-x509_strict', '-CAfile', ca, leaf], dir);
      expect(plain.output, leaf).to.contain(`${leaf}: OK`);
      for (const [usage, purpose] of [['server', 'sslserver'], ['client', 'sslclient']] as const) {
        const result = openssl(['verify', '-x509_strict', '-purpose', purpose, '-CAfile', ca, leaf], dir);
        if (cert.usages.includes(usage)) {
          expect(result.code, `${leaf} -purpose ${purpose}: ${result.output}`).to.equal(0);
        } else {
          expect(result.code, `${leaf} -purpose ${purpose}`).not.to.equal(0);
          expect(result.output).to.contain('unsuitable certificate purpose');
        }
      }
    }
  });

  it('fails when a certificate is verified against the other CA', () => {
    const result = openssl(['verify', '-CAfile', 'kubernetes-ca.crt', 'etcd-01.crt'], dir);
    expect(result.code).not.to.equal(0);
    expect(result.output).to.contain('unable to get local issuer certificate');
  });

  it('fails when the front-proxy client is verified against the cluster CA, or a cluster certificate against the front-proxy CA', () => {
    for (const [ca, leaf] of [['kubernetes-ca.crt', 'front-proxy-client.crt'], ['front-proxy-ca.crt', 'admin.crt']]) {
      const result = openssl(['verify', '-CAfile', ca, leaf], dir);
      expect(result.code, `${leaf} against ${ca}`).not.to.equal(0);
      expect(result.output).to.contain('unable to get local issuer certificate');
    }
  });

  it('fails when a client-only certificate is used as a server certificate', () => {
    const result = openssl(['verify', '-purpose', 'sslserver', '-CAfile', 'kubernetes-ca.crt', 'admin.crt'], dir);
    expect(result.code).not.to.equal(0);
    expect(result.output).to.contain('unsuitable certificate purpose');
  });

  it('makes ECDSA P-256 CAs with CA:TRUE (critical), keyCertSign and cRLSign (critical), a key identifier and no extendedKeyUsage', () => {
    for (const ca of spec.cas!) {
      const out = text(`${ca.name}.crt`);
      expect(out).to.match(/X509v3 Basic Constraints: critical\s+CA:TRUE/);
      expect(out).to.match(/X509v3 Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
      expect(out).to.contain('X509v3 Subject Key Identifier');
      expect(out).not.to.contain('Extended Key Usage');
      expect(out).to.contain(`Subject: CN = ${ca.commonName}`);
      expect(out).to.contain(`Issuer: CN = ${ca.commonName}`);
      expect(out).to.contain('Signature Algorithm: ecdsa-with-SHA256');
      expect(out).to.contain('ASN1 OID: prime256v1');
    }
  });

  it('makes leaves with CA:FALSE, the key usages, the SANs, O then CN, and both key identifiers', () => {
    const apiserver = text('apiserver.crt');
    expect(apiserver).to.match(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(apiserver).to.match(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
    expect(apiserver).to.match(/X509v3 Extended Key Usage: *\n\s+TLS Web Server Authentication\n/);
    expect(apiserver).to.contain('DNS:kubernetes, DNS:kubernetes.default, DNS:kubernetes.default.svc, '
      + 'DNS:kubernetes.default.svc.cluster.local, DNS:node-01, IP Address:192.168.56.21, IP Address:10.3.0.1');
    expect(apiserver).to.contain('X509v3 Subject Key Identifier');
    expect(apiserver).to.contain('X509v3 Authority Key Identifier');
    expect(apiserver).to.contain('Issuer: CN = kubernetes-ca');

    const node = text('node-02.crt');
    expect(node).to.contain('Subject: O = system:nodes, CN = system:node:node-02');
    expect(node).to.match(/X509v3 Extended Key Usage: *\n\s+TLS Web Server Authentication, TLS Web Client Authentication\n/);

    const admin = text('admin.crt');
    expect(admin).to.contain('Subject: O = system:masters, CN = admin');
    expect(admin).not.to.contain('Subject Alternative Name');
  });

  it('points each leaf authorityKeyIdentifier at its CA subjectKeyIdentifier', () => {
    const ski = (file: string) => /Subject Key Identifier:\s*\n\s*([0-9A-F:]+)/.exec(text(file))![1];
    const aki = (file: string) => /Authority Key Identifier:\s*\n\s*(?:keyid:)?([0-9A-F:]+)/.exec(text(file))![1];
    expect(aki('apiserver.crt')).to.equal(ski('kubernetes-ca.crt'));
    expect(aki('etcd-02.crt')).to.equal(ski('etcd-ca.crt'));
  });

  it('pairs every ECDSA P-256 key with its certificate, and the service-account public key with its private key', () => {
    for (const name of [...spec.cas!.map(c => c.name), ...spec.certificates!.map(c => c.name)]) {
      const fromCert = openssl(['x509', '-in', `${name}.crt`, '-noout', '-pubkey'], dir).output;
      const fromKey = openssl(['pkey', '-in', `${name}.key`, '-pubout'], dir).output;
      expect(fromKey, name).to.equal(fromCert);
      expect(openssl(['pkey', '-in', `${name}.key`, '-noout', '-text'], dir).output, name).to.match(/Private-Key: \(256 bit[\s\S]*ASN1 OID: prime256v1/);
    }
    const derived = openssl(['pkey', '-in', 'service-account.key', '-pubout'], dir).output;
    expect(fs.readFileSync(path.join(dir, 'service-account.pub'), 'utf-8')).to.equal(derived);
    expect(pki.publicKey('service-account')).to.equal(derived);
  });

  it('gives every certificate its own positive random serial of 16 bytes', () => {
    const serials = [...spec.cas!.map(c => c.name), ...spec.certificates!.map(c => c.name)]
      .map(name => new crypto.X509Certificate(fs.readFileSync(path.join(dir, `${name}.crt`))).serialNumber);
    expect(new Set(serials).size).to.equal(serials.length);
    for (const serial of serials) {
      expect(serial).to.match(/^[0-9A-F]{32}$/); // 16 bytes, no leading zero byte
      expect(parseInt(serial[0], 16)).to.be.within(4, 7); // top bit clear (positive), next bit set (non-zero, minimal DER)
    }
  });

  it('backdates notBefore one minute; CAs last ten years, leaves one year', () => {
    const validity = (name: string) => {
      const x509 = new crypto.X509Certificate(fs.readFileSync(path.join(dir, `${name}.crt`)));
      return { from: Date.parse(x509.validFrom), to: Date.parse(x509.validTo) };
    };
    const day = 86_400_000;
    const ca = validity('kubernetes-ca');
    expect(ca.from).to.equal(now.getTime() - 60_000);
    expect(ca.to).to.equal(now.getTime() + 3650 * day);
    const leaf = validity('apiserver');
    expect(leaf.from).to.equal(now.getTime() - 60_000);
    expect(leaf.to).to.equal(now.getTime() + 365 * day);
  });

  it('returns the files through the accessors', () => {
    expect(pki.caCertificate('etcd-ca')).to.equal(fs.readFileSync(path.join(dir, 'etcd-ca.crt'), 'utf-8'));
    expect(pki.certificate('admin')).to.equal(fs.readFileSync(path.join(dir, 'admin.crt'), 'utf-8'));
    expect(pki.privateKey('admin')).to.equal(fs.readFileSync(path.join(dir, 'admin.key'), 'utf-8'));
    expect(pki.privateKey('etcd-ca')).to.match(/^-----BEGIN EC PRIVATE KEY-----\n/); // SEC1, as kubeadm writes ECDSA keys
    expect(pki.privateKey('service-account')).to.equal(fs.readFileSync(path.join(dir, 'service-account.key'), 'utf-8'));
  });

  it('completes a mutual TLS handshake: the admin client verifies kubernetes.default.svc, the server verifies admin', async () => {
    const server = tls.createServer({
      cert: pki.certificate('apiserver'),
      key: pki.privateKey('apiserver'),
      ca: pki.caCertificate('kubernetes-ca'),
      requestCert: true,
      rejectUnauthorized: true,
    }, socket => {
      const peer = socket.getPeerCertificate();
      socket.end(`${peer.subject.CN} ${[peer.subject.O].flat().join(',')}\n`);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = tls.connect({
          host: '127.0.0.1',
          port,
          servername: 'kubernetes.default.svc',
          ca: pki.caCertificate('kubernetes-ca'),
          cert: pki.certificate('admin'),
          key: pki.privateKey('admin'),
        });
        let data = '';
        socket.on('data', chunk => { data += chunk; });
        socket.on('end', () => resolve(data));
        socket.on('error', reject);
      });
      expect(reply).to.equal('admin system:masters\n');
    } finally {
      server.close();
    }
  });

  it('fails the TLS handshake when the client checks a name the apiserver certificate lacks', async () => {
    const server = tls.createServer({ cert: pki.certificate('apiserver'), key: pki.privateKey('apiserver') }, socket => socket.end());
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const error = await new Promise<Error>(resolve => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername: 'etcd-01', ca: pki.caCertificate('kubernetes-ca') });
        socket.on('secureConnect', () => { socket.destroy(); resolve(new Error('connected')); });
        socket.on('error', resolve);
      });
      expect(error.message).to.match(/Hostname\/IP does not match certificate's altnames: Host: etcd-01/);
    } finally {
      server.close();
    }
  });
});
