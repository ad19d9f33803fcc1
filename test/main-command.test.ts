// The README's main command, `npx ts-node examples/default.ts`, serves the library from
// JavaScript compiled once (scripts/lib-compile-cache.js): an edit under lib/ shows on the
// next run without a build step, and an unchanged file is not transpiled again.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { tempFolder } from './support/flatcar';

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'cdk-vagrant-kubernetes', 'lib');

/** Runs a TypeScript entry point as the main command does (ts-node with the repository's tsconfig.json). */
function tsNode(entry: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), entry], { cwd: ROOT, encoding: 'utf-8', env: { ...process.env, ...env } });
}

/**
 * The source file of each cache entry that is not in `before`, by the entry's inline source map.
 * The cache lives in node_modules, which worktrees and concurrent runs may share: the test counts
 * only what its own runs compiled, never the whole folder.
 */
function newEntries(before: ReadonlySet<string>): Array<{ entry: string; source: string }> {
  return fs.readdirSync(CACHE).filter(entry => entry.endsWith('.js') && !before.has(entry)).flatMap(entry => {
    let text: string;
    try {
      text = fs.readFileSync(path.join(CACHE, entry), 'utf-8');
    } catch {
      return []; // removed meanwhile by another run
    }
    const map = /sourceMappingURL=data:application\/json;(?:charset=utf-8;)?base64,([A-Za-z0-9+/=]+)\s*$/.exec(text);
    return map ? [{ entry, source: path.resolve(JSON.parse(Buffer.from(map[1], 'base64').toString('utf-8')).file) }] : [];
  });
}

/** The names in the cache now. */
function entries(): Set<string> {
  return new Set(fs.existsSync(CACHE) ? fs.readdirSync(CACHE) : []);
}

describe('the main command', () => {
  it('sees an edit under lib/ on the next run, with no build step, from a cache keyed by content', () => {
    const work = tempFolder('main-command');
    // A module of its own under lib/, so the test never edits a file other tests read.
    const probe = path.join(ROOT, 'lib', 'synth', `cache-probe-${process.pid}.ts`);
    const entry = path.join(ROOT, 'examples', `.cache-probe-${process.pid}.ts`);
    /**
     * What this repository's lib/ added to the cache since `before`, but the probes of other runs of this test:
     * other checkouts sharing node_modules, and other runs here, add theirs meanwhile.
     */
    const compiledHere = (before: ReadonlySet<string>) => newEntries(before)
      .filter(e => e.source.startsWith(path.join(ROOT, 'lib') + path.sep))
      .filter(e => e.source === probe || !/[\\/]cache-probe-[0-9]+\.ts$/.test(e.source));
    const probeEntries: string[] = [];
    try {
      fs.writeFileSync(entry, `import { PROBE } from '../lib/synth/${path.basename(probe, '.ts')}';\nconsole.log(PROBE);\n`);
      fs.writeFileSync(probe, "export const PROBE: string = 'first';\n");
      const start = entries();
      expect(tsNode(entry).stdout.trim()).to.equal('first');
      const first = compiledHere(start).filter(e => e.source === probe);
      expect(first, 'the probe was compiled once').to.have.length(1);
      probeEntries.push(first[0].entry);

      const afterFirst = entries();
      fs.writeFileSync(probe, "export const PROBE: string = 'second';\n");
      expect(tsNode(entry).stdout.trim(), 'the edit shows on the next run').to.equal('second');
      const second = compiledHere(afterFirst);
      probeEntries.push(...second.map(e => e.entry));
      expect(second.map(e => e.source), 'the edited file was compiled once more, nothing else').to.deep.equal([probe]);

      const afterSecond = entries();
      expect(tsNode(entry).stdout.trim()).to.equal('second');
      expect(compiledHere(afterSecond), 'an unchanged file is served from the cache').to.deep.equal([]);
    } finally {
      fs.rmSync(probe, { force: true });
      fs.rmSync(entry, { force: true });
      fs.rmSync(work, { recursive: true, force: true });
      // The probe's entries serve no later run.
      probeEntries.forEach(name => fs.rmSync(path.join(CACHE, name), { force: true }));
    }
  });

  /** The cdk8s and ajv-compiler modules a run of `build` (an expression of the examples) loads. */
  function heavyModules(imports: string, build: string): string[] {
    const entry = path.join(ROOT, 'examples', `.loads-${process.pid}.ts`);
    try {
      fs.writeFileSync(entry, [
        "import * as os from 'node:os';",
        "import * as path from 'node:path';",
        imports,
        `${build};`,
        'const loaded = Object.keys(require.cache).map(file => path.relative(process.cwd(), file));',
        "console.log(JSON.stringify(loaded.filter(file => /node_modules[\\\\/](cdk8s|cdk8s-plus-27|ajv[\\\\/]dist[\\\\/](core|compile|ajv))[\\\\/.]/.test(file))));",
      ].join('\n'));
      tsNode(entry); // warms the caches
      const result = tsNode(entry);
      expect(result.status, result.stderr).to.equal(0);
      return JSON.parse(result.stdout.trim().split('\n').pop()!) as string[];
    } finally {
      fs.rmSync(entry, { force: true });
    }
  }

  it('loads neither cdk8s nor ajv\'s compiler for the classic cluster once the caches are warm', () => {
    expect(heavyModules("import { defaultCluster } from './default';",
      "defaultCluster(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-loads-unused')).render()")).to.deep.equal([]);
  });

  it('does load cdk8s for the add-ons of a Flatcar cluster (the check above sees what it looks for)', () => {
    const loaded = heavyModules("import { flatcarCluster } from './flatcar';",
      "flatcarCluster(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-loads-unused'), path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-loads-unused.pki')).bind()");
    expect(loaded.some(file => file.includes(`node_modules${path.sep}cdk8s${path.sep}`))).to.equal(true);
  });
});
