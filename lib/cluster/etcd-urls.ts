/** etcd's client port (IANA-assigned). */
export const ETCD_CLIENT_PORT = 2379;
/** etcd's peer port (IANA-assigned). */
export const ETCD_PEER_PORT = 2380;

/** `http://host:port`. */
export function httpUrl(host: string, port: number): string {
  return `http://${host}:${port}`;
}

/** The client URL of an etcd proxy on the loopback interface of a machine. */
export const LOCAL_ETCD_URL = httpUrl('127.0.0.1', ETCD_CLIENT_PORT);
