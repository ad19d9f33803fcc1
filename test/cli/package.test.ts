// The package as npm users get it: packed into a tarball from the repository's
// tracked files, installed into empty folders from the registry (npm's cache
// first), then `init`, `npm install` and `synth` through the installed bin.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { Testing } from '../../lib';
import { codeBlocks } from '../support/markdown';

const REPO = path.join(__dirname, '..', '..');
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

/** Runs a command; fails the test with its output when it fails. */
function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf-8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (${result.status ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout + result.stderr;
}

describe('the npm package', function () {
  this.timeout(600_000);
  let work: string;
  let tarball: string;

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cvk-package-'));
    // Pack a copy of the files git tracks or would track (not the ignored ones), so that compiling for the package leaves no .js in the repository.
    const copy = path.join(work, 'source');
    const tracked = sh('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], REPO).split('\0').filter(file => file && fs.existsSync(path.join(REPO, file)));
    for (const file of tracked) {
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.copyFileSync(path.join(REPO, file), path.join(copy, file));
    }
    fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
    sh('npm', ['pack', '--pack-destination', work, ...NPM_FLAGS], copy);
    tarball = path.join(work, fs.readdirSync(work).find(name => name.endsWith('.tgz'))!);
    const shipped = sh('tar', ['-tzf', tarball], work).trim().split('\n').map(file => file.replace(/^package\//, ''));
    expect(shipped).to.include.members(['bin/cdk-vagrant-kubernetes', 'lib/index.js', 'lib/index.d.ts', 'lib/cli/main.js', 'lib/cluster-file/cluster-file.schema.json', 'package.json']);
    expect(shipped.filter(file => file.endsWith('.ts') && !file.endsWith('.d.ts')), 'no TypeScript sources').to.deep.equal([]);
    expect(shipped.filter(file => /^(test|examples|scripts|bench|dist\.)/.test(file)), 'no repository-only folders').to.deep.equal([]);
    // One validator compiled at pack time per JSON schema of the library.
    const schemas = fs.readdirSync(path.join(REPO, 'lib'), { recursive: true, encoding: 'utf-8' }).filter(file => file.endsWith('.schema.json'));
    expect(shipped.filter(file => /^lib\/schema-validators\/[0-9a-f]{64}\.js$/.test(file))).to.have.lengthOf(schemas.length);
  });

  after(() => { fs.rmSync(work, { recursive: true, force: true }); });

  for (const profile of ['flatcar', 'classic']) {
    it(`init --from the tarball, npm install, then synth: a ${profile} cluster`, () => {
      // The bin of the packed package, run from a scratch install of it.
      const tools = path.join(work, `tools-${profile}`);
      fs.mkdirSync(tools);
      sh('npm', ['init', '-y'], tools);
      sh('npm', ['install', tarball, ...NPM_FLAGS], tools);
      const project = path.join(work, `project-${profile}`);
      const init = sh(path.join(tools, 'node_modules', '.bin', 'cdk-vagrant-kubernetes'), ['init', '--profile', profile, '--from', tarball, project], work);
      expect(init).to.contain(`(${profile} profile)`);
      sh('npm', ['install', ...NPM_FLAGS], project);
      const synth = sh('npx', ['cdk-vagrant-kubernetes', 'synth'], project);
      expect(synth).to.match(/wrote \d+ files and manifest\.json to dist\.out\//).and.to.contain('next: cd dist.out && vagrant up');
      const files = Testing.readFolder(path.join(project, 'dist.out'));
      expect(files).to.have.property('Vagrantfile');
      expect(Object.keys(files).some(file => file.startsWith(profile === 'flatcar' ? 'cloud-config/' : 'user-data/'))).to.equal(true);
      // The app type-checks against the package's declarations, as `npx tsc` would in the project.
      sh('npx', ['tsc', '-p', '.'], project);
    });
  }

  it('validates with the validators it ships: loads no ajv compiler and writes nothing into its own folder', () => {
    const tools = path.join(work, 'tools-flatcar');
    const installed = path.join(tools, 'node_modules', 'cdk-vagrant-kubernetes');
    const program = [
      "const { ClusterProfile, EtcdPeerTier, KubeNodeTier, Testing, VagrantCluster } = require('cdk-vagrant-kubernetes');",
      "for (const profile of [ClusterProfile.CLASSIC, ClusterProfile.flatcar({ pkiDir: 'unused.pki' })]) {",
      "  const cluster = new VagrantCluster({ outdir: 'unused', prefix: '192.168.56', profile });",
      "  new KubeNodeTier(cluster, 'node', { count: 2, etcd: new EtcdPeerTier(cluster, 'etcd', { count: 3 }) });",
      '  Testing.render(cluster);',
      '}',
      'console.log(JSON.stringify(Object.keys(require.cache).filter(file => /ajv[\\\\/]dist[\\\\/](core|compile|ajv)[\\\\/.]/.test(file))));',
    ].join('\n');
    const loaded = JSON.parse(sh(process.execPath, ['-e', program], tools).trim().split('\n').pop()!) as string[];
    expect(loaded, 'modules of ajv\'s compiler').to.deep.equal([]);
    // The synths of the tests above ran the installed package too.
    expect(fs.existsSync(path.join(installed, 'node_modules', '.cache')), 'a cache inside the installed package').to.equal(false);
    expect(fs.existsSync(path.join(tools, 'unused.pki')), 'a PKI written by a render').to.equal(false);
  });

  it('in an empty folder, the README\'s install commands, tsconfig and quick start type-check and synthesize a cluster', () => {
    const blocks = codeBlocks(fs.readFileSync(path.join(REPO, 'README.md'), 'utf-8'));
    const install = blocks.find(b => b.language === 'sh' && b.text.startsWith('npm init -y\n'))!.text.trim().split('\n');
    const quickStart = blocks.find(b => b.language === 'ts')!.text;
    const folder = path.join(work, 'quick-start');
    fs.mkdirSync(folder);
    for (const line of install) {
      // The package is not on the registry yet: the README says to read its name as the tarball's path.
      const [command, ...args] = line.replace(/ cdk-vagrant-kubernetes(?= )/, ` ${tarball}`).split(/\s+/);
      sh(command, command === 'npm' && args[0] === 'install' ? [...args, ...NPM_FLAGS] : args, folder);
    }
    fs.writeFileSync(path.join(folder, 'tsconfig.json'), blocks.find(b => b.language === 'json')!.text);
    fs.writeFileSync(path.join(folder, 'cluster.ts'), quickStart);
    sh('npx', ['tsc', '-p', '.'], folder);
    expect(sh('npx', ['ts-node', 'cluster.ts'], folder)).to.match(/wrote \d+ files to dist\.out\//);
    const files = Testing.readFolder(path.join(folder, 'dist.out'));
    expect(Object.keys(files)).to.include.members(['Vagrantfile', 'admin.kubeconfig', 'cloud-config/node-01.yaml', 'verify.sh']);
  });

  it('synth of examples/cluster.yaml through the installed bin writes the seed\'s files', () => {
    const tools = path.join(work, 'tools-flatcar');
    const folder = path.join(work, 'cluster-file');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'cluster.yaml'),
      fs.readFileSync(path.join(REPO, 'examples', 'cluster.yaml'), 'utf-8').replace('outdir: ../dist.out', 'outdir: out'));
    sh(path.join(tools, 'node_modules', '.bin', 'cdk-vagrant-kubernetes'), ['synth', 'cluster.yaml'], folder);
    expect(Testing.readFolder(path.join(folder, 'out'))).to.deep.equal(Testing.readFolder(path.join(REPO, 'dist.out')));
  });
});
