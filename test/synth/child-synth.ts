// Child synths for the fault and concurrency tests: test/synth/fault-child.ts and what it
// loads, compiled once to plain JavaScript (a child then starts in a fraction of the time
// ts-node takes), started, told to go, killed, and read.
import { ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FaultChildConfig, FaultChildGo } from './fault-child';

const REPO = path.resolve(__dirname, '..', '..');
/** What the child loads: the library, the examples, and the child with its trees. */
const SOURCES = ['lib', 'examples', 'test/synth/fault-child.ts', 'test/synth/fault-trees.ts'];

/**
 * The compiled child script. The JavaScript lives in the temp folder, in a folder named by the
 * hash of every source, made once and reused while no source changes; it links the
 * repository's node_modules, so that the child resolves packages (and the schema cache) as the library does.
 */
export function childScript(): string {
  builtScript ??= buildChildScript();
  return builtScript;
}

/** The script {@link childScript} built in this process: the sources are hashed once, not once per child. */
let builtScript: string | undefined;

function buildChildScript(): string {
  const files = SOURCES.flatMap(source => listFiles(path.join(REPO, source))).filter(file => /\.(ts|json)$/.test(file) && !file.endsWith('.d.ts')).sort();
  const hash = crypto.createHash('sha256');
  for (const file of files) { hash.update(file).update('\0').update(fs.readFileSync(file)).update('\0'); }
  const build = path.join(os.tmpdir(), `${BUILD_PREFIX}${hash.digest('hex').slice(0, 16)}`);
  const script = path.join(build, 'test', 'synth', 'fault-child.js');
  if (fs.existsSync(script)) {
    const now = new Date();
    fs.utimesSync(build, now, now); // in use: see removeStaleBuilds
  } else {
    removeStaleBuilds(os.tmpdir(), Date.now());
    const temp = fs.mkdtempSync(`${build}.tmp-`);
    const ts: typeof import('typescript') = require('typescript');
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true };
    for (const file of files) {
      const relative = path.relative(REPO, file);
      const destination = path.join(temp, relative.replace(/\.ts$/, '.js'));
      fs.mkdirSync(path.dirname(destination), { recursive: true });
      const source = fs.readFileSync(file, 'utf-8');
      fs.writeFileSync(destination, file.endsWith('.ts') ? ts.transpileModule(source, { compilerOptions, fileName: file }).outputText : source);
    }
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(temp, 'node_modules'));
    try {
      fs.renameSync(temp, build);
    } catch {
      fs.rmSync(temp, { recursive: true, force: true }); // another run made it meanwhile
    }
  }
  return script;
}

/** The name of every build of the child in the temp folder, before the hash of its sources. */
export const BUILD_PREFIX = 'cdk-vagrant-kubernetes-fault-child-';
/** A build not used for this long is of sources long edited: a test run takes minutes. */
export const STALE_BUILD_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the builds in `folder` that no run has used for {@link STALE_BUILD_MS}: each edit of the
 * sources makes a new one (1.3 MB), and without this they would pile up in the temp folder.
 */
export function removeStaleBuilds(folder: string, now: number): void {
  for (const name of fs.readdirSync(folder)) {
    if (!name.startsWith(BUILD_PREFIX)) { continue; }
    const build = path.join(folder, name);
    try {
      if (now - fs.lstatSync(build).mtimeMs > STALE_BUILD_MS) { fs.rmSync(build, { recursive: true, force: true }); }
    } catch {
      // another run removed it meanwhile
    }
  }
}

/** Every file below `root` (or `root` itself when it is a file). */
function listFiles(root: string): string[] {
  if (!fs.statSync(root).isDirectory()) { return [root]; }
  return fs.readdirSync(root, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(root, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/** How a child synth ended. */
export interface ChildResult {
  /** Exit code, or null when killed. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Every writer and lock step it began, in order (`open`, `write:Vagrantfile`, `create:<lock file>`...). */
  readonly steps: string[];
  /** The error it reported, if it failed. */
  readonly error?: { name: string; message: string };
  /** Whether it reported success. */
  readonly done: boolean;
  readonly stderr: string;
  /** Milliseconds from `go` to the writer's first step (`open`), by the child's clock, if it got there. */
  readonly writeStartMs?: number;
  /** Milliseconds from `go` to `done`, by the child's clock, if it got there. */
  readonly doneMs?: number;
}

/** A child synth: started (loading), then told to go, then awaited or killed. */
export class ChildSynth {
  /** Starts a child; it loads everything and waits for {@link go}. */
  public static start(config: FaultChildConfig): ChildSynth {
    return new ChildSynth(spawn(process.execPath, [childScript()], {
      env: { ...process.env, CDK_VAGRANT_KUBERNETES_FAULT_CHILD: JSON.stringify(config) },
      stdio: ['pipe', 'pipe', 'pipe'],
    }));
  }

  /** Resolves once the child has loaded and waits for {@link go}; rejects if it ends first. */
  public readonly ready: Promise<void>;
  private readonly ended: Promise<ChildResult>;
  private stdout = '';
  private stderr = '';
  private wentAt = 0;

  private constructor(private readonly child: ChildProcess) {
    this.child.stdout!.setEncoding('utf-8').on('data', (chunk: string) => { this.stdout += chunk; });
    this.child.stderr!.setEncoding('utf-8').on('data', (chunk: string) => { this.stderr += chunk; });
    this.ended = new Promise(resolve => this.child.on('close', (code, signal) => resolve(this.result(code, signal))));
    this.ready = new Promise((resolve, reject) => {
      const poll = () => {
        if (this.stdout.startsWith('ready\n')) { resolve(); return; }
        this.child.stdout!.once('data', poll);
      };
      poll();
      this.ended.then(result => reject(new Error(`child synth ended before it was ready: ${result.stderr}`)));
    });
    this.ready.catch(() => undefined); // awaited by the caller; never an unhandled rejection
  }

  /** Tells the child to synthesize now (and when to kill itself, if it must). */
  public go(go: FaultChildGo): void {
    this.wentAt = performance.timeOrigin + performance.now();
    this.child.stdin!.end(`${JSON.stringify(go)}\n`);
  }

  /** Kills the child now (SIGKILL), e.g. one started but not needed. */
  public kill(): void {
    this.child.kill('SIGKILL');
  }

  /** Resolves when the child has exited (its pid is then gone). */
  public exited(): Promise<ChildResult> {
    return this.ended;
  }

  private result(code: number | null, signal: NodeJS.Signals | null): ChildResult {
    const lines = this.stdout.split('\n');
    const errorLine = lines.find(line => line.startsWith('error '));
    const timed = lines.map(line => /^(step|lock|done) ?(.*) @([\d.]+)$/.exec(line)).filter((match): match is RegExpExecArray => match !== null);
    const since = (match: RegExpExecArray | undefined) => (match && this.wentAt ? Number(match[3]) - this.wentAt : undefined);
    return {
      code,
      signal,
      steps: timed.filter(match => match[1] !== 'done').map(match => match[2]),
      error: errorLine ? JSON.parse(errorLine.slice('error '.length)) : undefined,
      done: timed.some(match => match[1] === 'done'),
      stderr: this.stderr,
      writeStartMs: since(timed.find(match => match[1] === 'step' && match[2] === 'open')),
      doneMs: since(timed.find(match => match[1] === 'done')),
    };
  }
}

/**
 * Child synths of one tree, one always started ahead: while a test checks what one child
 * left, the next one loads.
 */
export class ChildPool {
  private ahead?: ChildSynth;

  constructor(private readonly config: FaultChildConfig) {}

  /** A loaded child, waiting for `go`; the next one starts loading. */
  public async take(): Promise<ChildSynth> {
    const child = this.ahead ?? ChildSynth.start(this.config);
    this.ahead = ChildSynth.start(this.config);
    await child.ready;
    return child;
  }

  /** Runs one synth of a tree, killed as `go` asks, or not. */
  public async run(go: FaultChildGo): Promise<ChildResult> {
    const child = await this.take();
    child.go(go);
    return child.exited();
  }

  /** Kills the child started ahead. */
  public async close(): Promise<void> {
    if (this.ahead) {
      this.ahead.kill();
      await this.ahead.exited();
      this.ahead = undefined;
    }
  }
}
