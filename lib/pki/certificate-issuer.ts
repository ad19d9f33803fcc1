import * as crypto from 'node:crypto';
import { isIP } from 'node:net';
import {
  Tlv, bitString, boolean, children, explicit, implicit, namedBits, nullValue, octetString, oid, readOid, readTlv, sequence, set, smallInteger,
  time, unsignedInteger, utf8String,
} from './der';
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
  /** The signing private key: ECDSA P-256 or RSA. */
  readonly key: crypto.KeyObject;
  /** PEM of the issuer's certificate; omit for a self-signed certificate. */
  readonly certificatePem?: string;
}

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  // RFC 5758 3.2: ecdsa-with-SHA256, parameters absent.
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  // RFC 4055 5: sha256WithRSAEncryption, parameters NULL.
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;

/** keyUsage bit numbers (RFC 5280 4.2.1.3). */
const KEY_USAGE = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

/**
 * Builds and signs an X.509 v3 certificate with Node's crypto and a small DER
 * writer, and returns it as PEM (LF line endings). What kubeadm issues: a CA
 * carries basicConstraints CA:TRUE and keyUsage keyCertSign, cRLSign and
 * digitalSignature (both critical); a leaf CA:FALSE, keyUsage digitalSignature
 * and keyEncipherment (critical), its extended key usages and subjectAltNames,
 * and both key identifiers. The signature is ECDSA with SHA-256 from an ECDSA
 * key, RSA PKCS#1 v1.5 with SHA-256 from an RSA key (an existing RSA CA keeps
 * signing). The issuer name is copied byte for byte from the issuer certificate's
 * subject, because Go (kubectl, etcd, the kubelet) matches names as raw bytes.
 */
export function issueCertificate(request: CertificateRequest, signer: CertificateSigner): string {
  const subjectKey = request.subjectKey.type === 'private' ? crypto.createPublicKey(request.subjectKey) : request.subjectKey;
  const spki = subjectKey.export({ type: 'spki', format: 'der' });
  const algorithm = signatureAlgorithm(signer.key);
  const subject = nameDer(request.commonName, request.organizations);
  const issuer = signer.certificatePem ? subjectNameDer(signer.certificatePem) : subject;
  const extensions = request.ca ? caExtensions(spki) : leafExtensions(request, spki, signer);
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(randomSerial()),
    algorithm,
    issuer,
    sequence(time(request.notBefore), time(request.notAfter)),
    subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  const signature = crypto.sign('sha256', tbs, signer.key);
  return toPem('CERTIFICATE', sequence(tbs, algorithm, bitString(signature)));
}

/**
 * DER of the distinguished name this module writes for `commonName` and
 * `organizations` (hex), to compare with the issuer or subject of a stored certificate.
 */
export function encodedNameHex(commonName: string, organizations: readonly string[]): string {
  return nameDer(commonName, organizations).toString('hex');
}

/** PEM with 64-character lines and LF endings, as OpenSSL writes it. */
export function toPem(label: string, der: Buffer): string {
  const base64 = der.toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The bytes of an IP address: 4 for IPv4, 16 for IPv6; undefined when `ip` is neither. */
export function ipAddressBytes(ip: string): Buffer | undefined {
  const family = isIP(ip);
  if (family === 4) { return Buffer.from(ip.split('.').map(Number)); }
  if (family !== 6) { return undefined; }
  let text = ip;
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = dotted[1].split('.').map(Number);
    tail = [(v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]];
    text = text.slice(0, -dotted[1].length) + '0:0';
  }
  const [head, rest] = text.split('::');
  const groups = (part: string | undefined) => (part ? part.split(':').filter(g => g !== '').map(g => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const words = rest === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (tail.length > 0) { words.splice(6, 2, ...tail); }
  const bytes = Buffer.alloc(16);
  words.forEach((word, i) => bytes.writeUInt16BE(word, i * 2));
  return bytes;
}

/**
 * 16 random bytes read as a positive integer: the top bit cleared (so it is
 * positive) and the next one set (so it is never zero and its DER encoding
 * never needs a leading zero byte, which strict parsers reject as non-minimal).
 */
function randomSerial(): Buffer {
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes;
}

function signatureAlgorithm(key: crypto.KeyObject): Buffer {
  return key.asymmetricKeyType === 'ec' ? sequence(oid(OID.ecdsaWithSha256)) : sequence(oid(OID.sha256WithRsa), nullValue());
}

/** O entries first, then CN, each in its own RDN, as UTF8String (RFC 5280 4.1.2.6). */
function nameDer(commonName: string, organizations: readonly string[]): Buffer {
  const rdn = (type: string, value: string) => set(sequence(oid(type), utf8String(value)));
  return sequence(...organizations.map(o => rdn(OID.organization, o)), rdn(OID.commonName, commonName));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** RFC 5280 4.2.1.2 method 1: the SHA-1 of the subjectPublicKey BIT STRING's bits. */
function keyIdentifier(spki: Buffer): Buffer {
  const [, subjectPublicKey] = children(readTlv(spki).content);
  return crypto.createHash('sha1').update(subjectPublicKey.content.subarray(1)).digest();
}

function caExtensions(spki: Buffer): Buffer[] {
  return [
    extension(OID.basicConstraints, true, sequence(boolean(true))),
    extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
  ];
}

function leafExtensions(request: CertificateRequest, spki: Buffer, signer: CertificateSigner): Buffer[] {
  const usages = [...(request.usages.includes('server') ? [OID.serverAuth] : []), ...(request.usages.includes('client') ? [OID.clientAuth] : [])];
  const altNames = [
    ...request.dnsNames.map(name => implicit(2, Buffer.from(name, 'ascii'))),
    ...request.ipAddresses.map(ip => implicit(7, ipAddressBytes(ip)!)),
  ];
  return [
    extension(OID.basicConstraints, true, sequence()),
    extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyEncipherment])),
    extension(OID.extKeyUsage, false, sequence(...usages.map(oid))),
    ...(altNames.length > 0 ? [extension(OID.subjectAltName, false, sequence(...altNames))] : []),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
    ...(signer.certificatePem ? [extension(OID.authorityKeyIdentifier, false, sequence(implicit(0, issuerKeyIdentifier(signer.certificatePem))))] : []),
  ];
}

/** The issuer's subjectKeyIdentifier, or the SHA-1 of its public key when it has none. */
function issuerKeyIdentifier(issuerPem: string): Buffer {
  const issuer = new crypto.X509Certificate(issuerPem);
  const fields = tbsFields(issuer.raw);
  const extensions = fields.find(field => field.tag === 0xa3);
  if (extensions) {
    for (const ext of children(readTlv(extensions.content).content)) {
      const [id, ...rest] = children(ext.content);
      if (readOid(id.content) === OID.subjectKeyIdentifier) {
        return readTlv(rest[rest.length - 1].content).content;
      }
    }
  }
  return keyIdentifier(issuer.publicKey.export({ type: 'spki', format: 'der' }));
}

/** The fields of a certificate's TBSCertificate. */
export function tbsFields(certificateDer: Buffer): Tlv[] {
  const [tbs] = children(readTlv(certificateDer).content);
  return children(tbs.content);
}

/** The subject Name of a PEM certificate, its original bytes. */
function subjectNameDer(certificatePem: string): Buffer {
  const fields = tbsFields(new crypto.X509Certificate(certificatePem).raw);
  const offset = fields[0].tag === 0xa0 ? 1 : 0;
  return fields[offset + 4].raw;
}

