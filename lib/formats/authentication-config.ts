import { renderYaml } from './yaml';

/** The versions of apiserver.config.k8s.io that hold an `anonymous` section. */
export type AuthenticationConfigApiVersion = 'apiserver.config.k8s.io/v1beta1' | 'apiserver.config.k8s.io/v1';

/** What an {@link renderAuthenticationConfiguration} file says. */
export interface AuthenticationConfigurationProps {
  /** The API version the cluster's kube-apiserver reads. */
  readonly apiVersion: AuthenticationConfigApiVersion;
  /** The only paths anonymous requests may reach, e.g. `/livez`; every other anonymous request is refused (401). */
  readonly anonymousPaths: readonly string[];
}

/**
 * kube-apiserver's structured authentication configuration (`--authentication-config`) with
 * anonymous authentication enabled only for `anonymousPaths` (`anonymous.conditions`; the
 * AnonymousAuthConfigurableEndpoints feature, beta and on by default from Kubernetes 1.32,
 * stable in 1.34). Mutually exclusive with `--anonymous-auth`. No JWT authenticator.
 * @see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-authenticator-configuration
 */
export function renderAuthenticationConfiguration(props: AuthenticationConfigurationProps): string {
  return renderYaml({
    apiVersion: props.apiVersion,
    kind: 'AuthenticationConfiguration',
    anonymous: {
      enabled: true,
      conditions: props.anonymousPaths.map(path => ({ path })),
    },
  });
}
