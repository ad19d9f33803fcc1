import * as crypto from 'node:crypto';
import * as forge from 'node-forge';
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
  /** Issuer, readable (`CN = kubernetes-ca`). */
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
const OID_EXT_KEY_USAGE = '2.5.29.37';

/** Reads a PEM certificate, or says why it can't be read. */
export function readCertificate(pem: string): CertificateFacts | { problem: string } {
  let x509: crypto.X509Certificate;
  let cert: forge.pki.Certificate;
  try {
    x509 = new crypto.X509Certificate(pem);
  } catch (error) {
    return { problem: `is not a readable PEM certificate (${firstLine(error)}); expected one PEM "CERTIFICATE"` };
  }
  try {
    cert = forge.pki.certificateFromPem(pem);
  } catch (error) {
    return { problem: `can't be read by node-forge (${firstLine(error)}); expected an RSA certificate` };
  }
  const attributes = (fields: forge.pki.CertificateField[], oid: string) => fields.filter(f => f.type === oid)
    .map(f => (f.valueTagClass as number) === forge.asn1.Type.UTF8 ? Buffer.from(String(f.value), 'binary').toString('utf-8') : String(f.value));
  const extension = <T>(name: string) => cert.getExtension(name) as (T & { value: string }) | undefined;

  const keyUsage = extension<Record<string, boolean>>('keyUsage');
  const basicConstraints = extension<{ cA?: boolean }>('basicConstraints');
  const altNames = extension<{ altNames: Array<{ type: number; value: string; ip?: string }> }>('subjectAltName')?.altNames ?? [];
  const eku = (cert.extensions as Array<{ id: string; value: string }>).find(e => e.id === OID_EXT_KEY_USAGE);
  const tbsFields = cert.tbsCertificate.value as forge.asn1.Asn1[];
  const offset = tbsFields[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const hex = (asn1: forge.asn1.Asn1) => Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary').toString('hex');

  return {
    x509,
    commonNames: attributes(cert.subject.attributes, '2.5.4.3'),
    organizations: attributes(cert.subject.attributes, '2.5.4.10'),
    subjectHex: hex(tbsFields[offset + 4]),
    issuerHex: hex(tbsFields[offset + 2]),
    issuerText: x509.issuer.split('\n').join(', '),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    ca: basicConstraints?.cA === true,
    keyUsages: KEY_USAGE_BITS.filter(bit => keyUsage?.[bit] === true),
    extendedKeyUsages: eku
      ? (forge.asn1.fromDer(eku.value).value as forge.asn1.Asn1[]).map(oid => {
        const dotted = forge.asn1.derToOid(oid.value as string);
        return EKU_NAMES[dotted] ?? dotted;
      })
      : undefined,
    dnsNames: altNames.filter(n => n.type === 2).map(n => n.value),
    ipAddresses: altNames.filter(n => n.type === 7).map(n => ({
      text: n.ip ?? Buffer.from(n.value, 'binary').toString('hex'),
      key: Buffer.from(n.value, 'binary').toString('hex'),
    })),
  };
}

/** The normalized key of an IP address (hex of its bytes), as `CertificateFacts.ipAddresses[].key`. */
export function ipAddressKey(ip: string): string {
  const bytes = (forge.util as unknown as { bytesFromIP(text: string): string | null }).bytesFromIP(ip);
  return bytes ? Buffer.from(bytes, 'binary').toString('hex') : `unparsed:${ip}`;
}
