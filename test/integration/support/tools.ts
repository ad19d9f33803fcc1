// Shared plumbing of the integration tests: find the real tools, skip (locally)
// or fail (in CI) when one is missing, run them, and keep temp folders tidy.
import { SpawnOptions, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Set to `1` (CI does) to turn every skipped integration test into a failure. */
export const REQUIRE_TOOLS_ENV = 'CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS';

/** The Debian/Ubuntu package that provides each tool, for the skip message. */
const PACKAGE_OF: Record<string, string> = {
  'vagrant': 'vagrant (apt-get install --no-install-recommends vagrant)',
  'ruby': 'ruby',
  'systemd-analyze': 'systemd',
  'etcd': 'etcd-server',
  'etcdctl': 'etcd-client',
  'shellcheck': 'shellcheck',
  'yamllint': 'yamllint',
  'openssl': 'openssl',
  'kubectl': 'kubernetes-client (any kubectl will do)',
  'ignition-validate': 'ignition',
  'unshare': 'util-linux',
  'nsenter': 'util-linux',
  'ip': 'iproute2',
  'ss': 'iproute2',
};

/** Absolute path of an executable on PATH, or undefined. */
export function which(tool: string): string | undefined {
  for (const folder of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!folder) { continue; }
    const candidate = path.join(folder, tool);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) { return candidate; }
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * Skips the current test or suite with a printed reason, or, when
 * CDK_VAGRANT_KUBERNETES_REQUIRE_TOOLS=1, fails it with that reason.
 */
export function skipOrFail(context: Mocha.Context, reason: string): never {
  if (process.env[REQUIRE_TOOLS_ENV] === '1') {
    throw new Error(`${reason} (${REQUIRE_TOOLS_ENV}=1 turns this skip into a failure)`);
  }
  process.stdout.write(`      skipped: ${reason}\n`);
  context.skip();
}

/**
 * Returns the path of every tool, or skips/fails the current test or suite
 * (call it in `before` to cover a whole suite) when one is missing.
 */
export function requireTools(context: Mocha.Context, ...tools: string[]): Record<string, string> {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const tool of tools) {
    const where = which(tool);
    if (where) { found[tool] = where; } else { missing.push(tool); }
  }
  if (missing.length > 0) {
    const packages = missing.map(tool => PACKAGE_OF[tool] ?? tool).join(', ');
    skipOrFail(context, `${missing.join(', ')} not found on PATH; install ${packages}`);
  }
  return found;
}

/** What a finished command did. */
export interface RunResult {
  /** Exit code; null when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time in milliseconds. */
  readonly ms: number;
}

/** Runs a command to completion (never through a shell) and collects its output. */
export function run(command: string, args: string[], options: SpawnOptions & { input?: string } = {}): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', chunk => { stdout += chunk; });
    child.stderr!.on('data', chunk => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', code => resolve({ code, stdout, stderr, ms: Date.now() - started }));
    // A program that exits without reading its input (openssl verify, when many run at once) closes the
    // pipe first: that EPIPE is no failure of the run, and unhandled it would crash the test run.
    child.stdin!.on('error', (error: NodeJS.ErrnoException) => { if (error.code !== 'EPIPE') { reject(error); } });
    child.stdin!.end(options.input ?? '');
  });
}

/** Both streams of a result, for assertion messages. */
export function output(result: RunResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
}

/** A fresh temp folder; remove it with {@link removeTempDir}. */
export function makeTempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cdk-vagrant-kubernetes-${label}-`));
}

/** Removes a folder made by {@link makeTempDir}; a no-op for undefined. */
export function removeTempDir(folder: string | undefined): void {
  if (folder) { fs.rmSync(folder, { recursive: true, force: true }); }
}

/** Writes an executable `#!/bin/sh` script. */
export function writeScript(file: string, body: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `#!/bin/sh\n${body}`, { mode: 0o755 });
}
