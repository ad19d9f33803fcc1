import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CliIo, CommandError, UsageError } from './cli-io';
import { ClusterFile } from '../cluster-file/cluster-file';
import { shellWord } from '../formats/posix-shell';
import { OutdirError } from '../synth/atomic-writer';
import { SYNTH_REPORT_ENV, SynthReport } from '../synth/synth-report';
import { ValidationError } from '../synth/validation-error';
import { writeAppErrorsPreload } from './app-errors';

export const SYNTH_HELP = `Usage: cdk-vagrant-kubernetes synth [app.ts | app.js | cluster.yaml]

Synthesizes a cluster and says what was written and what to run next.
  app.ts, app.js   an app that builds a cluster (VagrantCluster, MetalCluster) and calls synth(); a .ts app
                   runs with the project's ts-node (npm install --save-dev ts-node typescript); .cjs and .mjs
                   run as .js does
  cluster.yaml     a cluster file (see the JSON Schema lib/cluster-file/cluster-file.schema.json); .yml and
                   .json are cluster files too
Without an argument: cluster.ts, else cluster.yaml, else cluster.yml, in the current folder.
Exits non-zero, printing the problems, when the cluster is invalid.

Options:
  --help     this text
`;

/** The names of a cluster file, and of an app. */
const CLUSTER_FILE = /\.(ya?ml|json)$/i;
const APP = /\.(ts|js|cjs|mjs)$/;

/** What `synth` looks for when it is given nothing, in order. */
const DEFAULT_INPUTS = ['cluster.ts', 'cluster.yaml', 'cluster.yml'];

export function synthCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({ args, options: { help: { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (values.help) {
    io.out(SYNTH_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`synth takes one app or cluster file; got ${positionals.map(p => `'${p}'`).join(', ')}`);
  }
  const input = positionals[0] ?? DEFAULT_INPUTS.find(file => fs.existsSync(path.join(io.cwd, file)));
  if (input === undefined) {
    throw new CommandError(`nothing to synthesize in ${io.cwd}: expected ${DEFAULT_INPUTS.join(', ')} or a path (npx cdk-vagrant-kubernetes init writes a project)`);
  }
  const file = path.resolve(io.cwd, input);
  if (!fs.existsSync(file)) {
    throw new CommandError(`${input} does not exist`);
  }
  if (fs.statSync(file).isDirectory()) {
    throw new CommandError(`${input} is a folder; expected an app or a cluster file`);
  }
  const kind = CLUSTER_FILE.test(file) ? 'cluster file' : APP.test(file) ? 'app' : undefined;
  if (kind === undefined) {
    throw new UsageError(`synth takes an app (.ts, .js, .cjs, .mjs) or a cluster file (.yaml, .yml, .json); got '${input}'`);
  }
  const reports = kind === 'cluster file' ? [synthClusterFile(file)] : runApp(file, io);
  if (reports === undefined) { return 1; }
  for (const report of reports) {
    const outdir = path.relative(io.cwd, report.outdir) || '.';
    const warnings = report.warnings.length === 0 ? '' : ` (${report.warnings.length === 1 ? '1 warning' : `${report.warnings.length} warnings`}, printed above)`;
    io.out(`wrote ${report.files} files and manifest.json to ${outdir}/${warnings}\n`);
  }
  const last = reports[reports.length - 1];
  const folder = path.relative(io.cwd, last.outdir) || '.';
  // A Vagrant cluster's folder holds its Vagrantfile; real machines are brought up as their runbook says.
  io.out(fs.existsSync(path.join(last.outdir, 'Vagrantfile'))
    ? `next: cd ${shellWord(folder)} && vagrant up --provider virtualbox   (the runbook is README.md there)\n`
    : `next: read ${path.join(folder, 'README.md')}, the runbook: how to install the machines and check the cluster\n`);
  return 0;
}

/** A cluster file, synthesized in this process. */
function synthClusterFile(file: string): SynthReport {
  try {
    const cluster = ClusterFile.read(file);
    const manifest = cluster.synth();
    return { outdir: path.resolve(cluster.outdir), files: manifest.files.length, warnings: manifest.warnings };
  } catch (error) {
    if (error instanceof ValidationError || error instanceof OutdirError) {
      throw new CommandError(error.message);
    }
    throw error;
  }
}

/**
 * An app, run in a child process with the project's ts-node for TypeScript.
 * Each `synth()` it calls reports through a file named by an environment
 * variable, whichever copy of the library the app loads. Undefined when the
 * app failed (its output has been passed on).
 */
function runApp(app: string, io: CliIo): SynthReport[] | undefined {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-synth-'));
  try {
    const errors = writeAppErrorsPreload(scratch);
    const nodeArgs = app.endsWith('.ts') ? ['-r', tsNodeRegister(app, io), '-r', errors, app] : ['-r', errors, app];
    const reportFile = path.join(scratch, 'report.jsonl');
    const child = spawnSync(process.execPath, nodeArgs, {
      cwd: io.cwd,
      env: { ...io.env, [SYNTH_REPORT_ENV]: reportFile },
      encoding: 'utf-8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (child.stdout) { io.out(child.stdout); }
    if (child.stderr) { io.err(child.stderr); }
    if (child.error) { throw new CommandError(`could not run ${app}: ${child.error.message}`); }
    if (child.status !== 0) {
      io.err(`synth failed: ${path.relative(io.cwd, app)} exited with ${child.status === null ? `signal ${child.signal}` : `code ${child.status}`}\n`);
      return undefined;
    }
    const reports = fs.existsSync(reportFile)
      ? fs.readFileSync(reportFile, 'utf-8').trim().split('\n').map(line => JSON.parse(line) as SynthReport)
      : [];
    if (reports.length === 0) {
      throw new CommandError(`${path.relative(io.cwd, app)} ran but synthesized nothing; expected it to call synth() on its cluster`);
    }
    return reports;
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

/** ts-node's register hook, from the project of the app (never a copy of our own). */
function tsNodeRegister(app: string, io: CliIo): string {
  for (const from of [io.cwd, path.dirname(app)]) {
    try {
      return require.resolve('ts-node/register', { paths: [from] });
    } catch {
      // try the next folder
    }
  }
  throw new CommandError(`running ${path.relative(io.cwd, app)} needs ts-node in the project: npm install --save-dev ts-node typescript`);
}
