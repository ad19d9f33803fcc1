// A synth that fails writes nothing: not into the output folder, not into the PKI folder,
// and leaves no lock or work folder behind. Key material is committed only once every file
// is staged (the writer's `commit` step), just before the commit point.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { Construct } from 'constructs';
import { flatcarCluster } from '../../examples/flatcar';
import { faultCluster } from './fault-trees';
import { ClusterProfile, OutdirError, Testing, ValidationError, VagrantCluster } from '../../lib';
import { IFileOwner, SynthesizedFile } from '../../lib/synth/synthesized-file';
import { FolderLock } from '../../lib/synth/folder-lock';
import { flatcarPkiCopy } from '../support/flatcar';
import { snapshot, tempDir } from '../support/snapshot';

/** A file whose check fails: a render-phase problem, found after the PKI was prepared. */
class Unchecked extends Construct implements IFileOwner {
  public readonly filePath = 'notes/unchecked.txt';
  public renderFile(): SynthesizedFile { return { path: this.filePath, content: 'x\n', mode: 0o644 }; }
  public checkFile(): string[] { return ['is not what its schema expects']; }
}

describe('a synth that fails', () => {
  let parent: string;
  let outdir: string;
  let pkiDir: string;
  beforeEach(() => {
    parent = tempDir();
    outdir = path.join(parent, 'dist.flatcar');
    pkiDir = path.join(parent, 'dist.flatcar.pki');
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  describe('with no PKI yet (every key would be new)', () => {
    const cases: Array<[string, () => unknown, RegExp | Function]> = [
      ['the tree is invalid', () => new VagrantCluster({ outdir, profile: ClusterProfile.flatcar({ pkiDir }), prefix: 'not-an-ip' }).synth(), ValidationError],
      ['a rendered file fails its check', () => {
        const cluster = flatcarCluster(outdir, pkiDir);
        new Unchecked(cluster, 'unchecked');
        return cluster.synth();
      }, /\[cluster\/unchecked\] is not what its schema expects/],
      ['the outdir is not ours', () => {
        fs.renameSync(path.join(parent, 'thesis'), outdir);
        return flatcarCluster(outdir, pkiDir).synth();
      }, OutdirError],
      ['another synth holds the PKI folder', () => {
        const other = FolderLock.acquire(pkiDir);
        try {
          return flatcarCluster(outdir, pkiDir).synth();
        } finally {
          other.release();
        }
      }, /dist\.flatcar\.pki is being written by another synth/],
      ...['write:cloud-config/etcd-01.yaml', 'write:manifest.json', 'commit'].map(step => [
        `the write fails at ${step}`,
        () => flatcarCluster(outdir, pkiDir)._synthWithHooks(outdir, { beforeStep: at => { if (at === step) { throw new Error(`disk full at ${at}`); } } }),
        /disk full/,
      ] as [string, () => unknown, RegExp]),
    ];
    for (const [what, act, expected] of cases) {
      it(`fails when ${what}, and writes no key, no output, no lock`, () => {
        fs.mkdirSync(path.join(parent, 'thesis'));
        fs.writeFileSync(path.join(parent, 'thesis', 'thesis.tex'), 'years of work\n');
        const before = snapshot(parent);
        expect(act).to.throw(expected as RegExp);
        expect(fs.existsSync(pkiDir), 'the PKI folder').to.equal(false);
        // The one case that moves the thesis into the outdir's place: read it back under its own name.
        const after = Object.entries(snapshot(parent)).map(([entry, text]) => [entry.replace(/^dist\.flatcar(\/|$)/, 'thesis$1'), text]);
        expect(Object.fromEntries(after)).to.deep.equal(before);
      });
    }

    it('fails when a part of the outdir\'s path is a file, naming it, and writes nothing', () => {
      fs.writeFileSync(path.join(parent, 'notes'), 'a file, not a folder\n');
      const before = snapshot(parent);
      const below = path.join(parent, 'notes', 'clusters', 'dist.flatcar');
      expect(() => flatcarCluster(below, pkiDir).synth()).to.throw(OutdirError,
        `cannot make ${path.dirname(below)}, the folder of ${below}: ${path.join(parent, 'notes')} is a file; expected a path whose every part is a folder`);
      expect(snapshot(parent)).to.deep.equal(before);
    });

    it('commits the keys once every file is staged, before the commit point: a failure after it keeps them, and the old output', () => {
      expect(() => flatcarCluster(outdir, pkiDir)._synthWithHooks(outdir, { beforeStep: at => { if (at === 'ready') { throw new Error('disk full'); } } })).to.throw(/disk full/);
      expect(fs.readdirSync(pkiDir)).to.include.members(['.gitignore', 'kubernetes-ca.key']);
      expect(fs.existsSync(outdir)).to.equal(false);
      expect(fs.readdirSync(parent).sort()).to.deep.equal(['dist.flatcar.pki']);
    });
  });

  describe('over a PKI and an output', () => {
    beforeEach(() => {
      fs.cpSync(flatcarPkiCopy(), pkiDir, { recursive: true });
      flatcarCluster(outdir, pkiDir).synth();
    });

    for (const step of ['write:admin.kubeconfig', 'carry:.vagrant', 'commit', 'ready', 'swap', 'install']) {
      it(`fails when the write fails at ${step}, and leaves the PKI folder and the output as they were`, () => {
        fs.mkdirSync(path.join(outdir, '.vagrant'));
        fs.writeFileSync(path.join(outdir, '.vagrant', 'id'), 'vm\n');
        const before = { outdir: snapshot(outdir), pki: snapshot(pkiDir), parent: fs.readdirSync(parent).sort() };
        const tree = faultCluster('flatcar', 'new', outdir, pkiDir); // another pod network: other cloud-configs
        expect(() => tree._synthWithHooks(outdir, { beforeStep: at => { if (at === step) { throw new Error(`disk full at ${at}`); } } })).to.throw(/disk full/);
        expect(snapshot(outdir)).to.deep.equal(before.outdir);
        expect(snapshot(pkiDir)).to.deep.equal(before.pki);
        expect(fs.readdirSync(parent).sort()).to.deep.equal(before.parent);
      });
    }
  });

  it('installs no signal handler, at any step: Ctrl-C ends a synth as it ends any program, and the next synth settles it', () => {
    fs.cpSync(flatcarPkiCopy(), pkiDir, { recursive: true });
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGBREAK'];
    const listeners = () => signals.map(signal => `${signal}:${process.listenerCount(signal)}`);
    const before = listeners();
    const seen: string[] = [];
    flatcarCluster(outdir, pkiDir)._synthWithHooks(outdir, { beforeStep: () => seen.push(...listeners()) }, { beforeStep: () => seen.push(...listeners()) });
    expect(seen.length).to.be.greaterThan(signals.length * 10);
    expect([...new Set([...seen, ...listeners()])].sort()).to.deep.equal([...before].sort());
  });

  it('renders in memory (Testing.render) without the lock, while another synth holds it', () => {
    fs.cpSync(flatcarPkiCopy(), pkiDir, { recursive: true });
    const other = FolderLock.acquire(outdir);
    try {
      expect(Object.keys(Testing.render(flatcarCluster(outdir, pkiDir)))).to.include('admin.kubeconfig');
      expect(() => flatcarCluster(outdir, pkiDir).synth()).to.throw(OutdirError, /dist\.flatcar is being written by another synth/);
    } finally {
      other.release();
    }
    expect(fs.existsSync(outdir)).to.equal(false);
  });
});
