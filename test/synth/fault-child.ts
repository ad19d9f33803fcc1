// A synth run as a child process by the fault and concurrency tests. It reads where to write
// from the environment variable CDK_VAGRANT_KUBERNETES_FAULT_CHILD (JSON, FaultChildConfig),
// loads everything, prints `ready`, and waits for one line on stdin (JSON, FaultChildGo): then
// it synthesizes that tree, printing `step <name> @<time>` before each writer step and
// `lock <name> @<time>` before each lock step (time: milliseconds since the epoch), and ends
// with `done @<time>` (exit 0) or `error <JSON>` (exit 1), unless it is killed first: by itself
// with SIGKILL at the step `killAt`, or by a thread of its own `killAfterMs` after `go` or after
// the writer's first step, wherever the synth then is (a timer in the parent would land a
// millisecond late or more, and a busy machine would spread that further).
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { faultCluster, FaultTree, FaultVariant } from './fault-trees';

/** Where the child writes. */
export interface FaultChildConfig {
  readonly tree: FaultTree;
  readonly outdir: string;
  readonly pkiDir?: string;
  /** Start the killer thread, for `killAfterMs` (it costs as much as loading the library: only when needed). */
  readonly timed?: boolean;
}

/** What the `go` line asks for. */
export interface FaultChildGo {
  /** Which tree to write. */
  readonly variant: FaultVariant;
  /** A step (`write:manifest.json`, `swap`, `recover:install-ready`, `create:<lock file>`...) at which to die by SIGKILL. */
  readonly killAt?: string;
  /** Milliseconds after `anchor` at which to die by SIGKILL, wherever the synth is. */
  readonly killAfterMs?: number;
  /** From when `killAfterMs` counts: `go` (the default), or `open` (the writer's first step). */
  readonly anchor?: 'go' | 'open';
}

const config: FaultChildConfig = JSON.parse(process.env.CDK_VAGRANT_KUBERNETES_FAULT_CHILD ?? '{}');
const now = () => (performance.timeOrigin + performance.now()).toFixed(3);
const say = (line: string) => fs.writeSync(1, `${line}\n`);

// The killer thread: armed with a delay in microseconds (cell 1) by setting cell 0, it waits
// that long and kills the whole process.
const cells = new Int32Array(new SharedArrayBuffer(8));
const killer = config.timed ? new Worker(`
  const { workerData } = require('node:worker_threads');
  const cells = new Int32Array(workerData);
  Atomics.wait(cells, 0, 0);
  Atomics.wait(cells, 0, 1, Atomics.load(cells, 1) / 1000);
  process.kill(process.pid, 'SIGKILL');
`, { eval: true, workerData: cells.buffer }) : undefined;
killer?.unref();
const arm = (delayMs: number) => {
  Atomics.store(cells, 1, Math.round(delayMs * 1000));
  Atomics.store(cells, 0, 1);
  Atomics.notify(cells, 0);
};

// Everything a synth loads is loaded before `ready`: the tree is bound (which reads no disk).
faultCluster(config.tree, 'new', config.outdir, config.pkiDir).renderInput();
if (killer) {
  killer.once('online', () => say('ready'));
} else {
  say('ready');
}
let input = '';
process.stdin.setEncoding('utf-8').on('data', (chunk: string) => {
  input += chunk;
  if (!input.includes('\n')) { return; }
  const go: FaultChildGo = JSON.parse(input.slice(0, input.indexOf('\n')));
  const timed = go.killAfterMs !== undefined;
  if (timed && !killer) { throw new Error('killAfterMs needs a child started with timed: true'); }
  if (timed && go.anchor !== 'open') { arm(go.killAfterMs!); }
  const at = (kind: string) => (name: string) => {
    say(`${kind} ${name} @${now()}`);
    if (name === go.killAt) { process.kill(process.pid, 'SIGKILL'); }
    if (timed && go.anchor === 'open' && name === 'open') { arm(go.killAfterMs!); }
  };
  try {
    faultCluster(config.tree, go.variant, config.outdir, config.pkiDir)._synthWithHooks(config.outdir, { beforeStep: at('step') }, { beforeStep: at('lock') });
    say(`done @${now()}`);
    process.exit(0);
  } catch (error) {
    say(`error ${JSON.stringify({ name: (error as Error).name, message: (error as Error).message })}`);
    process.exit(1);
  }
});
