/**
 * What a `Pki` holds: which CAs, which certificates each CA signs, and which
 * plain key pairs. Every name becomes a file name in the PKI folder
 * (`<name>.crt`, `<name>.key`, `<name>.pub`), so names are unique across the spec.
 */
export interface PkiSpec {
  /**
   * Self-signed certificate authorities.
   * @default - none
   */
  readonly cas?: CaSpec[];
  /**
   * Leaf certificates, each signed by one of `cas`.
   * @default - none
   */
  readonly certificates?: CertificateSpec[];
  /**
   * Names of plain key pairs (ECDSA P-256), stored as `<name>.key` and `<name>.pub`
   * (for example the service-account signing pair of kube-apiserver).
   * @default - none
   */
  readonly keyPairs?: string[];
  /**
   * SSH login keys (Ed25519), stored as `<name>.key` (OpenSSH's private key format, 0600)
   * and `<name>.pub` (an `authorized_keys` line, 0644). Made once and never re-made,
   * not even by `regenerate`: the machines accept that key alone.
   * @default - none
   */
  readonly sshKeys?: SshKeySpec[];
  /**
   * Sets of named symmetric keys, stored as `<name>.key` (0600), one `<key name> <base64>`
   * line per key, the newest first (see `secret-key-set.ts`). Made once with one random key
   * and never re-made, not even by `regenerate`: what they encrypt is lost with them.
   * @default - none
   */
  readonly secretKeySets?: SecretKeySetSpec[];
}

/** An SSH login key, stored as `<name>.key` and `<name>.pub`. */
export interface SshKeySpec {
  /** File name stem, e.g. `cluster-ssh`. */
  readonly name: string;
  /** The comment of a new key's public line, e.g. `cdk-vagrant-kubernetes cluster`. */
  readonly comment: string;
}

/** A set of symmetric keys, stored as `<name>.key`. */
export interface SecretKeySetSpec {
  /** File name stem, e.g. `secrets-encryption`. */
  readonly name: string;
  /** The length of every key, in bytes, e.g. 32. */
  readonly bytes: number;
  /**
   * Comment lines written at the top of a new set's file, without their `#`.
   * @default - none
   */
  readonly header?: string[];
}

/** A self-signed certificate authority, stored as `<name>.crt` and `<name>.key`. */
export interface CaSpec {
  /** File name stem, e.g. `kubernetes-ca`. */
  readonly name: string;
  /** Subject CN, e.g. `kubernetes-ca`. */
  readonly commonName: string;
}

/**
 * What a leaf certificate may be used for: `server` adds the serverAuth
 * extended key usage, `client` adds clientAuth.
 */
export type CertificateUsage = 'server' | 'client';

/** A leaf certificate, stored as `<name>.crt` and `<name>.key`. */
export interface CertificateSpec {
  /** File name stem, e.g. `apiserver`. */
  readonly name: string;
  /** Name of the CA (in `PkiSpec.cas`) that signs it. */
  readonly ca: string;
  /** Subject CN. Kubernetes reads it as the user name, e.g. `system:node:node-02`. */
  readonly commonName: string;
  /**
   * Subject O entries. Kubernetes reads them as the groups, e.g. `system:nodes`.
   * @default - none
   */
  readonly organizations?: string[];
  /**
   * DNS names for the subjectAltName extension.
   * @default - none
   */
  readonly dnsNames?: string[];
  /**
   * IPv4 or IPv6 addresses for the subjectAltName extension.
   * @default - none
   */
  readonly ipAddresses?: string[];
  /** `server`, `client` or both; at least one. */
  readonly usages: CertificateUsage[];
}
