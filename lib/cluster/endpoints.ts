/** etcd's client port (IANA-assigned). */
export const ETCD_CLIENT_PORT = 2379;
/** etcd's peer port (IANA-assigned). */
export const ETCD_PEER_PORT = 2380;

/** `http://host:port`. */
export function httpUrl(host: string, port: number): string {
  return `http://${host}:${port}`;
}

/** `https://host:port`. */
export function httpsUrl(host: string, port: number): string {
  return `https://${host}:${port}`;
}

/** How a profile's components are reached: the scheme and port of the API server, the scheme of etcd. */
export interface EndpointConventions {
  /** `http` (the classic insecure port) or `https`. */
  readonly apiServerScheme: 'http' | 'https';
  /** e.g. 8080 (classic) or 6443. */
  readonly apiServerPort: number;
  /** `http` (etcd2, plain) or `https` (etcd v3 with TLS). */
  readonly etcdScheme: 'http' | 'https';
}

/** A URL of `scheme://host:port`. */
export function url(scheme: 'http' | 'https', host: string, port: number): string {
  return scheme === 'http' ? httpUrl(host, port) : httpsUrl(host, port);
}
