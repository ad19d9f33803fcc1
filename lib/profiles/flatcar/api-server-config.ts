// The configuration files of a Flatcar control plane's API server: its audit policy, its
// structured authentication configuration (anonymous requests to the health endpoints only)
// and its encryption at rest for Secrets. Every control plane gets the same files.
import { AUDIT_POLICY_FILE, AUTHENTICATION_CONFIG_FILE, ENCRYPTION_CONFIG_FILE } from './control-plane';
import { AuditPolicy, renderAuditPolicy } from '../../formats/audit-policy';
import { AuthenticationConfigApiVersion, renderAuthenticationConfiguration } from '../../formats/authentication-config';
import type { WriteFile } from '../../formats/cloud-config-data';
import { EncryptionKey, renderEncryptionConfiguration } from '../../formats/encryption-config';
import { KubernetesVersion } from '../../cluster/kubernetes-version';

/** The only paths an anonymous request may reach: the health endpoints, which kubelet probes and load balancers call without credentials. */
export const ANONYMOUS_PATHS: readonly string[] = ['/livez', '/readyz', '/healthz'];

/** The resources encrypted at rest. */
export const ENCRYPTED_RESOURCES: readonly string[] = ['secrets'];

/** The system components whose reads are noise in an audit log: their identities, as the API server authenticates them. */
const SYSTEM_USERS = ['system:apiserver', 'system:kube-controller-manager', 'system:kube-scheduler'];
/** The kubelets, and every service account of kube-system (the controllers' own, flannel's, kube-proxy's, CoreDNS's). */
const SYSTEM_GROUPS = ['system:nodes', 'system:serviceaccounts:kube-system'];
const READ_VERBS = ['get', 'list', 'watch'];
const LEASES = [{ group: 'coordination.k8s.io', resources: ['leases'] }];

/**
 * The audit policy: every request at Metadata (who did what to which object, when, and the
 * answer's code; never a request or response body), except the health endpoints and the
 * system components' routine traffic, which are left out. Requests to Secrets, ConfigMaps,
 * service-account tokens and TokenReviews are always logged, at Metadata: their bodies hold
 * credentials, and a read of a Secret by a kubelet or controller is worth a line.
 */
export const AUDIT_POLICY: AuditPolicy = {
  // Every event is logged again when its response completes: the first stage repeats it.
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', nonResourceURLs: ['/healthz*', '/livez*', '/readyz*', '/version'] },
    {
      level: 'Metadata',
      resources: [
        { group: '', resources: ['secrets', 'configmaps', 'serviceaccounts/token'] },
        { group: 'authentication.k8s.io', resources: ['tokenreviews'] },
      ],
    },
    // The system components' reads: informers' lists and watches, a kubelet's reads of its Node and pods.
    { level: 'None', users: SYSTEM_USERS, verbs: READ_VERBS },
    { level: 'None', userGroups: SYSTEM_GROUPS, verbs: READ_VERBS },
    // Leader election (controller-manager, scheduler, kube-vip's plndr-cp-lock, the API servers' identity
    // leases) and the kubelets' heartbeats renew a lease every few seconds.
    { level: 'None', users: [...SYSTEM_USERS, 'kube-vip'], verbs: ['get', 'update'], namespaces: ['kube-system'], resources: LEASES },
    { level: 'None', userGroups: ['system:nodes'], verbs: ['get', 'update'], namespaces: ['kube-node-lease'], resources: LEASES },
    { level: 'Metadata' },
  ],
};

/**
 * The apiserver.config.k8s.io version of the AuthenticationConfiguration for a release: v1 from
 * 1.34 (when structured authentication became stable), v1beta1 before (from 1.30). The profile
 * runs 1.32 and later, where the anonymous section is on by default.
 */
export function authenticationConfigApiVersion(kubernetesVersion: string): AuthenticationConfigApiVersion {
  const minor = KubernetesVersion.parse(kubernetesVersion)?.minor ?? 0;
  return minor >= 34 ? 'apiserver.config.k8s.io/v1' : 'apiserver.config.k8s.io/v1beta1';
}

/** The audit policy and the authentication configuration of a control plane: nothing secret, 0644. */
export function apiServerConfigFiles(kubernetesVersion: string): WriteFile[] {
  return [
    { path: AUDIT_POLICY_FILE, permissions: '0644', owner: 'root', content: renderAuditPolicy(AUDIT_POLICY) },
    {
      path: AUTHENTICATION_CONFIG_FILE, permissions: '0644', owner: 'root',
      content: renderAuthenticationConfiguration({ apiVersion: authenticationConfigApiVersion(kubernetesVersion), anonymousPaths: ANONYMOUS_PATHS }),
    },
  ];
}

/** The encryption at rest of a control plane, with the cluster's keys (newest first): 0600, root's alone. */
export function encryptionConfigFile(keys: readonly EncryptionKey[]): WriteFile {
  return {
    path: ENCRYPTION_CONFIG_FILE, permissions: '0600', owner: 'root',
    content: renderEncryptionConfiguration({ resources: ENCRYPTED_RESOURCES, keys }),
  };
}
