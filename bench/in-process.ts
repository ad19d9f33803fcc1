// In-process part of the benchmark: for each cluster, synth(), render-only, the
// first Flatcar synth, cdk8s's App.synth() and plain writeFileSync() of the same bytes. Run by bench/run.ts as `node --expose-gc` on the
// compiled sources; prints one JSON object (InProcessResult[]) on stdout.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { CLASSIC, Cdk8sBaseline, FLATCAR, Scenario, flushTree, synthesizedFiles, writePlainly } from './scenarios';
import { Measurement, spread } from './stats';
import { Testing } from '../lib';

/** What is timed for one cluster. */
export type CaseName =
  /** `new VagrantCluster(...)` and its tiers: building the tree, not timed in synth. */
  | 'build'
  /** `cluster.synth()` into a fresh folder: every phase (a Flatcar PKI is reused). */
  | 'synth'
  /** `Testing.render(cluster)`: every phase but the write, nothing on disk. */
  | 'render'
  /** The first Flatcar `synth()`: a fresh PKI folder each run, every key and certificate made. */
  | 'firstSynth'
  /** cdk8s `App.synth()` of the same number of documents into a fresh folder. */
  | 'cdk8s'
  /** cdk8s `App.synthYaml()` of the same app: its synth in memory, nothing written (like `render`). */
  | 'cdk8sInMemory'
  /** The same, then every file and folder it wrote flushed to disk as our writer flushes its own (like for like). */
  | 'cdk8sFlushed'
  /** `cluster.synth()` of the same tree again, into the folder its previous synth wrote (the edit-and-synth loop). */
  | 'resynth'
  /** cdk8s `App.synth()` of the same app again, into the folder its previous synth wrote. */
  | 'cdk8sResynth'
  /** `fs.writeFileSync` of the same bytes into a fresh folder. */
  | 'plainWrite';

/** The figures of one cluster. */
export interface InProcessResult {
  readonly profile: Scenario['profile'];
  readonly vms: number;
  readonly layout: string;
  /** Files our synth writes (manifest.json included) = YAML documents cdk8s writes. */
  readonly files: number;
  readonly cases: Partial<Record<CaseName, Measurement>>;
}

/** One thing to time: `prepare` is untimed and returns the timed action. */
interface Case {
  readonly name: CaseName;
  prepare(outdir: string): () => void;
}

const exposedGc = (globalThis as { gc?: () => void }).gc;
const collectGarbage: () => void = exposedGc ?? (() => undefined);

// No forced GC before a timed run: right after a full collection V8 runs this
// code several times slower (measured: checkFile() of 50 VMs 15 ms -> 67 ms), which
// no real synth pays. Only the heap runs below start from a collected heap.
function timeOnce(run: () => void): { wallMs: number; cpuMs: number; userMs: number; systemMs: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  run();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, userMs: used.user / 1000, systemMs: used.system / 1000 };
}

/**
 * Heap use of `run`, from a collected heap. The used heap only grows between
 * collections, so its peak is the largest of the sizes just before each GC
 * that ran (v8.GCProfiler) and the size at the end. Allocated bytes add what
 * each of those GCs freed to the growth at the end.
 */
function heapOnce(run: () => void): { peak: number; allocated: number } {
  collectGarbage();
  const baseline = v8.getHeapStatistics().used_heap_size;
  const profiler = new v8.GCProfiler();
  profiler.start();
  run();
  const end = v8.getHeapStatistics().used_heap_size;
  const gcs = profiler.stop()?.statistics ?? [];
  const peak = Math.max(end, ...gcs.map(gc => gc.beforeGC.heapStatistics.usedHeapSize)) - baseline;
  const freed = gcs.reduce((sum, gc) => sum + gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize, 0);
  return { peak, allocated: end - baseline + freed };
}

function casesOf(scenario: Scenario, scratch: string): { cases: Case[]; files: number } {
  // Reused by every synth and render of this cluster: the first warm-up creates it.
  const pkiDir = path.join(scratch, `pki-${scenario.profile}-${scenario.vms}`);
  const files = synthesizedFiles(scenario, pkiDir);
  const baseline = new Cdk8sBaseline(files);
  const cases: Case[] = [
    { name: 'build', prepare: outdir => () => { scenario.build(outdir, pkiDir); } },
    { name: 'synth', prepare: outdir => { const cluster = scenario.build(outdir, pkiDir); return () => { cluster.synth(); }; } },
    { name: 'render', prepare: outdir => { const cluster = scenario.build(outdir, pkiDir); return () => { Testing.render(cluster); }; } },
    { name: 'cdk8s', prepare: outdir => { const app = baseline.build(outdir); return () => { app.synth(); }; } },
    { name: 'cdk8sInMemory', prepare: outdir => { const app = baseline.build(outdir); return () => { app.synthYaml(); }; } },
    { name: 'cdk8sFlushed', prepare: outdir => { const app = baseline.build(outdir); return () => { app.synth(); flushTree(outdir); }; } },
    { name: 'resynth', prepare: outdir => { scenario.build(outdir, pkiDir).synth(); const cluster = scenario.build(outdir, pkiDir); return () => { cluster.synth(); }; } },
    { name: 'cdk8sResynth', prepare: outdir => { baseline.build(outdir).synth(); const app = baseline.build(outdir); return () => { app.synth(); }; } },
    { name: 'plainWrite', prepare: outdir => () => { writePlainly(outdir, files); } },
  ];
  if (scenario.profile === 'flatcar' && scenario.vms === FIRST_SYNTH_VMS) {
    cases.push({ name: 'firstSynth', prepare: outdir => { const cluster = scenario.build(outdir, `${outdir}.pki`); return () => { cluster.synth(); }; } });
  }
  return { cases, files: baseline.documents };
}

/** The cluster size whose first Flatcar synth (the PKI created) is timed. */
export const FIRST_SYNTH_VMS = 7;

function measureScenario(scenario: Scenario, warmups: number, runs: number): InProcessResult {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vk-bench-'));
  try {
    return measureIn(scratch, scenario, warmups, runs);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

function measureIn(scratch: string, scenario: Scenario, warmups: number, runs: number): InProcessResult {
  const { cases, files } = casesOf(scenario, scratch);
  const wall = new Map<string, number[]>(cases.map(c => [c.name, []]));
  const cpu = new Map<string, number[]>(cases.map(c => [c.name, []]));
  const user = new Map<string, number[]>(cases.map(c => [c.name, []]));
  const system = new Map<string, number[]>(cases.map(c => [c.name, []]));
  const peak = new Map<string, number[]>(cases.map(c => [c.name, []]));
  const allocated = new Map<string, number[]>(cases.map(c => [c.name, []]));

  // Cases alternate within each round, so that a burst of load on the machine hits them alike.
  // Output folders are deleted only after the last round: deleting hundreds of files
  // between runs slowed the file writes of the next run (the disk is mounted with discard).
  const heapRounds = Math.max(5, Math.ceil(runs / 2));
  for (let round = 0; round < warmups + runs + heapRounds; round++) {
    for (const c of cases) {
      const action = c.prepare(path.join(scratch, `${round}-${c.name}`));
      if (round < warmups) {
        action();
      } else if (round < warmups + runs) {
        const { wallMs, cpuMs, userMs, systemMs } = timeOnce(action);
        wall.get(c.name)!.push(wallMs);
        cpu.get(c.name)!.push(cpuMs);
        user.get(c.name)!.push(userMs);
        system.get(c.name)!.push(systemMs);
      } else {
        const heap = heapOnce(action);
        peak.get(c.name)!.push(heap.peak);
        allocated.get(c.name)!.push(heap.allocated);
      }
    }
  }
  const measurement = (name: string): Measurement => ({
    wallMs: spread(wall.get(name)!),
    cpuMs: spread(cpu.get(name)!),
    userMs: spread(user.get(name)!),
    systemMs: spread(system.get(name)!),
    peakHeapBytes: spread(peak.get(name)!),
    allocatedBytes: spread(allocated.get(name)!),
  });
  return {
    profile: scenario.profile,
    vms: scenario.vms,
    layout: scenario.layout,
    files,
    cases: Object.fromEntries(cases.map(c => [c.name, measurement(c.name)])),
  };
}

/**
 * Shows each of synth()'s warnings once, and how often it came, at the end: the classic clusters
 * warn twice per synth, hundreds of times a run. The write itself still happens, as in any synth.
 */
function collapseWarnings(): () => void {
  const seen = new Map<string, number>();
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf-8');
    if (!text.startsWith('warning: ')) { return (write as (...args: unknown[]) => boolean)(chunk, ...rest); }
    seen.set(text, (seen.get(text) ?? 0) + 1);
    return true;
  }) as typeof process.stderr.write;
  return () => {
    process.stderr.write = write;
    for (const [text, count] of seen) {
      write(`  (${count} times) ${text}`);
    }
  };
}

function main(): void {
  const runs = Number(process.argv[2] ?? 11);
  const warmups = Number(process.argv[3] ?? 5);
  if (!(runs >= 5) || !(warmups >= 1)) {
    throw new Error(`usage: in-process.js [runs >= 5] [warm-ups >= 1]; got runs ${runs}, warm-ups ${warmups}`);
  }
  const restore = collapseWarnings();
  const results = [...CLASSIC, ...FLATCAR].map(scenario => {
    process.stderr.write(`  in-process: ${scenario.profile}, ${scenario.vms} VMs...\n`);
    return measureScenario(scenario, warmups, runs);
  });
  restore();
  process.stdout.write(JSON.stringify({ gcExposed: exposedGc !== undefined, results }) + '\n');
}

if (require.main === module) {
  main();
}
