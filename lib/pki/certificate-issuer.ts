import * as crypto from 'node:crypto';
import * as forge from 'node-forge';
import { CertificateUsage } from './pki-spec';

/** Everything that goes into one new certificate, except who signs it. */
export interface CertificateRequest {
  /** Subject CN. */
  readonly commonName: string;
  /** Subject O entries, in order. */
  readonly organizations: readonly string[];
  /** The subject's public key (a private key is accepted and its public half used). */
  readonly subjectKey: crypto.KeyObject;
  /** A CA (basicConstraints CA:TRUE, keyCertSign) rather than a leaf. */
  readonly ca: boolean;
  /** Extended key usages of a leaf; ignored for a CA, which has none. */
  readonly usages: readonly CertificateUsage[];
  /** subjectAltName DNS entries. */
  readonly dnsNames: readonly string[];
  /** subjectAltName IP entries. */
  readonly ipAddresses: readonly string[];
  /** Start of validity. */
  readonly notBefore: Date;
  /** End of validity. */
  readonly notAfter: Date;
}

/** Who signs a certificate: its key and, unless the certificate is self-signed, its own certificate. */
export interface CertificateSigner {
  /** The signing private key. */
  readonly key: crypto.KeyObject;
  /** PEM of the issuer's certificate; omit for a self-signed certificate. */
  readonly certificatePem?: string;
}

const ASN1 = forge.asn1;
const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATION = '2.5.4.10';

/**
 * Builds and signs an X.509 v3 certificate, and returns it as PEM (LF line endings).
 *
 * node-forge builds the ASN.1 structure; Node's native crypto signs it
 * (SHA-256 with RSA). The issuer name is copied byte for byte from the issuer
 * certificate's subject, because Go (kubectl, etcd, the kubelet) matches
 * issuer and subject as raw bytes when it builds a chain.
 */
export function issueCertificate(request: CertificateRequest, signer: CertificateSigner): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(exportSpkiPem(request.subjectKey));
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = request.notBefore;
  cert.validity.notAfter = request.notAfter;
  cert.setExtensions(request.ca ? caExtensions() : leafExtensions(request, signer));
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption;

  const tbs = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  // TBSCertificate: [0] version, serialNumber, signature, issuer, validity, subject, ...
  const fields = tbs.value as forge.asn1.Asn1[];
  const subject = nameAsn1(request.commonName, request.organizations);
  fields[3] = signer.certificatePem ? subjectNameAsn1(signer.certificatePem) : subject;
  fields[5] = subject;
  const tbsDer = Buffer.from(ASN1.toDer(tbs).getBytes(), 'binary');
  cert.tbsCertificate = tbs;
  cert.signature = crypto.sign('sha256', tbsDer, signer.key).toString('binary');
  const der = ASN1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  return toPem('CERTIFICATE', Buffer.from(der, 'binary'));
}

/**
 * DER of the distinguished name this module writes for `commonName` and
 * `organizations` (hex), to compare with the issuer or subject of a stored certificate.
 */
export function encodedNameHex(commonName: string, organizations: readonly string[]): string {
  return Buffer.from(ASN1.toDer(nameAsn1(commonName, organizations)).getBytes(), 'binary').toString('hex');
}

/** PEM with 64-character lines and LF endings, as OpenSSL writes it. */
export function toPem(label: string, der: Buffer): string {
  const base64 = der.toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/**
 * 16 random bytes read as a positive integer: the top bit cleared (so it is
 * positive) and the next one set (so it is never zero and its DER encoding
 * never needs a leading zero byte, which strict parsers reject as non-minimal).
 */
function randomSerialHex(): string {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes.toString('hex');
}

/** O entries first, then CN, each in its own RDN, as UTF8String (RFC 5280 4.1.2.6). */
function nameAsn1(commonName: string, organizations: readonly string[]): forge.asn1.Asn1 {
  const rdn = (oid: string, value: string) => ASN1.create(ASN1.Class.UNIVERSAL, ASN1.Type.SET, true, [
    ASN1.create(ASN1.Class.UNIVERSAL, ASN1.Type.SEQUENCE, true, [
      ASN1.create(ASN1.Class.UNIVERSAL, ASN1.Type.OID, false, ASN1.oidToDer(oid).getBytes()),
      ASN1.create(ASN1.Class.UNIVERSAL, ASN1.Type.UTF8, false, forge.util.encodeUtf8(value)),
    ]),
  ]);
  return ASN1.create(ASN1.Class.UNIVERSAL, ASN1.Type.SEQUENCE, true, [
    ...organizations.map(o => rdn(OID_ORGANIZATION, o)),
    rdn(OID_COMMON_NAME, commonName),
  ]);
}

function caExtensions(): object[] {
  return [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
}

function leafExtensions(request: CertificateRequest, signer: CertificateSigner): object[] {
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: request.usages.includes('server'), clientAuth: request.usages.includes('client') },
  ];
  const altNames = [
    ...request.dnsNames.map(value => ({ type: 2, value })),
    ...request.ipAddresses.map(ip => ({ type: 7, ip })),
  ];
  if (altNames.length > 0) {
    extensions.push({ name: 'subjectAltName', altNames });
  }
  extensions.push({ name: 'subjectKeyIdentifier' });
  if (signer.certificatePem) {
    extensions.push({ name: 'authorityKeyIdentifier', keyIdentifier: issuerKeyIdentifier(signer.certificatePem) });
  }
  return extensions;
}

/** The issuer's subjectKeyIdentifier, or (RFC 5280 4.2.1.2 method 1) the SHA-1 of its RSAPublicKey. */
function issuerKeyIdentifier(issuerPem: string): string {
  const issuer = forge.pki.certificateFromPem(issuerPem);
  const ski = issuer.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  if (ski?.subjectKeyIdentifier) {
    return forge.util.hexToBytes(ski.subjectKeyIdentifier);
  }
  return issuer.generateSubjectKeyIdentifier().getBytes();
}

/** The subject Name of a PEM certificate, as freshly parsed ASN.1 (its original bytes). */
function subjectNameAsn1(certificatePem: string): forge.asn1.Asn1 {
  const der = new crypto.X509Certificate(certificatePem).raw;
  const certificate = ASN1.fromDer(der.toString('binary'));
  const tbs = (certificate.value as forge.asn1.Asn1[])[0];
  const fields = tbs.value as forge.asn1.Asn1[];
  const offset = fields[0].tagClass === ASN1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  return fields[offset + 4];
}

function exportSpkiPem(key: crypto.KeyObject): string {
  const publicKey = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}
