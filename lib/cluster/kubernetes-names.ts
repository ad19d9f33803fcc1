/**
 * The name syntaxes Kubernetes validates, from k8s.io/apimachinery pkg/util/validation/validation.go
 * (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsEnvVarName, IsConfigMapKey) and
 * pkg/api/validation/path/name.go (IsValidPathSegmentName), as the Kubernetes docs
 * "Object Names and IDs" (concepts/overview/working-with-objects/names) describe them.
 * Each function returns why a value is not such a name, or undefined when it is one.
 */

import * as path from 'node:path';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** DNS1123LabelMaxLength. */
export const DNS_1123_LABEL_MAX_LENGTH = 63;
/** DNS1123SubdomainMaxLength. */
export const DNS_1123_SUBDOMAIN_MAX_LENGTH = 253;

/** A DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit. */
export function dns1123LabelProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') { return 'is not a string'; }
  return value.length <= DNS_1123_LABEL_MAX_LENGTH && DNS_1123_LABEL.test(value) ? undefined
    : 'is not a DNS-1123 label (at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit)';
}

/** A DNS-1123 subdomain: at most 253 characters of DNS-1123 labels joined by '.'. */
export function dns1123SubdomainProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') { return 'is not a string'; }
  return value.length <= DNS_1123_SUBDOMAIN_MAX_LENGTH && DNS_1123_SUBDOMAIN.test(value) ? undefined
    : 'is not a DNS-1123 subdomain (at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit)';
}

/** A DNS-1035 label: a DNS-1123 label that starts with a letter. */
export function dns1035LabelProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') { return 'is not a string'; }
  return value.length <= DNS_1123_LABEL_MAX_LENGTH && DNS_1035_LABEL.test(value) ? undefined
    : 'is not a DNS-1035 label (at most 63 lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit)';
}

/** A path segment name: not `.` or `..`, and without `/` or `%`. */
export function pathSegmentNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') { return 'is not a string'; }
  if (value === '') { return 'is empty'; }
  return value === '.' || value === '..' || /[/%]/.test(value) ? 'is not a path segment name (not \'.\' or \'..\', without \'/\' or \'%\')' : undefined;
}

/** An environment variable name as every Kubernetes release accepts it: letters, digits, '-', '.' and '_', not starting with a digit. */
export function envVarNameProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') { return 'is not a string'; }
  return ENV_VAR_NAME.test(value) ? undefined : 'is not an environment variable name (letters, digits, \'-\', \'.\' and \'_\', not starting with a digit)';
}

/** A key of a ConfigMap's or Secret's data: 1 to 253 letters, digits, '-', '_' and '.', not `.` or `..`. */
export function configMapKeyProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') { return 'is not a string'; }
  return value.length <= DNS_1123_SUBDOMAIN_MAX_LENGTH && CONFIG_MAP_KEY.test(value) && value !== '.' && value !== '..' && !value.startsWith('..') ? undefined
    : 'is not a ConfigMap key (1 to 253 letters, digits, \'-\', \'_\' and \'.\', not starting with \'..\')';
}

/**
 * A cluster name from an output folder: its base name, lowercased, each run of characters
 * a DNS-1123 label does not allow made one '-', trimmed to 63 characters;
 * `kubernetes` (kubeadm's default clusterName) when nothing is left.
 */
export function clusterNameOf(outdir: string): string {
  const label = path.basename(path.resolve(outdir)).toLowerCase().replace(/[^a-z0-9]+/g, '-')
    .slice(0, DNS_1123_LABEL_MAX_LENGTH).replace(/^-+|-+$/g, '');
  return label === '' ? 'kubernetes' : label;
}
