import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentOptions, ParseOptions, SchemaOptions, YAMLError, parseAllDocuments, parseDocument } from 'yaml';
import schema from './cluster-file.schema.json';
import { Addon } from '../addons/addon';
import { cdk8s } from '../addons/cdk8s-modules';
import { EtcdPeerTier } from '../cluster/etcd-peer-tier';
import { KubeNodeTier, KubeNodeTierProps } from '../cluster/kube-node-tier';
import { NodeRole } from '../cluster/node-role';
import { ClusterProfile } from '../profiles';
import type { IClusterProfile } from '../profiles/cluster-profile';
import { describeValue } from '../synth/describe-value';
import { ProblemStyle, schemaProblems } from '../synth/json-schema';
import { ValidationError, ValidationProblem } from '../synth/validation-error';
import { VagrantCluster, VagrantClusterProps } from '../vagrant/vagrant-cluster';

/**
 * YAML as Kubernetes tools read it: 1.1 (`on` is a boolean), but a scalar that looks like a
 * timestamp stays a string. go-yaml v2, which kubectl reads manifests with (through
 * sigs.k8s.io/yaml's YAMLToJSON), decodes one into interface{} as its text: `when: 2024-01-01` in
 * a ConfigMap's data is the string "2024-01-01" to kubectl, not a date.
 */
const KUBERNETES_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  customTags: tags => tags.filter(tag => typeof tag === 'string' || tag.tag !== 'tag:yaml.org,2002:timestamp'),
};

/** The profile entry of a cluster file. */
type ProfileEntry = 'classic' | 'flatcar' | { readonly name: 'classic' | 'flatcar'; readonly options?: Record<string, unknown> };

/** What a cluster file holds, once its schema has passed (cluster-file.schema.json). */
interface ClusterFileData extends Omit<VagrantClusterProps, 'profile'> {
  readonly profile?: ProfileEntry;
  readonly etcd: Record<string, unknown>;
  readonly nodes: Array<Record<string, unknown> & { readonly id: string }>;
  readonly addons?: Array<{ readonly id: string; readonly manifests: string[] }>;
}

/**
 * A cluster described as data rather than code: YAML with the props of
 * {@link VagrantCluster}, one etcd tier, node tiers and add-ons by manifest
 * path, checked by `cluster-file.schema.json` (shipped in the package, so
 * editors complete it). It builds the same construct tree an app would, which
 * synthesizes the same way:
 *
 * ```yaml
 * prefix: 10.10.10
 * kubernetesVersion: 1.1.7
 * etcd: { count: 3, firstIp: 11 }
 * nodes:
 *   - { id: node, count: 4, firstIp: 100 }
 * ```
 *
 * Paths in the file (`outdir`, the Flatcar `pkiDir`, add-on manifests) are relative to the file; an absolute one is kept as it is.
 */
export class ClusterFile {
  /**
   * Reads `file` and builds its tree. Throws one {@link ValidationError} naming the
   * file and each bad place. A problem with the YAML itself (syntax, a custom or
   * `!!timestamp` tag, several documents) comes alone. Otherwise the schema's problems
   * and the manifests' (unreadable, not YAML, not a Kubernetes object) come together;
   * when only manifests failed, so do the tree's own problems outside the add-ons. The
   * tree's other problems come at `synth()`.
   */
  public static read(file: string): VagrantCluster {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf-8');
    } catch (error) {
      throw new ValidationError([{ constructPath: file, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); expected a cluster file such as cluster.yaml` }]);
    }
    // As Kubernetes tools read YAML: `on` is a boolean there, and the schema says what was expected instead.
    const document = parseDocument(text, { ...KUBERNETES_YAML, uniqueKeys: true });
    const problems = [...document.errors, ...document.warnings].map(error => ({ constructPath: file, message: yamlProblem(error) }));
    if (problems.length > 0) { throw new ValidationError(problems); }
    const data = dataOf(document, file);
    if (data === null || data === undefined) {
      throw new ValidationError([{ constructPath: file, message: `is empty; expected ${(schema as { expected: string }).expected}` }]);
    }
    return ClusterFile.fromData(data, { name: file, folder: path.dirname(file) });
  }

  /**
   * Builds the tree of already parsed data. `source.name` names the data in
   * problems; `source.folder` is what relative paths are relative to (an absolute one
   * is kept as it is). Throws a {@link ValidationError} as {@link read} does, and one
   * when `source` is not `{ name, folder }`.
   */
  public static fromData(data: unknown, source: { readonly name: string; readonly folder: string }): VagrantCluster {
    const given = source as Partial<typeof source> | null | undefined;
    if (typeof given?.name !== 'string' || typeof given.folder !== 'string') {
      throw new ValidationError([{ constructPath: '', message: `ClusterFile.fromData's source is ${describeValue(source)}; expected { name, folder }: what names the data in problems, and the folder its paths are relative to` }]);
    }
    // Every problem at once: the schema's, the manifests' (read whenever the add-ons are well-formed), and, once
    // the tree can be built, the constructs' own (an add-on whose manifests failed is left out of that tree).
    // The top of the data is the file itself, which the problem's place names already.
    const problems: ValidationProblem[] = schemaProblems(schema, data, ProblemStyle.PROPERTY)
      .map(message => ({ constructPath: source.name, message: message.replace(/^\(props\) is /, 'holds ') }));
    const manifestProblems: ValidationProblem[] = [];
    const manifests = addonsOf(data).map(addon => {
      const before = manifestProblems.length;
      const objects = addon.manifests.flatMap(manifest => readObjects(source, addon.id, manifest, manifestProblems));
      return { id: addon.id, objects, failed: manifestProblems.length > before };
    });
    if (problems.length === 0) { problems.push(...duplicateIds(data as ClusterFileData, source.name)); }
    if (problems.length > 0) { throw new ValidationError([...problems, ...manifestProblems]); }
    const file = data as ClusterFileData;

    const { profile, etcd: etcdProps, nodes, addons: _addons, $schema: _schema, ...clusterProps } = file as ClusterFileData & { $schema?: string };
    const cluster = new VagrantCluster({
      ...clusterProps,
      outdir: inFolder(source.folder, file.outdir ?? 'dist.out'),
      ...(profile === undefined ? {} : { profile: profileOf(profile, source.folder) }),
    });
    const etcd = new EtcdPeerTier(cluster, 'etcd', etcdProps);
    for (const { id, ...props } of nodes) {
      new KubeNodeTier(cluster, id, { ...props, etcd } as KubeNodeTierProps & { role?: NodeRole });
    }
    for (const { id, objects } of manifests.filter(addon => !addon.failed)) {
      new Addon(cluster, id, chart => {
        const { ApiObject } = cdk8s();
        objects.forEach((object, index) => new ApiObject(chart, `object-${index + 1}`, object as never));
      });
    }
    if (manifestProblems.length > 0) {
      // The constructs' checks, which read nothing from disk, before the manifests' problems are thrown with them; but
      // not the add-ons': with one left out, another's objects may seem to lack a namespace or a resource it defines.
      const addonPaths = manifests.map(addon => `${cluster.node.path}/${addon.id}`);
      const ofAddon = (constructPath: string) => addonPaths.some(at => constructPath === at || constructPath.startsWith(`${at}/`));
      try {
        cluster.renderInput();
      } catch (error) {
        if (!(error instanceof ValidationError)) { throw error; }
        manifestProblems.push(...error.problems.filter(problem => !ofAddon(problem.constructPath)));
      }
      throw new ValidationError(manifestProblems);
    }
    return cluster;
  }

  private constructor() {}
}

/**
 * The data of a parsed document. The yaml package refuses, when it builds the data, an alias
 * that would expand past its limit (a billion laughs): a problem of the file, like a syntax error.
 */
function dataOf(document: { toJS(): unknown }, file: string): unknown {
  try {
    return document.toJS();
  } catch (error) {
    throw new ValidationError([{ constructPath: file, message: `is not YAML a cluster file can hold: ${firstLineOf(error)}` }]);
  }
}

/**
 * A parse error or warning of the yaml package in our words: its first line without the colon
 * before the excerpt, a tag it cannot resolve (`!Ref`, or `!!timestamp`, which these files read as
 * strings; it would drop the tag) as what it is, and
 * several documents where one is expected without its advice to the package's own users.
 */
function yamlProblem(error: YAMLError): string {
  const [first] = error.message.split('\n');
  const place = /( at line \d+, column \d+):?$/.exec(first)?.[1] ?? '';
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return `holds more than one YAML document${place}; expected one`;
    case 'TAG_RESOLVE_FAILED':
      return `has a tag these files do not take: ${first.replace(/:$/, '')}; expected plain values (no custom tag, and no !!timestamp: Kubernetes tools read a date as a string)`;
    default:
      return `is not valid YAML: ${first.replace(/:$/, '')}`;
  }
}

/** The first line of what a parse threw. */
function firstLineOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** A path of the file: as it is when absolute, else in the file's folder. */
function inFolder(folder: string, file: string): string {
  return path.isAbsolute(file) ? file : path.join(folder, file);
}

function profileOf(entry: ProfileEntry, folder: string): IClusterProfile {
  const { name, options = {} } = typeof entry === 'string' ? { name: entry } : entry;
  if (name === 'classic') { return ClusterProfile.classic(options); }
  const pkiDir = options.pkiDir;
  return ClusterProfile.flatcar(typeof pkiDir === 'string' && pkiDir !== '' ? { ...options, pkiDir: inFolder(folder, pkiDir) } : options);
}

/** The add-ons of the data when they are well-formed (a list of { id, manifests: [paths] }), else none. */
function addonsOf(data: unknown): Array<{ readonly id: string; readonly manifests: string[] }> {
  const addons = (data as { addons?: unknown } | null)?.addons;
  const wellFormed = Array.isArray(addons) && addons.every(addon => addon !== null && typeof addon === 'object' && typeof addon.id === 'string'
    && Array.isArray(addon.manifests) && addon.manifests.every((manifest: unknown) => typeof manifest === 'string' && manifest !== ''));
  return wellFormed ? addons : [];
}

/** Tier ids (with `etcd`) and add-on ids must each be unique: they name constructs and files. */
function duplicateIds(file: ClusterFileData, name: string): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const seen = new Set(['etcd']);
  file.nodes.forEach((tier, i) => {
    if (seen.has(tier.id)) {
      problems.push({ constructPath: name, message: `nodes[${i}].id is '${tier.id}', which another tier has; expected an id of its own` });
    }
    seen.add(tier.id);
  });
  const addons = new Set<string>();
  (file.addons ?? []).forEach((addon, i) => {
    if (addons.has(addon.id) || seen.has(addon.id)) {
      problems.push({ constructPath: name, message: `addons[${i}].id is '${addon.id}', which another tier or add-on has; expected an id of its own` });
    }
    addons.add(addon.id);
  });
  return problems;
}

/** The objects of one manifest file (every YAML document of it), or problems naming the file. */
function readObjects(source: { readonly name: string; readonly folder: string }, addon: string, manifest: string, problems: ValidationProblem[]): unknown[] {
  const where = `add-on ${addon}: ${manifest}`;
  let text: string;
  try {
    text = fs.readFileSync(inFolder(source.folder, manifest), 'utf-8');
  } catch (error) {
    problems.push({ constructPath: source.name, message: `add-on ${addon}: manifest ${manifest} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); expected a YAML file, its path relative to the cluster file or absolute` });
    return [];
  }
  const objects: unknown[] = [];
  for (const document of parseAllDocuments(text, KUBERNETES_YAML)) {
    const yamlProblems = [...document.errors, ...document.warnings];
    if (yamlProblems.length > 0) {
      problems.push({ constructPath: source.name, message: `${where} ${yamlProblem(yamlProblems[0])}` });
      continue;
    }
    let object: { apiVersion?: unknown; kind?: unknown } | null | undefined;
    try {
      object = document.toJS() as typeof object;
    } catch (error) {
      problems.push({ constructPath: source.name, message: `${where} is not YAML the add-on can hold: ${firstLineOf(error)}` });
      continue;
    }
    if (object === null || object === undefined) { continue; } // an empty document, e.g. after a trailing ---
    if (typeof object !== 'object' || Array.isArray(object) || typeof object.apiVersion !== 'string' || typeof object.kind !== 'string') {
      problems.push({ constructPath: source.name, message: `${where} holds a document that is not a Kubernetes object; expected apiVersion, kind and metadata` });
      continue;
    }
    objects.push(object);
  }
  if (objects.length === 0 && !problems.some(problem => problem.message.startsWith(where))) {
    problems.push({ constructPath: source.name, message: `${where} holds no Kubernetes object; expected at least one` });
  }
  return objects;
}
