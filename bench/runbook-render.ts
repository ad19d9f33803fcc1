// Render time of the four runbook files (README.md, topology.txt, topology.svg, verify.sh),
// for the seed cluster and for larger ones. `npx ts-node bench/runbook-render.ts`
import { performance } from 'node:perf_hooks';
import { VagrantCluster } from '../lib';
import { Runbook } from '../lib/runbook/runbook';
import { TopologySvg } from '../lib/runbook/topology-svg';
import { TopologyText } from '../lib/runbook/topology-text';
import { VerifyScript } from '../lib/runbook/verify-script';
import { IFileOwner } from '../lib/synth/synthesized-file';
import { defaultCluster } from '../examples/default';
import { sizedCluster } from '../test/runbook/runbook-fixtures';

/** Timed renders per file, after as many untimed ones to warm up the JIT. */
const RUNS = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(label: string, cluster: VagrantCluster): void {
  // The runbook files belong to the output tree that binding the cluster builds.
  const owners = cluster.bind().node.children.filter((child): child is IFileOwner & (Runbook | TopologyText | TopologySvg | VerifyScript) =>
    child instanceof Runbook || child instanceof TopologyText || child instanceof TopologySvg || child instanceof VerifyScript);
  const cells = owners.map(owner => {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RUNS; i++) { owner.renderFile(); }
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      bytes = Buffer.byteLength(owner.renderFile().content);
      times.push(performance.now() - start);
    }
    return `${owner.filePath} ${median(times).toFixed(2)} ms (${bytes} B)`;
  });
  console.log(`${label.padEnd(26)} ${cells.join(', ')}`);
}

measure('seed (7 VMs)', defaultCluster());
measure('25 VMs (3 etcd + 22 nodes)', sizedCluster(3, 22, { prefix: '192.168.100' }));
measure('130 VMs (5 etcd + 125)', sizedCluster(5, 125));
