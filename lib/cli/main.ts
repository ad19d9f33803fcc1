import { CliIo, CommandError, UsageError } from './cli-io';
import { INIT_HELP, initCommand } from './init-command';
import { ownPackage } from './own-package';
import { SYNTH_HELP, synthCommand } from './synth-command';

export const HELP = `Usage: cdk-vagrant-kubernetes <command> [options]

Describe a multi-VM Kubernetes cluster (Vagrant VMs or real machines) as constructs,
or a Vagrant cluster as a cluster file, and synthesize every file it needs. Works offline.

Commands:
  init [folder]     write a new project: package.json, tsconfig.json, cluster.ts, .gitignore
  synth [input]     synthesize cluster.ts, an app, or a cluster file (cluster.yaml)

Options:
  --help            this text (also: <command> --help)
  --version         the version of this package
`;

const COMMANDS: Record<string, { run: (args: string[], io: CliIo) => number; help: string }> = {
  init: { run: initCommand, help: INIT_HELP },
  synth: { run: synthCommand, help: SYNTH_HELP },
};

/** Runs the command line; returns the exit code (0 done, 1 failed, 2 usage). */
export function main(argv: string[], io: CliIo = processIo()): number {
  const [command, ...args] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.out(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    io.out(`${ownPackage().version}\n`);
    return 0;
  }
  const entry = COMMANDS[command];
  if (!entry) {
    io.err(`unknown command '${command}'; expected ${Object.keys(COMMANDS).join(' or ')}\n\n${HELP}`);
    return 2;
  }
  try {
    return entry.run(args, io);
  } catch (error) {
    // parseArgs throws TypeErrors with a code for unknown or malformed options.
    if (error instanceof UsageError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`${(error as Error).message}\n\n${entry.help}`);
      return 2;
    }
    if (error instanceof CommandError) {
      io.err(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

function processIo(): CliIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: text => process.stdout.write(text),
    err: text => process.stderr.write(text),
  };
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
