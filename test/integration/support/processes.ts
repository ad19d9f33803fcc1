// Long-running processes the tests start: each is tracked by PID and stopped
// by PID (never by name), in `after` hooks and, as a last resort, at exit.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';

/** A started process and where its output goes. */
export interface Started {
  readonly label: string;
  readonly pid: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Every PID still running, across all groups: killed synchronously if node exits first. */
const everyRunning = new Set<number>();
process.on('exit', () => {
  for (const pid of everyRunning) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

/** The processes of one test suite. */
export class ProcessGroup {
  private readonly running = new Map<string, Started>();

  /** Starts `command args`, output appended to `logFile`, environment as given. */
  public start(label: string, command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv): Started {
    if (this.running.has(label)) { throw new Error(`${label} is already running`); }
    const log = fs.openSync(logFile, 'a');
    const child = spawn(command, args, { env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    if (child.pid === undefined) { throw new Error(`could not start ${command}`); }
    const pid = child.pid;
    const exited = new Promise<number | string>(resolve => {
      child.on('exit', (code, signal) => {
        everyRunning.delete(pid);
        resolve(code ?? signal ?? 'unknown');
      });
    });
    const started: Started = { label, pid, logFile, child, exited };
    everyRunning.add(pid);
    this.running.set(label, started);
    return started;
  }

  /** The running process with this label, if any. */
  public get(label: string): Started | undefined {
    return this.running.get(label);
  }

  /** Kills one process by PID (SIGKILL: a crash, not a shutdown) and waits until it is gone. */
  public async crash(label: string): Promise<void> {
    const started = this.running.get(label);
    if (!started) { throw new Error(`${label} is not running`); }
    this.running.delete(label);
    killQuietly(started.pid, 'SIGKILL');
    await started.exited;
  }

  /** Stops every process by PID: SIGTERM, then SIGKILL after `graceMs`. Never throws. */
  public async stopAll(graceMs = 2000): Promise<void> {
    const all = [...this.running.values()];
    this.running.clear();
    await Promise.all(all.map(async started => {
      killQuietly(started.pid, 'SIGTERM');
      const timer = setTimeout(() => killQuietly(started.pid, 'SIGKILL'), graceMs);
      await started.exited;
      clearTimeout(timer);
    }));
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try { process.kill(pid, signal); } catch { /* already gone */ }
}

/** Last lines of a log, for failure messages. */
export function tail(logFile: string, lines = 15): string {
  try {
    return fs.readFileSync(logFile, 'utf-8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
