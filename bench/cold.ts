// One fresh process: how long loading the library and the first synth() of the
// default cluster take before anything is warm (JIT, the ajv schema compile).
// Run by bench/run.ts on the compiled sources; prints one JSON object on stdout.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Milliseconds of one cold process. */
export interface ColdResult {
  /** `require('../lib')` and the example: every module the main command loads. */
  readonly loadMs: number;
  readonly loadCpuMs: number;
  /** The first `synth()` of the default cluster. */
  readonly firstSynthMs: number;
  readonly firstSynthCpuMs: number;
}

function timed<T>(work: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = work();
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { value, wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function main(): void {
  // Required here, not imported at the top, so that loading them is what gets timed.
  const load = timed(() => require('../examples/default') as typeof import('../examples/default'));
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vk-bench-cold-'));
  try {
    const cluster = load.value.defaultCluster(path.join(parent, 'out'));
    const synth = timed(() => cluster.synth());
    const result: ColdResult = {
      loadMs: load.wallMs, loadCpuMs: load.cpuMs, firstSynthMs: synth.wallMs, firstSynthCpuMs: synth.cpuMs,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    fs.rmSync(parent, { recursive: true, force: true });
  }
}

main();
