import { isIP } from 'node:net';
import type { KubePodProps } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import propsSchema from './static-pod-props.schema.json';
import { renderYaml } from './yaml';
import { pinnedImageProblem } from '../cluster/image-reference';
import { dns1123SubdomainProblem } from '../cluster/kubernetes-names';
import { checkedScope } from '../synth/checked-scope';
import { plainProps } from '../synth/plain-props';
import { describeValue, textOf } from '../synth/describe-value';
import { ProblemStyle, schemaProblems } from '../synth/json-schema';
import { IFileOwner, SynthesizedFile } from '../synth/synthesized-file';

/**
 * `KubePod.GVK` of cdk8s. The pod is typed by cdk8s's generated `KubePodProps` at
 * compile time only: loading that 2.5 MB module and cdk8s at run time cost the
 * main command ~0.1 s (BENCHMARKS.md), and `KubePod.manifest()` only adds these
 * two keys to props that are already plain JSON. A test checks both give the same object.
 */
export const POD_API_VERSION_KIND = { apiVersion: 'v1', kind: 'Pod' } as const;

/** A host folder or file mounted into every container of a static pod, read-only unless told. */
export interface HostMount {
  /** Volume name, a DNS-1123 label. */
  readonly name: string;
  /** Path on the host. */
  readonly path: string;
  /**
   * The path is a file, not a folder.
   * @default false
   */
  readonly file?: boolean;
  /**
   * Where the containers see it.
   * @default - the host path
   */
  readonly mountPath?: string;
  /**
   * The containers may write to it (e.g. a log folder).
   * @default false
   */
  readonly writable?: boolean;
}

/** An environment variable of a container: a value, or a field of the pod (the downward API). */
export interface StaticPodEnv {
  readonly name: string;
  /**
   * The value.
   * @default - none; give `fieldPath` instead
   */
  readonly value?: string;
  /**
   * A field of the pod, e.g. `spec.nodeName`.
   * @default - none; give `value` instead
   */
  readonly fieldPath?: string;
}

/** One container of a static pod. */
export interface StaticPodContainer {
  /** Container name, e.g. `kube-apiserver`. */
  readonly name: string;
  /** Full image reference. */
  readonly image: string;
  /**
   * The command, program first, e.g. `['kube-apiserver', '--secure-port=6443']`.
   * @default - the image's entrypoint
   */
  readonly command?: string[];
  /**
   * Arguments to the command or entrypoint.
   * @default - none
   */
  readonly args?: string[];
  /**
   * Environment variables.
   * @default - none
   */
  readonly env?: StaticPodEnv[];
  /**
   * Linux capabilities to add and drop.
   * @default - the runtime's
   */
  readonly capabilities?: { readonly add?: string[]; readonly drop?: string[] };
}

/** Props of a {@link StaticPod}. */
export interface StaticPodProps {
  /** Folder of the output rsynced to the kubelet's staticPodPath, e.g. `pods/control-plane`. */
  readonly folder: string;
  /** The containers. */
  readonly containers: StaticPodContainer[];
  /**
   * Host folders mounted read-only into every container.
   * @default - none
   */
  readonly hostMounts?: HostMount[];
  /**
   * Namespace of the mirror pod.
   * @default 'kube-system'
   */
  readonly namespace?: string;
  /**
   * Entries added to the containers' /etc/hosts.
   * @default - none
   */
  readonly hostAliases?: Array<{ readonly ip: string; readonly hostnames: string[] }>;
}

/**
 * A control-plane static pod, `<folder>/<id>.yaml`: host network, the
 * system-node-critical priority, host mounts (read-only unless told). Typed by cdk8s's generated
 * `KubePodProps` at compile time only, as {@link HyperkubePod} is.
 */
export class StaticPod extends Construct implements IFileOwner {
  public readonly filePath: string;
  private readonly props: StaticPodProps;

  constructor(scope: Construct, id: string, props: StaticPodProps) {
    super(checkedScope(scope, id, new.target.name), id);
    // Props of any shape are kept (their plain data copied) and checked at synth time, with every other problem.
    const copy = plainProps(props);
    this.props = copy.props ?? ({} as StaticPodProps);
    this.filePath = `${textOf(this.props.folder)}/${id}.yaml`;
    this.node.addValidation({ validate: () => copy.report(staticPodProblems(id, this.props)) });
  }

  /** The pod as a Kubernetes object. */
  public toManifest(): Record<string, unknown> {
    const mounts = this.props.hostMounts ?? [];
    const pod: KubePodProps = {
      metadata: { name: this.node.id, namespace: this.props.namespace ?? 'kube-system', labels: { component: this.node.id, tier: 'control-plane' } },
      spec: {
        hostNetwork: true,
        priorityClassName: 'system-node-critical',
        hostAliases: this.props.hostAliases?.map(alias => ({ ip: alias.ip, hostnames: [...alias.hostnames] })),
        containers: this.props.containers.map(container => ({
          name: container.name,
          image: container.image,
          command: container.command ? [...container.command] : undefined,
          args: container.args ? [...container.args] : undefined,
          env: container.env?.map(env => (env.fieldPath !== undefined
            ? { name: env.name, valueFrom: { fieldRef: { fieldPath: env.fieldPath } } }
            : { name: env.name, value: env.value })),
          securityContext: container.capabilities
            ? { capabilities: { add: container.capabilities.add && [...container.capabilities.add], drop: container.capabilities.drop && [...container.capabilities.drop] } }
            : undefined,
          volumeMounts: mounts.map(mount => ({ name: mount.name, mountPath: mount.mountPath ?? mount.path, readOnly: mount.writable ? undefined : true })),
        })),
        volumes: mounts.map(mount => ({ name: mount.name, hostPath: { path: mount.path, type: mount.file ? 'File' : 'DirectoryOrCreate' } })),
      },
    };
    return { ...POD_API_VERSION_KIND, ...pod };
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: renderYaml(this.toManifest(), { sortKeys: true }), mode: 0o644 };
  }
}

/**
 * The downward-API fields an environment variable may name (kubernetes pkg/apis/core/validation
 * validEnvDownwardAPIFieldPathExpressions), besides `metadata.labels['<key>']` and
 * `metadata.annotations['<key>']`.
 */
const ENV_FIELD_PATHS: readonly string[] = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
const ENV_FIELD_PATH_SUBSCRIPT = /^metadata\.(labels|annotations)\['[^']+'\]$/;

/**
 * The props by their schema, then what a schema can't say, as the API server would check the
 * pod (kubernetes pkg/apis/core/validation: ValidatePodName, validateContainers,
 * ValidateVolumes, validateVolumeMounts, validateEnv, ValidateHostAliases).
 */
function staticPodProblems(id: string, props: StaticPodProps): string[] {
  const problems = schemaProblems(propsSchema, props, ProblemStyle.PROPERTY);
  const nameProblem = dns1123SubdomainProblem(id);
  if (nameProblem) {
    problems.push(`id '${id}' names the pod and ${nameProblem}; expected a name such as kube-apiserver`);
  }
  const containers = Array.isArray(props.containers) ? props.containers : [];
  const mounts = Array.isArray(props.hostMounts) ? props.hostMounts : [];
  containers.forEach((container, index) => {
    if (container === null || typeof container !== 'object') { return; }
    const imageProblem = typeof container.image === 'string' ? pinnedImageProblem(container.image) : undefined;
    if (imageProblem) {
      problems.push(`containers[${index}].image ${describeValue(container.image)} ${imageProblem}; expected a pinned image reference such as 'registry.k8s.io/kube-apiserver:v1.35.1'`);
    }
    (Array.isArray(container.env) ? container.env : []).forEach((env, envIndex) => {
      if (env === null || typeof env !== 'object') { return; }
      const where = `containers[${index}].env[${envIndex}]`;
      if ((env.value === undefined) === (env.fieldPath === undefined)) {
        problems.push(`${where} (${String(env.name)}) has ${env.value === undefined ? 'neither value nor fieldPath' : 'both value and fieldPath'}; expected exactly one`);
      }
      if (typeof env.fieldPath === 'string' && !ENV_FIELD_PATHS.includes(env.fieldPath) && !ENV_FIELD_PATH_SUBSCRIPT.test(env.fieldPath)) {
        problems.push(`${where}.fieldPath ${describeValue(env.fieldPath)} is not a field an environment variable may read; expected one of `
          + `${ENV_FIELD_PATHS.join(', ')}, metadata.labels['<key>'] or metadata.annotations['<key>']`);
      }
    });
    problems.push(...duplicates((Array.isArray(container.env) ? container.env : []).map(env => env?.name), `containers[${index}].env name`));
  });
  problems.push(...duplicates(containers.map(container => container?.name), 'container name'));
  problems.push(...duplicates(mounts.map(mount => mount?.name), 'host mount name'));
  problems.push(...duplicates(mounts.map(mount => mount?.mountPath ?? mount?.path), 'mount path'));
  mounts.forEach((mount, index) => {
    // The API server refuses a host path with a '..' segment (validateHostPathVolumeSource, validatePathNoBacksteps).
    if (typeof mount?.path === 'string' && mount.path.split('/').includes('..')) {
      problems.push(`hostMounts[${index}].path ${describeValue(mount.path)} has a '..' segment; expected a path without one`);
    }
  });
  (Array.isArray(props.hostAliases) ? props.hostAliases : []).forEach((alias, index) => {
    if (typeof alias?.ip === 'string' && isIP(alias.ip) === 0) {
      problems.push(`hostAliases[${index}].ip ${describeValue(alias.ip)} is not an IP address; expected one such as '127.0.0.1'`);
    }
  });
  return problems;
}

/** One problem per value used more than once. */
function duplicates(values: readonly unknown[], what: string): string[] {
  const strings = values.filter((value): value is string => typeof value === 'string');
  return [...new Set(strings.filter((value, index) => strings.indexOf(value) !== index))]
    .map(value => `${what} ${value} is used ${strings.filter(v => v === value).length} times; expected unique ones`);
}
