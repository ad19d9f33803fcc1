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
