import { isIP } from 'node:net';
import { describeValue } from '../synth/describe-value';
import { PkiProblem } from './pki-error';
import { CertificateUsage, PkiSpec } from './pki-spec';

/** Names become file names: keep them to one portable path segment. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** A host name or a `*.`-wildcard, LDH labels of at most 63 characters. */
const DNS_PATTERN = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
/** X.520 upper bound for CN and O (ub-common-name, ub-organization-name). */
const MAX_NAME_ATTRIBUTE = 64;
const USAGES: readonly CertificateUsage[] = ['server', 'client'];
/** Symmetric keys of 128 to 512 bits. */
const MIN_SECRET_BYTES = 16;
const MAX_SECRET_BYTES = 64;

/** Every problem with the shape of `spec`, in spec order; empty when it is sound. */
export function checkSpec(spec: PkiSpec): PkiProblem[] {
  const problems: PkiProblem[] = [];
  const add = (location: string, message: string) => problems.push({ location, message });
  const seen = new Map<string, string>();
  const claimName = (location: string, name: unknown) => {
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      add(location, `name ${describeValue(name)} is not a file name stem; expected letters, digits, '.', '_' or '-', starting with a letter or digit`);
      return;
    }
    const earlier = seen.get(name.toLowerCase());
    if (earlier) {
      add(location, `name "${name}" is already used by ${earlier}; expected names unique across cas, certificates and keyPairs (they share one folder)`);
      return;
    }
    seen.set(name.toLowerCase(), location);
  };
  const checkNameAttribute = (location: string, what: string, value: unknown) => {
    if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_NAME_ATTRIBUTE) {
      add(location, `${what} ${describeValue(value)} is not usable; expected a non-blank string of at most ${MAX_NAME_ATTRIBUTE} characters`);
    }
  };

  const cas = spec.cas ?? [];
  const caNames = new Set<string>();
  cas.forEach((ca, i) => {
    const location = `spec.cas[${i}]${typeof ca?.name === 'string' ? ` (${ca.name})` : ''}`;
    claimName(location, ca?.name);
    checkNameAttribute(location, 'commonName', ca?.commonName);
    if (typeof ca?.name === 'string') { caNames.add(ca.name); }
  });

  (spec.certificates ?? []).forEach((cert, i) => {
    const location = `spec.certificates[${i}]${typeof cert?.name === 'string' ? ` (${cert.name})` : ''}`;
    claimName(location, cert?.name);
    checkNameAttribute(location, 'commonName', cert?.commonName);
    if (!caNames.has(cert?.ca)) {
      const known = cas.map(ca => ca?.name).filter(n => typeof n === 'string');
      add(location, `ca ${describeValue(cert?.ca)} is not in spec.cas; expected one of: ${known.length > 0 ? known.join(', ') : '(no CAs declared)'}`);
    }
    for (const organization of cert?.organizations ?? []) {
      checkNameAttribute(location, 'organization', organization);
    }
    for (const dnsName of cert?.dnsNames ?? []) {
      if (typeof dnsName !== 'string' || !DNS_PATTERN.test(dnsName) || dnsName.length > 253) {
        add(location, `dnsName ${describeValue(dnsName)} is not a DNS name; expected dot-separated labels of letters, digits and '-', e.g. kubernetes.default.svc`);
      }
    }
    for (const ip of cert?.ipAddresses ?? []) {
      if (typeof ip !== 'string' || isIP(ip) === 0) {
        add(location, `ipAddress ${describeValue(ip)} is not an IP address; expected an IPv4 (10.0.0.1) or IPv6 (fd00::1) address`);
      }
    }
    const usages: unknown[] = Array.isArray(cert?.usages) ? cert.usages : [];
    if (usages.length === 0) {
      add(location, `usages ${describeValue(cert?.usages)} is empty; expected 'server', 'client' or both`);
    }
    for (const usage of usages) {
      if (!USAGES.includes(usage as CertificateUsage)) {
        add(location, `usage ${describeValue(usage)} is unknown; expected 'server' or 'client'`);
      }
    }
    if (new Set(usages).size !== usages.length) {
      add(location, `usages ${describeValue(usages)} repeat an entry; expected each usage once`);
    }
  });

  (spec.keyPairs ?? []).forEach((name, i) => {
    claimName(`spec.keyPairs[${i}]`, name);
  });

  (spec.sshKeys ?? []).forEach((key, i) => {
    const location = `spec.sshKeys[${i}]${typeof key?.name === 'string' ? ` (${key.name})` : ''}`;
    claimName(location, key?.name);
    if (typeof key?.comment !== 'string' || !/^[\x20-\x7e]*$/.test(key.comment)) {
      add(location, `comment ${describeValue(key?.comment)} is not usable; expected printable ASCII on one line`);
    }
  });

  (spec.secretKeySets ?? []).forEach((set, i) => {
    const location = `spec.secretKeySets[${i}]${typeof set?.name === 'string' ? ` (${set.name})` : ''}`;
    claimName(location, set?.name);
    if (!Number.isInteger(set?.bytes) || set.bytes < MIN_SECRET_BYTES || set.bytes > MAX_SECRET_BYTES) {
      add(location, `bytes ${describeValue(set?.bytes)} is not a key length; expected a whole number from ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES}`);
    }
    for (const line of set?.header ?? []) {
      if (typeof line !== 'string' || line.includes('\n')) {
        add(location, `header line ${describeValue(line)} is not one line of text; expected strings without newlines`);
      }
    }
  });
  return problems;
}
