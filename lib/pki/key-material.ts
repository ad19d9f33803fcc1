import * as crypto from 'node:crypto';

/** The smallest RSA modulus a stored key may have (RSA keys are no longer generated, only reused). */
export const RSA_BITS = 2048;
/** The curve of every generated key: NIST P-256, which Go's TLS, kubeadm (`encryptionAlgorithm: ECDSA-P256`) and the apiserver's ES256 service-account tokens use. */
export const EC_CURVE = 'prime256v1';

/** A private key as stored (PEM) and as parsed. */
export interface PrivateKey {
  /** The PEM text, exactly as written or read. */
  readonly pem: string;
  /** The parsed key. */
  readonly key: crypto.KeyObject;
}

/**
 * A new ECDSA P-256 private key, as kubeadm writes one: SEC1 PEM ("EC PRIVATE KEY").
 * It takes under a millisecond, against about 0.2 s for RSA 2048.
 */
export function generatePrivateKey(): PrivateKey {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: EC_CURVE });
  const pem = privateKey.export({ type: 'sec1', format: 'pem' }).toString();
  return { pem, key: privateKey };
}

/**
 * Parses a stored private key. Returns the key, or why it can't be used: it
 * must be an unencrypted ECDSA P-256 key, or an RSA key of at least 2048 bits
 * (a PKI folder made before ECDSA keeps working).
 */
export function parsePrivateKey(pem: string): PrivateKey | { problem: string } {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    return { problem: `is not a readable PEM private key (${firstLine(error)}); expected an unencrypted ECDSA P-256 or RSA private key` };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    return curve === EC_CURVE ? { pem, key } : { problem: `holds an ECDSA key on the curve ${curve}; expected P-256 (${EC_CURVE})` };
  }
  if (key.asymmetricKeyType !== 'rsa') {
    return { problem: `holds a key of type ${key.asymmetricKeyType}; expected an ECDSA P-256 or RSA key` };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < RSA_BITS) {
    return { problem: `holds an RSA key of ${bits} bits; expected at least ${RSA_BITS} bits` };
  }
  return { pem, key };
}

/** Parses a stored public key (SPKI or PKCS#1 PEM). */
export function parsePublicKey(pem: string): crypto.KeyObject | { problem: string } {
  try {
    return crypto.createPublicKey({ key: pem, format: 'pem' });
  } catch (error) {
    return { problem: `is not a readable PEM public key (${firstLine(error)}); expected a PEM "PUBLIC KEY"` };
  }
}

/** The SPKI PEM ("BEGIN PUBLIC KEY") of a private or public key. */
export function publicKeyPem(key: crypto.KeyObject): string {
  const publicKey = key.type === 'private' ? crypto.createPublicKey(key) : key;
  return publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** Whether two keys (private or public) share the same public key. */
export function samePublicKey(a: crypto.KeyObject, b: crypto.KeyObject): boolean {
  const spki = (k: crypto.KeyObject) => (k.type === 'private' ? crypto.createPublicKey(k) : k).export({ type: 'spki', format: 'der' });
  return spki(a).equals(spki(b));
}

/** The first line of an error's message, for one-line problems. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
