import { renderYaml } from './yaml';

/** The level of detail an audit event is logged with (audit.k8s.io/v1 `Level`), from none to most. */
export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';

/** A stage of a request that can be left out of the log (audit.k8s.io/v1 `Stage`). */
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

/** Resources of one API group (audit.k8s.io/v1 `GroupResources`); `''` is the core group. */
export interface AuditGroupResources {
  readonly group: string;
  /** Resource names, `resource/subresource` for a subresource. */
  readonly resources: readonly string[];
}

/**
 * One rule of an audit policy (audit.k8s.io/v1 `PolicyRule`). The first rule that
 * matches a request sets its level; a rule matches when every field it sets matches.
 */
export interface AuditPolicyRule {
  /** The level of the requests this rule matches. */
  readonly level: AuditLevel;
  /**
   * User names.
   * @default - any user
   */
  readonly users?: readonly string[];
  /**
   * Group names; a request matches when its user is in one of them.
   * @default - any group
   */
  readonly userGroups?: readonly string[];
  /**
   * Verbs (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, ...).
   * @default - any verb
   */
  readonly verbs?: readonly string[];
  /**
   * Resources; a rule with resources never matches a non-resource URL.
   * @default - any resource
   */
  readonly resources?: readonly AuditGroupResources[];
  /**
   * Namespaces; `''` matches cluster-scoped resources.
   * @default - any namespace
   */
  readonly namespaces?: readonly string[];
  /**
   * Non-resource URL paths, a trailing `*` matching any suffix; a rule with them never matches a resource.
   * @default - any path
   */
  readonly nonResourceURLs?: readonly string[];
}

/** An audit policy: the stages left out of every event, and the rules, first match wins. */
export interface AuditPolicy {
  readonly omitStages: readonly AuditStage[];
  readonly rules: readonly AuditPolicyRule[];
}

/**
 * The audit policy file of kube-apiserver (`--audit-policy-file`), audit.k8s.io/v1.
 * @see https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/
 * @see https://kubernetes.io/docs/reference/config-api/apiserver-audit.v1/
 */
export function renderAuditPolicy(policy: AuditPolicy): string {
  return renderYaml({
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: [...policy.omitStages],
    // Rule order is the policy's meaning; the keys inside each rule are sorted for a stable text.
    rules: policy.rules.map(ruleData),
  });
}

/** A rule as plain data with its keys sorted and its unset fields left out. */
function ruleData(rule: AuditPolicyRule): Record<string, unknown> {
  const entries = Object.entries(rule).filter(([, value]) => value !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, value]) => [key, key === 'resources'
    ? (value as AuditGroupResources[]).map(group => ({ group: group.group, resources: [...group.resources] }))
    : Array.isArray(value) ? [...value] : value]));
}
