// Shared by the add-on tests: reading add-on files as kubectl does, the Kubernetes
// schema by apiVersion and kind, taint/toleration matching, and a PKI folder per test file.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Addon, VagrantCluster } from '../../lib';
import { yaml11 } from '../support/fixtures';
import { ConfigMap, Namespace, PersistentVolumeClaim, Pod, Service, ServiceAccount } from 'kubernetes-models/v1';
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1';
import { APIService } from 'kubernetes-models/apiregistration.k8s.io/v1';
import { Ingress, IngressClass } from 'kubernetes-models/networking.k8s.io/v1';
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1';

/** Every document of a multi-document YAML file, read as YAML 1.1 (kubectl's reader). */
export function yamlDocuments(text: string): any[] {
  const documents = parseAllDocuments(text, { version: '1.1' });
  for (const document of documents) {
    if (document.errors.length > 0) { throw new Error(document.errors.map(e => e.message).join('; ')); }
  }
  return documents.map(document => document.toJS());
}

/** The Kubernetes models we can check, by `apiVersion kind`. */
const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1 ServiceAccount': ServiceAccount,
  'v1 ConfigMap': ConfigMap,
  'v1 Service': Service,
  'apps/v1 DaemonSet': DaemonSet,
  'apps/v1 Deployment': Deployment,
  'rbac.authorization.k8s.io/v1 ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1 ClusterRoleBinding': ClusterRoleBinding,
  'rbac.authorization.k8s.io/v1 Role': Role,
  'rbac.authorization.k8s.io/v1 RoleBinding': RoleBinding,
  'v1 Namespace': Namespace,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
  'v1 Pod': Pod,
  'apiregistration.k8s.io/v1 APIService': APIService,
  'storage.k8s.io/v1 StorageClass': StorageClass,
  'networking.k8s.io/v1 IngressClass': IngressClass,
  'networking.k8s.io/v1 Ingress': Ingress,
};

/** The schema's verdict on one object: undefined when valid, else why not (an unknown kind is a problem too). */
export function schemaProblem(object: any): string | undefined {
  const Model = MODELS[`${object?.apiVersion} ${object?.kind}`];
  if (!Model) { return `no schema for ${object?.apiVersion} ${object?.kind}`; }
  try {
    new Model(object).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** A node taint. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/**
 * Whether a toleration tolerates a taint, as the scheduler decides it
 * (k8s.io/api core/v1 toleration.go ToleratesTaint): an empty effect matches
 * every effect, an empty key with Exists matches every key, Exists ignores the
 * value, Equal (the default) compares it.
 */
export function tolerates(toleration: any, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) { return false; }
  if (toleration.key && toleration.key !== taint.key) { return false; }
  const operator = toleration.operator ?? 'Equal';
  if (operator === 'Exists') { return true; }
  return operator === 'Equal' && !!toleration.key && (toleration.value ?? '') === (taint.value ?? '');
}

/** Every add-on of a tree, by id. */
export function addonsOf(cluster: VagrantCluster): Record<string, Addon> {
  return Object.fromEntries([...cluster.bind().node.findAll(), ...cluster.node.findAll()].filter(Addon.isAddon).map(addon => [addon.node.id, addon]));
}

/** The objects of an add-on as written and read back by a YAML 1.1 reader. */
export function objectsOf(addon: Addon): any[] {
  return yamlDocuments(addon.renderFile().content);
}

/** The one object of a kind (and name, when given) among `objects`. */
export function find(objects: any[], kind: string, name?: string): any {
  const found = objects.filter(o => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) { throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`); }
  return found[0];
}

/** The write_files of a cloud-config, as coreos-cloudinit reads them. */
export function writeFiles(cloudConfigText: string): Array<{ path: string; content: string; permissions?: string }> {
  return yaml11(cloudConfigText).write_files ?? [];
}

/**
 * A fresh PKI folder for one test file: generating a PKI takes seconds, so a
 * file synthesizes every cluster it needs with the same folder, then removes it.
 */
export class SharedPki {
  public readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-addons-'));
  public readonly dir = path.join(this.root, 'pki');
  private count = 0;

  /** A new output folder under the shared root. */
  public outdir(): string {
    return path.join(this.root, `out-${++this.count}`);
  }

  public remove(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}
