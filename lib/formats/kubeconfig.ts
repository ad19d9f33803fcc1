import { renderYaml } from './yaml';

/** What a kubeconfig for one identity holds. */
export interface KubeconfigProps {
  /** Cluster name, also the context name. */
  readonly clusterName: string;
  /** API server URL, e.g. `https://192.168.56.21:6443`. */
  readonly server: string;
  /** PEM of the CA that signed the API server's certificate. */
  readonly caPem: string;
  /** User name in the kubeconfig. */
  readonly user: string;
  /** PEM client certificate. */
  readonly certificatePem: string;
  /** PEM private key of the client certificate. */
  readonly keyPem: string;
}

/** A kubeconfig with one cluster, one user and one context, credentials embedded. */
export function renderKubeconfig(props: KubeconfigProps): string {
  const b64 = (pem: string) => Buffer.from(pem).toString('base64');
  return renderYaml({
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': [{ name: props.clusterName, cluster: { 'server': props.server, 'certificate-authority-data': b64(props.caPem) } }],
    'users': [{ name: props.user, user: { 'client-certificate-data': b64(props.certificatePem), 'client-key-data': b64(props.keyPem) } }],
    'contexts': [{ name: props.clusterName, context: { cluster: props.clusterName, user: props.user } }],
    'current-context': props.clusterName,
    'preferences': {},
  }, { sortKeys: true });
}
