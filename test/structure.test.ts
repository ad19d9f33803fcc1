// The layout of lib/ that DESIGN.md asks for: no import cycle, a neutral core that
// imports no profile and no target (a type at most), and the same file names for the
// same concerns in each profile's folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { layerViolations, moduleReferences, sourcesUnder } from './support/imports';
import { tempDir } from './support/snapshot';

/** What madge answers (it ships no type declarations). */
interface MadgeGraph {
  /** Each module's dependencies, by path relative to the common folder of the inputs. */
  obj(): Record<string, string[]>;
  /** Every cycle, as the modules on it. */
  circular(): string[][];
  /** Dependencies it could not resolve. */
  warnings(): { skipped: string[] };
}
type Madge = (paths: string | string[], config: object) => Promise<MadgeGraph>;
const madge: Madge = require('madge');

const REPO = path.resolve(__dirname, '..');
const LIB = path.join(REPO, 'lib');

/** The repository's madge configuration (also read by `npx madge --circular lib`): type-only imports skipped. */
const MADGE_RC = JSON.parse(fs.readFileSync(path.join(REPO, '.madgerc'), 'utf-8'));

/** The .madgerc configuration with type-only imports skipped or kept. */
function madgeConfig(skipTypeImports: boolean): object {
  return {
    ...MADGE_RC,
    tsConfig: path.join(REPO, MADGE_RC.tsConfig),
    detectiveOptions: { ts: { skipTypeImports }, tsx: { skipTypeImports } },
  };
}

/** The folders of the neutral core, and what none of them may load at run time. */
const CORE = ['cluster', 'synth', 'formats', 'pki', 'addons', 'runbook'];
const ABOVE_CORE = ['profiles', 'vagrant', 'metal', 'index'];

/** The files every profile folder has, one per concern. */
const PROFILE_FILES = ['profile.ts', 'releases.ts', 'etcd.ts', 'node.ts', 'control-plane.ts', 'runbook.ts', 'verify.ts'];

describe('structure of lib/', () => {
  describe('import cycles (madge)', function () {
    this.timeout(60_000);
    let withoutTypes: MadgeGraph;
    let withTypes: MadgeGraph;

    before(async () => {
      withoutTypes = await madge(LIB, madgeConfig(true));
      withTypes = await madge(LIB, madgeConfig(false));
    });

    it('reads .madgerc: TypeScript sources, the repository tsconfig, type-only imports skipped', () => {
      expect(MADGE_RC).to.deep.equal({
        fileExtensions: ['ts'],
        tsConfig: 'tsconfig.json',
        detectiveOptions: { ts: { skipTypeImports: true }, tsx: { skipTypeImports: true } },
      });
    });

    it('resolves every import of every source of lib/', () => {
      const sources = sourcesUnder(LIB, '.').map(file => file.split(path.sep).join('/'));
      for (const graph of [withoutTypes, withTypes]) {
        expect(graph.warnings().skipped).to.deep.equal([]);
        // Its modules: every source, and the JSON schemas they import.
        const modules = Object.keys(graph.obj());
        expect(modules.filter(module => module.endsWith('.ts')).sort()).to.deep.equal(sources);
        expect(modules.filter(module => !module.endsWith('.ts') && !module.endsWith('.schema.json'))).to.deep.equal([]);
      }
      expect(withTypes.obj()['cluster/cluster.ts']).to.include.members(['synth/synthesizer.ts', 'cluster/kube-node-tier.ts']);
    });

    it('skips type-only imports only when told', () => {
      // lib/cluster/cluster.ts has `import type { IClusterProfile } from '../profiles/cluster-profile'`.
      expect(withTypes.obj()['cluster/cluster.ts']).to.include('profiles/cluster-profile.ts');
      expect(withoutTypes.obj()['cluster/cluster.ts']).to.not.include('profiles/cluster-profile.ts');
    });

    it('finds no cycle among the imports that load code', () => {
      expect(withoutTypes.circular()).to.deep.equal([]);
    });

    it('finds no cycle even counting type-only imports', () => {
      expect(withTypes.circular()).to.deep.equal([]);
    });

    it('fails when two modules import each other, counting type-only imports only when configured to', async () => {
      const folder = tempDir();
      try {
        fs.writeFileSync(path.join(folder, 'a.ts'), 'import { b } from \'./b\';\nexport const a = () => b;\n');
        fs.writeFileSync(path.join(folder, 'b.ts'), 'import type { C } from \'./c\';\nimport { a } from \'./a\';\nexport const b = 1;\nexport type B = C | typeof a;\n');
        fs.writeFileSync(path.join(folder, 'c.ts'), 'import type { B } from \'./b\';\nexport type C = B[];\n');
        const config = (skipTypeImports: boolean) => ({ ...madgeConfig(skipTypeImports), tsConfig: undefined });
        expect((await madge(folder, config(true))).circular()).to.deep.equal([['a.ts', 'b.ts']]);
        expect((await madge(folder, config(false))).circular()).to.have.deep.members([['a.ts', 'b.ts'], ['b.ts', 'c.ts']]);
      } finally {
        fs.rmSync(folder, { recursive: true, force: true });
      }
    });
  });

  describe('the neutral core', () => {
    it('loads no profile, no target and not the barrel: it refers to them with `import type` at most', () => {
      const violations = CORE.flatMap(folder => sourcesUnder(LIB, folder))
        .flatMap(file => layerViolations(LIB, file, fs.readFileSync(path.join(LIB, file), 'utf-8'), ABOVE_CORE));
      expect(violations.map(v => `lib/${v.file}:${v.line} ${v.text}`)).to.deep.equal([]);
    });

    it('does refer to the profiles by type: the check reads the real imports', () => {
      const references = moduleReferences('cluster.ts', fs.readFileSync(path.join(LIB, 'cluster', 'cluster.ts'), 'utf-8'));
      const toProfiles = references.filter(reference => reference.specifier.startsWith('../profiles/'));
      expect(toProfiles.map(reference => [reference.specifier, reference.typeOnly])).to.deep.equal([['../profiles/cluster-profile', true]]);
      expect(references.filter(reference => !reference.typeOnly).length).to.be.greaterThan(5);
    });

    it('fails when a core source loads a profile or a target, in any form', () => {
      const source = [
        'import { ClusterProfile } from \'../profiles\';',
        'import type { IClusterProfile } from \'../profiles/cluster-profile\';',
        'import { type VagrantBox } from \'../vagrant/vagrant-box\';',
        'import {',
        '  Vagrantfile,',
        '} from \'../vagrant/vagrantfile\';',
        'import \'../profiles/flatcar/profile\';',
        'import { Machine } from \'./machine\';',
        'import { parse } from \'yaml\';',
        'import classic = require(\'../profiles/classic/profile\');',
        'export * from \'../vagrant/vagrant-cluster\';',
        'export type { ProfileDefaults } from \'../profiles/cluster-profile\';',
        'export { Machine };',
        'type Lazy = import(\'../profiles/flatcar/pki\').ClusterPki;',
        'const lazy = () => import(\'../profiles/flatcar/pki\');',
        'const cdk8s = require(\'cdk8s\');',
        'const runtime = require(\'../vagrant/vagrant-box\');',
        'import { VagrantCluster } from \'..\';',
        'import { Testing } from \'../index\';',
        'import { Pki } from \'../pki/pki\';',
        'import type { MetalCluster } from \'../metal/metal-cluster\';',
        'import { metalRunbook } from \'../metal/metal-runbook\';',
      ].join('\n');
      const violations = layerViolations(LIB, path.join('cluster', 'fabricated.ts'), source, ABOVE_CORE);
      expect(violations.map(v => [v.line, v.target])).to.deep.equal([
        [1, 'profiles'],
        [3, 'vagrant/vagrant-box'],
        [4, 'vagrant/vagrantfile'],
        [7, 'profiles/flatcar/profile'],
        [10, 'profiles/classic/profile'],
        [11, 'vagrant/vagrant-cluster'],
        [15, 'profiles/flatcar/pki'],
        [17, 'vagrant/vagrant-box'],
        [18, 'index'],
        [19, 'index'],
        [22, 'metal/metal-runbook'],
      ]);
      expect(violations[0]).to.deep.equal({
        file: 'cluster/fabricated.ts', line: 1, target: 'profiles', text: 'import { ClusterProfile } from \'../profiles\';',
      });
    });
  });

  describe('the runbook\'s words for the target', () => {
    /** The code lines (not comments) of a source that speak of a target themselves instead of reading `model.target`. */
    const targetWords = (source: string) => source.split('\n')
      .map((text, i) => ({ line: i + 1, text: text.trim() }))
      .filter(({ text }) => !/^(\/\/|\/\*|\*)/.test(text))
      .filter(({ text }) => /vagrant (ssh|up|destroy)|Vagrant creates|Vagrantfile|host-only|\bVMs?\b|ssh core@|Ignition|\beth1\b|\blan0\b/
        .test(text.replace(/cdk-vagrant-kubernetes/g, '')));

    it('are the model\'s in the profiles\' runbooks and verify plans and in lib/runbook: none names Vagrant, its VMs or real machines', () => {
      const files = [
        ...sourcesUnder(LIB, 'runbook'),
        ...fs.readdirSync(path.join(LIB, 'profiles'), { withFileTypes: true }).filter(entry => entry.isDirectory())
          .flatMap(entry => ['runbook.ts', 'verify.ts'].map(file => path.join('profiles', entry.name, file))),
      ];
      expect(files.length).to.be.greaterThan(10);
      const found = files.flatMap(file => targetWords(fs.readFileSync(path.join(LIB, file), 'utf-8')).map(({ line, text }) => `lib/${file}:${line} ${text}`));
      expect(found).to.deep.equal([]);
    });

    it('fails when a runbook source says `vagrant ssh` or `VM` itself', () => {
      const source = [
        '/** The VMs of the cluster, reached with `vagrant ssh`. */',
        'const a = `vagrant ssh ${first} -c \'journalctl\'`;',
        'const b = count(n, \'VM\');',
        '// host-only, in a comment',
        'const c = \'# Generated by cdk-vagrant-kubernetes\';',
        'const d = model.target.runOn(machine, \'journalctl\');',
      ].join('\n');
      expect(targetWords(source).map(({ line }) => line)).to.deep.equal([2, 3]);
    });
  });

  describe('profile folders', () => {
    for (const profile of ['classic', 'flatcar']) {
      it(`gives the ${profile} profile a file per concern, named as in the other profile`, () => {
        const files = fs.readdirSync(path.join(LIB, 'profiles', profile));
        expect(files).to.include.members(PROFILE_FILES);
      });
    }
  });
});
