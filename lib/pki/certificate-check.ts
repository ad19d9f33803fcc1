import * as crypto from 'node:crypto';
import { CertificateFacts, ipAddressKey } from './certificate-facts';
import { CertificateUsage } from './pki-spec';

/** What a stored certificate must say to be reused. */
export interface ExpectedCertificate {
  readonly commonName: string;
  readonly organizations: readonly string[];
  /** A CA rather than a leaf. */
  readonly ca: boolean;
  /** Extended key usages of a leaf (a CA has none). */
  readonly usages: readonly CertificateUsage[];
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

/** Who must have signed a stored certificate. */
export interface ExpectedIssuer {
  /** How messages name it, e.g. `CA 'kubernetes-ca' (pki/kubernetes-ca.crt)`; `itself` for a CA. */
  readonly label: string;
  /** DER (hex) of the name it must carry as issuer; undefined to skip the check. */
  readonly subjectHex?: string;
  /** Readable form of that name, e.g. `CN = kubernetes-ca`. */
  readonly subjectText: string;
  /** The key its signature must verify with; undefined to skip the check. */
  readonly publicKey?: crypto.KeyObject;
}

const EKU_OF: Record<CertificateUsage, string> = { server: 'serverAuth', client: 'clientAuth' };

/**
 * Every way `facts` differs from what the spec asks for at `now`, one message
 * each, naming the bad value and what was expected. Empty when it can be reused.
 */
export function certificateProblems(facts: CertificateFacts, expected: ExpectedCertificate, issuer: ExpectedIssuer, now: Date): string[] {
  const problems: string[] = [];

  if (facts.commonNames.length !== 1 || facts.commonNames[0] !== expected.commonName) {
    problems.push(`subject CN is ${quoteList(facts.commonNames)}; expected "${expected.commonName}"`);
  }
  if (!sameMultiset(facts.organizations, expected.organizations)) {
    problems.push(`subject O is ${quoteList(facts.organizations)}; expected ${quoteList(expected.organizations)}`);
  }

  if (now.getTime() < facts.notBefore.getTime()) {
    problems.push(`is not valid before ${facts.notBefore.toISOString()} (now is ${now.toISOString()}); expected a certificate valid now`);
  }
  if (now.getTime() > facts.notAfter.getTime()) {
    problems.push(`expired on ${facts.notAfter.toISOString()} (now is ${now.toISOString()}); expected a certificate valid now`);
  }

  if (expected.ca) {
    if (!facts.ca) {
      problems.push('is not a CA (basicConstraints CA:TRUE is missing); expected a CA certificate');
    }
    const lacking = ['keyCertSign', 'cRLSign'].filter(bit => !facts.keyUsages.includes(bit));
    if (lacking.length > 0) {
      problems.push(`keyUsage is ${list(facts.keyUsages)}; expected keyCertSign and cRLSign on a CA`);
    }
    if (facts.extendedKeyUsages !== undefined) {
      problems.push(`extendedKeyUsage is ${list(facts.extendedKeyUsages)}; expected none on a CA`);
    }
  } else {
    if (facts.ca) {
      problems.push('is a CA (basicConstraints CA:TRUE); expected a leaf certificate (CA:FALSE)');
    }
    const lacking = ['digitalSignature', 'keyEncipherment'].filter(bit => !facts.keyUsages.includes(bit));
    if (lacking.length > 0) {
      problems.push(`keyUsage is ${list(facts.keyUsages)}; expected digitalSignature and keyEncipherment`);
    }
    const wanted = expected.usages.map(u => EKU_OF[u]);
    if (!sameMultiset(facts.extendedKeyUsages ?? [], wanted)) {
      problems.push(`extendedKeyUsage is ${list(facts.extendedKeyUsages ?? [])}; expected ${list(wanted)} (usages: ${expected.usages.join(', ')})`);
    }
  }

  problems.push(...altNameProblems(facts, expected));

  if (issuer.subjectHex !== undefined && facts.issuerHex !== issuer.subjectHex) {
    problems.push(`is issued by "${facts.issuerText}"; expected ${issuer.label} ("${issuer.subjectText}")`);
  }
  if (issuer.publicKey && !facts.x509.verify(issuer.publicKey)) {
    problems.push(`signature does not verify with the key of ${issuer.label}; expected a certificate signed by it (was the CA replaced?)`);
  }
  return problems;
}

/** Missing and unexpected subjectAltName entries, one message each. */
function altNameProblems(facts: CertificateFacts, expected: ExpectedCertificate): string[] {
  const problems: string[] = [];
  const wantedDns = new Map(expected.dnsNames.map(name => [name.toLowerCase(), name]));
  const haveDns = new Map(facts.dnsNames.map(name => [name.toLowerCase(), name]));
  const dnsList = list([...wantedDns.values()]);
  for (const [key, name] of wantedDns) {
    if (!haveDns.has(key)) { problems.push(`subjectAltName lacks DNS ${name}; expected DNS ${dnsList}`); }
  }
  for (const [key, name] of haveDns) {
    if (!wantedDns.has(key)) { problems.push(`subjectAltName has DNS ${name}, which the spec does not list; expected DNS ${dnsList}`); }
  }
  const wantedIps = new Map(expected.ipAddresses.map(ip => [ipAddressKey(ip), ip]));
  const haveIps = new Map(facts.ipAddresses.map(ip => [ip.key, ip.text]));
  const ipList = list([...wantedIps.values()]);
  for (const [key, ip] of wantedIps) {
    if (!haveIps.has(key)) { problems.push(`subjectAltName lacks IP ${ip}; expected IP ${ipList}`); }
  }
  for (const [key, ip] of haveIps) {
    if (!wantedIps.has(key)) { problems.push(`subjectAltName has IP ${ip}, which the spec does not list; expected IP ${ipList}`); }
  }
  return problems;
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  const sorted = (x: readonly string[]) => JSON.stringify([...x].sort());
  return sorted(a) === sorted(b);
}

function list(items: readonly string[]): string {
  return items.length > 0 ? items.join(', ') : '(none)';
}

function quoteList(items: readonly string[]): string {
  return items.length > 0 ? items.map(i => `"${i}"`).join(', ') : '(none)';
}
