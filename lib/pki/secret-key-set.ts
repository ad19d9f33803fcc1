import * as crypto from 'node:crypto';

/**
 * A set of named symmetric keys kept in one text file of the PKI folder, the
 * newest first: e.g. the keys that encrypt Secrets at rest, where the first key
 * encrypts and every key decrypts, so that a key is rotated by adding a new one
 * on top. Lines starting with `#` are comments.
 *
 * ```
 * # ...
 * key1 <base64 of the key's bytes>
 * ```
 */

/** One key of a set. */
export interface SecretKey {
  /** Its name, which ciphertexts record (e.g. `k8s:enc:secretbox:v1:key1:`), so it never changes. */
  readonly name: string;
  /** Its bytes, base64. */
  readonly secret: string;
}

/** A key name: letters, digits, `.`, `_` and `-` (a `:` would end Kubernetes' ciphertext prefix early). */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
/** The name of the first key of a new set. */
export const FIRST_KEY_NAME = 'key1';

/** The text of a new set of one random key of `bytes` bytes, under `header` (comment lines, without their `#`). */
export function newSecretKeySet(bytes: number, header: readonly string[]): string {
  const comments = header.map(line => `# ${line}`.trimEnd());
  return [...comments, `${FIRST_KEY_NAME} ${crypto.randomBytes(bytes).toString('base64')}`, ''].join('\n');
}

/** The keys of a set's text, newest first, each of exactly `bytes` bytes; or why the text is not such a set. */
export function parseSecretKeySet(text: string, bytes: number): SecretKey[] | { problem: string } {
  const keys: SecretKey[] = [];
  const expected = `expected one "<name> <base64 of ${bytes} bytes>" line per key, the newest first`;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) { continue; }
    const [name, secret, ...rest] = line.split(/\s+/);
    const where = `line ${index + 1}`;
    if (!NAME_PATTERN.test(name) || secret === undefined || rest.length > 0) {
      return { problem: `${where} is not "<name> <base64>"; ${expected}, names of letters, digits, '.', '_' and '-'` };
    }
    const decoded = Buffer.from(secret, 'base64');
    if (decoded.toString('base64') !== secret) {
      return { problem: `${where}: key ${name} is not base64 (with its = padding); ${expected}` };
    }
    if (decoded.length !== bytes) {
      return { problem: `${where}: key ${name} is ${decoded.length} bytes; ${expected}` };
    }
    if (keys.some(key => key.name === name)) {
      return { problem: `${where}: key ${name} is named twice; expected every name once (ciphertexts name the key that made them)` };
    }
    keys.push({ name, secret });
  }
  return keys.length > 0 ? keys : { problem: `holds no key; ${expected}` };
}
