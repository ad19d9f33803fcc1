import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { certificateProblems, ExpectedCertificate, ExpectedIssuer } from './certificate-check';
import { CertificateFacts, readCertificate } from './certificate-facts';
import { encodedNameHex, issueCertificate } from './certificate-issuer';
import { generatePrivateKey, parsePrivateKey, parsePublicKey, PrivateKey, publicKeyPem, samePublicKey } from './key-material';
import { PkiError, PkiProblem } from './pki-error';
import { KEY_MODE, PkiFolder, PUBLIC_MODE, StoredFile } from './pki-folder';
import { PkiSpec, SecretKeySetSpec, SshKeySpec } from './pki-spec';
import { SecretKey, newSecretKeySet, parseSecretKeySet } from './secret-key-set';
import { checkSpec } from './spec-check';
import { generateOpenSshKeyPair, parseAuthorizedKey, parseOpenSshPrivateKey } from '../formats/openssh-key';
import { stableJson } from '../formats/stable-json';

/** Options of `Pki.loadOrCreate()`. */
export interface PkiOptions {
  /**
   * The time stored certificates are checked against and new ones are issued at.
   * @default - the current time
   */
  readonly now?: Date;
  /**
   * Re-issue every piece that is expired or no longer matches the spec (and
   * every certificate of a CA re-issued this way) instead of failing. A
   * certificate is re-issued for its existing private key when that key is
   * readable; a new key is generated only when the key itself is missing or unusable.
   * @default false
   */
  readonly regenerate?: boolean;
  /**
   * Validity of newly issued leaf certificates, in days. CAs are always issued
   * for ten years. A leaf never outlives its CA.
   * @default 365
   */
  readonly validityDays?: number;
}

/** The file in the PKI folder that records what was verified, so that an unchanged PKI is not parsed again. */
export const VERIFIED_RECORD = '.verified.json';
/** A certificate this close to its end is checked in full at every load (and renewed by regeneratePki). */
export const RENEWAL_WINDOW_DAYS = 30;

/** Validity of a CA, in days (ten years). */
export const CA_VALIDITY_DAYS = 3650;
/** Default validity of a leaf certificate, in days. */
export const DEFAULT_VALIDITY_DAYS = 365;
/** How far notBefore is backdated from now, so that a clock a little behind still accepts a new certificate. */
export const BACKDATE_MS = 60_000;

const DAY_MS = 86_400_000;
const REGENERATE_HINT = 'Fix the spec, or pass { regenerate: true } to re-issue exactly these pieces '
  + '(and the certificates of a re-issued CA). Files the spec does not name are never touched.';
/** Why an SSH login key is never re-made, and what to do instead. */
const SSH_KEY_IS_FINAL = 'an SSH login key is never re-made, not even by regenerate, because the machines accept it alone: '
  + 'restore it from a backup, or delete its .key and .pub to make a new one and re-create the machines';
/** Why a secret key set is never re-made, and what to do instead. */
const SECRET_KEYS_ARE_FINAL = 'a secret key set is never re-made, not even by regenerate, because what its keys encrypted is lost with them: '
  + 'fix the file by hand or restore it from a backup';

/** How a certificate piece (`<name>.crt` + `<name>.key`) is obtained. */
type CertificateAction =
  | 'reuse' // both files, byte for byte
  | 'issue' // a new certificate for the stored private key
  | 'generate' // a new private key and certificate
  | 'broken'; // problems, and no regenerate: nothing is done

/** How a key pair (`<name>.key` + `<name>.pub`) is obtained. */
type KeyPairAction = 'reuse' | 'derive' | 'generate' | 'broken';

/** What planning found for an SSH key: the stored private key and the public line to serve, unless it is made anew. */
interface SshKeyPlan {
  readonly spec: SshKeySpec;
  readonly action: KeyPairAction;
  readonly privateKey?: string;
  readonly publicKey?: string;
}

/** What planning found for a secret key set: its stored text, unless it is made anew. */
interface SecretKeySetPlan {
  readonly spec: SecretKeySetSpec;
  readonly action: 'reuse' | 'generate' | 'broken';
  readonly text?: string;
}

/** What planning found for one certificate piece. */
interface CertificatePlan {
  readonly name: string;
  readonly expected: ExpectedCertificate;
  readonly action: CertificateAction;
  readonly certificateText?: string;
  readonly facts?: CertificateFacts;
  /** The stored private key, when it is usable. */
  readonly storedKey?: PrivateKey;
  /** For a leaf: the CA that signs it. */
  readonly ca?: string;
}

/** A certificate and its key, as held after loading. The parsed key is there only when it was read or made (a verified reuse needs only the text). */
interface CertificatePair {
  readonly certificate: string;
  readonly privateKey: { readonly pem: string; readonly key?: crypto.KeyObject };
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** What {@link VERIFIED_RECORD} holds: the spec and options it was verified for, every file's hash, every certificate's validity. */
interface VerifiedRecord {
  readonly version: 1;
  /** sha256 of the spec and the options that shape it. */
  readonly spec: string;
  /** sha256 of each file, by file name. */
  readonly files: Record<string, string>;
  /** Validity of each certificate (CAs and leaves), by name, as ISO times. */
  readonly validity: Record<string, { readonly notBefore: string; readonly notAfter: string }>;
}

/**
 * The certificates and keys of a cluster, kept in a folder and reused across
 * synths, so that re-synthesis is deterministic and never rotates a key by surprise.
 *
 * For each CA and certificate the folder holds `<name>.crt` (0644) and
 * `<name>.key` (0600); for each key pair `<name>.key` (0600) and `<name>.pub`
 * (0644); for each SSH key `<name>.key` (OpenSSH, 0600) and `<name>.pub`
 * (0644); for each secret key set `<name>.key` (0600). Loading is synchronous, like `synth()`.
 *
 * - A missing piece is generated: ECDSA P-256 keys, SHA-256 signatures (an RSA CA kept from an older folder signs with RSA).
 * - A stored piece is reused byte for byte.
 * - A stored piece that is expired, not yet valid, or no longer matches the
 *   spec is an error that lists every problem (`PkiError`), unless
 *   `regenerate` is set.
 * - SSH keys and secret key sets are made when missing and never re-made: a
 *   broken one is an error even with `regenerate`, because the machines accept
 *   that SSH key alone, and what a secret key encrypted is lost with it.
 *
 * Certificates follow what kubeadm issues: CAs are self-signed with
 * basicConstraints CA:TRUE (critical), keyUsage keyCertSign, cRLSign and
 * digitalSignature (critical), and no extendedKeyUsage; leaves carry CA:FALSE,
 * keyUsage digitalSignature and keyEncipherment (critical), serverAuth and/or
 * clientAuth, the subjectAltNames, and both key identifiers. notBefore is
 * backdated one minute; serial numbers are 126 random bits, positive.
 *
 * @see https://kubernetes.io/docs/setup/best-practices/certificates/
 */
export class Pki {
  /**
   * Loads the pieces of `spec` from `dir`, generating what is missing, and
   * writes what is new ({@link commit}). Writes only new or re-issued files,
   * each atomically; creates `dir` (0700) when needed.
   *
   * @throws PkiError listing every problem with the spec or with a stored piece;
   *   nothing is written then.
   */
  public static loadOrCreate(dir: string, spec: PkiSpec, options: PkiOptions = {}): Pki {
    const pki = Pki.prepare(dir, spec, options);
    pki.commit();
    return pki;
  }

  /**
   * Plans the PKI in memory: reads what `dir` holds, decides what is reused,
   * issued or stale, and makes the new keys and certificates, without writing
   * anything. {@link commit} writes them, once everything that uses them passed.
   *
   * An unchanged PKI that was verified before (its {@link VERIFIED_RECORD} matches
   * every file's hash and this spec, and no certificate is within
   * {@link RENEWAL_WINDOW_DAYS} of its end) costs a hash per file, not a parse.
   *
   * @throws PkiError listing every problem with the spec or with a stored piece.
   */
  public static prepare(dir: string, spec: PkiSpec, options: PkiOptions = {}): Pki {
    const problems = checkSpec(spec);
    const now = options.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) {
      problems.push({ location: 'options.now', message: `${String(now)} is not a date; expected a valid Date`, final: true });
    }
    const validityDays = options.validityDays ?? DEFAULT_VALIDITY_DAYS;
    if (!Number.isInteger(validityDays) || validityDays < 1) {
      problems.push({ location: 'options.validityDays', message: `${validityDays} is not a whole number of days; expected an integer of at least 1`, final: true });
    }
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
      problems.push({ location: dir, message: 'is not a folder; expected a folder (or nothing) to keep the PKI in', final: true });
    }
    if (problems.length > 0) {
      throw new PkiError(problems);
    }
    return new Pki(new PkiFolder(dir), spec, now, validityDays, options.regenerate === true);
  }

  /** The folder the pieces are kept in. */
  public readonly dir: string;
  private readonly writtenFiles: string[] = [];
  /** Files to write at commit, in order, and keys whose mode to tighten. */
  private readonly pendingFiles: Array<{ file: string; content: string; mode: number }> = [];
  private readonly keysToProtect: string[] = [];
  private readonly specHash: string;
  /** The record to write at commit: undefined when the stored one still holds. */
  private record?: VerifiedRecord;
  private committed = false;

  private readonly cas = new Map<string, CertificatePair>();
  private readonly leaves = new Map<string, CertificatePair>();
  private readonly keyPairs = new Map<string, { privateKey: string; publicKey: string }>();
  private readonly sshKeys = new Map<string, { privateKey: string; publicKey: string }>();
  /** The text of each secret key set, and the length of its keys. */
  private readonly secretKeySets = new Map<string, { text: string; bytes: number }>();

  private constructor(
    private readonly folder: PkiFolder,
    spec: PkiSpec,
    private readonly now: Date,
    private readonly validityDays: number,
    private readonly regenerate: boolean,
  ) {
    this.dir = folder.dir;
    this.specHash = crypto.createHash('sha256').update(JSON.stringify([spec, validityDays])).digest('hex');
    if (!regenerate && this.reuseVerified(spec)) {
      return;
    }
    const problems: PkiProblem[] = [];

    // Plan everything first: nothing is written when any piece is broken.
    const caPlans = (spec.cas ?? []).map(ca => this.planCertificate(ca.name, {
      commonName: ca.commonName, organizations: [], ca: true, usages: [], dnsNames: [], ipAddresses: [],
    }, undefined, problems));
    const caPlanOf = new Map(caPlans.map(plan => [plan.name, plan]));
    const leafPlans = (spec.certificates ?? []).map(cert => this.planCertificate(cert.name, {
      commonName: cert.commonName,
      organizations: cert.organizations ?? [],
      ca: false,
      usages: cert.usages,
      dnsNames: cert.dnsNames ?? [],
      ipAddresses: cert.ipAddresses ?? [],
    }, caPlanOf.get(cert.ca)!, problems));
    const keyPairPlans = (spec.keyPairs ?? []).map(name => this.planKeyPair(name, problems));
    const sshKeyPlans = (spec.sshKeys ?? []).map(key => this.planSshKey(key, problems));
    const secretKeySetPlans = (spec.secretKeySets ?? []).map(set => this.planSecretKeySet(set, problems));

    if (problems.length > 0) {
      throw new PkiError(problems, problems.every(problem => problem.final) ? undefined : REGENERATE_HINT);
    }

    for (const plan of caPlans) {
      this.cas.set(plan.name, this.realize(plan, undefined));
    }
    for (const plan of leafPlans) {
      this.leaves.set(plan.name, this.realize(plan, this.cas.get(plan.ca!)!));
    }
    for (const plan of keyPairPlans) {
      this.keyPairs.set(plan.name, this.realizeKeyPair(plan));
    }
    for (const plan of sshKeyPlans) {
      this.sshKeys.set(plan.spec.name, this.realizeSshKey(plan));
    }
    for (const plan of secretKeySetPlans) {
      this.secretKeySets.set(plan.spec.name, { text: this.realizeSecretKeySet(plan), bytes: plan.spec.bytes });
    }
    this.record = this.recordOf(spec);
  }

  /** Files (relative to `dir`) that {@link commit} wrote, in the order written; empty when everything was reused. */
  public get written(): string[] {
    return [...this.writtenFiles];
  }

  /** Files (relative to `dir`) that {@link commit} will write: the new and re-issued pieces. */
  public get pending(): string[] {
    return this.committed ? [] : this.pendingFiles.map(entry => entry.file);
  }

  /**
   * Writes the new and re-issued pieces, each atomically, tightens stored keys
   * that others could read to 0600, and records what was verified. Idempotent.
   */
  public commit(): void {
    if (this.committed) { return; }
    this.committed = true;
    for (const file of this.keysToProtect) {
      this.folder.protectKey(file);
    }
    for (const { file, content, mode } of this.pendingFiles) {
      this.folder.write(file, content, mode);
      this.writtenFiles.push(file);
    }
    if (this.record) {
      this.folder.write(VERIFIED_RECORD, stableJson(this.record), KEY_MODE);
    }
    if (this.keysToProtect.length > 0 || this.pendingFiles.length > 0 || this.record) {
      // Each file was flushed before its rename; the renames are on disk before the output that uses them.
      this.folder.flush();
    }
  }

  /** PEM of a CA's certificate. */
  public caCertificate(name: string): string {
    return this.lookup(this.cas, name, 'CA').certificate;
  }

  /** PEM of a leaf certificate. */
  public certificate(name: string): string {
    return this.lookup(this.leaves, name, 'certificate').certificate;
  }

  /** PEM (PKCS#8, or as stored) of the private key of a CA, a certificate or a key pair. */
  public privateKey(name: string): string {
    const pair = this.cas.get(name) ?? this.leaves.get(name);
    if (pair) { return pair.privateKey.pem; }
    const keyPair = this.keyPairs.get(name);
    if (keyPair) { return keyPair.privateKey; }
    const known = [...this.cas.keys(), ...this.leaves.keys(), ...this.keyPairs.keys()];
    throw new Error(`privateKey("${name}"): no CA, certificate or key pair of that name; expected one of: ${known.join(', ') || '(none)'}`);
  }

  /** PEM ("PUBLIC KEY", SPKI) of a key pair. */
  public publicKey(name: string): string {
    return this.lookup(this.keyPairs, name, 'key pair').publicKey;
  }

  /** The private key file of an SSH key, in OpenSSH's format. */
  public sshPrivateKey(name: string): string {
    return this.lookup(this.sshKeys, name, 'SSH key').privateKey;
  }

  /** The public key of an SSH key: one `authorized_keys` line, with its newline. */
  public sshPublicKey(name: string): string {
    return this.lookup(this.sshKeys, name, 'SSH key').publicKey;
  }

  /** The keys of a secret key set, the newest first. */
  public secretKeys(name: string): SecretKey[] {
    const set = this.lookup(this.secretKeySets, name, 'secret key set');
    const keys = parseSecretKeySet(set.text, set.bytes);
    if ('problem' in keys) {
      // Only a record that lies about the file's hash gets here: the full check parses every set.
      throw new Error(`${this.folder.pathOf(`${name}.key`)}: ${keys.problem}`);
    }
    return keys;
  }

  private lookup<T>(map: Map<string, T>, name: string, kind: string): T {
    const found = map.get(name);
    if (found === undefined) {
      const elsewhere = this.cas.has(name) ? 'a CA: use caCertificate()'
        : this.leaves.has(name) ? 'a certificate: use certificate()'
          : this.keyPairs.has(name) ? 'a key pair: use publicKey()'
            : this.sshKeys.has(name) ? 'an SSH key: use sshPublicKey()'
              : this.secretKeySets.has(name) ? 'a secret key set: use secretKeys()' : undefined;
      throw new Error(`no ${kind} named "${name}" in the PKI spec${elsewhere ? ` ("${name}" is ${elsewhere})` : ''}; `
        + `expected one of: ${[...map.keys()].join(', ') || '(none)'}`);
    }
    return found;
  }

  /** Reads a certificate piece, checks it, and decides what to do with it. */
  private planCertificate(name: string, expected: ExpectedCertificate, ca: CertificatePlan | undefined, problems: PkiProblem[]): CertificatePlan {
    const certFile = `${name}.crt`;
    const keyFile = `${name}.key`;
    const storedCert = this.folder.read(certFile);
    const storedKey = this.folder.read(keyFile);
    if ('missing' in storedCert && 'missing' in storedKey) {
      return { name, expected, action: 'generate', ca: ca?.name };
    }
    // With regenerate, a re-issued CA re-issues every certificate it signs.
    const forced = this.regenerate && ca !== undefined && ca.action !== 'reuse';

    const found: PkiProblem[] = [];
    const atCert = (message: string) => found.push({ location: this.folder.pathOf(certFile), message });
    const atKey = (message: string) => found.push({ location: this.folder.pathOf(keyFile), message });

    const key = readStoredKey(storedKey, atKey,
      `is missing, but ${this.folder.pathOf(certFile)} exists; expected the private key of that certificate (a new key needs a new certificate)`);

    let facts: CertificateFacts | undefined;
    let certificateText: string | undefined;
    if ('problem' in storedCert) {
      atCert(storedCert.problem);
    } else if ('text' in storedCert) {
      certificateText = storedCert.text;
      const read = readCertificate(storedCert.text);
      if ('problem' in read) {
        atCert(read.problem);
      } else {
        facts = read;
        if (!forced && ca?.action === 'generate') {
          atCert(`was signed by CA '${ca.name}', which is generated anew because ${this.folder.pathOf(`${ca.name}.crt`)} and its key are missing; `
            + 'expected a certificate of the CA in the folder (restore the CA files, or re-issue this certificate)');
        } else if (!forced) {
          certificateProblems(facts, expected, this.expectedIssuer(facts, ca), this.now).forEach(atCert);
        }
        if (key && !samePublicKey(key.key, facts.x509.publicKey)) {
          atKey(`does not match ${this.folder.pathOf(certFile)} (their public keys differ); expected the private key of that certificate`);
        }
      }
    }

    let action: CertificateAction;
    if (forced) {
      action = key ? 'issue' : 'generate';
    } else if (found.length === 0) {
      action = facts ? 'reuse' : 'issue'; // a stored key without its certificate gets one
    } else if (this.regenerate) {
      action = key ? 'issue' : 'generate';
    } else {
      action = 'broken';
      problems.push(...found);
    }
    return { name, expected, action, certificateText, facts, storedKey: key, ca: ca?.name };
  }

  /**
   * Who must have signed a stored certificate: the CA itself for a CA;
   * otherwise the CA as it will be after this load (its stored certificate
   * when reused, else the name the spec gives it), verified with the CA's key.
   */
  private expectedIssuer(facts: CertificateFacts, ca: CertificatePlan | undefined): ExpectedIssuer {
    if (!ca) {
      return { selfSigned: true, label: 'itself', subjectHex: facts.subjectHex, subjectText: facts.x509.subject.split('\n').join(', '), publicKey: facts.x509.publicKey };
    }
    const label = `CA '${ca.name}' (${this.folder.pathOf(`${ca.name}.crt`)})`;
    const publicKey = ca.storedKey ? crypto.createPublicKey(ca.storedKey.key) : ca.facts?.x509.publicKey;
    const reusedSubject = ca.action === 'reuse' && ca.facts;
    return {
      selfSigned: false,
      label,
      subjectHex: reusedSubject ? ca.facts!.subjectHex : encodedNameHex(ca.expected.commonName, []),
      subjectText: reusedSubject ? ca.facts!.x509.subject.split('\n').join(', ') : `CN=${ca.expected.commonName}`,
      publicKey,
    };
  }

  /** Carries out a certificate plan: reuses, issues or generates, and writes what is new. */
  private realize(plan: CertificatePlan, ca: CertificatePair | undefined): CertificatePair {
    let privateKey = plan.action === 'generate' ? undefined : plan.storedKey;
    if (privateKey) {
      this.keysToProtect.push(`${plan.name}.key`);
    } else {
      privateKey = generatePrivateKey();
      this.writeFile(`${plan.name}.key`, privateKey.pem, KEY_MODE);
    }
    if (plan.action === 'reuse') {
      return { certificate: plan.certificateText!, privateKey, notBefore: plan.facts!.notBefore, notAfter: plan.facts!.notAfter };
    }
    // Whole seconds: what a certificate can hold, and what the record then says.
    const seconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
    const days = plan.expected.ca ? CA_VALIDITY_DAYS : this.validityDays;
    let notAfter = seconds(this.now.getTime() + days * DAY_MS);
    if (ca && ca.notAfter < notAfter) { notAfter = ca.notAfter; }
    const notBefore = seconds(this.now.getTime() - BACKDATE_MS);
    const certificate = issueCertificate({
      commonName: plan.expected.commonName,
      organizations: plan.expected.organizations,
      subjectKey: privateKey.key,
      ca: plan.expected.ca,
      usages: plan.expected.usages,
      dnsNames: plan.expected.dnsNames,
      ipAddresses: plan.expected.ipAddresses,
      notBefore,
      notAfter,
    }, ca ? { key: ca.privateKey.key ?? parseStoredKey(ca.privateKey.pem), certificatePem: ca.certificate } : { key: privateKey.key });
    this.writeFile(`${plan.name}.crt`, certificate, PUBLIC_MODE);
    return { certificate, privateKey, notBefore, notAfter };
  }

  /** Reads a key pair and decides what to do with it. */
  private planKeyPair(name: string, problems: PkiProblem[]): { name: string; action: KeyPairAction; key?: PrivateKey; publicText?: string } {
    const keyFile = `${name}.key`;
    const pubFile = `${name}.pub`;
    const storedKey: StoredFile = this.folder.read(keyFile);
    const storedPub: StoredFile = this.folder.read(pubFile);
    if ('missing' in storedKey && 'missing' in storedPub) {
      return { name, action: 'generate' };
    }
    const found: PkiProblem[] = [];
    const atKey = (message: string) => found.push({ location: this.folder.pathOf(keyFile), message });
    const atPub = (message: string) => found.push({ location: this.folder.pathOf(pubFile), message });

    const key = readStoredKey(storedKey, atKey,
      `is missing, but ${this.folder.pathOf(pubFile)} exists; expected the private half of that key pair (a new pair would invalidate everything signed with the old one)`);
    let publicText: string | undefined;
    if ('problem' in storedPub) {
      atPub(storedPub.problem);
    } else if ('text' in storedPub) {
      publicText = storedPub.text;
      const parsed = parsePublicKey(storedPub.text);
      if ('problem' in parsed) {
        atPub(parsed.problem);
      } else if (key && !samePublicKey(key.key, parsed)) {
        atPub(`does not match ${this.folder.pathOf(keyFile)}; expected the public half of that private key`);
      }
    }

    let action: KeyPairAction;
    if (found.length === 0) {
      action = publicText !== undefined ? 'reuse' : 'derive'; // a lost public key is derived, not rotated
    } else if (this.regenerate) {
      action = key ? 'derive' : 'generate';
    } else {
      action = 'broken';
      problems.push(...found);
    }
    return { name, action, key, publicText };
  }

  private realizeKeyPair(plan: { name: string; action: KeyPairAction; key?: PrivateKey; publicText?: string }): { privateKey: string; publicKey: string } {
    let key = plan.action === 'generate' ? undefined : plan.key;
    if (key) {
      this.keysToProtect.push(`${plan.name}.key`);
    } else {
      key = generatePrivateKey();
      this.writeFile(`${plan.name}.key`, key.pem, KEY_MODE);
    }
    if (plan.action === 'reuse') {
      return { privateKey: key.pem, publicKey: plan.publicText! };
    }
    const publicKey = publicKeyPem(key.key);
    this.writeFile(`${plan.name}.pub`, publicKey, PUBLIC_MODE);
    return { privateKey: key.pem, publicKey };
  }

  /**
   * Reads an SSH key and decides what to do with it. Its private key is never re-made: a
   * missing or unreadable one next to a public key is a problem that regenerate does not fix.
   */
  private planSshKey(spec: SshKeySpec, problems: PkiProblem[]): SshKeyPlan {
    const keyFile = `${spec.name}.key`;
    const pubFile = `${spec.name}.pub`;
    const storedKey = this.folder.read(keyFile);
    const storedPub = this.folder.read(pubFile);
    if ('missing' in storedKey && 'missing' in storedPub) {
      return { spec, action: 'generate' };
    }
    const broken = (file: string, message: string, final: boolean): SshKeyPlan => {
      problems.push({ location: this.folder.pathOf(file), message: final ? `${message}; ${SSH_KEY_IS_FINAL}` : message, ...(final ? { final } : {}) });
      return { spec, action: 'broken' };
    };
    if ('problem' in storedKey) { return broken(keyFile, storedKey.problem, true); }
    if ('missing' in storedKey) {
      return broken(keyFile, `is missing, but ${this.folder.pathOf(pubFile)} exists; expected the private key of that public key`, true);
    }
    const parsed = parseOpenSshPrivateKey(storedKey.text);
    if ('problem' in parsed) { return broken(keyFile, parsed.problem, true); }
    if ('missing' in storedPub) {
      return { spec, action: 'derive', privateKey: storedKey.text, publicKey: parsed.publicKey }; // a lost public key is derived
    }
    let problem: string | undefined;
    if ('problem' in storedPub) {
      problem = storedPub.problem;
    } else {
      const stored = parseAuthorizedKey(storedPub.text);
      problem = 'problem' in stored ? stored.problem
        : stored.blob !== parsed.publicBlob ? `does not match ${this.folder.pathOf(keyFile)}; expected the public half of that private key` : undefined;
      if (problem === undefined) {
        return { spec, action: 'reuse', privateKey: storedKey.text, publicKey: storedPub.text };
      }
    }
    // The private key is the truth: regenerate writes its public half again.
    return this.regenerate ? { spec, action: 'derive', privateKey: storedKey.text, publicKey: parsed.publicKey } : broken(pubFile, problem, false);
  }

  private realizeSshKey(plan: SshKeyPlan): { privateKey: string; publicKey: string } {
    const keyFile = `${plan.spec.name}.key`;
    const pubFile = `${plan.spec.name}.pub`;
    if (plan.action === 'generate') {
      const made = generateOpenSshKeyPair(plan.spec.comment);
      this.writeFile(keyFile, made.privateKey, KEY_MODE);
      this.writeFile(pubFile, made.publicKey, PUBLIC_MODE);
      return made;
    }
    this.keysToProtect.push(keyFile);
    if (plan.action === 'derive') {
      this.writeFile(pubFile, plan.publicKey!, PUBLIC_MODE);
    }
    return { privateKey: plan.privateKey!, publicKey: plan.publicKey! };
  }

  /** Reads a secret key set: a missing one is made; a stored one is used as it is, or is a problem regenerate does not fix. */
  private planSecretKeySet(spec: SecretKeySetSpec, problems: PkiProblem[]): SecretKeySetPlan {
    const file = `${spec.name}.key`;
    const stored = this.folder.read(file);
    if ('missing' in stored) {
      return { spec, action: 'generate' };
    }
    const keys = 'problem' in stored ? stored : parseSecretKeySet(stored.text, spec.bytes);
    if ('problem' in keys) {
      problems.push({ location: this.folder.pathOf(file), message: `${keys.problem}; ${SECRET_KEYS_ARE_FINAL}`, final: true });
      return { spec, action: 'broken' };
    }
    return { spec, action: 'reuse', text: (stored as { text: string }).text };
  }

  private realizeSecretKeySet(plan: SecretKeySetPlan): string {
    const file = `${plan.spec.name}.key`;
    if (plan.action === 'reuse') {
      this.keysToProtect.push(file);
      return plan.text!;
    }
    const text = newSecretKeySet(plan.spec.bytes, plan.spec.header ?? []);
    this.writeFile(file, text, KEY_MODE);
    return text;
  }

  private writeFile(file: string, content: string, mode: number): void {
    this.pendingFiles.push({ file, content, mode });
  }

  /** The files of the spec's pieces, in spec order, with the certificates among them. */
  private filesOf(spec: PkiSpec): { files: string[]; certificates: string[] } {
    const certificates = [...(spec.cas ?? []).map(ca => ca.name), ...(spec.certificates ?? []).map(cert => cert.name)];
    return {
      certificates,
      files: [
        ...certificates.flatMap(name => [`${name}.crt`, `${name}.key`]),
        ...(spec.keyPairs ?? []).flatMap(name => [`${name}.key`, `${name}.pub`]),
        ...(spec.sshKeys ?? []).flatMap(key => [`${key.name}.key`, `${key.name}.pub`]),
        ...(spec.secretKeySets ?? []).map(set => `${set.name}.key`),
      ],
    };
  }

  /** The record of this PKI as it will be once committed. */
  private recordOf(spec: PkiSpec): VerifiedRecord {
    const { files, certificates } = this.filesOf(spec);
    const pending = new Map(this.pendingFiles.map(entry => [entry.file, entry.content]));
    const hashes: Record<string, string> = {};
    for (const file of files) {
      const text = pending.get(file) ?? this.folder.read(file);
      hashes[file] = sha256(typeof text === 'string' ? text : 'text' in text ? text.text : '');
    }
    const validity: Record<string, { notBefore: string; notAfter: string }> = {};
    for (const name of certificates) {
      const pair = this.cas.get(name) ?? this.leaves.get(name)!;
      validity[name] = { notBefore: pair.notBefore.toISOString(), notAfter: pair.notAfter.toISOString() };
    }
    return { version: 1, spec: this.specHash, files: hashes, validity };
  }

  /**
   * Serves the stored PKI without parsing it when its record says it was verified
   * for this spec, every file still has the recorded hash, and every certificate is
   * valid now and outside its renewal window. False when anything differs.
   */
  private reuseVerified(spec: PkiSpec): boolean {
    const stored = this.folder.read(VERIFIED_RECORD);
    if (!('text' in stored)) { return false; }
    let record: VerifiedRecord;
    try {
      record = JSON.parse(stored.text) as VerifiedRecord;
    } catch {
      return false;
    }
    if (record?.version !== 1 || record.spec !== this.specHash) { return false; }
    const { files, certificates } = this.filesOf(spec);
    const texts = new Map<string, string>();
    for (const file of files) {
      const text = this.folder.read(file);
      if (!('text' in text) || record.files?.[file] !== sha256(text.text)) { return false; }
      texts.set(file, text.text);
    }
    const renewal = this.now.getTime() + RENEWAL_WINDOW_DAYS * DAY_MS;
    for (const name of certificates) {
      const validity = record.validity?.[name];
      if (!validity || Date.parse(validity.notBefore) > this.now.getTime() || Date.parse(validity.notAfter) < renewal) { return false; }
    }
    const pair = (name: string) => ({
      certificate: texts.get(`${name}.crt`)!,
      privateKey: { pem: texts.get(`${name}.key`)! },
      notBefore: new Date(record.validity[name].notBefore),
      notAfter: new Date(record.validity[name].notAfter),
    });
    for (const ca of spec.cas ?? []) { this.cas.set(ca.name, pair(ca.name)); }
    for (const cert of spec.certificates ?? []) { this.leaves.set(cert.name, pair(cert.name)); }
    for (const name of spec.keyPairs ?? []) {
      this.keyPairs.set(name, { privateKey: texts.get(`${name}.key`)!, publicKey: texts.get(`${name}.pub`)! });
    }
    for (const { name } of spec.sshKeys ?? []) {
      this.sshKeys.set(name, { privateKey: texts.get(`${name}.key`)!, publicKey: texts.get(`${name}.pub`)! });
    }
    for (const { name, bytes } of spec.secretKeySets ?? []) {
      this.secretKeySets.set(name, { text: texts.get(`${name}.key`)!, bytes });
    }
    for (const file of files.filter(f => f.endsWith('.key'))) { this.keysToProtect.push(file); }
    return true;
  }
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

/** A stored key that was verified before, parsed only when it must sign. */
function parseStoredKey(pem: string): crypto.KeyObject {
  return crypto.createPrivateKey(pem);
}

/** The usable private key in a stored file, or undefined after reporting why there is none. */
function readStoredKey(stored: StoredFile, report: (message: string) => void, missingMessage: string): PrivateKey | undefined {
  if ('problem' in stored) {
    report(stored.problem);
    return undefined;
  }
  if (!('text' in stored)) {
    report(missingMessage);
    return undefined;
  }
  const parsed = parsePrivateKey(stored.text);
  if ('problem' in parsed) {
    report(parsed.problem);
    return undefined;
  }
  return parsed;
}
