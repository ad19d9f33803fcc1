// The clusters the benchmark synthesizes, and the cdk8s app it compares them with.
import { App, Chart, YamlOutputType } from 'cdk8s';
import { KubeConfigMap, KubePod } from 'cdk8s-plus-27/lib/imports/k8s';
import { parse } from 'yaml';
import { defaultCluster } from '../examples/default';
import { EtcdPeerTier, KubeNodeTier, Testing, VagrantCluster } from '../lib';

/** One cluster size. Every cluster fits one /24: 3 etcd peers plus the nodes. */
export interface Scenario {
  /** Number of VMs. */
  readonly vms: number;
  /** How the VMs are laid out, for the report. */
  readonly layout: string;
  /** A fresh tree that synthesizes into `outdir`. */
  build(outdir: string): VagrantCluster;
}

function sized(nodes: number, etcdFirstIp: number, nodeFirstIp: number): (outdir: string) => VagrantCluster {
  return outdir => {
    const cluster = new VagrantCluster({ outdir });
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: 3, firstIp: etcdFirstIp });
    new KubeNodeTier(cluster, 'node', { count: nodes, firstIp: nodeFirstIp, etcd });
    return cluster;
  };
}

export const SCENARIOS: readonly Scenario[] = [
  { vms: 7, layout: 'examples/default.ts: 3 etcd at .11, 4 nodes at .100', build: outdir => defaultCluster(outdir) },
  { vms: 50, layout: '3 etcd at .11, 47 nodes at .100-.146', build: sized(47, 11, 100) },
  { vms: 250, layout: '3 etcd at .1, 247 nodes at .4-.250', build: sized(247, 1, 4) },
];

/**
 * The same work for cdk8s: one YAML document per file that our synth writes,
 * each in a file of its own (FILE_PER_RESOURCE). The two static pods become
 * `KubePod`s with the same spec; every other file (cloud-configs, Vagrantfile,
 * fleet units, manifest.json) becomes a `KubeConfigMap` holding the same bytes.
 */
export class Cdk8sBaseline {
  /** Renders `scenario` once, in memory, to know what the documents hold. */
  public static of(scenario: Scenario): Cdk8sBaseline {
    return new Cdk8sBaseline(Testing.render(scenario.build('unused')));
  }

  private constructor(private readonly files: Record<string, string>) {}

  /** Number of YAML documents (= files our synth writes, manifest.json included). */
  public get documents(): number {
    return Object.keys(this.files).length;
  }

  /** A fresh app writing into `outdir`. */
  public build(outdir: string): App {
    const app = new App({ outdir, yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    const chart = new Chart(app, 'cluster');
    for (const [file, content] of Object.entries(this.files)) {
      const name = file.replace(/[^a-z0-9]+/gi, '-').toLowerCase(); // topology.txt and topology.svg need two names
      if (file.startsWith('pods/')) {
        const pod = parse(content);
        new KubePod(chart, name, { metadata: pod.metadata, spec: pod.spec });
      } else {
        new KubeConfigMap(chart, name, { metadata: { name }, data: { [file.split('/').pop()!]: content } });
      }
    }
    return app;
  }
}
