import { Construct } from 'constructs';
import { CloudConfigData, WriteFile } from './cloud-config-data';
import propsSchema from './cloud-config-props.schema.json';
import schema from './cloud-config.schema.json';
import { checkedScope } from '../synth/checked-scope';
import { plainProps } from '../synth/plain-props';
import { ProblemStyle, schemaProblems } from '../synth/json-schema';
import { IFileOwner, SynthesizedFile } from '../synth/synthesized-file';
import { renderYaml, yamlValueProblems } from './yaml';

/** The first line coreos-cloudinit requires. */
export const CLOUD_CONFIG_HEADER = '#cloud-config';

/** Props of a {@link CloudConfig}. */
export interface CloudConfigProps {
  /** Path of the file in the output folder, e.g. `user-data/etcd-01.yaml`. */
  readonly filePath: string;
  /** The cloud-config. */
  readonly config: CloudConfigData;
  /**
   * The file carries private keys: it is written with mode 0600.
   * @default false
   */
  readonly secret?: boolean;
}

/**
 * A coreos-cloudinit cloud-config file. It is written as YAML 1.1, because
 * that is what coreos-cloudinit reads: values YAML 1.1 would misread, such as
 * `on` or `0755`, come out quoted. Keys are sorted.
 */
export class CloudConfig extends Construct implements IFileOwner {
  /** Whether a construct is a CloudConfig. */
  public static isCloudConfig(x: unknown): x is CloudConfig {
    return x instanceof CloudConfig;
  }

  public readonly filePath: string;
  private readonly _config: CloudConfigData;
  private readonly lateFiles: Array<() => WriteFile[]> = [];
  private readonly lateKeys: Array<() => string[]> = [];
  private readonly mode: number;
  private rendered?: CloudConfigData;

  constructor(scope: Construct, id: string, props: CloudConfigProps) {
    super(checkedScope(scope, id, new.target.name), id);
    // Props of any shape are kept (their plain data copied, undefined values left out as YAML leaves them out)
    // and checked at synth time, with every other problem. The copy is the config: no second one.
    const copied = plainProps(props, { omitUndefined: true });
    const given = copied.props ?? ({} as CloudConfigProps);
    this.filePath = given.filePath;
    this._config = given.config;
    this.mode = given.secret ? 0o600 : 0o644;
    this.node.addValidation({
      validate: () => {
        const problems = schemaProblems(propsSchema, given, ProblemStyle.PROPERTY);
        return copied.report(problems.length > 0 ? problems : yamlValueProblems(given.config, 'config'));
      },
    });
  }

  /** A copy of the cloud-config, without the files added by {@link addWriteFiles}. */
  public get config(): CloudConfigData {
    return copy(this._config);
  }

  /**
   * Adds `write_files` entries produced at render time, after the prepare phase:
   * for content that does not exist when the tree is built, such as certificates.
   */
  public addWriteFiles(produce: () => WriteFile[]): void {
    this.lateFiles.push(produce);
  }

  /** Adds `ssh_authorized_keys` entries produced at render time, such as a key made in the prepare phase. */
  public addSshAuthorizedKeys(produce: () => string[]): void {
    this.lateKeys.push(produce);
  }

  /**
   * The whole cloud-config as it is written: the config with the files added by
   * {@link addWriteFiles} at the end of `write_files`, and the keys added by
   * {@link addSshAuthorizedKeys} at the end of `ssh_authorized_keys`. Those are produced at render
   * time (after the prepare phase), so call it then: from another file owner's
   * `renderFile`, e.g. a target that translates the cloud-config into its own format.
   */
  public completeConfig(): CloudConfigData {
    return copy(this.withLateFiles());
  }

  public renderFile(): SynthesizedFile {
    const config = this.withLateFiles();
    // What is written (keys sorted by the writer) is what is checked.
    this.rendered = config;
    return { path: this.filePath, content: `${CLOUD_CONFIG_HEADER}\n` + renderYaml(config, { sortKeys: true }), mode: this.mode };
  }

  /** The config with the late files and keys, sharing the config's objects: for the render path, which only reads it. */
  private withLateFiles(): CloudConfigData {
    const late = this.lateFiles.flatMap(produce => produce());
    const keys = this.lateKeys.flatMap(produce => produce());
    const config = late.length === 0 ? this._config : { ...this._config, write_files: [...this._config.write_files ?? [], ...late] };
    return keys.length === 0 ? config : { ...config, ssh_authorized_keys: [...config.ssh_authorized_keys ?? [], ...keys] };
  }

  /**
   * Checks the data of the file just rendered against the cloud-config schema, as an
   * object: the YAML 1.1 writer reads back to exactly that data (a property its tests prove).
   */
  public checkFile(file: SynthesizedFile): string[] {
    return schemaProblems(schema, this.rendered).map(problem => `${file.path}: ${problem}`);
  }
}

/** `#cloud-config` followed by the data as YAML 1.1 with sorted keys. */
export function renderCloudConfig(config: CloudConfigData): string {
  return `${CLOUD_CONFIG_HEADER}\n` + renderYaml(config, { sortKeys: true });
}

/** A deep copy of plain cloud-config data; undefined values drop, as YAML drops them. */
function copy(config: CloudConfigData): CloudConfigData {
  return copyData(config) as CloudConfigData;
}

/** About three times faster than a JSON round trip, on data that a JSON round trip keeps as it is (the props schema holds it to that). */
function copyData(value: unknown): unknown {
  if (Array.isArray(value)) { return value.map(copyData); }
  if (value === null || typeof value !== 'object') { return value; }
  const copied: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) { copied[key] = copyData(item); }
  }
  return copied;
}
