/**
 * What the API server checks of one Kubernetes object before it stores it, for the
 * objects of an add-on: its name (by kind), namespace, labels and annotations, the keys,
 * values (strings) and size of ConfigMap and Secret data, its total size, and keys no object can hold.
 * Each rule cites the Kubernetes source or docs it follows.
 */
import { labelKeyProblem, labelValueProblem } from '../cluster/labels';
import {
  configMapKeyProblem, dns1035LabelProblem, dns1123LabelProblem, dns1123SubdomainProblem, pathSegmentNameProblem,
} from '../cluster/kubernetes-names';
import { yamlValueProblems } from '../formats/yaml';
import { describeValue, quoteHint } from '../synth/describe-value';

/** A Kubernetes object as JSON. */
export type KubernetesObject = Readonly<Record<string, unknown>>;

/** What names an object among all others ("Object Names and IDs": group, kind, namespace, name). */
export interface ObjectIdentity {
  /** The API group: the part of apiVersion before '/', '' for the core group (`v1`). */
  readonly group: string;
  readonly kind: string;
  /** The namespace as written; undefined when none is. */
  readonly namespace?: string;
  readonly name: string;
}

/** The identity of a complete object (one with apiVersion, kind and metadata.name strings). */
export function identityOf(object: KubernetesObject): ObjectIdentity {
  const apiVersion = object.apiVersion as string;
  const metadata = object.metadata as { name: string; namespace?: unknown };
  return {
    group: apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '',
    kind: object.kind as string,
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : undefined,
    name: metadata.name,
  };
}

/** `Kind namespace/name`, or `Kind name` without a namespace: how problems name an object. */
export function describeObject(object: KubernetesObject): string {
  const { kind, namespace, name } = identityOf(object);
  return `${kind} ${namespace !== undefined ? `${namespace}/` : ''}${name}`;
}

/**
 * How a kind's name is checked, by `group/kind` (k8s.io/kubernetes pkg/apis/core/validation:
 * ValidateNamespaceName is NameIsDNSLabel, ValidateServiceName NameIsDNS1035Label;
 * pkg/apis/rbac/validation: ValidateRBACName is IsValidPathSegmentName for roles and
 * bindings). Every other kind, custom resources included, takes a DNS-1123 subdomain
 * (NameIsDNSSubdomain; apiextensions-apiserver validates custom resources so).
 */
const NAME_RULES: Readonly<Record<string, { readonly check: (name: unknown) => string | undefined; readonly example: string }>> = {
  '/Namespace': { check: dns1123LabelProblem, example: 'my-app' },
  '/Service': { check: dns1035LabelProblem, example: 'web' },
  'rbac.authorization.k8s.io/Role': { check: pathSegmentNameProblem, example: 'system:my-app' },
  'rbac.authorization.k8s.io/ClusterRole': { check: pathSegmentNameProblem, example: 'system:my-app' },
  'rbac.authorization.k8s.io/RoleBinding': { check: pathSegmentNameProblem, example: 'system:my-app' },
  'rbac.authorization.k8s.io/ClusterRoleBinding': { check: pathSegmentNameProblem, example: 'system:my-app' },
};

/** A CronJob's name leaves 11 characters for the suffix of its Jobs (pkg/apis/batch/validation ValidateCronJob: "must be no more than 52 characters"). */
const CRON_JOB_NAME_MAX_LENGTH = 52;

/** core.MaxSecretSize: the data of a ConfigMap or a Secret, summed over its values, in bytes (pkg/apis/core/types.go). */
export const MAX_DATA_SIZE = 1024 * 1024;

/**
 * The largest object written, as JSON (but ConfigMaps and Secrets, see sizeProblems). etcd refuses a request over 1.5 MiB by default
 * (--max-request-bytes, etcd's "request too large"), the API server stores each object in
 * one request, and server-side apply adds the object's managed fields to it: 1 MiB leaves
 * that room, and is the limit ConfigMap and Secret data have anyway.
 */
export const MAX_OBJECT_SIZE = 1024 * 1024;

/** apimachinery ValidateAnnotations: TotalAnnotationSizeLimitB, keys and values together. */
const MAX_ANNOTATIONS_SIZE = 256 * 1024;

/** YAML 1.1's merge key (yaml.org/type/merge.html). */
const MERGE_KEY = '<<';

/** Every problem of one object, each naming the field. */
export function objectProblems(object: KubernetesObject): string[] {
  const scalars = yamlValueProblems(object, '');
  return [
    ...mergeKeyProblems(object, ''),
    ...scalars,
    ...nameProblems(object),
    ...metadataProblems(object, ''),
    ...dataProblems(object),
    // Its size as JSON is known once every value is one JSON holds.
    ...(scalars.length === 0 ? sizeProblems(object) : []),
  ];
}

/** Whether the object is a Secret, whose file must be readable by its owner only. */
export function isSecret(object: KubernetesObject): boolean {
  return object.apiVersion === 'v1' && object.kind === 'Secret';
}

/**
 * A `<<` key anywhere. A YAML 1.1 reader may merge it instead of reading it (whether a
 * quoted one merges differs between readers), and no Kubernetes field, label, annotation or
 * data key can be `<<`.
 */
function mergeKeyProblems(value: unknown, path: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => mergeKeyProblems(item, `${path}[${index}]`));
  }
  if (value === null || typeof value !== 'object') { return []; }
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const childPath = path === '' ? key : `${path}.${key}`;
    return key === MERGE_KEY
      ? [`${path === '' ? 'the object' : path} has the key '<<', YAML 1.1's merge key, which a YAML reader may merge instead of reading `
        + 'and no Kubernetes field, label, annotation or data key can be; expected another key']
      : mergeKeyProblems(child, childPath);
  });
}

function nameProblems(object: KubernetesObject): string[] {
  const { group, kind, name } = identityOf(object);
  const rule = NAME_RULES[`${group}/${kind}`] ?? { check: dns1123SubdomainProblem, example: 'my-app' };
  const problems: string[] = [];
  const problem = rule.check(name);
  if (problem) {
    problems.push(`metadata.name ${describeValue(name)} ${problem}, as a ${kind} name must be; expected a name such as '${rule.example}'`);
  }
  if (group === 'batch' && kind === 'CronJob' && name.length > CRON_JOB_NAME_MAX_LENGTH) {
    problems.push(`metadata.name ${describeValue(name)} has ${name.length} characters; expected at most ${CRON_JOB_NAME_MAX_LENGTH} for a CronJob, `
      + 'whose Jobs add an 11-character suffix to it');
  }
  return problems;
}

/**
 * The namespace, and the labels and annotations of the object and of every object it
 * embeds (pod templates, job templates): apimachinery ValidateObjectMeta, ValidateLabels,
 * ValidateAnnotations. Label selectors (`matchLabels`) are labels too (ValidateLabelSelector).
 */
function metadataProblems(value: unknown, path: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item, index) => metadataProblems(item, `${path}[${index}]`));
  }
  if (value === null || typeof value !== 'object') { return []; }
  const problems: string[] = [];
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPath = path === '' ? key : `${path}.${key}`;
    if (key === 'metadata' && child !== null && typeof child === 'object' && !Array.isArray(child)) {
      const metadata = child as Record<string, unknown>;
      if (metadata.namespace !== undefined) {
        const problem = dns1123LabelProblem(metadata.namespace);
        if (problem) {
          problems.push(`${childPath}.namespace ${describeValue(metadata.namespace)} ${problem}, as a namespace name must be; expected one such as 'my-app'`);
        }
      }
      problems.push(...labelMapProblems(metadata.labels, `${childPath}.labels`), ...annotationProblems(metadata.annotations, `${childPath}.annotations`));
    } else if (key === 'matchLabels') {
      problems.push(...labelMapProblems(child, childPath));
    } else {
      problems.push(...metadataProblems(child, childPath));
    }
  }
  return problems;
}

function labelMapProblems(labels: unknown, path: string): string[] {
  if (labels === undefined) { return []; }
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    return [`${path} is ${describeValue(labels)}; expected an object of label keys and values`];
  }
  return Object.entries(labels as Record<string, unknown>).flatMap(([key, value]) => {
    const keyProblem = labelKeyProblem(key);
    const valueProblem = labelValueProblem(value);
    return [
      ...(keyProblem ? [`${path} key '${key}' ${keyProblem}; expected a qualified name such as 'app' or 'example.com/app'`] : []),
      ...(valueProblem ? [`${path} ${key} has the value ${describeValue(value)}, which ${valueProblem}`] : []),
    ];
  });
}

function annotationProblems(annotations: unknown, path: string): string[] {
  if (annotations === undefined) { return []; }
  if (annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) {
    return [`${path} is ${describeValue(annotations)}; expected an object of annotation keys and string values`];
  }
  const problems: string[] = [];
  let size = 0;
  for (const [key, value] of Object.entries(annotations as Record<string, unknown>)) {
    // Annotation keys are qualified names, checked lowercased (ValidateAnnotations).
    const keyProblem = labelKeyProblem(key.toLowerCase());
    if (keyProblem) { problems.push(`${path} key '${key}' ${keyProblem}; expected a qualified name such as 'example.com/note'`); }
    if (typeof value !== 'string') {
      problems.push(`${path} ${key} has the value ${describeValue(value)}, which is not a string`);
    } else {
      size += Buffer.byteLength(key) + Buffer.byteLength(value);
    }
  }
  if (size > MAX_ANNOTATIONS_SIZE) {
    problems.push(`${path} hold ${size} bytes; expected at most ${MAX_ANNOTATIONS_SIZE} (256 KiB, keys and values together)`);
  }
  return problems;
}

/**
 * The data of a ConfigMap (data, binaryData) or a Secret (data, base64; stringData): each a
 * map of strings, keys are ConfigMap keys, a key is in one map only, and the values sum to at most 1 MiB
 * (pkg/apis/core/validation ValidateConfigMap, ValidateSecret; the docs of both: "The data
 * stored in a ConfigMap cannot exceed 1 MiB", "Individual Secrets are limited to 1MiB in size").
 */
function dataProblems(object: KubernetesObject): string[] {
  if (object.apiVersion !== 'v1' || (object.kind !== 'ConfigMap' && object.kind !== 'Secret')) { return []; }
  const maps = object.kind === 'ConfigMap'
    ? [['data', (value: string) => Buffer.byteLength(value)], ['binaryData', base64Size]] as const
    : [['data', base64Size], ['stringData', (value: string) => Buffer.byteLength(value)]] as const;
  const problems: string[] = [];
  const sizes = new Map<string, number>();
  const seen = new Map<string, string>();
  for (const [field, sizeOf] of maps) {
    const map = object[field];
    if (map === undefined || map === null) { continue; }
    if (typeof map !== 'object' || Array.isArray(map)) {
      problems.push(`${field} is ${describeValue(map)}; expected a map of keys to strings`);
      continue;
    }
    for (const [key, value] of Object.entries(map as Record<string, unknown>)) {
      // A '<<' key is reported once, as the merge key.
      const keyProblem = key === MERGE_KEY ? undefined : configMapKeyProblem(key);
      if (keyProblem) { problems.push(`${field} key '${key}' ${keyProblem}`); }
      const earlier = seen.get(key);
      // A Secret's stringData replaces the data key of the same name; a ConfigMap refuses the key in both maps.
      if (earlier !== undefined && object.kind === 'ConfigMap') {
        problems.push(`${field} key '${key}' is also a key of ${earlier}; expected each key in one of data and binaryData`);
      }
      seen.set(key, field);
      if (typeof value === 'string') {
        sizes.set(key, sizeOf(value));
      } else {
        // The API server holds the values as strings (map[string]string, map[string][]byte as base64) and refuses any other.
        problems.push(`${field}.${key} is ${typeof value === 'number' || typeof value === 'boolean' ? `the ${typeof value} ` : ''}${describeValue(value)}; `
          + `expected a string, as every value of a ${object.kind}'s ${field} is${quoteHint(value)}`);
      }
    }
  }
  const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  if (total > MAX_DATA_SIZE) {
    problems.push(`${object.kind} data holds ${total} bytes; expected at most ${MAX_DATA_SIZE} (1 MiB), the limit of a ${object.kind}'s data`);
  }
  return problems;
}

/** The bytes a base64 value decodes to. */
function base64Size(value: string): number {
  return Buffer.from(value, 'base64').length;
}

/**
 * Any other object over 1 MiB as JSON. A ConfigMap's or Secret's data has its own limit of
 * 1 MiB of values, which the API server stores as bytes (protobuf), not as JSON strings or
 * base64: within it, such an object fits in etcd's request.
 */
function sizeProblems(object: KubernetesObject): string[] {
  if (object.apiVersion === 'v1' && (object.kind === 'ConfigMap' || object.kind === 'Secret')) { return []; }
  const size = Buffer.byteLength(JSON.stringify(object));
  return size > MAX_OBJECT_SIZE
    ? [`the object is ${size} bytes as JSON; expected at most ${MAX_OBJECT_SIZE} (1 MiB): the API server stores it in one etcd request, `
      + 'which etcd refuses over 1.5 MiB by default (--max-request-bytes), with the managed fields of server-side apply on top']
    : [];
}
