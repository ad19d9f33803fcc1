// The compiled child of the fault and concurrency tests: its builds in the temp folder do not pile up.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from 'chai';
import { BUILD_PREFIX, STALE_BUILD_MS, removeStaleBuilds } from './child-synth';

describe('child synth builds', () => {
  let folder: string;
  beforeEach(() => { folder = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-builds-')); });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  /** A build folder whose last use was `ageMs` ago, linking `modules` as a build links node_modules. */
  function build(name: string, ageMs: number, modules: string): string {
    const dir = path.join(folder, name);
    fs.mkdirSync(path.join(dir, 'test'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'test', 'fault-child.js'), '');
    fs.symlinkSync(modules, path.join(dir, 'node_modules'));
    const when = new Date(Date.now() - ageMs);
    fs.utimesSync(dir, when, when);
    return dir;
  }

  it('removes the builds no run used for a day, and nothing else, never following their node_modules link', () => {
    const modules = path.join(folder, 'node_modules');
    fs.mkdirSync(modules);
    fs.writeFileSync(path.join(modules, 'kept'), 'x');
    const stale = build(`${BUILD_PREFIX}0000000000000001`, STALE_BUILD_MS + 60_000, modules);
    const staleTemp = build(`${BUILD_PREFIX}0000000000000002.tmp-abc123`, STALE_BUILD_MS + 60_000, modules);
    const recent = build(`${BUILD_PREFIX}0000000000000003`, STALE_BUILD_MS - 60_000, modules);
    const other = build('someone-elses-folder', STALE_BUILD_MS * 2, modules);

    removeStaleBuilds(folder, Date.now());

    expect([stale, staleTemp].filter(dir => fs.existsSync(dir))).to.deep.equal([]);
    expect([recent, other].filter(dir => fs.existsSync(dir))).to.deep.equal([recent, other]);
    expect(fs.readFileSync(path.join(modules, 'kept'), 'utf-8')).to.equal('x');
  });
});
