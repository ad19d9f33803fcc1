import type { Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { cdk8s } from './cdk8s-modules';
import { describeObject, isSecret, objectProblems } from './object-rules';
import { IClusterAddon, markClusterAddon } from '../cluster/cluster-addon';
import { ClusterOutput } from '../cluster/cluster-output';
import { dns1123LabelProblem } from '../cluster/kubernetes-names';
import { labelsProblems } from '../cluster/labels';
import type { IClusterProfile } from '../profiles/cluster-profile';
import { checkedScope } from '../synth/checked-scope';
import { plainProps } from '../synth/plain-props';
import type { IWarningSource } from '../synth/synthesizer';
import { SynthesizedFile } from '../synth/synthesized-file';
import { renderYaml } from '../formats/yaml';
import { describeValue, textOf } from '../synth/describe-value';

/** The folder of the output that holds one multi-document YAML file per add-on. */
export const ADDON_FOLDER = 'addons';

/** Props of an {@link Addon}. */
export interface AddonProps {
  /**
   * An existing cdk8s Chart to render instead of a new one (see {@link Addon.fromChart}).
   * It must belong to a cdk8s `App`, whose resolvers render its objects.
   * @default - a new Chart in a new App, passed to `define`
   */
  readonly chart?: Chart;
  /**
   * Namespace of the new chart: cdk8s puts it on every object that has none.
   * @default - none
   */
  readonly namespace?: string;
  /**
   * Labels of every object of the new chart.
   * @default - none
   */
  readonly labels?: Record<string, string>;
}

/** A DNS-1123 label: the add-on's file name and, by convention, the name users know it by. */
const ID_PATTERN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The keys of {@link AddonProps}. */
const PROP_KEYS = ['chart', 'namespace', 'labels'] as const;

/** Keys that lead a Kubernetes object, in this order; every other key is sorted. */
const HEADER_KEYS = ['apiVersion', 'kind', 'metadata'];

/**
 * A cluster add-on: Kubernetes objects defined with cdk8s (and cdk8s-plus)
 * and rendered to `addons/<id>.yaml`, one document per object. The add-on owns
 * its own cdk8s `App` and `Chart`: a Chart needs an App at the root of its tree
 * (App.of() supplies the resolvers that render it), so it cannot live under
 * the VagrantCluster root. The profile decides how the files reach the
 * cluster; the Flatcar profile applies them from the control-plane node.
 *
 * @example
 * new Addon(cluster, 'hello', chart => {
 *   new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:1.27' }] });
 * });
 */
export class Addon extends Construct implements IClusterAddon, IWarningSource {
  /** An add-on that renders an existing chart, e.g. one shared with a cdk8s app of your own. */
  public static fromChart(scope: Construct, id: string, chart: Chart): Addon {
    return new Addon(scope, id, undefined, { chart });
  }

  /** Whether a construct is an Addon. */
  public static isAddon(x: unknown): x is Addon {
    return x instanceof Addon;
  }

  /** The chart whose objects this add-on renders. */
  public readonly chart: Chart;
  /** `addons/<id>.yaml`. */
  public readonly filePath: string;
  /** The add-on's name: its construct id. */
  public readonly addonName: string;
  /**
   * What the last validation rendered, until the render that follows it: the objects, and the file made of
   * them once asked for. A control plane's cloud-config carries the file before the synth writes it, so that
   * cdk8s resolves the chart, and the file is made, once per synth; later calls read the chart anew.
   */
  private validated?: { readonly objects: Array<Record<string, unknown>>; file?: SynthesizedFile };
  /** What `define` threw, if it did. */
  private defineError?: string;

  /**
   * @param scope a construct of a VagrantCluster, usually the cluster itself
   * @param id the add-on's name and file name: a DNS-1123 label such as `my-app`
   * @param define adds the add-on's objects to its new chart
   */
  constructor(scope: Construct, id: string, define?: (chart: Chart) => void, props: AddonProps = {}) {
    super(checkedScope(scope, id, new.target.name), id);
    // Props of any shape are kept (their plain data copied) and checked at synth time, with every other problem.
    const copy = plainProps(props);
    props = copy.props ?? {};
    markClusterAddon(this);
    this.addonName = id;
    this.filePath = `${ADDON_FOLDER}/${id}.yaml`;
    const newChartProps: ChartProps = { namespace: props.namespace, labels: props.labels };
    this.chart = props.chart ?? newChart(id, newChartProps);
    this.node.addValidation({ validate: () => copy.report(this.validateAddon(props, define)) });
    // Anything else than a function is reported at synth, with every other problem; so is what define throws
    // (cdk8s refuses an object without apiVersion or kind when it is made, not when it renders).
    if (!props.chart && typeof define === 'function') {
      try {
        define(this.chart);
      } catch (error) {
        this.defineError = error instanceof Error ? `${textOf(error.name)}: ${textOf(error.message)}` : describeValue(error);
      }
    }
  }

  /**
   * The chart's objects as JSON, in the chart's order: keys sorted at every
   * depth, with apiVersion, kind and metadata leading each object. The order
   * never depends on the CDK8S_DISABLE_SORT environment variable.
   */
  public manifests(): Array<Record<string, unknown>> {
    return this.chart.toJson().map(object => sortManifest(object) as Record<string, unknown>);
  }

  /** The objects the last validation rendered, else the chart's objects now. */
  public objects(): Array<Record<string, unknown>> {
    return this.validated?.objects ?? this.manifests();
  }

  /** `addons/<id>.yaml`, mode 0600 when it holds a Secret, else 0644: after a validation, of the objects it rendered. */
  public renderFile(): SynthesizedFile {
    const validated = this.validated;
    this.validated = undefined;
    return validated ? (validated.file ?? this.fileOf(validated.objects)) : this.fileOf(this.manifests());
  }

  /**
   * The file that {@link renderFile} will return next, made once: for a file of the same synth that
   * carries it (a control plane's cloud-config). Without a validation before, the chart's objects now.
   * @internal
   */
  public upcomingFile(): SynthesizedFile {
    if (!this.validated) { return this.fileOf(this.manifests()); }
    this.validated.file ??= this.fileOf(this.validated.objects);
    return this.validated.file;
  }

  public warnings(): string[] {
    const profile = (this.node.root as { profile?: IClusterProfile }).profile;
    if (!profile || profile.appliesAddons) { return []; }
    return [`the ${profile.name} profile applies no add-ons: ${this.filePath} is written for you to apply with kubectl`];
  }

  private fileOf(objects: Array<Record<string, unknown>>): SynthesizedFile {
    return { path: this.filePath, content: renderManifests(objects), mode: objects.some(isSecret) ? 0o600 : 0o644 };
  }

  private validateAddon(props: AddonProps, define: ((chart: Chart) => void) | undefined): string[] {
    this.validated = undefined;
    const id = this.node.id;
    // Each of these stands alone: all of them are reported at once. The chart is rendered only when none is found.
    const problems: string[] = [];
    if (!ID_PATTERN.test(id) || id.length > 63) {
      problems.push(`id '${id}' is not a DNS-1123 label; expected lowercase letters, digits and '-', such as 'my-app' (it names ${this.filePath})`);
    }
    const root = this.node.root as { profile?: unknown };
    if (!root.profile && !(root instanceof ClusterOutput)) {
      problems.push(`is not inside a VagrantCluster; expected new Addon(cluster, '${id}', ...)`);
    }
    if (props === null || typeof props !== 'object' || Array.isArray(props)) {
      problems.push(`props is ${describeValue(props)}; expected an object of ${PROP_KEYS.join(', ')}, such as { namespace: 'my-app' }`);
      props = {};
    }
    for (const key of Object.keys(props)) {
      if (!(PROP_KEYS as readonly string[]).includes(key)) {
        problems.push(`has unknown key '${key}'; expected one of ${PROP_KEYS.join(', ')}`);
      }
    }
    if (props.chart !== undefined && !isChart(props.chart)) {
      problems.push(`chart is ${describeValue(props.chart)}; expected a cdk8s Chart, such as new Chart(new App(), '${id}')`);
    }
    if (define !== undefined && typeof define !== 'function') {
      problems.push(`define is ${describeValue(define)}; expected a function that adds the add-on's objects to its chart, such as chart => { new kplus.ConfigMap(chart, 'config'); }`);
    }
    if (this.defineError !== undefined) {
      problems.push(`define threw while adding objects to chart ${this.chart.node.path}: ${this.defineError.replace(/\s*\n\s*/g, '; ')}; expected it to add complete objects`);
    }
    if (props.chart && (define || props.namespace !== undefined || props.labels !== undefined)) {
      problems.push('chart is given together with define, namespace or labels, which apply to a new chart only; expected Addon.fromChart(scope, id, chart) alone');
    }
    // The chart puts them on every object: one problem here rather than one per object.
    const namespaceProblem = props.namespace === undefined ? undefined : dns1123LabelProblem(props.namespace);
    problems.push(
      ...(namespaceProblem ? [`namespace ${describeValue(props.namespace)} ${namespaceProblem}, as a namespace name must be; expected one such as 'my-app'`] : []),
      ...labelsProblems(props.labels),
    );
    if (problems.length > 0) { return problems; }
    const app = this.chart.node.root as IConstruct & { resolvers?: unknown };
    if (!Array.isArray(app.resolvers)) {
      return [`chart ${this.chart.node.path} is not inside a cdk8s App; expected new Chart(new App(), '${this.chart.node.id}')`];
    }
    let manifests: Array<Record<string, unknown>>;
    try {
      manifests = this.manifests();
    } catch (error) {
      // cdk8s validates the whole app and throws once, listing every error.
      return [`chart ${this.chart.node.path} does not render: ${(error as Error).message.replace(/\s*\n\s*/g, '; ')}`];
    }
    if (manifests.length === 0) {
      return [`chart ${this.chart.node.path} has no Kubernetes objects; expected at least one`];
    }
    this.validated = { objects: manifests };
    const profile = (this.node.root as { profile?: IClusterProfile }).profile;
    const secrets = manifests.filter(isSecret);
    if (profile && !profile.ignoresOutput && secrets.length > 0) {
      // Written 0600 but not git-ignored: the output of such a profile is meant to be committed.
      return [`holds ${secrets.map(describeObject).join(', ')}, but the ${profile.name} profile's output folder is not git-ignored `
        + `(it is meant to be committed), so ${this.filePath} would be; expected no Secret in the add-on (create it with kubectl), `
        + 'or a profile that keeps its output out of git (ClusterProfile.FLATCAR)'];
    }
    return manifests.flatMap((manifest, index) => {
      const metadata = manifest.metadata as { name?: unknown } | undefined;
      if (typeof manifest.apiVersion !== 'string' || typeof manifest.kind !== 'string' || typeof metadata?.name !== 'string') {
        return [`object ${index + 1} of chart ${this.chart.node.path} lacks apiVersion, kind or metadata.name; expected a complete Kubernetes object`];
      }
      return objectProblems(manifest).map(problem => `object ${index + 1} (${describeObject(manifest)}): ${problem}`);
    });
  }
}

/** Whether a value is shaped like a cdk8s Chart: a construct that renders its objects with toJson(). */
function isChart(x: unknown): x is Chart {
  const chart = x as Partial<Chart> | null;
  return chart !== null && typeof chart === 'object' && typeof chart.toJson === 'function'
    && typeof (chart.node as { root?: unknown } | undefined)?.root === 'object';
}


/** A new Chart in a new App, whose resolvers render it. */
function newChart(id: string, props: ChartProps): Chart {
  const { App, Chart } = cdk8s();
  return new Chart(new App({ outdir: '.' }), id, props);
}

/**
 * Multi-document YAML, one Kubernetes object per document, written so that a
 * YAML 1.1 reader (kubectl's) reads back exactly these values: strings such
 * as `yes` or `0644` come out quoted.
 */
export function renderManifests(manifests: ReadonlyArray<Record<string, unknown>>): string {
  return manifests.map(manifest => renderYaml(manifest)).join('---\n');
}

/** A deep copy with keys sorted at every depth, apiVersion, kind and metadata leading at the top. */
export function sortManifest(value: unknown, top = true): unknown {
  if (Array.isArray(value)) {
    return value.map(item => sortManifest(item, false));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  const ordered = top ? [...HEADER_KEYS.filter(key => key in object), ...keys.filter(key => !HEADER_KEYS.includes(key))] : keys;
  const sorted: Record<string, unknown> = {};
  for (const key of ordered) {
    if (object[key] !== undefined) { sorted[key] = sortManifest(object[key], false); }
  }
  return sorted;
}
