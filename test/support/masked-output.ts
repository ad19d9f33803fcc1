// The Flatcar output as one text with its key material masked: a golden that can be
// committed (no private key in the repository) and compared byte for byte, although every
// fresh PKI has new keys. Certificates become their subject, keys the subject of the
// certificate they belong to, so the golden still shows which identity goes where; two
// certificates of one subject (a kubelet's client and serving certificates) are told apart
// by their subjectAltNames. Secret keys (the encryption of Secrets at rest) and SSH keys become numbers.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseOpenSshPrivateKey } from '../../lib/formats/openssh-key';

// Also inside YAML block scalars, where every line is indented.
const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----\n(?:[ \t]*[A-Za-z0-9+/=]+\n)+?[ \t]*-----END \1-----(\n?)/g;
const KUBECONFIG_DATA = /\b(certificate-authority-data|client-certificate-data|client-key-data): ([A-Za-z0-9+/=]+)/g;
/** An SSH public key, wherever it is (authorized_keys lines, cloud-configs, the Vagrantfile's inline script). */
const SSH_PUBLIC_KEY = /\bssh-ed25519 (AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/]{48})/g;
/** A key of an EncryptionConfiguration: `secret: <base64>`, in a cloud-config's block scalar. */
const ENCRYPTION_SECRET = /^([ \t]*secret: )([A-Za-z0-9+/]{20,}={0,2})$/gm;

/** Names PEM blocks by what they are, the same name for the same block wherever it appears. */
class KeyMaterialNames {
  /** SPKI (DER, hex) of every certificate seen, to name private and public keys after it. */
  private readonly subjects = new Map<string, string>();
  private readonly loneKeys = new Map<string, number>();
  private readonly secretKeys = new Map<string, number>();
  private readonly sshKeys = new Map<string, number>();
  /** Subjects that several keys carry, told apart by subjectAltNames: such a certificate is named with them. */
  private readonly shared = new Set<string>();

  constructor(texts: string[]) {
    const certificates = texts.flatMap(text => [...text.matchAll(PEM_BLOCK), ...decodedBlocks(text)].map(m => unindent(m[0])))
      .filter(pem => pem.startsWith('-----BEGIN CERTIFICATE-----')).map(pem => new crypto.X509Certificate(pem));
    const keysOf = new Map<string, Set<string>>();
    const add = (name: string, certificate: crypto.X509Certificate) => keysOf.set(name, (keysOf.get(name) ?? new Set()).add(spki(certificate.publicKey)));
    for (const certificate of certificates) {
      add(oneLine(certificate.subject), certificate);
      add(withAltNames(certificate), certificate);
    }
    // Shared subjects whose certificates the subjectAltNames tell apart (not etcd's server and peer certificates, which name the same).
    for (const certificate of certificates) {
      const subject = oneLine(certificate.subject);
      if (keysOf.get(subject)!.size > 1 && certificate.subjectAltName && keysOf.get(withAltNames(certificate))!.size === 1) { this.shared.add(subject); }
    }
    for (const certificate of certificates) {
      this.subjects.set(spki(certificate.publicKey), this.label(certificate));
    }
  }

  public name(block: string): string {
    const pem = unindent(block);
    const kind = /-----BEGIN ([A-Z ]+)-----/.exec(pem)![1];
    if (kind === 'CERTIFICATE') {
      return `<certificate ${this.label(new crypto.X509Certificate(pem))}>`;
    }
    if (kind === 'OPENSSH PRIVATE KEY') {
      const parsed = parseOpenSshPrivateKey(`${pem.trimEnd()}\n`);
      if ('problem' in parsed) { throw new Error(`an OpenSSH private key that does not parse: ${parsed.problem}`); }
      return `<private key of ${this.sshKey(parsed.publicBlob)}>`;
    }
    const publicKey = kind.includes('PRIVATE') ? crypto.createPublicKey(crypto.createPrivateKey(pem)) : crypto.createPublicKey(pem);
    const key = spki(publicKey);
    const subject = this.subjects.get(key);
    const owner = subject ? `of ${subject}` : `pair ${this.loneKeyNumber(key)}`;
    return `<${kind.includes('PRIVATE') ? 'private' : 'public'} key ${owner}>`;
  }

  /** The same name for the same SSH key wherever its public or private half appears. */
  public sshKey(publicBlob: string): string {
    if (!this.sshKeys.has(publicBlob)) { this.sshKeys.set(publicBlob, this.sshKeys.size + 1); }
    return `ssh-ed25519 key ${this.sshKeys.get(publicBlob)}`;
  }

  /** The same name for the same secret key wherever it appears. */
  public secretKey(base64: string): string {
    if (!this.secretKeys.has(base64)) { this.secretKeys.set(base64, this.secretKeys.size + 1); }
    return `<secret key ${this.secretKeys.get(base64)}>`;
  }

  private label(certificate: crypto.X509Certificate): string {
    const subject = oneLine(certificate.subject);
    return this.shared.has(subject) && certificate.subjectAltName ? withAltNames(certificate) : subject;
  }

  private loneKeyNumber(key: string): number {
    if (!this.loneKeys.has(key)) { this.loneKeys.set(key, this.loneKeys.size + 1); }
    return this.loneKeys.get(key)!;
  }
}

function withAltNames(certificate: crypto.X509Certificate): string {
  return `${oneLine(certificate.subject)} for ${certificate.subjectAltName ?? '(no subjectAltName)'}`;
}

function spki(key: crypto.KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('hex');
}

function unindent(block: string): string {
  return block.split('\n').map(line => line.trim()).join('\n');
}

function oneLine(subject: string): string {
  return subject.split('\n').join(',');
}

function decodedBlocks(text: string): RegExpMatchArray[] {
  return [...text.matchAll(KUBECONFIG_DATA)].flatMap(m => [...Buffer.from(m[2], 'base64').toString('utf-8').matchAll(PEM_BLOCK)]);
}

/** A file's text with every PEM block, kubeconfig credential and secret key replaced by its name; undefined when it holds none. */
function maskText(text: string, names: KeyMaterialNames): string | undefined {
  let masked = false;
  const result = text
    .replace(PEM_BLOCK, (pem: string, _kind: string, newline: string) => {
      masked = true;
      return `${names.name(pem)}${newline}`;
    })
    .replace(KUBECONFIG_DATA, (_, field: string, data: string) => {
      masked = true;
      const pem = Buffer.from(data, 'base64').toString('utf-8');
      return `${field}: ${names.name(pem)}`;
    })
    .replace(ENCRYPTION_SECRET, (_, field: string, data: string) => {
      masked = true;
      return `${field}${names.secretKey(data)}`;
    })
    .replace(SSH_PUBLIC_KEY, (_, blob: string) => {
      masked = true;
      return `<${names.sshKey(blob)}>`;
    });
  return masked ? result : undefined;
}

/**
 * Every file of an output folder in one text, sorted by path, each under a
 * `=== path (mode) ===` line; key material masked, and in manifest.json the
 * sha256 of every masked file.
 */
export function maskedOutput(outdir: string): string {
  const paths = listFiles(outdir);
  const contents = new Map(paths.map(p => [p, fs.readFileSync(path.join(outdir, p), 'utf-8')]));
  const names = new KeyMaterialNames([...contents.values()]);
  const maskedPaths = new Set<string>();
  for (const [p, text] of contents) {
    const masked = maskText(text, names);
    if (masked !== undefined) {
      contents.set(p, masked);
      maskedPaths.add(p);
    }
  }
  const manifest = contents.get('manifest.json');
  if (manifest !== undefined) {
    const parsed = JSON.parse(manifest) as { files: Array<{ path: string; sha256: string }> };
    const hashes = new Map(parsed.files.filter(f => maskedPaths.has(f.path)).map(f => [f.sha256, f.path]));
    contents.set('manifest.json', manifest.replace(/"sha256": "([0-9a-f]{64})"/g, (whole, hash: string) =>
      (hashes.has(hash) ? `"sha256": "<sha256 of masked ${hashes.get(hash)}>"` : whole)));
  }
  return paths.map(p => {
    const mode = (fs.statSync(path.join(outdir, p)).mode & 0o777).toString(8).padStart(4, '0');
    return `=== ${p} (${mode}) ===\n${contents.get(p)}`;
  }).join('\n');
}

function listFiles(root: string, relative = ''): string[] {
  return fs.readdirSync(path.join(root, relative), { withFileTypes: true })
    .flatMap(entry => {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      return entry.isDirectory() ? listFiles(root, child) : [child];
    })
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
