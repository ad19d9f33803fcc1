import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { CliIo, CommandError, UsageError } from './cli-io';
import { clusterNameOf } from '../cluster/kubernetes-names';
import { shellWord } from '../formats/posix-shell';
import { fileOnTheWay } from '../synth/file-on-the-way';
import { ownPackage } from './own-package';
import { InitProfile, clusterTs, gitignore, packageJson, tsconfigJson } from './templates';

export const INIT_HELP = `Usage: cdk-vagrant-kubernetes init [--profile flatcar|classic] [--from <tarball|folder|spec>] [folder]

Writes a new project into folder (default: the current one): package.json,
tsconfig.json, cluster.ts and .gitignore. Then: npm install, and
npx cdk-vagrant-kubernetes synth. Refuses to overwrite any of those files, and a
folder that is a file.

Options:
  --profile  flatcar (default; boots on today's Vagrant boxes) or classic (the seed's design)
  --from     where the project installs cdk-vagrant-kubernetes from: a tarball made by
             npm pack, a folder, or any npm install spec (default: this version from npm,
             once it is published there; until then --from is required)
  --help     this text
`;

/** The files `init` writes, in order. */
const FILES = ['package.json', 'tsconfig.json', 'cluster.ts', '.gitignore'] as const;

/** The packages the app imports besides this one, and the tools `synth` runs it with. */
const PEERS = ['constructs', 'cdk8s'];
const TOOLS = ['typescript', 'ts-node', '@types/node'];

export function initCommand(args: string[], io: CliIo): number {
  const { values, positionals } = parseArgs({
    args,
    options: { profile: { type: 'string' }, from: { type: 'string' }, help: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.out(INIT_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`init takes one folder; got ${positionals.map(p => `'${p}'`).join(', ')}`);
  }
  const profile = values.profile ?? 'flatcar';
  if (profile !== 'flatcar' && profile !== 'classic') {
    throw new UsageError(`--profile is '${profile}'; expected flatcar or classic`);
  }
  const folder = path.resolve(io.cwd, positionals[0] ?? '.');
  const own = ownPackage();
  const spec = values.from === undefined ? undefined : installSpec(values.from, io.cwd);
  if (spec === undefined && own.version === '0.0.0') {
    throw new CommandError('cdk-vagrant-kubernetes is not published on npm yet: pass --from with the tarball that `npm pack` wrote '
      + '(or a clone\'s folder), e.g. init --from ../cdk-vagrant-kubernetes-0.0.0.tgz');
  }
  const existing = FILES.filter(file => fs.existsSync(path.join(folder, file)));
  if (existing.length > 0) {
    throw new CommandError(`${folder} already holds ${existing.join(', ')}; init writes a new project only: pick an empty folder`);
  }

  const dependencies: Record<string, string> = { [own.name]: spec ?? `^${own.version}` };
  for (const name of PEERS) { dependencies[name] = own.versionOf(name); }
  const devDependencies = Object.fromEntries(TOOLS.map(name => [name, own.versionOf(name)]));
  const contents: Record<(typeof FILES)[number], string> = {
    'package.json': packageJson(projectName(folder), dependencies, devDependencies),
    'tsconfig.json': tsconfigJson(),
    'cluster.ts': clusterTs(profile as InitProfile, clusterNameOf(folder)),
    '.gitignore': gitignore(),
  };
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CommandError(code === 'EEXIST' || code === 'ENOTDIR'
      ? `cannot make ${folder}: ${fileOnTheWay(folder) ?? 'a part of it'} is a file; expected a folder (or nothing yet) to write the project into`
      : `cannot make ${folder} (${(error as Error).message}); expected a folder this user may write into`);
  }
  for (const file of FILES) {
    // 'wx': never replace a file that appeared since the check above.
    fs.writeFileSync(path.join(folder, file), contents[file], { flag: 'wx' });
  }
  const where = path.relative(io.cwd, folder) || '.';
  io.out([
    `wrote ${FILES.join(', ')} to ${where}/ (${profile} profile)`,
    'next:',
    ...(where === '.' ? [] : [`  cd ${shellWord(where)}`]),
    '  npm install',
    '  npx cdk-vagrant-kubernetes synth',
    '',
  ].join('\n'));
  return 0;
}

/** An existing path becomes a `file:` spec with an absolute path; anything else is an npm spec as given. */
function installSpec(from: string, cwd: string): string {
  const candidate = path.resolve(cwd, from);
  if (fs.existsSync(candidate)) { return `file:${candidate}`; }
  // A path (./x, ../x, /x, x.tgz) that is not there would only fail at npm install, in the new project.
  if (/^\.{0,2}[\\/]|\.(tgz|tar\.gz)$/.test(from)) {
    throw new CommandError(`--from ${from}: ${candidate} does not exist; expected the tarball that \`npm pack\` wrote, a clone's folder, or an npm install spec`);
  }
  return from;
}

/** A valid npm package name from the folder's name. */
function projectName(folder: string): string {
  const name = path.basename(folder).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '');
  return name.slice(0, 214) || 'cluster';
}
