import * as crypto from 'node:crypto';

/**
 * Ed25519 SSH keys in OpenSSH's own formats, with Node's crypto: the private key
 * as `ssh-keygen` writes it ("openssh-key-v1", unencrypted), which OpenSSH and
 * Vagrant's net-ssh read, and the public key as an `authorized_keys` line.
 * @see https://github.com/openssh/openssh-portable/blob/master/PROTOCOL.key
 */

/** An Ed25519 key pair as OpenSSH keeps it. */
export interface OpenSshKeyPair {
  /** The private key file: "-----BEGIN OPENSSH PRIVATE KEY-----", unencrypted. */
  readonly privateKey: string;
  /** The public key: one `authorized_keys` line, `ssh-ed25519 <base64> <comment>`, with a newline. */
  readonly publicKey: string;
}

const KEY_TYPE = 'ssh-ed25519';
const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const LABEL = 'OPENSSH PRIVATE KEY';
/** The cipher block size of an unencrypted key, to which the private section is padded. */
const BLOCK_SIZE = 8;
/** OpenSSH wraps the base64 of its private key files at 70 characters. */
const LINE_LENGTH = 70;
const ED25519_BYTES = 32;

/** A new Ed25519 key pair; `comment` ends the public key line and is stored in the private key. */
export function generateOpenSshKeyPair(comment: string): OpenSshKeyPair {
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d!, 'base64url');
  const publicKey = Buffer.from(jwk.x!, 'base64url');
  return { privateKey: encodePrivateKey(seed, publicKey, comment), publicKey: authorizedKeyLine(publicKey, comment) };
}

/**
 * Reads an unencrypted Ed25519 private key in OpenSSH's format: its public key
 * (an `authorized_keys` line with the stored comment), or why it can't be used.
 */
export function parseOpenSshPrivateKey(text: string): { publicKey: string; publicBlob: string } | { problem: string } {
  const match = /^-----BEGIN OPENSSH PRIVATE KEY-----\r?\n([A-Za-z0-9+/=\r\n]+)-----END OPENSSH PRIVATE KEY-----\r?\n?$/.exec(text);
  if (!match) {
    return { problem: 'is not an OpenSSH private key; expected a "-----BEGIN OPENSSH PRIVATE KEY-----" block (ssh-keygen -t ed25519)' };
  }
  try {
    return readPrivateKey(Buffer.from(match[1].replace(/\s/g, ''), 'base64'));
  } catch (error) {
    return { problem: `is not a readable OpenSSH private key (${(error as Error).message}); expected an unencrypted Ed25519 key (ssh-keygen -t ed25519 -N '')` };
  }
}

/** The key type and base64 blob of an `authorized_keys` line (comment ignored), or why it is not one. */
export function parseAuthorizedKey(line: string): { type: string; blob: string } | { problem: string } {
  const match = /^(ssh-[a-z0-9-]+) ([A-Za-z0-9+/]+={0,2})(?: [^\n]*)?\n?$/.exec(line);
  if (!match) {
    return { problem: 'is not an authorized_keys line; expected "ssh-ed25519 <base64> <comment>"' };
  }
  return { type: match[1], blob: match[2] };
}

function encodePrivateKey(seed: Buffer, publicKey: Buffer, comment: string): string {
  const publicBlob = publicKeyBlob(publicKey);
  const check = crypto.randomBytes(4);
  const body = Buffer.concat([
    check, check,
    sshString(KEY_TYPE), sshString(publicKey), sshString(Buffer.concat([seed, publicKey])),
    sshString(comment),
  ]);
  const padding = Buffer.from(Array.from({ length: (BLOCK_SIZE - (body.length % BLOCK_SIZE)) % BLOCK_SIZE }, (_, i) => i + 1));
  const der = Buffer.concat([
    MAGIC, sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(publicBlob), sshString(Buffer.concat([body, padding])),
  ]);
  const lines = der.toString('base64').match(new RegExp(`.{1,${LINE_LENGTH}}`, 'g')) ?? [];
  return `-----BEGIN ${LABEL}-----\n${lines.join('\n')}\n-----END ${LABEL}-----\n`;
}

function readPrivateKey(data: Buffer): { publicKey: string; publicBlob: string } {
  const reader = new SshReader(data);
  if (!reader.bytes(MAGIC.length).equals(MAGIC)) { throw new Error('no openssh-key-v1 header'); }
  const cipher = reader.string().toString('latin1');
  const kdf = reader.string().toString('latin1');
  reader.string();
  if (cipher !== 'none' || kdf !== 'none') { throw new Error(`it is encrypted (${cipher}, ${kdf})`); }
  if (reader.uint32() !== 1) { throw new Error('it holds more than one key'); }
  const publicBlob = reader.string();
  const section = new SshReader(reader.string());
  reader.end();
  if (!section.bytes(4).equals(section.bytes(4))) { throw new Error('its check numbers differ'); }
  const type = section.string().toString('latin1');
  if (type !== KEY_TYPE) { throw new Error(`it holds a ${type} key`); }
  const publicKey = section.string();
  const secret = section.string();
  const comment = section.string().toString('utf-8');
  const padding = section.rest();
  if (publicKey.length !== ED25519_BYTES || secret.length !== 2 * ED25519_BYTES || !secret.subarray(ED25519_BYTES).equals(publicKey)) {
    throw new Error('its Ed25519 key has the wrong length');
  }
  if (!padding.equals(Buffer.from(Array.from({ length: padding.length }, (_, i) => i + 1))) || padding.length >= BLOCK_SIZE) {
    throw new Error('its padding is wrong');
  }
  if (!publicBlob.equals(publicKeyBlob(publicKey))) { throw new Error('its public key differs from its private key\'s'); }
  const derived = crypto.createPublicKey(crypto.createPrivateKey({
    key: { kty: 'OKP', crv: 'Ed25519', d: secret.subarray(0, ED25519_BYTES).toString('base64url'), x: publicKey.toString('base64url') },
    format: 'jwk',
  })).export({ format: 'jwk' });
  if (Buffer.from(derived.x!, 'base64url').compare(publicKey) !== 0) { throw new Error('its public key does not belong to its private key'); }
  return { publicKey: authorizedKeyLine(publicKey, comment), publicBlob: publicBlob.toString('base64') };
}

function authorizedKeyLine(publicKey: Buffer, comment: string): string {
  return `${KEY_TYPE} ${publicKeyBlob(publicKey).toString('base64')}${comment ? ` ${comment}` : ''}\n`;
}

function publicKeyBlob(publicKey: Buffer): Buffer {
  return Buffer.concat([sshString(KEY_TYPE), sshString(publicKey)]);
}

/** RFC 4251 `string`: a uint32 length, then the bytes. */
function sshString(value: string | Buffer): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf-8') : value;
  return Buffer.concat([uint32(bytes.length), bytes]);
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

/** Reads RFC 4251 values in order; throws past the end. */
class SshReader {
  private offset = 0;
  constructor(private readonly data: Buffer) {}

  public bytes(length: number): Buffer {
    if (this.offset + length > this.data.length) { throw new Error('it is truncated'); }
    const bytes = this.data.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }

  public uint32(): number {
    return this.bytes(4).readUInt32BE();
  }

  public string(): Buffer {
    return this.bytes(this.uint32());
  }

  public rest(): Buffer {
    return this.bytes(this.data.length - this.offset);
  }

  public end(): void {
    if (this.offset !== this.data.length) { throw new Error('it has trailing data'); }
  }
}
