/**
 * The syntax Kubernetes accepts for label keys and values and for taints
 * (k8s.io/apimachinery pkg/util/validation: IsQualifiedName, IsValidLabelValue;
 * k8s.io/kubernetes pkg/apis/core/validation: validateNodeTaints).
 */
import { describeValue, textOf } from '../synth/describe-value';
import { isPlainPrototype } from '../synth/plain-props';
import type { NodeTaint } from './node-role';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const TAINT_EFFECTS: readonly string[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Why `key` is not a qualified name (`[prefix/]name`), or undefined when it is one. */
export function labelKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'string') {
    return 'is not a string';
  }
  const slash = key.lastIndexOf('/');
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_1123_SUBDOMAIN.test(prefix))) {
    return `has the prefix '${prefix}', which is not a DNS subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)`;
  }
  if (name.length > 63 || !NAME.test(name)) {
    return `has the name '${name}', which is not 1 to 63 letters, digits, '-', '_' or '.' starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Why `value` is not a label value (empty, or a name of at most 63 characters), or undefined when it is one. */
export function labelValueProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') {
    return 'is not a string';
  }
  return value === '' || (value.length <= 63 && NAME.test(value)) ? undefined
    : 'is not empty or 1 to 63 letters, digits, \'-\', \'_\' or \'.\' starting and ending with a letter or digit';
}

/** Problems with a tier's labels, each naming the label. */
export function labelsProblems(labels: unknown): string[] {
  if (labels === undefined) { return []; }
  // A Map or a Date would be read as the object of its own keys: none.
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels) || !isPlainPrototype(Object.getPrototypeOf(labels))) {
    const what = labels instanceof Map ? `a Map ${describeValue(Object.fromEntries(labels))}` : describeValue(labels);
    return [`labels is ${what}; expected an object of label keys and values, such as { disktype: 'ssd' }`];
  }
  return Object.entries(labels as Record<string, unknown>).flatMap(([key, value]) => {
    const keyProblem = labelKeyProblem(key);
    const valueProblem = labelValueProblem(value);
    return [
      ...(keyProblem ? [`label key '${key}' ${keyProblem}; expected a qualified name such as 'disktype' or 'example.com/disktype'`] : []),
      ...(valueProblem ? [`label ${key} has the value ${describeValue(value)}, which ${valueProblem}`] : []),
    ];
  });
}

/** Problems with a tier's taints, each naming the taint. */
export function taintsProblems(taints: unknown): string[] {
  if (taints === undefined) { return []; }
  if (!Array.isArray(taints)) {
    return [`taints is ${describeValue(taints)}; expected a list such as [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]`];
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  taints.forEach((taint: Partial<NodeTaint> | null, index) => {
    const where = `taints[${index}]`;
    if (taint === null || typeof taint !== 'object') {
      problems.push(`${where} is ${describeValue(taint)}; expected { key, value?, effect }`);
      return;
    }
    const unknown = Object.keys(taint).filter(key => !['key', 'value', 'effect'].includes(key));
    if (unknown.length > 0) {
      problems.push(`${where} has unknown key '${unknown[0]}'; expected one of key, value, effect`);
    }
    const keyProblem = labelKeyProblem(taint.key);
    if (keyProblem) {
      problems.push(`${where}.key ${describeValue(taint.key)} ${keyProblem}; expected a qualified name such as 'dedicated'`);
    }
    const valueProblem = taint.value === undefined ? undefined : labelValueProblem(taint.value);
    if (valueProblem) {
      problems.push(`${where}.value ${describeValue(taint.value)} ${valueProblem}`);
    }
    if (!TAINT_EFFECTS.includes(taint.effect as string)) {
      problems.push(`${where}.effect is ${describeValue(taint.effect)}; expected one of ${TAINT_EFFECTS.join(', ')}`);
    }
    const identity = `${textOf(taint.key)}:${textOf(taint.effect)}`;
    if (seen.has(identity)) {
      problems.push(`${where} repeats the key ${textOf(taint.key)} with the effect ${textOf(taint.effect)}; expected each key and effect once`);
    }
    seen.add(identity);
  });
  return problems;
}
