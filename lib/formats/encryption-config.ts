import { renderYaml } from './yaml';

/** A named key of an encryption provider: `secret` is the key's bytes, base64. */
export interface EncryptionKey {
  readonly name: string;
  readonly secret: string;
}

/** What an {@link renderEncryptionConfiguration} file says. */
export interface EncryptionConfigurationProps {
  /** The resources encrypted at rest, e.g. `secrets`. */
  readonly resources: readonly string[];
  /** The secretbox keys, the one that encrypts first; every one decrypts. */
  readonly keys: readonly EncryptionKey[];
}

/**
 * kube-apiserver's encryption at rest (`--encryption-provider-config`),
 * apiserver.config.k8s.io/v1: `resources` are written with secretbox
 * (XSalsa20-Poly1305, 32-byte keys) under the first key, read with any key, and
 * the `identity` provider last reads what was stored before encryption was on.
 * @see https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
 */
export function renderEncryptionConfiguration(props: EncryptionConfigurationProps): string {
  return renderYaml({
    apiVersion: 'apiserver.config.k8s.io/v1',
    kind: 'EncryptionConfiguration',
    resources: [{
      resources: [...props.resources],
      providers: [
        { secretbox: { keys: props.keys.map(key => ({ name: key.name, secret: key.secret })) } },
        { identity: {} },
      ],
    }],
  });
}
