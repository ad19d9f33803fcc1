import * as crypto from 'node:crypto';
import { TAG, Tlv, children, readOid, readTlv } from './der';
import { ipAddressBytes, tbsFields } from './certificate-issuer';
import { firstLine } from './key-material';

/** What the PKI checks about a stored certificate, read once. */
export interface CertificateFacts {
  /** Node's parsed certificate: for signature and key checks. */
  readonly x509: crypto.X509Certificate;
  /** Subject CN values (normally one). */
  readonly commonNames: string[];
  /** Subject O values, in order. */
  readonly organizations: string[];
  /** DER of the subject name, hex. */
  readonly subjectHex: string;
  /** DER of the issuer name, hex. */
  readonly issuerHex: string;
  /** Issuer, readable (`CN=kubernetes-ca`). */
  readonly issuerText: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** basicConstraints cA; false when the extension is absent. */
  readonly ca: boolean;
  /** keyUsage bits that are set, by name (`digitalSignature`, `keyCertSign`, ...). */
  readonly keyUsages: string[];
  /** extendedKeyUsage entries by name (`serverAuth`, `clientAuth`) or OID; undefined when the extension is absent. */
  readonly extendedKeyUsages?: string[];
  /** subjectAltName DNS entries. */
  readonly dnsNames: string[];
  /** subjectAltName IP entries: readable form and normalized key (hex of the address bytes). */
  readonly ipAddresses: Array<{ text: string; key: string }>;
}

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment',
  'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];
const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

/** Reads a PEM certificate, or says why it can't be read. */
export function readCertificate(pem: string): CertificateFacts | { problem: string } {
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(pem);
  } catch (error) {
    return { problem: `is not a readable PEM certificate (${firstLine(error)}); expected one PEM "CERTIFICATE"` };
  }
  try {
    return { x509, ...readFields(x509) };
  } catch (error) {
    return { problem: `has a TBSCertificate this reader can't follow (${firstLine(error)}); expected an X.509 v3 certificate` };
  }
}

function readFields(x509: crypto.X509Certificate): Omit<CertificateFacts, 'x509'> {
  const fields = tbsFields(x509.raw);
  const offset = fields[0].tag === 0xa0 ? 1 : 0;
  const issuer = fields[offset + 2];
  const [notBefore, notAfter] = children(fields[offset + 3].content).map(readTime);
  const subject = fields[offset + 4];
  const extensions = new Map<string, Buffer>();
  const extensionField = fields.find(field => field.tag === 0xa3);
  if (extensionField) {
    for (const ext of children(readTlv(extensionField.content).content)) {
      const parts = children(ext.content);
      extensions.set(readOid(parts[0].content), readTlv(parts[parts.length - 1].content).raw);
    }
  }
  const keyUsage = extensions.get('2.5.29.15');
  const basicConstraints = extensions.get('2.5.29.19');
  const eku = extensions.get('2.5.29.37');
  const san = extensions.get('2.5.29.17');
  const altNames = san ? children(readTlv(san).content) : [];
  return {
    commonNames: attributes(subject, '2.5.4.3'),
    organizations: attributes(subject, '2.5.4.10'),
    subjectHex: subject.raw.toString('hex'),
    issuerHex: issuer.raw.toString('hex'),
    issuerText: x509.issuer.split('\n').join(', '),
    notBefore,
    notAfter,
    ca: basicConstraints ? children(readTlv(basicConstraints).content).some(item => item.tag === TAG.BOOLEAN && item.content[0] !== 0) : false,
    keyUsages: keyUsage ? setBits(readTlv(keyUsage).content) : [],
    extendedKeyUsages: eku ? children(readTlv(eku).content).map(item => {
      const dotted = readOid(item.content);
      return EKU_NAMES[dotted] ?? dotted;
    }) : undefined,
    dnsNames: altNames.filter(name => name.tag === 0x82).map(name => name.content.toString('ascii')),
    ipAddresses: altNames.filter(name => name.tag === 0x87).map(name => ({ text: ipText(name.content), key: name.content.toString('hex') })),
  };
}

/** The values of one attribute type in a Name, in order (UTF8String, PrintableString, IA5String or TeletexString). */
function attributes(name: Tlv, type: string): string[] {
  return children(name.content).flatMap(rdn => children(rdn.content))
    .map(attribute => children(attribute.content))
    .filter(([id]) => readOid(id.content) === type)
    .map(([, value]) => value.content.toString(value.tag === TAG.UTF8_STRING ? 'utf-8' : 'latin1'));
}

/** The names of the bits set in a keyUsage BIT STRING's content. */
function setBits(content: Buffer): string[] {
  const bits = content.subarray(1);
  return KEY_USAGE_BITS.filter((_, i) => i < bits.length * 8 && (bits[Math.floor(i / 8)] & (0x80 >> (i % 8))) !== 0);
}

/** UTCTime (YYMMDDHHMMSSZ, years 1950-2049) or GeneralizedTime (YYYYMMDDHHMMSSZ). */
function readTime(time: Tlv): Date {
  const text = time.content.toString('ascii');
  const full = time.tag === TAG.UTC_TIME ? `${Number(text.slice(0, 2)) < 50 ? '20' : '19'}${text}` : text;
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(full);
  if (!match) { throw new Error(`unsupported time ${text}`); }
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

function ipText(bytes: Buffer): string {
  if (bytes.length === 4) { return [...bytes].join('.'); }
  const words: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) { words.push(bytes.readUInt16BE(i).toString(16)); }
  return words.join(':');
}

/** The normalized key of an IP address (hex of its bytes), as `CertificateFacts.ipAddresses[].key`. */
export function ipAddressKey(ip: string): string {
  return ipAddressBytes(ip)?.toString('hex') ?? `unparsed:${ip}`;
}
