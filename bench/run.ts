// `npm run bench`: how fast the library synthesizes, at three cluster sizes,
// against cdk8s's own App.synth() on the same number of documents, and how long
// the README's main command takes as a whole process. Prints one Markdown table.
//
// The sources are compiled with tsc into a temporary folder first (the
// repository's lib/ never gets .js files), so the in-process figures time the
// JavaScript that users of the published package run, not ts-node's hooks.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ColdResult } from './cold';
import type { InProcessResult } from './in-process';
import { Measurement, markdownTable, mib, ms, spread } from './stats';

const REPO = path.resolve(__dirname, '..');

/** Targets of issue 7. */
const TARGET_DEFAULT_SYNTH_MS = 20;
const TARGET_LARGE_SYNTH_MS = 300;
const TARGET_PER_VM_SPREAD = 2;
const TARGET_CDK8S_RATIO = 1.0;
const TARGET_MAIN_COMMAND_MS = 1500;

/** Warm-up rounds of the in-process cases: the JIT needs a few before a 7-VM synth settles. */
const WARMUPS = 5;

interface Options {
  /** Measured runs of each in-process case (after the warm-ups). */
  readonly inProcessRuns: number;
  /** Measured runs of each whole-process command (after one warm-up). */
  readonly processRuns: number;
}

function parseOptions(argv: readonly string[]): Options {
  let inProcessRuns = 11;
  let processRuns = 7;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') {
      inProcessRuns = processRuns = Number(argv[++i]);
    } else {
      throw new Error(`unknown argument '${argv[i]}'; usage: npm run bench [-- --runs N], N >= 5`);
    }
  }
  if (!Number.isInteger(inProcessRuns) || inProcessRuns < 5) {
    throw new Error(`--runs ${inProcessRuns} is too few; expected a whole number >= 5 (the medians need at least 5 runs)`);
  }
  return { inProcessRuns, processRuns };
}

/**
 * Compiles lib/, examples/ and bench/ with the repository's own compiler
 * options into `<tmp>/out`, and links node_modules beside it so that the
 * compiled files resolve the same packages.
 */
function compileInto(tmp: string): string {
  const out = path.join(tmp, 'out');
  const tsconfig = path.join(tmp, 'tsconfig.json');
  fs.writeFileSync(tsconfig, JSON.stringify({
    extends: path.join(REPO, 'tsconfig.json'),
    compilerOptions: { rootDir: REPO, outDir: out, declaration: false, noEmit: false, noCheck: true },
    include: ['lib', 'examples', 'bench'].map(folder => path.join(REPO, folder, '**', '*.ts')),
  }));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(tmp, 'node_modules'), 'dir');
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], { encoding: 'utf-8' });
  if (tsc.status !== 0) {
    throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  }
  return out;
}

/** CPU milliseconds used by this process's waited-for children so far (Linux), else undefined. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf-8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5), cutime and cstime, in clock ticks (100 per second on Linux).
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

/** Wall and CPU time of a whole command, the median of `runs` after one warm-up. */
function timeCommand(command: string, args: readonly string[], cwd: string, runs: number): Measurement {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 1 + runs; i++) {
    const cpuBefore = childrenCpuMs();
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd, encoding: 'utf-8' });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    const cpuAfter = childrenCpuMs();
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}${result.stderr}${result.error ?? ''}`);
    }
    if (i === 0) { continue; } // warm-up: file cache, ts-node's compile cache of typescript
    wall.push(wallMs);
    if (cpuBefore !== undefined && cpuAfter !== undefined) { cpu.push(cpuAfter - cpuBefore); }
  }
  return { wallMs: spread(wall), cpuMs: cpu.length > 0 ? spread(cpu) : undefined };
}

/** Library load and first synth() in fresh processes: the median of `runs` after one warm-up. */
function timeCold(script: string, cwd: string, runs: number): { load: Measurement; firstSynth: Measurement } {
  const results: ColdResult[] = [];
  for (let i = 0; i < 1 + runs; i++) {
    const result = spawnSync(process.execPath, [script], { cwd, encoding: 'utf-8' });
    if (result.status !== 0) {
      throw new Error(`${script} failed:\n${result.stdout}${result.stderr}`);
    }
    if (i > 0) { results.push(JSON.parse(result.stdout) as ColdResult); }
  }
  return {
    load: { wallMs: spread(results.map(r => r.loadMs)), cpuMs: spread(results.map(r => r.loadCpuMs)) },
    firstSynth: { wallMs: spread(results.map(r => r.firstSynthMs)), cpuMs: spread(results.map(r => r.firstSynthCpuMs)) },
  };
}

function main(): void {
  const options = parseOptions(process.argv.slice(2));
  const cpus = os.cpus();
  const loadBefore = os.loadavg();
  const began = Date.now();
  process.stderr.write('compiling lib/, examples/ and bench/ into a temporary folder...\n');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vk-bench-build-'));
  try {
    const out = compileInto(tmp);

    const inProcess = spawnSync(process.execPath,
      ['--expose-gc', path.join(out, 'bench', 'in-process.js'), String(options.inProcessRuns), String(WARMUPS)],
      { cwd: tmp, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 });
    if (inProcess.status !== 0) {
      throw new Error(`the in-process benchmark failed:\n${inProcess.stdout}`);
    }
    const { gcExposed, results } = JSON.parse(inProcess.stdout) as { gcExposed: boolean; results: InProcessResult[] };

    process.stderr.write('  fresh processes: loading the library, first synth()...\n');
    const cold = timeCold(path.join(out, 'bench', 'cold.js'), tmp, options.processRuns);
    process.stderr.write('  whole process: npx ts-node examples/default.ts...\n');
    const mainCommand = timeCommand('npx', ['ts-node', 'examples/default.ts'], REPO, options.processRuns);
    process.stderr.write('  whole process: the same without npx...\n');
    const withoutNpx = timeCommand(process.execPath, [path.join(REPO, 'node_modules', '.bin', 'ts-node'), 'examples/default.ts'], REPO, options.processRuns);
    process.stderr.write('  whole process: node on the compiled example...\n');
    const compiled = timeCommand(process.execPath, [path.join(out, 'examples', 'default.js')], tmp, options.processRuns);
    const nodeStartup = timeCommand(process.execPath, ['-e', '0'], tmp, options.processRuns);

    const header = ['case', 'VMs', 'median', 'min', 'max', 'per VM', 'CPU', 'peak heap', 'allocated', 'ours / cdk8s'];
    const rows: string[][] = [];
    for (const r of results) {
      const row = (name: string, m: Measurement, ratio: string): string[] => [
        name, String(r.vms), ms(m.wallMs.median), ms(m.wallMs.min), ms(m.wallMs.max), ms(m.wallMs.median / r.vms),
        m.cpuMs ? ms(m.cpuMs.median) : '', m.peakHeapBytes ? mib(m.peakHeapBytes.median) : '',
        m.allocatedBytes ? mib(m.allocatedBytes.median) : '', ratio,
      ];
      const toCdk8s = (m: Measurement) => (m.wallMs.median / r.cdk8s.wallMs.median).toFixed(2);
      rows.push(row(`**synth()**, 5 phases, writes ${r.files} files`, r.synth, `**${toCdk8s(r.synth)}**`));
      rows.push(row('render only (phases 1-4, no disk)', r.render, toCdk8s(r.render)));
      rows.push(row('phase 3 alone: renderFile() of every file', r.renderFiles, ''));
      rows.push(row('phase 4 alone: checkFile() of every file', r.checkFiles, ''));
      rows.push(row(`cdk8s App.synth(), ${r.files} documents`, r.cdk8s, '1.00'));
      rows.push(row('building the tree (before synth())', r.build, ''));
    }
    const processRow = (name: string, m: Measurement, vms = '7'): string[] =>
      [name, vms, ms(m.wallMs.median), ms(m.wallMs.min), ms(m.wallMs.max), '', m.cpuMs ? ms(m.cpuMs.median) : '', '', '', ''];
    rows.push(processRow('**`npx ts-node examples/default.ts`** (main command)', mainCommand));
    rows.push(processRow('the same without npx: `node node_modules/.bin/ts-node ...`', withoutNpx));
    rows.push(processRow('`node` on the tsc-compiled example', compiled));
    rows.push(processRow('`node -e 0` (Node.js startup, for scale)', nodeStartup, ''));
    rows.push(processRow('in a fresh process: loading the library and the example', cold.load));
    rows.push(processRow('in a fresh process: the first synth() (cold JIT, ajv compile)', cold.firstSynth));

    const runs = `${options.inProcessRuns} runs after ${WARMUPS} warm-ups in-process; ${options.processRuns} runs after 1 warm-up per command`;
    process.stdout.write([
      `cdk-vagrant-kubernetes benchmark: ${runs}`,
      `machine: ${os.availableParallelism()} cores (nproc), ${cpus[0]?.model ?? 'unknown CPU'}, Node.js ${process.version}, ${os.platform()} ${os.release()}`,
      `load average (1 min) before ${loadBefore[0].toFixed(2)}, after ${os.loadavg()[0].toFixed(2)}`,
      `clusters: ${results.map(r => `${r.vms} VMs = ${r.layout}`).join('; ')}`,
      '',
      markdownTable(header, rows),
      '',
      ...notes(gcExposed),
      '',
      ...targets(results, mainCommand),
      '',
      `total benchmark time ${((Date.now() - began) / 1000).toFixed(0)} s`,
      '',
    ].join('\n'));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function notes(gcExposed: boolean): string[] {
  return [
    'median, min, max: wall-clock time. per VM: median / VMs. CPU, peak heap, allocated: medians. CPU is user + system time of the',
    'process (in-process rows; GC threads included) or of the child processes (command rows). peak heap: highest used V8 heap during',
    'the run above a collected heap before it (the sizes just before each GC, from v8.GCProfiler, and at the end); it stays near the',
    '16 MiB young generation because synth keeps little alive. allocated: bytes allocated on the V8 heap during the run.',
    `ours / cdk8s: median wall time divided by cdk8s's on the same cluster.${gcExposed ? '' : ' WARNING: run without --expose-gc; heap baselines are not collected.'}`,
    'synth() and cdk8s write into a fresh folder per run; the tree is built before the clock starts. cdk8s writes one file per document',
    '(FILE_PER_RESOURCE): a KubeConfigMap holding the same bytes for each cloud-config, the Vagrantfile, the fleet units and manifest.json,',
    'and a KubePod for each static pod. The main command rewrites dist.out/ of the repository (with the same bytes).',
  ];
}

function targets(results: readonly InProcessResult[], mainCommand: Measurement): string[] {
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const bySize = new Map(results.map(r => [r.vms, r]));
  const smallest = results[0];
  const largest = results[results.length - 1];
  const perVm = results.map(r => r.synth.wallMs.median / r.vms);
  const perVmSpread = Math.max(...perVm) / Math.min(...perVm);
  const ratios = results.map(r => r.synth.wallMs.median / r.cdk8s.wallMs.median);
  const defaultSynth = (bySize.get(7) ?? smallest).synth.wallMs.median;
  return [
    `target: default cluster synth() <= ${TARGET_DEFAULT_SYNTH_MS} ms: ${ms(defaultSynth)}, ${verdict(defaultSynth <= TARGET_DEFAULT_SYNTH_MS)}`,
    `target: ${largest.vms} VMs synth() <= ${TARGET_LARGE_SYNTH_MS} ms: ${ms(largest.synth.wallMs.median)}, ${verdict(largest.synth.wallMs.median <= TARGET_LARGE_SYNTH_MS)}`,
    `target: per-VM cost flat within ${TARGET_PER_VM_SPREAD}x from ${smallest.vms} to ${largest.vms} VMs: `
      + `${perVm.map(v => ms(v)).join(' / ')}, max/min ${perVmSpread.toFixed(2)}x, ${verdict(perVmSpread <= TARGET_PER_VM_SPREAD)}`,
    `  (cost of each added VM: ${results.slice(1).map((r, i) => `${results[i].vms}->${r.vms} VMs `
      + ms((r.synth.wallMs.median - results[i].synth.wallMs.median) / (r.vms - results[i].vms))).join(', ')})`,
    `target: ours / cdk8s <= ${TARGET_CDK8S_RATIO.toFixed(1)}: ${ratios.map(r => r.toFixed(2)).join(' / ')}, ${verdict(ratios.every(r => r <= TARGET_CDK8S_RATIO))}`,
    `target: main command warm wall time <= ${ms(TARGET_MAIN_COMMAND_MS)}: ${ms(mainCommand.wallMs.median)}, ${verdict(mainCommand.wallMs.median <= TARGET_MAIN_COMMAND_MS)}`,
  ];
}

main();
