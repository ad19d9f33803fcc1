/**
 * Rules across every add-on of a cluster, the built-in ones included: each add-on its own
 * file, each object once ("Object Names and IDs": API resources are distinguished by their
 * API group, resource type, namespace for namespaced resources, and name), and every
 * namespace an object is put in created by some add-on or by Kubernetes itself.
 */
import { KubernetesObject, describeObject, identityOf } from './object-rules';
import type { IClusterAddon } from '../cluster/cluster-addon';
import { ClusterOutput } from '../cluster/cluster-output';
import type { ValidationProblem } from '../synth/validation-error';

/**
 * The namespaces the API server creates and keeps: its bootstrap controller's systemNamespaces
 * (kube-system, kube-public, kube-node-lease; kubernetes pkg/controlplane), and `default`, which
 * it creates with the `kubernetes` Service and where an object with no namespace goes.
 */
export const BUILT_IN_NAMESPACES: readonly string[] = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * The cluster-scoped kinds of the built-in API groups, by `group/kind` (`kubectl api-resources
 * --namespaced=false`): the API server ignores a namespace written on them, so they use none.
 */
const CLUSTER_SCOPED: ReadonlySet<string> = new Set([
  '/Namespace', '/Node', '/PersistentVolume', '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'storage.k8s.io/StorageClass', 'storage.k8s.io/CSIDriver', 'storage.k8s.io/CSINode', 'storage.k8s.io/VolumeAttachment',
  'storage.k8s.io/VolumeAttributesClass',
  'scheduling.k8s.io/PriorityClass', 'node.k8s.io/RuntimeClass',
  'apiextensions.k8s.io/CustomResourceDefinition', 'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'admissionregistration.k8s.io/MutatingAdmissionPolicy', 'admissionregistration.k8s.io/MutatingAdmissionPolicyBinding',
  'networking.k8s.io/IngressClass', 'networking.k8s.io/IPAddress', 'networking.k8s.io/ServiceCIDR',
  'certificates.k8s.io/CertificateSigningRequest', 'certificates.k8s.io/ClusterTrustBundle',
  'flowcontrol.apiserver.k8s.io/FlowSchema', 'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'resource.k8s.io/DeviceClass', 'resource.k8s.io/ResourceSlice',
]);

/** One object of one add-on. */
interface Placed {
  readonly addon: IClusterAddon;
  readonly index: number;
  readonly object: KubernetesObject;
}

/** Every problem across the add-ons, each at the path of the add-on it belongs to. */
export function addonSetProblems(addons: readonly IClusterAddon[]): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const byFile = new Map<string, IClusterAddon>();
  const distinct: IClusterAddon[] = [];
  for (const addon of addons) {
    const earlier = byFile.get(addon.addonName);
    if (earlier) {
      problems.push({ constructPath: addon.node.path, message: `writes addons/${addon.addonName}.yaml, which ${describeAddon(earlier)} writes too; expected another id (one add-on per file)` });
    } else {
      byFile.set(addon.addonName, addon);
      distinct.push(addon);
    }
  }
  const placed: Placed[] = distinct.flatMap(addon => addon.objects().map((object, index) => ({ addon, index, object })));
  const clusterScoped = new Set([...CLUSTER_SCOPED, ...customClusterScopedKinds(placed.map(p => p.object))]);
  const scopeOf = (object: KubernetesObject) => {
    const { group, kind } = identityOf(object);
    return clusterScoped.has(`${group}/${kind}`) ? 'cluster' : 'namespaced';
  };
  const created = new Set([
    ...BUILT_IN_NAMESPACES,
    ...placed.map(p => identityOf(p.object)).filter(id => id.group === '' && id.kind === 'Namespace').map(id => id.name),
  ]);

  const seen = new Map<string, Placed>();
  for (const item of placed) {
    const { group, kind, namespace, name } = identityOf(item.object);
    const where = `object ${item.index + 1} (${describeObject(item.object)})`;
    const scoped = scopeOf(item.object) === 'namespaced';
    if (scoped && namespace !== undefined && !created.has(namespace)) {
      problems.push({
        constructPath: item.addon.node.path,
        message: `${where} is in the namespace ${namespace}, which no add-on creates and Kubernetes does not create; `
          + `expected a Namespace object named ${namespace} in an add-on, or one of ${BUILT_IN_NAMESPACES.join(', ')}`,
      });
    }
    // An object with no namespace goes to the namespace of kubectl's context: `default` for the admin kubeconfig.
    const key = JSON.stringify([group, kind, scoped ? namespace ?? 'default' : '', name]);
    const earlier = seen.get(key);
    if (earlier) {
      problems.push({
        constructPath: item.addon.node.path,
        message: `${where} is also object ${earlier.index + 1} of ${earlier.addon === item.addon ? 'this add-on' : describeAddon(earlier.addon)} `
          + '(the same API group, kind, namespace and name): applied after it, it would replace it; expected one of them renamed or left out',
      });
    } else {
      seen.set(key, item);
    }
  }
  return problems;
}

/** `group/kind` of every custom resource whose definition, in some add-on, says `scope: Cluster`. */
function customClusterScopedKinds(objects: readonly KubernetesObject[]): string[] {
  return objects
    .filter(object => identityOf(object).group === 'apiextensions.k8s.io' && object.kind === 'CustomResourceDefinition')
    .map(object => object.spec as { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined)
    .filter(spec => spec?.scope === 'Cluster' && typeof spec.group === 'string' && typeof spec.names?.kind === 'string')
    .map(spec => `${spec!.group}/${spec!.names!.kind}`);
}

/** An add-on in messages: its path, and whether the profile built it in. */
function describeAddon(addon: IClusterAddon): string {
  const root = addon.node.root;
  return root instanceof ClusterOutput ? `the ${root.model.profile} profile's built-in add-on ${addon.addonName}` : addon.node.path;
}
