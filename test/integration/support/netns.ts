// A network namespace of a test's own, so that servers can listen on the addresses a cluster's
// files name (e.g. 10.0.40.11) without touching the host's network: `unshare --net --user
// --map-root-user` (no privilege needed) holds the namespace, `nsenter` runs commands in it.
// The namespace has nothing but its loopback and one veth pair: no route leads out of it.
import { ProcessGroup, Started, tail } from './processes';
import { RunResult, run } from './tools';

/** What the namespace's interface is called and which addresses it holds. */
export interface NamespaceNetwork {
  /** e.g. `lan0`: the interface the cluster's files name. */
  readonly interfaceName: string;
  /** `address/prefix`, e.g. `10.0.40.11/24`. */
  readonly addresses: readonly string[];
}

/** A network namespace held by a process of a {@link ProcessGroup}, stopped with it. */
export class NetworkNamespace {
  /**
   * Creates the namespace with the interface up and holding the addresses, or throws with why
   * not (user namespaces off, no `ip`).
   */
  public static async create(processes: ProcessGroup, label: string, logFile: string, network: NamespaceNetwork): Promise<NetworkNamespace> {
    const holder = processes.start(label, 'unshare', ['--net', '--user', '--map-root-user', 'sleep', '3600'], logFile, process.env);
    const namespace = new NetworkNamespace(holder);
    // unshare sets the namespaces up, then becomes sleep: wait until its net namespace differs from ours.
    const deadline = Date.now() + 5000;
    for (;;) {
      const exit = await Promise.race([holder.exited, new Promise(resolve => setTimeout(() => resolve(undefined), 50))]);
      if (exit !== undefined) { throw new Error(`unshare exited (${exit}):\n${tail(logFile)}`); }
      const ours = await run('readlink', ['/proc/self/ns/net']);
      const its = await run('readlink', [`/proc/${holder.pid}/ns/net`]);
      if (its.code === 0 && its.stdout !== ours.stdout) { break; }
      if (Date.now() > deadline) { throw new Error(`no network namespace after 5 s:\n${tail(logFile)}`); }
    }
    const peer = `${network.interfaceName}-peer`;
    const steps: string[][] = [
      ['ip', 'link', 'set', 'lo', 'up'],
      ['ip', 'link', 'add', network.interfaceName, 'type', 'veth', 'peer', 'name', peer],
      ['ip', 'link', 'set', network.interfaceName, 'up'],
      ['ip', 'link', 'set', peer, 'up'],
      ...network.addresses.map(address => ['ip', 'address', 'add', address, 'dev', network.interfaceName]),
    ];
    for (const [command, ...args] of steps) {
      const result = await namespace.run(command, args);
      if (result.code !== 0) { throw new Error(`${command} ${args.join(' ')} in the namespace: ${result.stderr.trim()}`); }
    }
    return namespace;
  }

  private constructor(private readonly holder: Started) {}

  /** The arguments that run a command in the namespace. */
  public enter(command: string, args: readonly string[]): string[] {
    return ['--target', String(this.holder.pid), '--net', '--user', '--preserve-credentials', '--', command, ...args];
  }

  /** Runs a command to completion in the namespace. */
  public run(command: string, args: readonly string[], options: Parameters<typeof run>[2] = {}): Promise<RunResult> {
    return run('nsenter', this.enter(command, args), options);
  }

  /** Starts a long-running command in the namespace, in `processes`: nsenter becomes the command, so its PID is the command's. */
  public start(processes: ProcessGroup, label: string, command: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv): Started {
    return processes.start(label, 'nsenter', this.enter(command, args), logFile, env);
  }
}
