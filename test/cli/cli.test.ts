// The command line, run in-process through main() with captured output. The
// packed-tarball test (package.test.ts) runs the installed bin end to end.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { Testing } from '../../lib';
import { CliIo } from '../../lib/cli/cli-io';
import { main } from '../../lib/cli/main';
import { SYNTH_REPORT_ENV } from '../../lib/synth/synth-report';
import { tempDir } from '../support/snapshot';

const REPO = path.join(__dirname, '..', '..');

/** Runs the command line in `cwd`; returns the exit code and what it printed. */
function run(cwd: string, ...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const io: CliIo = { cwd, env: process.env, out: text => { out += text; }, err: text => { err += text; } };
  const code = main(argv, io);
  return { code, out, err };
}

describe('the command line', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir(); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('prints its help with --help, for each command too, and exits 0', () => {
    expect(run(dir, '--help')).to.include({ code: 0 });
    expect(run(dir, '--help').out).to.contain('init [folder]').and.to.contain('synth [input]');
    expect(run(dir, 'init', '--help').out).to.match(/^Usage: cdk-vagrant-kubernetes init /);
    expect(run(dir, 'synth', '--help').out).to.match(/^Usage: cdk-vagrant-kubernetes synth /);
    expect(run(dir, '--version').out).to.equal(`${JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf-8')).version}\n`);
  });

  it('fails when the command is unknown or missing (exit 2, with the help)', () => {
    const unknown = run(dir, 'deploy');
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.match(/^unknown command 'deploy'; expected init or synth\n\nUsage:/);
    expect(run(dir).code).to.equal(2);
  });

  it('fails when an option is unknown or malformed (exit 2, with the command\'s help)', () => {
    const result = run(dir, 'init', '--profil', 'x');
    expect(result.code).to.equal(2);
    expect(result.err).to.contain("Unknown option '--profil'").and.to.contain('Usage: cdk-vagrant-kubernetes init');
    expect(run(dir, 'init', '--profile', 'ubuntu', '--from', REPO).err).to.match(/^--profile is 'ubuntu'; expected flatcar or classic/);
  });

  describe('synth', () => {
    it('synthesizes a cluster file and says what it wrote and what to run next', () => {
      fs.copyFileSync(path.join(REPO, 'examples', 'cluster.yaml'), path.join(dir, 'cluster.yaml'));
      fs.writeFileSync(path.join(dir, 'cluster.yaml'), fs.readFileSync(path.join(dir, 'cluster.yaml'), 'utf-8').replace('outdir: ../dist.out', 'outdir: out'));
      const result = run(dir, 'synth');
      expect(result.code, result.err).to.equal(0);
      expect(result.out).to.equal('wrote 16 files and manifest.json to out/ (2 warnings, printed above)\n'
        + 'next: cd out && vagrant up --provider virtualbox   (the runbook is README.md there)\n');
      expect(Testing.readFolder(path.join(dir, 'out'))).to.deep.equal(Testing.readFolder(path.join(REPO, 'dist.out')));
    });

    it('fails when the cluster file is invalid: exit 1 with every problem, nothing written', () => {
      fs.writeFileSync(path.join(dir, 'cluster.yaml'), 'etcd: { count: 0 }\nnodes: [{ id: node, cpus: 0 }]\n');
      const result = run(dir, 'synth', 'cluster.yaml');
      expect(result.code).to.equal(1);
      expect(result.err).to.match(/^Validation failed with 2 problems:\n.*etcd\.count is 0; .*\n.*nodes\[0\]\.cpus is 0; /);
      expect(fs.readdirSync(dir)).to.deep.equal(['cluster.yaml']);
    });

    it('runs a TypeScript app with the project\'s ts-node in a child process and reports each synth it made', () => {
      // Inside the repository (its /.tmp/ is git-ignored), so that ts-node and the examples resolve from there.
      fs.mkdirSync(path.join(REPO, '.tmp'), { recursive: true });
      const project = fs.mkdtempSync(path.join(REPO, '.tmp', 'cli-app-'));
      try {
        fs.writeFileSync(path.join(project, 'app.ts'), [
          "import { defaultCluster } from '../../examples/default';",
          "defaultCluster('first').synth();",
          "defaultCluster('second').synth();",
        ].join('\n'));
        const result = run(project, 'synth', 'app.ts');
        expect(result.code, result.err).to.equal(0);
        expect(result.out).to.equal('wrote 16 files and manifest.json to first/ (2 warnings, printed above)\n'
          + 'wrote 16 files and manifest.json to second/ (2 warnings, printed above)\n'
          + 'next: cd second && vagrant up --provider virtualbox   (the runbook is README.md there)\n');
        expect(result.err).to.contain('warning: [cluster] prefix 10.10.10').and.to.contain('warning: [cluster/plain-http] the API server serves plain HTTP');
        expect(Testing.readFolder(path.join(project, 'second'))).to.deep.equal(Testing.readFolder(path.join(REPO, 'dist.out')));
      } finally {
        fs.rmSync(project, { recursive: true, force: true });
      }
    });

    it('fails when the app throws: exit 1, its error passed on', () => {
      fs.writeFileSync(path.join(dir, 'app.js'), "throw new Error('no cluster here');\n");
      const result = run(dir, 'synth', 'app.js');
      expect(result.code).to.equal(1);
      expect(result.err).to.contain('no cluster here').and.to.contain('synth failed: app.js exited with code 1');
    });

    it('fails when the app\'s cluster is invalid: exit 1 with the error\'s message alone, no stack into the library', () => {
      fs.writeFileSync(path.join(dir, 'app.js'), [
        "const error = new Error('Validation failed with 1 problem:\\n[cluster/etcd] has unknown key \\'cpu\\'');",
        "error.name = 'ValidationError';",
        'throw error;',
      ].join('\n'));
      const result = run(dir, 'synth', 'app.js');
      expect(result.code).to.equal(1);
      expect(result.err).to.equal("Validation failed with 1 problem:\n[cluster/etcd] has unknown key 'cpu'\nsynth failed: app.js exited with code 1\n");
    });

    it('points at the runbook, not at vagrant up, for an output without a Vagrantfile (real machines)', () => {
      fs.mkdirSync(path.join(dir, 'metal'));
      fs.writeFileSync(path.join(dir, 'app.js'),
        `require('node:fs').appendFileSync(process.env.${SYNTH_REPORT_ENV}, JSON.stringify({ outdir: ${JSON.stringify(path.join(dir, 'metal'))}, files: 3, warnings: [] }) + '\\n');\n`);
      const result = run(dir, 'synth', 'app.js');
      expect(result.code, result.err).to.equal(0);
      expect(result.out).to.equal('wrote 3 files and manifest.json to metal/\nnext: read metal/README.md, the runbook: how to install the machines and check the cluster\n');
    });

    it('fails when the app synthesizes nothing', () => {
      fs.writeFileSync(path.join(dir, 'app.js'), '// builds nothing\n');
      expect(run(dir, 'synth', 'app.js').err).to.equal('app.js ran but synthesized nothing; expected it to call synth() on its cluster\n');
    });

    it('fails when there is nothing to synthesize, or the input does not exist', () => {
      expect(run(dir, 'synth').err).to.match(/^nothing to synthesize in .*: expected cluster\.ts, cluster\.yaml, cluster\.yml or a path/);
      expect(run(dir, 'synth', 'nope.yaml')).to.deep.equal({ code: 1, out: '', err: 'nope.yaml does not exist\n' });
    });

    it('fails when the input is neither an app nor a cluster file, or is a folder, running nothing', () => {
      fs.mkdirSync(path.join(dir, 'configs'));
      fs.mkdirSync(path.join(dir, 'old.yaml'));
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'etcd: {}\n');
      const result = run(dir, 'synth', 'notes.txt');
      expect(result.code).to.equal(2);
      expect(result.err).to.match(/^synth takes an app \(\.ts, \.js, \.cjs, \.mjs\) or a cluster file \(\.yaml, \.yml, \.json\); got 'notes\.txt'\n\nUsage:/);
      for (const folder of ['configs', '.', 'old.yaml']) {
        expect(run(dir, 'synth', folder), folder).to.deep.equal({ code: 1, out: '', err: `${folder} is a folder; expected an app or a cluster file\n` });
      }
      expect(fs.readdirSync(dir).sort()).to.deep.equal(['configs', 'notes.txt', 'old.yaml']);
    });

    it('reads a cluster file whatever the case of its extension, and quotes the folder in the next command', () => {
      const yaml = fs.readFileSync(path.join(REPO, 'examples', 'cluster.yaml'), 'utf-8').replace('outdir: ../dist.out', "outdir: \"my out\"");
      fs.writeFileSync(path.join(dir, 'Cluster.YAML'), yaml);
      const result = run(dir, 'synth', 'Cluster.YAML');
      expect(result.code, result.err).to.equal(0);
      expect(result.out).to.contain("next: cd 'my out' && vagrant up");
    });

    it('fails when a TypeScript app has no ts-node in its project, with the install hint', () => {
      const outside = fs.mkdtempSync('/tmp/cvk-no-ts-node-'); // outside the repository: no node_modules above it
      try {
        fs.writeFileSync(path.join(outside, 'cluster.ts'), 'export {};\n');
        expect(run(outside, 'synth').err).to.equal('running cluster.ts needs ts-node in the project: npm install --save-dev ts-node typescript\n');
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    });
  });

  describe('init', () => {
    it('writes package.json, tsconfig.json, cluster.ts and .gitignore, depending on --from', () => {
      const result = run(dir, 'init', '--from', REPO, 'my-cluster');
      expect(result.code, result.err).to.equal(0);
      const project = path.join(dir, 'my-cluster');
      expect(fs.readdirSync(project).sort()).to.deep.equal(['.gitignore', 'cluster.ts', 'package.json', 'tsconfig.json']);
      const pkg = JSON.parse(fs.readFileSync(path.join(project, 'package.json'), 'utf-8'));
      expect(pkg.name).to.equal('my-cluster');
      expect(pkg.dependencies['cdk-vagrant-kubernetes']).to.equal(`file:${REPO}`);
      expect(Object.keys(pkg.dependencies).sort()).to.deep.equal(['cdk-vagrant-kubernetes', 'cdk8s', 'constructs']);
      expect(Object.keys(pkg.devDependencies).sort()).to.deep.equal(['@types/node', 'ts-node', 'typescript']);
      expect(fs.readFileSync(path.join(project, 'cluster.ts'), 'utf-8')).to.contain('ClusterProfile.FLATCAR').and.to.contain("name: 'my-cluster'");
      expect(fs.readFileSync(path.join(project, '.gitignore'), 'utf-8')).to.contain('/dist.out.pki/');
      expect(result.out).to.equal('wrote package.json, tsconfig.json, cluster.ts, .gitignore to my-cluster/ (flatcar profile)\n'
        + 'next:\n  cd my-cluster\n  npm install\n  npx cdk-vagrant-kubernetes synth\n');
    });

    it('writes the classic profile\'s app with --profile classic', () => {
      expect(run(dir, 'init', '--profile', 'classic', '--from', 'cdk-vagrant-kubernetes@next').code).to.equal(0);
      expect(fs.readFileSync(path.join(dir, 'cluster.ts'), 'utf-8')).not.to.contain('ClusterProfile');
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8')).dependencies['cdk-vagrant-kubernetes']).to.equal('cdk-vagrant-kubernetes@next');
    });

    it('fails when the folder already holds a project file, writing nothing', () => {
      fs.writeFileSync(path.join(dir, 'cluster.ts'), '// mine\n');
      const result = run(dir, 'init', '--from', REPO);
      expect(result.code).to.equal(1);
      expect(result.err).to.contain('already holds cluster.ts; init writes a new project only');
      expect(fs.readdirSync(dir)).to.deep.equal(['cluster.ts']);
      expect(fs.readFileSync(path.join(dir, 'cluster.ts'), 'utf-8')).to.equal('// mine\n');
    });

    it('fails when the folder is a file or lies below one, writing nothing', () => {
      fs.writeFileSync(path.join(dir, 'afile'), 'x\n');
      for (const folder of ['afile', 'afile/sub']) {
        const result = run(dir, 'init', '--from', REPO, folder);
        expect(result.code, folder).to.equal(1);
        expect(result.err, folder).to.equal(`cannot make ${path.join(dir, folder)}: ${path.join(dir, 'afile')} is a file; expected a folder (or nothing yet) to write the project into\n`);
      }
      expect(fs.readdirSync(dir)).to.deep.equal(['afile']);
    });

    it('quotes the folder in the next command when a shell would split it', () => {
      expect(run(dir, 'init', '--from', REPO, 'My Cluster').out).to.contain("next:\n  cd 'My Cluster'\n");
    });

    it('fails when --from names a tarball or path that does not exist, writing nothing', () => {
      const result = run(dir, 'init', '--from', './missing.tgz', 'project');
      expect(result.code).to.equal(1);
      expect(result.err).to.contain(`--from ./missing.tgz: ${path.join(dir, 'missing.tgz')} does not exist`);
      expect(fs.existsSync(path.join(dir, 'project'))).to.equal(false);
    });

    it('fails without --from while this package is not on npm (version 0.0.0)', () => {
      const result = run(dir, 'init');
      expect(result.code).to.equal(1);
      expect(result.err).to.match(/^cdk-vagrant-kubernetes is not published on npm yet: pass --from/);
    });
  });
});
