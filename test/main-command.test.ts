// The README's main command, `npx ts-node examples/default.ts`, serves the library from
// JavaScript compiled once (scripts/lib-compile-cache.js): an edit under lib/ shows on the
// next run without a build step, and an unchanged file is not transpiled again.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';

const ROOT = path.join(__dirname, '..');
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'cdk-vagrant-kubernetes', 'lib');

/** Runs a TypeScript entry point as the main command does (ts-node with the repository's tsconfig.json). */
function tsNode(entry: string, env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [require.resolve('ts-node/dist/bin'), entry], { cwd: ROOT, encoding: 'utf-8', env: { ...process.env, ...env } });
}

/**
 * Every entry of the cache now, as `<slot>/<key>.js`, with the source file its slot names. The
 * cache lives in node_modules, which worktrees and concurrent runs may share: the tests count only
 * what their own runs compiled, never the whole folder.
 */
function entries(): Map<string, string> {
  const found = new Map<string, string>();
  for (const slot of fs.existsSync(CACHE) ? fs.readdirSync(CACHE) : []) {
    let source: string;
    let names: string[];
    try {
      source = fs.readFileSync(path.join(CACHE, slot, 'source'), 'utf-8');
      names = fs.readdirSync(path.join(CACHE, slot));
    } catch {
      continue; // not a slot, or removed meanwhile by another run
    }
    names.filter(name => name.endsWith('.js')).forEach(name => found.set(`${slot}/${name}`, source));
  }
  return found;
}

/** The entries of `now` that are not in `before`. */
function newEntries(before: ReadonlyMap<string, string>, now = entries()): Array<{ entry: string; source: string }> {
  return [...now].filter(([entry]) => !before.has(entry)).map(([entry, source]) => ({ entry, source }));
}

/** Removes the slots that hold `entries`. */
function removeSlots(names: readonly string[]): void {
  names.forEach(name => fs.rmSync(path.join(CACHE, path.dirname(name)), { recursive: true, force: true }));
}

describe('the main command', () => {
  /** A module of its own under lib/ (so the tests never edit a file other tests read), and an example that prints its PROBE. */
  function probeFiles(name: string) {
    const probe = path.join(ROOT, 'lib', 'synth', `${name}-${process.pid}.ts`);
    const entry = path.join(ROOT, 'examples', `.${name}-${process.pid}.ts`);
    fs.writeFileSync(entry, `import { PROBE } from '../lib/synth/${path.basename(probe, '.ts')}';\nconsole.log(PROBE);\n`);
    return {
      probe,
      run: (value: string) => {
        fs.writeFileSync(probe, `export const PROBE: string = '${value}';\n`);
        return tsNode(entry).stdout.trim();
      },
      remove: () => [probe, entry].forEach(file => fs.rmSync(file, { force: true })),
    };
  }

  /**
   * What this repository's lib/ added to the cache since `before`, but the probes of other runs of these tests:
   * other checkouts sharing node_modules, and other runs here, add theirs meanwhile.
   */
  const compiledHere = (before: ReadonlyMap<string, string>, probe: string) => newEntries(before)
    .filter(e => e.source.startsWith(path.join(ROOT, 'lib') + path.sep))
    .filter(e => e.source === probe || !/[\\/]cache-probe-(?:[a-z]+-)?[0-9]+\.ts$/.test(e.source));

  it('sees an edit under lib/ on the next run, with no build step, from a cache keyed by content', () => {
    const { probe, run, remove } = probeFiles('cache-probe');
    const probeEntries: string[] = [];
    try {
      const start = entries();
      expect(run('first')).to.equal('first');
      const first = compiledHere(start, probe).filter(e => e.source === probe);
      expect(first, 'the probe was compiled once').to.have.length(1);
      probeEntries.push(first[0].entry);

      const afterFirst = entries();
      expect(run('second'), 'the edit shows on the next run').to.equal('second');
      const afterEdit = entries();
      const second = compiledHere(afterFirst, probe);
      probeEntries.push(...second.map(e => e.entry));
      expect(second.map(e => e.source), 'the edited file was compiled once more, nothing else').to.deep.equal([probe]);
      expect(afterEdit.has(first[0].entry), 'the entry of the version before the edit is gone').to.equal(false);
      expect([...afterEdit.values()].filter(source => source === probe), 'one entry for the probe').to.have.length(1);

      expect(run('second')).to.equal('second');
      expect(compiledHere(afterEdit, probe), 'an unchanged file is served from the cache').to.deep.equal([]);
    } finally {
      remove();
      removeSlots(probeEntries); // they serve no later run
    }
  });

  it('drops the entries of a source file that is gone, and those of the first format, at the next compile', () => {
    const gone = probeFiles('cache-probe-gone');
    const next = probeFiles('cache-probe-next');
    // Named as that format named its entries: a SHA-256 in hex.
    const legacy = path.join(CACHE, `${process.pid.toString(16).padStart(64, '0')}.js`);
    const made: string[] = [];
    try {
      expect(gone.run('gone')).to.equal('gone');
      const goneEntries = [...entries()].filter(([, source]) => source === gone.probe).map(([entry]) => entry);
      expect(goneEntries, 'the probe was compiled').to.have.length(1);
      made.push(...goneEntries);
      gone.remove();
      fs.writeFileSync(legacy, '// an entry of the first format, which kept every version in one folder\n');

      expect(next.run('next'), 'a run that compiles something').to.equal('next');
      const now = entries();
      made.push(...[...now].filter(([, source]) => source === next.probe).map(([entry]) => entry));
      expect(now.has(goneEntries[0]), 'the removed file\'s entry').to.equal(false);
      expect(fs.existsSync(path.join(CACHE, path.dirname(goneEntries[0]))), 'the removed file\'s slot').to.equal(false);
      expect(fs.existsSync(legacy), 'the entry of the first format').to.equal(false);
      expect([...now.values()].filter(source => source === next.probe), 'the new probe\'s entry').to.have.length(1);
    } finally {
      gone.remove();
      next.remove();
      fs.rmSync(legacy, { force: true });
      removeSlots(made);
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
