// What an interrupted synth leaves, made by hand, and how the next synth settles it. The kills
// themselves are in write-faults.test.ts; here are the states a kill of this writer can't make
// (an earlier writer's leftovers, a person's changes in between) and the invariants of the work folder.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { defaultCluster } from '../../examples/default';
import { Testing } from '../../lib';
import { OutdirError } from '../../lib/synth/atomic-writer';
import { WRITE_AREA_GITIGNORE, WriteArea } from '../../lib/synth/write-area';
import { leftovers, snapshot, tempDir } from '../support/snapshot';

describe('leftovers of an interrupted synth', () => {
  let parent: string;
  let outdir: string;
  let area: WriteArea;
  /** The files of the seed cluster as a synth writes them. */
  let seed: Record<string, string>;
  before(() => {
    seed = Testing.synth(defaultCluster('unused'));
  });
  beforeEach(() => {
    parent = tempDir();
    outdir = path.join(parent, 'dist.out');
    area = WriteArea.of(outdir);
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  /** Writes the user's `.vagrant/` into `folder`. */
  function addVagrant(folder: string, machine = 'node-01', id = 'vm-1\n'): void {
    fs.mkdirSync(path.join(folder, '.vagrant', 'machines', machine), { recursive: true });
    fs.writeFileSync(path.join(folder, '.vagrant', 'machines', machine, 'id'), id);
  }

  it('keeps the work folder ignored by git from its first file to its last, wherever it is', () => {
    spawnSync('git', ['init', '-q', parent]);
    const seen: string[] = [];
    defaultCluster(outdir)._synthWithHooks(outdir, {
      beforeStep: step => {
        if (!fs.existsSync(area.dir)) { return; }
        expect(fs.readFileSync(path.join(area.dir, '.gitignore'), 'utf-8'), step).to.equal(WRITE_AREA_GITIGNORE);
        const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: parent, encoding: 'utf-8' }).stdout;
        expect(status.split('\n').filter(line => line.includes('.dist.out.writing')), step).to.deep.equal([]);
        if (step === 'commit') {
          const staged = path.join('.dist.out.writing', 'staging', 'user-data', 'node-01.yaml');
          expect(fs.existsSync(path.join(parent, staged))).to.equal(true);
          expect(spawnSync('git', ['check-ignore', '-q', staged], { cwd: parent }).status, `${staged} ignored`).to.equal(0);
        }
        seen.push(step);
      },
    });
    expect(seen).to.include.members(['write:Vagrantfile', 'write:manifest.json', 'commit', 'ready', 'install', 'cleanup']);
    expect(leftovers(parent)).to.deep.equal([]);
  });

  it('mends a damaged .gitignore of the work folder before it touches anything in it', () => {
    defaultCluster(outdir).synth();
    fs.mkdirSync(path.join(area.staging, 'user-data'), { recursive: true });
    fs.writeFileSync(path.join(area.dir, '.gitignore'), '');
    const checked: string[] = [];
    defaultCluster(outdir)._synthWithHooks(outdir, {
      beforeStep: step => {
        if (step.startsWith('recover:')) {
          expect(fs.readFileSync(path.join(area.dir, '.gitignore'), 'utf-8')).to.equal(WRITE_AREA_GITIGNORE);
          checked.push(step);
        }
      },
    });
    expect(checked).to.deep.equal(['recover:discard-staging', 'recover:close']);
    expect(Testing.readFolder(outdir)).to.deep.equal(seed);
    expect(leftovers(parent)).to.deep.equal([]);
  });

  it('leaves a work folder holding a file not of its own, still ignored by git, and synthesizes', () => {
    area.open();
    fs.writeFileSync(path.join(area.dir, 'notes.txt'), 'mine\n');
    defaultCluster(outdir).synth();
    expect(Testing.readFolder(outdir)).to.deep.equal(seed);
    expect(fs.readdirSync(area.dir).sort()).to.deep.equal(['.gitignore', 'notes.txt']);
    expect(fs.readFileSync(path.join(area.dir, '.gitignore'), 'utf-8')).to.equal(WRITE_AREA_GITIGNORE);
    defaultCluster(outdir).synth();
    expect(fs.readdirSync(area.dir).sort()).to.deep.equal(['.gitignore', 'notes.txt']);
  });

  it('merges a carried .vagrant/ back into one the output folder has now', () => {
    defaultCluster(outdir).synth();
    fs.cpSync(outdir, area.staging, { recursive: true });
    fs.writeFileSync(path.join(area.dir, '.gitignore'), WRITE_AREA_GITIGNORE);
    addVagrant(area.staging, 'node-01', 'carried\n');
    addVagrant(outdir, 'node-02', 'made since\n');
    defaultCluster(outdir).synth();
    expect(fs.readFileSync(path.join(outdir, '.vagrant', 'machines', 'node-01', 'id'), 'utf-8')).to.equal('carried\n');
    expect(fs.readFileSync(path.join(outdir, '.vagrant', 'machines', 'node-02', 'id'), 'utf-8')).to.equal('made since\n');
    expect(leftovers(parent)).to.deep.equal([]);
  });

  it('fails when a carried entry would replace one the output folder has now, and keeps both', () => {
    defaultCluster(outdir).synth();
    fs.cpSync(outdir, area.staging, { recursive: true });
    addVagrant(area.staging, 'node-01', 'carried\n');
    addVagrant(outdir, 'node-01', 'made since\n');
    const before = snapshot(parent);
    expect(() => defaultCluster(outdir).synth()).to.throw(OutdirError,
      `${path.join(area.staging, '.vagrant', 'machines', 'node-01', 'id')}, left by an interrupted synth in ${area.staging}, would replace `
      + `${path.join(outdir, '.vagrant', 'machines', 'node-01', 'id')}: a person must choose`);
    // Only the work folder's .gitignore was added (first of all), and no lock is left.
    const after = snapshot(parent);
    delete after['.dist.out.writing/.gitignore'];
    expect(after).to.deep.equal(before);
  });

  it('fails when the output folder was made again beside a committed output and the previous one', () => {
    defaultCluster(outdir).synth();
    fs.cpSync(outdir, area.ready, { recursive: true });
    fs.cpSync(outdir, area.previous, { recursive: true });
    expect(() => defaultCluster(outdir).synth()).to.throw(OutdirError, /holds a committed output \(ready\/\) and a previous one, and .*dist\.out exists too: a person must choose/);
    expect(fs.existsSync(area.ready)).to.equal(true);
  });

  describe('of the writer of earlier versions (.<outdir>.staging-XXXXXX, .<outdir>.previous-XXXXXX, not ignored)', () => {
    it('moves the .vagrant/ an interrupted write carried into its staging folder back, and deletes the folder', () => {
      defaultCluster(outdir).synth();
      const staging = path.join(parent, '.dist.out.staging-Ab12Cd');
      fs.cpSync(outdir, staging, { recursive: true });
      addVagrant(staging);
      fs.writeFileSync(path.join(parent, '.dist.out.staging-Zz99Zz'), 'not a folder of ours: the name does not fit\n');
      defaultCluster(outdir).synth();
      expect(fs.readFileSync(path.join(outdir, '.vagrant', 'machines', 'node-01', 'id'), 'utf-8')).to.equal('vm-1\n');
      expect(fs.readdirSync(parent).sort()).to.deep.equal(['.dist.out.staging-Zz99Zz', 'dist.out']);
    });

    it('installs the staging folder of a write cut between its two renames', () => {
      defaultCluster(outdir, '1.12.10').synth();
      fs.renameSync(outdir, path.join(parent, '.dist.out.previous-Ab12Cd'));
      const staging = path.join(parent, '.dist.out.staging-Ab12Cd');
      fs.mkdirSync(staging);
      for (const [file, content] of Object.entries(seed)) {
        fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
        fs.writeFileSync(path.join(staging, file), content);
      }
      addVagrant(staging);
      const steps: string[] = [];
      defaultCluster(outdir)._synthWithHooks(outdir, { beforeStep: step => steps.push(step) });
      expect(steps.filter(step => step.startsWith('recover:'))).to.deep.equal(['recover:legacy-install', 'recover:legacy-delete']);
      expect(fs.existsSync(path.join(outdir, '.vagrant', 'machines', 'node-01', 'id'))).to.equal(true);
      expect(fs.readdirSync(parent)).to.deep.equal(['dist.out']);
    });

    it('restores the backup when there is no output folder and no staging folder to install', () => {
      defaultCluster(outdir).synth();
      addVagrant(outdir);
      fs.renameSync(outdir, path.join(parent, '.dist.out.previous-Ab12Cd'));
      defaultCluster(outdir, '1.12.10').synth();
      expect(fs.existsSync(path.join(outdir, '.vagrant', 'machines', 'node-01', 'id'))).to.equal(true);
      expect(fs.readdirSync(parent)).to.deep.equal(['dist.out']);
    });
  });
});
