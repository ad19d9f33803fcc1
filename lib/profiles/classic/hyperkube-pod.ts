import type { KubePodProps } from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import propsSchema from './hyperkube-pod-props.schema.json';
import { imageProblems } from '../../cluster/image-reference';
import { POD_API_VERSION_KIND } from '../../formats/static-pod';
import { checkedScope } from '../../synth/checked-scope';
import { plainProps } from '../../synth/plain-props';
import { textOf } from '../../synth/describe-value';
import { ProblemStyle, schemaProblems } from '../../synth/json-schema';
import { renderYaml } from '../../formats/yaml';
import { IFileOwner, SynthesizedFile } from '../../synth/synthesized-file';

/** One hyperkube container of a static pod. */
export interface HyperkubeContainer {
  /** Container name, e.g. `apiserver`. */
  readonly name: string;
  /** The hyperkube subcommand, e.g. `apiserver` or `kube-apiserver`. */
  readonly component: string;
  /** Flags, each `--name=value`. */
  readonly flags: string[];
  /**
   * The container's image.
   * @default - the pod's image
   */
  readonly image?: string;
  /**
   * Run privileged (kube-proxy needs it to program iptables).
   * @default false
   */
  readonly privileged?: boolean;
}

/** Props of a {@link HyperkubePod}. */
export interface HyperkubePodProps {
  /** The hyperkube image, e.g. `gcr.io/google_containers/hyperkube:v1.1.7`. */
  readonly image: string;
  /** The containers, in order. */
  readonly containers: HyperkubeContainer[];
  /** Folder of the output that is rsynced to the kubelet's manifest folder, e.g. `pods/master`. */
  readonly folder: string;
  /**
   * Use the host's network namespace.
   * @default true
   */
  readonly hostNetwork?: boolean;
}


/**
 * A static pod of hyperkube containers, `<folder>/<id>.yaml`, which the kubelet
 * runs from its manifest folder. The pod name is the construct id.
 */
export class HyperkubePod extends Construct implements IFileOwner {
  /** Whether a construct is a HyperkubePod. */
  public static isHyperkubePod(x: unknown): x is HyperkubePod {
    return x instanceof HyperkubePod;
  }

  public readonly filePath: string;
  /** The pod name. */
  public readonly podName: string;
  private readonly props: HyperkubePodProps;

  constructor(scope: Construct, id: string, props: HyperkubePodProps) {
    super(checkedScope(scope, id, new.target.name), id);
    // Props of any shape are kept (their plain data copied) and checked at synth time, with every other problem.
    const copy = plainProps(props);
    const given = copy.props ?? ({} as HyperkubePodProps);
    this.podName = id;
    this.filePath = `${textOf(given.folder)}/${id}.yaml`;
    this.props = {
      ...given,
      containers: Array.isArray(given.containers) ? given.containers.map(c => ({ ...c, flags: Array.isArray(c?.flags) ? [...c.flags] : [] })) : [],
    };
    this.node.addValidation({
      validate: () => {
        const problems = schemaProblems(propsSchema, given, ProblemStyle.PROPERTY);
        // The image references by the grammar the runtime parses them with, pinned by a tag or a digest.
        if (given !== null && typeof given === 'object') {
          problems.push(...imageProblems('image', given.image));
          if (Array.isArray(given.containers)) {
            given.containers.forEach((c, i) => problems.push(...imageProblems(`containers[${i}].image`, c?.image)));
          }
        }
        if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(id) || id.length > 253) {
          problems.push(`id '${id}' is not a valid pod name; expected a DNS-1123 subdomain such as kube-master`);
        }
        const names = this.props.containers.map(c => c.name);
        const duplicate = names.find((name, i) => names.indexOf(name) !== i);
        if (duplicate !== undefined) { problems.push(`container name ${duplicate} is used twice; expected unique names`); }
        return copy.report(problems);
      },
    });
  }

  /** The containers, in order. */
  public get containers(): HyperkubeContainer[] {
    return this.props.containers.map(c => ({ ...c, flags: [...c.flags] }));
  }

  /** The pod as a Kubernetes object, typed by cdk8s's generated `KubePodProps`. */
  public toManifest(): Record<string, unknown> {
    const pod: KubePodProps = {
      metadata: { name: this.podName },
      spec: {
        hostNetwork: this.props.hostNetwork ?? true,
        containers: this.props.containers.map(container => ({
          name: container.name,
          image: container.image ?? this.props.image,
          command: ['/hyperkube', container.component, ...container.flags],
          ...(container.privileged ? { securityContext: { privileged: true } } : {}),
        })),
      },
    };
    return { ...POD_API_VERSION_KIND, ...pod };
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: renderYaml(this.toManifest(), { sortKeys: true }), mode: 0o644 };
  }
}
