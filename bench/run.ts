// `npm run bench`: how fast the library synthesizes against cdk8s's own
// App.synth() and plain writeFileSync() on the same documents, how long the
// first Flatcar synth (the PKI made) takes, and what the README's main command
// costs on top of `npx ts-node` itself. Prints each ratio against its target,
// then one table of every figure.
//
// The sources are compiled with tsc into a temporary folder first, so the
// in-process figures time the JavaScript that users of the published package
// run, not ts-node's hooks.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ColdResult } from './cold';
import type { CaseName, InProcessResult } from './in-process';
import { Measurement, Spread, markdownTable, mib, ms, spread } from './stats';

const REPO = path.resolve(__dirname, '..');

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
  let processRuns = 9;
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

/** One whole command to time. */
interface Command {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/**
 * Wall and CPU time of whole commands, the median of `runs` after one
 * warm-up each. The commands take turns within each round, so that load on
 * the machine hits them alike.
 */
function timeCommands(commands: readonly Command[], runs: number): Measurement[] {
  const wall: number[][] = commands.map(() => []);
  const cpu: number[][] = commands.map(() => []);
  for (let round = 0; round < 1 + runs; round++) {
    commands.forEach(({ command, args, cwd }, i) => {
      const cpuBefore = childrenCpuMs();
      const start = process.hrtime.bigint();
      const result = spawnSync(command, args, { cwd, encoding: 'utf-8' });
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      const cpuAfter = childrenCpuMs();
      if (result.status !== 0) {
        throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}${result.stderr}${result.error ?? ''}`);
      }
      if (round === 0) { return; } // warm-up: file cache, ts-node's and the library's compile caches
      wall[i].push(wallMs);
      if (cpuBefore !== undefined && cpuAfter !== undefined) { cpu[i].push(cpuAfter - cpuBefore); }
    });
  }
  return commands.map((_, i) => ({ wallMs: spread(wall[i]), cpuMs: cpu[i].length > 0 ? spread(cpu[i]) : undefined }));
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

/** The whole-process figures. */
interface ProcessFigures {
  readonly mainCommand: Measurement;
  readonly emptyTsNode: Measurement;
  readonly compiledExample: Measurement;
  readonly nodeStartup: Measurement;
  readonly cold: { load: Measurement; firstSynth: Measurement };
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
    process.stderr.write('  whole processes, taking turns: the main command, npx ts-node on an empty file, node on the compiled example, node -e 0...\n');
    const [mainCommand, emptyTsNode, compiledExample, nodeStartup] = timeCommands([
      { command: 'npx', args: ['ts-node', 'examples/default.ts'], cwd: REPO },
      { command: 'npx', args: ['ts-node', 'bench/empty.ts'], cwd: REPO },
      { command: process.execPath, args: [path.join(out, 'examples', 'default.js')], cwd: tmp },
      { command: process.execPath, args: ['-e', '0'], cwd: tmp },
    ], options.processRuns);
    const processes: ProcessFigures = { mainCommand, emptyTsNode, compiledExample, nodeStartup, cold };

    const runs = `${options.inProcessRuns} runs after ${WARMUPS} warm-ups in-process; ${options.processRuns} runs after 1 warm-up per command`;
    process.stdout.write([
      `cdk-vagrant-kubernetes benchmark: ${runs}`,
      `machine: ${os.availableParallelism()} cores (nproc), ${cpus[0]?.model ?? 'unknown CPU'}, Node.js ${process.version}, ${os.platform()} ${os.release()}`,
      `load average (1 min) before ${loadBefore[0].toFixed(2)}, after ${os.loadavg()[0].toFixed(2)}`,
      `clusters: ${results.map(r => `${r.profile} ${r.vms} VMs = ${r.layout}`).join('; ')}`,
      '',
      markdownTable(['target', 'ours', 'baseline', 'ratio', 'target', ''], targetRows(results, processes)),
      '',
      markdownTable(
        ['case', 'VMs', 'files', 'median', 'min', 'max', 'CPU', 'user + system', 'peak heap', 'allocated', 'CPU / cdk8s'],
        [...results.flatMap(inProcessRows), ...processRows(processes)]),
      '',
      ...notes(gcExposed),
      '',
      `total benchmark time ${((Date.now() - began) / 1000).toFixed(0)} s`,
      '',
    ].join('\n'));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The figure a target is judged on: the CPU time's median. */
function cpu(m: Measurement | undefined): number {
  const value = m?.cpuMs?.median;
  if (value === undefined) { throw new Error('a measurement without CPU time'); }
  return value;
}

/** The targets of the performance issue, each with its figures and verdict. */
function targetRows(results: readonly InProcessResult[], p: ProcessFigures): string[][] {
  const verdict = (ok: boolean) => (ok ? 'met' : '**NOT met**');
  const ratioRow = (name: string, ours: number, baseline: number, max: number): string[] => {
    const ratio = ours / baseline;
    return [name, ms(ours), ms(baseline), ratio.toFixed(2), `<= ${max.toFixed(1)}`, verdict(ratio <= max)];
  };
  const absoluteRow = (name: string, ours: number, baseline: number | undefined, max: number): string[] =>
    [name, ms(ours), baseline === undefined ? '' : ms(baseline), '', `<= ${ms(max)}`, verdict(ours <= max)];
  const rows: string[][] = [];
  for (const r of results.filter(x => x.profile === 'classic')) {
    rows.push(ratioRow(`classic synth() / cdk8s App.synth(), ${r.vms} VMs, CPU`, cpu(r.cases.synth), cpu(r.cases.cdk8s), 1.0));
  }
  // Not targets: the same ratios against cdk8s made as durable as our synth (every file flushed).
  for (const r of results) {
    const ours = cpu(r.cases.synth);
    const flushed = cpu(r.cases.cdk8sFlushed);
    rows.push([`(reference) ${r.profile} synth() / cdk8s + the same flush, ${r.vms} VMs, CPU`, ms(ours), ms(flushed), (ours / flushed).toFixed(2), '', '']);
  }
  // Nor these: our code against cdk8s's own, nothing written on either side (every phase of ours but the
  // write, against cdk8s's App.synthYaml(), which validates, resolves and stringifies every document as its synth() does).
  for (const r of results) {
    const ours = cpu(r.cases.render);
    const theirs = cpu(r.cases.cdk8sInMemory);
    rows.push([`(reference) ${r.profile} render only / cdk8s App.synthYaml(), in memory, ${r.vms} VMs, CPU`, ms(ours), ms(theirs), (ours / theirs).toFixed(2), '', '']);
  }
  // Not targets either: the same tree synthesized again into its previous output, as a user does after an edit.
  for (const r of results) {
    const again = cpu(r.cases.resynth);
    const cdk8sAgain = cpu(r.cases.cdk8sResynth);
    rows.push([`(reference) ${r.profile} synth() again / cdk8s App.synth() again, ${r.vms} VMs, CPU`, ms(again), ms(cdk8sAgain), (again / cdk8sAgain).toFixed(2), '', '']);
  }
  const largest = results.filter(x => x.profile === 'classic').at(-1)!;
  rows.push(ratioRow(`classic synth() / plain writeFileSync(), ${largest.vms} VMs, CPU`, cpu(largest.cases.synth), cpu(largest.cases.plainWrite), 5.0));
  for (const r of results.filter(x => x.profile === 'flatcar')) {
    rows.push(ratioRow(`Flatcar synth(), PKI reused / cdk8s, ${r.vms} VMs, CPU`, cpu(r.cases.synth), cpu(r.cases.cdk8s), 1.5));
  }
  for (const r of results.filter(x => x.cases.firstSynth)) {
    rows.push(absoluteRow(`first Flatcar synth() (makes the PKI), ${r.vms} VMs, CPU in-process`, cpu(r.cases.firstSynth), undefined, 300));
  }
  const overhead = p.mainCommand.wallMs.median - p.emptyTsNode.wallMs.median;
  rows.push(absoluteRow('main command minus `npx ts-node bench/empty.ts`, wall', overhead, undefined, 350));
  return rows;
}

const CASE_LABELS: Record<CaseName, (r: InProcessResult) => string> = {
  synth: r => `**${r.profile} synth()**${r.profile === 'flatcar' ? ', PKI reused' : ''}`,
  firstSynth: r => `${r.profile} first synth(): makes the PKI`,
  render: r => `${r.profile} render only (every phase but the write)`,
  build: r => `${r.profile}: building the tree (before synth())`,
  cdk8s: () => 'cdk8s App.synth(), one document per file',
  cdk8sInMemory: () => 'cdk8s App.synthYaml(): the same documents in memory',
  cdk8sFlushed: () => 'cdk8s App.synth(), then every file flushed (fdatasync)',
  resynth: r => `${r.profile} synth() again into its previous output, same tree`,
  cdk8sResynth: () => 'cdk8s App.synth() again into its previous output',
  plainWrite: () => 'plain writeFileSync() of the same bytes',
};

function inProcessRows(r: InProcessResult): string[][] {
  const cdk8sCpu = cpu(r.cases.cdk8s);
  const order: CaseName[] = ['synth', 'firstSynth', 'render', 'cdk8s', 'cdk8sInMemory', 'cdk8sFlushed', 'resynth', 'cdk8sResynth', 'plainWrite', 'build'];
  return order.filter(name => r.cases[name]).map(name => {
    const m = r.cases[name]!;
    const ratio = name === 'build' ? '' : (cpu(m) / cdk8sCpu).toFixed(2);
    return [CASE_LABELS[name](r), String(r.vms), String(r.files), ...times(m.wallMs), ms(cpu(m)),
      m.userMs && m.systemMs ? `${ms(m.userMs.median)} + ${ms(m.systemMs.median)}` : '',
      m.peakHeapBytes ? mib(m.peakHeapBytes.median) : '', m.allocatedBytes ? mib(m.allocatedBytes.median) : '',
      name === 'synth' ? `**${ratio}**` : ratio];
  });
}

function times(wall: Spread): string[] {
  return [ms(wall.median), ms(wall.min), ms(wall.max)];
}

function processRows(p: ProcessFigures): string[][] {
  const row = (name: string, m: Measurement, vms = '7'): string[] =>
    [name, vms, '', ...times(m.wallMs), m.cpuMs ? ms(m.cpuMs.median) : '', '', '', '', ''];
  return [
    row('**`npx ts-node examples/default.ts`** (main command)', p.mainCommand),
    row('`npx ts-node bench/empty.ts` (the same on an empty file)', p.emptyTsNode, ''),
    row('`node` on the tsc-compiled example', p.compiledExample),
    row('`node -e 0` (Node.js startup, for scale)', p.nodeStartup, ''),
    row('in a fresh process: loading the library and the example', p.cold.load),
    row('in a fresh process: the first synth() (cold JIT)', p.cold.firstSynth),
  ];
}

function notes(gcExposed: boolean): string[] {
  return [
    'Targets are judged on CPU time (user + system, medians), except the main command, which is wall time. median, min, max: wall-clock',
    'time. CPU: of the process (in-process rows; GC threads included) or of the child processes (command rows). user + system: the',
    'medians of each apart (they need not add up to the CPU median); system time is the kernel\'s work for the file system. peak heap: highest used',
    'V8 heap during the run above a collected heap before it (the sizes just before each GC, from v8.GCProfiler, and at the end).',
    `allocated: bytes allocated on the V8 heap during the run.${gcExposed ? '' : ' WARNING: run without --expose-gc; heap baselines are not collected.'}`,
    'Every synth and every baseline writes into a fresh folder per run (the "again" cases: one made just before, untimed); trees are built before the clock starts, and the cases of one',
    'cluster take turns within each round. cdk8s writes one file per document (FILE_PER_RESOURCE): a KubePod for each static pod and a',
    'KubeConfigMap holding the same bytes for every other file. "PKI reused": the same PKI folder for every run (made by the first',
    'warm-up); "makes the PKI": a fresh PKI folder per run. The main command rewrites dist.out/ of the repository (with the same bytes).',
    'Our synth() flushes every file and folder it writes to disk before its commit point (the power-loss promise of the crash-safe',
    'writer); cdk8s and plain writes leave that to the kernel. The "(reference)" rows and "then every file flushed" compare like for like.',
    '"again into its previous output": the same tree or app synthesized again into the folder it wrote (untimed) just before; our',
    'synth() hard-links the files that did not change, cdk8s writes every file over its old self. "render only" against',
    '"App.synthYaml()": our code against cdk8s\'s with nothing written on either side (a Flatcar render still reads its PKI',
    'folder); synthYaml() validates, resolves and stringifies every document as synth() does, and joins them instead of',
    'writing a file each.',
  ];
}

main();
