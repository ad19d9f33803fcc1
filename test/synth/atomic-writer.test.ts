import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { Construct } from 'constructs';
import { defaultCluster } from '../../examples/default';
import { Testing, ValidationError, VagrantCluster } from '../../lib';
import { IFileOwner, SynthesizedFile } from '../../lib/synth/synthesized-file';
import { OutdirError, writeAtomically } from '../../lib/synth/atomic-writer';
import { leftovers, snapshot, tempDir } from '../support/snapshot';

/** The seed cluster with `nodes` nodes, writing into `outdir`. */
function cluster(outdir: string, nodes = 4): VagrantCluster {
  return VagrantCluster.fromMembers({ etcd: [3, 1, 256, 11], node: [nodes, 2, 2048, 100] }, { outdir });
}

describe('atomic writer', () => {
  let parent: string;
  let outdir: string;
  beforeEach(() => {
    parent = tempDir();
    outdir = path.join(parent, 'dist.out');
  });
  afterEach(() => fs.rmSync(parent, { recursive: true, force: true }));

  it('creates the folder, with modes, and leaves nothing beside it', () => {
    cluster(outdir).synth();
    expect(fs.statSync(path.join(outdir, 'Vagrantfile')).mode & 0o777).to.equal(0o644);
    expect(Object.keys(Testing.readFolder(outdir))).to.include('manifest.json');
    expect(leftovers(parent)).to.deep.equal([]);
  });

  it('deletes files the previous manifest listed and this synth does not write', () => {
    cluster(outdir, 4).synth();
    cluster(outdir, 2).synth();
    const files = Object.keys(Testing.readFolder(outdir));
    expect(files).to.include('user-data/node-02.yaml');
    expect(files).not.to.include('user-data/node-03.yaml');
    expect(files).not.to.include('user-data/node-04.yaml');
  });

  it('keeps what it did not write, such as the .vagrant folder of `vagrant up`', () => {
    cluster(outdir).synth();
    fs.mkdirSync(path.join(outdir, '.vagrant', 'machines'), { recursive: true });
    fs.writeFileSync(path.join(outdir, '.vagrant', 'machines', 'id'), 'vm-id\n');
    fs.writeFileSync(path.join(outdir, 'pods', 'master', 'notes.txt'), 'mine\n');
    cluster(outdir, 2).synth();
    expect(fs.readFileSync(path.join(outdir, '.vagrant', 'machines', 'id'), 'utf-8')).to.equal('vm-id\n');
    expect(fs.readFileSync(path.join(outdir, 'pods', 'master', 'notes.txt'), 'utf-8')).to.equal('mine\n');
  });

  it('fails when the folder holds files but no manifest.json of ours, and leaves it as it was', () => {
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'thesis.tex'), 'years of work\n');
    const original = snapshot(outdir);
    expect(() => cluster(outdir).synth()).to.throw(OutdirError, /holds files but no readable manifest\.json written by cdk-vagrant-kubernetes; refusing/);
    expect(snapshot(outdir)).to.deep.equal(original);
    expect(leftovers(parent)).to.deep.equal([]);
  });

  it('fails when the folder has a manifest.json of another tool', () => {
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'manifest.json'), '{"name": "something else"}\n');
    expect(() => cluster(outdir).synth()).to.throw(OutdirError, /was not written by cdk-vagrant-kubernetes/);
  });

  it('fails when outdir is a file', () => {
    fs.writeFileSync(outdir, 'not a folder');
    expect(() => cluster(outdir).synth()).to.throw(OutdirError, /is not a folder/);
    expect(fs.readFileSync(outdir, 'utf-8')).to.equal('not a folder');
  });

  it('fails when a file it would write is there but was not written by it', () => {
    cluster(outdir, 2).synth();
    fs.writeFileSync(path.join(outdir, 'user-data', 'node-03.yaml'), 'hand-written\n');
    const original = snapshot(outdir);
    expect(() => cluster(outdir, 4).synth()).to.throw(OutdirError, /user-data\/node-03\.yaml, which this synth would overwrite/);
    expect(snapshot(outdir)).to.deep.equal(original);
  });

  for (const step of ['write:user-data/node-01.yaml', 'write:manifest.json', 'carry:.vagrant', 'swap']) {
    it(`keeps the old output whole when the writer crashes at ${step}`, () => {
      cluster(outdir, 4).synth();
      fs.mkdirSync(path.join(outdir, '.vagrant'));
      fs.writeFileSync(path.join(outdir, '.vagrant', 'state'), 'running\n');
      const original = snapshot(outdir);
      const crash = (at: string) => { if (at === step) { throw new Error(`simulated crash at ${at}`); } };
      expect(() => cluster(outdir, 2)._synthWithHooks(outdir, { beforeStep: crash })).to.throw(/simulated crash/);
      expect(snapshot(outdir)).to.deep.equal(original);
      expect(leftovers(parent)).to.deep.equal([]);
    });
  }

  it('has the new output whole when the crash comes after the swap', () => {
    cluster(outdir, 4).synth();
    const crash = (at: string) => { if (at === 'cleanup') { throw new Error('simulated crash at cleanup'); } };
    expect(() => cluster(outdir, 2)._synthWithHooks(outdir, { beforeStep: crash })).to.throw(/cleanup/);
    expect(Testing.readFolder(outdir)).to.deep.equal(Testing.synth(cluster('unused', 2)));
  });

  it('fails when a construct would write outside outdir, and writes nothing', () => {
    class Escape extends Construct implements IFileOwner {
      public readonly filePath = '../escaped.txt';
      public renderFile(): SynthesizedFile { return { path: this.filePath, content: 'x\n', mode: 0o644 }; }
    }
    const c = defaultCluster(outdir);
    new Escape(c, 'escape');
    expect(() => c.synth()).to.throw(ValidationError, /\[cluster\/escape\] output path '\.\.\/escaped\.txt' has a '\.\.' segment/);
    expect(fs.existsSync(path.join(parent, 'escaped.txt'))).to.equal(false);
    expect(fs.existsSync(outdir)).to.equal(false);
  });

  it('fails when a construct would write manifest.json, which synth writes itself', () => {
    class Impostor extends Construct implements IFileOwner {
      public readonly filePath = 'manifest.json';
      public renderFile(): SynthesizedFile { return { path: this.filePath, content: '{}\n', mode: 0o644 }; }
    }
    const c = defaultCluster(outdir);
    new Impostor(c, 'impostor');
    expect(() => c.synth()).to.throw(ValidationError, /\[cluster\/impostor\] writes manifest\.json, which synth writes itself/);
  });

  it('refuses a path with .. even when called directly', () => {
    expect(() => writeAtomically(outdir, [{ path: 'a/../../x', content: '', mode: 0o644 }])).to.throw(/refusing to write 'a\/\.\.\/\.\.\/x'/);
    expect(fs.existsSync(path.join(parent, 'x'))).to.equal(false);
    expect(leftovers(parent)).to.deep.equal([]);
  });

  it('writes byte-identical folders on two synths into two places', () => {
    const a = path.join(parent, 'a');
    const b = path.join(parent, 'b');
    defaultCluster(a).synth();
    defaultCluster(b).synth();
    expect(snapshot(a)).to.deep.equal(snapshot(b));
  });

  describe('a file the previous output holds unchanged', () => {
    /** Inode and mtime of every file of the output, by path. */
    const identities = (folder: string) => Object.fromEntries(Object.keys(Testing.readFolder(folder)).map(file => {
      const stat = fs.statSync(path.join(folder, file));
      return [file, `${stat.ino}@${stat.mtimeMs}`];
    }));
    const ino = (file: string) => fs.statSync(path.join(outdir, file)).ino;

    it('is linked, not written again: a second synth of the same tree keeps every file\'s inode and mtime, manifest.json included', () => {
      cluster(outdir).synth();
      const before = identities(outdir);
      const bytes = snapshot(outdir);
      cluster(outdir).synth();
      const after = identities(outdir);
      expect(snapshot(outdir)).to.deep.equal(bytes);
      expect(Object.keys(after).filter(file => after[file] !== before[file])).to.deep.equal([]);
      for (const file of Object.keys(after)) { expect(fs.statSync(path.join(outdir, file)).nlink, file).to.equal(1); }
      expect(leftovers(parent)).to.deep.equal([]);
    });

    it('is written anew when its bytes change, while the others stay linked', () => {
      cluster(outdir, 4).synth();
      const before = identities(outdir);
      cluster(outdir, 5).synth(); // a fifth node: the Vagrantfile, runbook, drawings and manifest change, the first four user-data do not
      const after = identities(outdir);
      expect(after['Vagrantfile']).not.to.equal(before['Vagrantfile']);
      expect(after['user-data/node-01.yaml']).to.equal(before['user-data/node-01.yaml']);
      expect(after['user-data/etcd-01.yaml']).to.equal(before['user-data/etcd-01.yaml']);
    });

    it('is written anew, with the synth\'s bytes, when it was edited in the output since', () => {
      cluster(outdir).synth();
      const file = path.join(outdir, 'user-data/node-01.yaml');
      const original = fs.readFileSync(file, 'utf-8');
      const edited = original.replace('#cloud-config', '#cloud-confiG'); // same size, other bytes
      fs.writeFileSync(file, edited);
      const before = ino('user-data/node-01.yaml');
      cluster(outdir).synth();
      expect(fs.readFileSync(file, 'utf-8')).to.equal(original);
      expect(ino('user-data/node-01.yaml')).not.to.equal(before);
    });

    it('is written anew, with the synth\'s mode, when its mode was changed since', () => {
      cluster(outdir).synth();
      const file = path.join(outdir, 'Vagrantfile');
      fs.chmodSync(file, 0o600);
      cluster(outdir).synth();
      expect(fs.statSync(file).mode & 0o777).to.equal(0o644);
    });

    it('is written anew when it belongs to another user, so every file of the output is the synthesizing user\'s', function () {
      if (typeof process.getuid !== 'function' || process.getuid() !== 0) { this.skip(); }
      cluster(outdir).synth();
      const file = path.join(outdir, 'Vagrantfile');
      fs.chownSync(file, 65534, 65534);
      cluster(outdir).synth();
      expect(fs.statSync(file).uid).to.equal(0);
    });

    it('fails when two files of one write have one path, and leaves the linked file of the previous output as it was', () => {
      const manifest = { path: 'manifest.json', content: `${JSON.stringify({ generator: 'cdk-vagrant-kubernetes', version: 1, files: [{ path: 'README.md' }] })}\n`, mode: 0o644 };
      writeAtomically(outdir, [{ path: 'README.md', content: 'old readme\n', mode: 0o644 }, manifest]);
      expect(() => writeAtomically(outdir, [
        { path: 'README.md', content: 'old readme\n', mode: 0o644 },
        { path: 'README.md', content: 'SECRET KEY\n', mode: 0o600 },
        manifest,
      ])).to.throw(/EEXIST/);
      expect(fs.readFileSync(path.join(outdir, 'README.md'), 'utf-8')).to.equal('old readme\n');
      expect(fs.statSync(path.join(outdir, 'README.md')).mode & 0o777).to.equal(0o644);
      expect(leftovers(parent)).to.deep.equal([]);
    });

    it('is written anew when another hard link points to it, so the output never shares an inode with a file outside it', () => {
      cluster(outdir).synth();
      const outside = path.join(parent, 'outside-link');
      fs.linkSync(path.join(outdir, 'Vagrantfile'), outside);
      cluster(outdir).synth();
      expect(ino('Vagrantfile')).not.to.equal(fs.statSync(outside).ino);
      expect(fs.statSync(outside).nlink).to.equal(1);
    });
  });
});
