// The scene of a fault or concurrency test: a scratch git repository holding the output
// folder (and, for Flatcar, a ready PKI folder beside it), a `.vagrant/` folder of the user's
// inside the output, and what the output must be before and after: the files the old and the
// new tree render in memory, so that a folder written by the writer is compared with files
// the writer never touched.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { faultCluster, FaultTree, FaultVariant } from './fault-trees';
import { renderTree } from '../../lib/synth/synthesizer';
import { flatcarPkiCopy } from '../support/flatcar';
import { tempDir } from '../support/snapshot';

/** Path → `<mode> <content>` of every output file. */
export type OutputFiles = Record<string, string>;

/** The user's files the scene puts into the output folder: never written by synth, never to be lost. */
const USER_FILES: Record<FaultTree, Record<string, string>> = {
  classic: { '.vagrant/machines/node-01/virtualbox/id': 'vm-1234\n', 'pods/master/notes.txt': 'mine\n' },
  flatcar: { '.vagrant/machines/node-01/virtualbox/id': 'vm-5678\n' },
};

/** Text that marks a file holding a private key. */
const KEY_MARKERS = ['PRIVATE KEY', 'client-key-data'];

export class FaultScene {
  /** A scratch repository with the old output (and the user's files) in it. */
  public static create(tree: FaultTree): FaultScene {
    const repo = tempDir();
    const git = spawnSync('git', ['init', '-q', repo], { encoding: 'utf-8' });
    if (git.status !== 0) { throw new Error(`git init failed: ${git.stderr}`); }
    const outdir = path.join(repo, tree === 'classic' ? 'dist.out' : 'dist.flatcar');
    const scene = new FaultScene(tree, repo, outdir, `${outdir}.pki`);
    if (tree === 'flatcar') {
      // The PKI folder is ignored before any key goes in, as ClusterPki makes it.
      const ready = flatcarPkiCopy();
      fs.mkdirSync(scene.pkiDir, { mode: 0o700 });
      fs.writeFileSync(path.join(scene.pkiDir, '.gitignore'), '*\n');
      fs.cpSync(ready, scene.pkiDir, { recursive: true });
      fs.rmSync(ready, { recursive: true, force: true });
    }
    scene.expected = { old: scene.rendered('old'), new: scene.rendered('new') };
    scene.synth('old');
    scene.addUserFiles();
    return scene;
  }

  /** The files of the old and the new output, as rendered in memory. */
  public expected!: Record<FaultVariant, OutputFiles>;

  private constructor(
    public readonly tree: FaultTree,
    /** The scratch repository. */
    public readonly repo: string,
    public readonly outdir: string,
    /** The PKI folder (Flatcar only). */
    public readonly pkiDir: string,
  ) {}

  /** The user's files, by path inside the output folder. */
  public get userFiles(): Record<string, string> {
    return USER_FILES[this.tree];
  }

  /** Synthesizes the variant into the output folder, in this process. */
  public synth(variant: FaultVariant): void {
    faultCluster(this.tree, variant, this.outdir, this.pkiDir)._synthWithHooks(this.outdir, {});
  }

  /** Puts the user's files into the output folder. */
  public addUserFiles(): void {
    for (const [relative, content] of Object.entries(this.userFiles)) {
      fs.mkdirSync(path.dirname(path.join(this.outdir, relative)), { recursive: true });
      fs.writeFileSync(path.join(this.outdir, relative), content);
    }
  }

  /** The output files of `folder` (the user's files left out), or undefined when it does not exist. */
  public outputOf(folder: string = this.outdir): OutputFiles | undefined {
    if (!fs.existsSync(folder)) { return undefined; }
    const files: OutputFiles = {};
    const walk = (relative: string) => {
      for (const entry of fs.readdirSync(path.join(folder, relative), { withFileTypes: true })) {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          walk(child);
        } else if (!(child in this.userFiles)) {
          const full = path.join(folder, child);
          files[child] = `${(fs.statSync(full).mode & 0o777).toString(8)} ${fs.readFileSync(full, 'utf-8')}`;
        }
      }
    };
    walk('');
    return sorted(files);
  }

  /** Which whole output `folder` holds: `old`, `new`, `missing`, or `mixed` (neither). */
  public stateOf(folder: string = this.outdir): FaultVariant | 'missing' | 'mixed' {
    const output = this.outputOf(folder);
    if (!output) { return 'missing'; }
    if (sameFiles(output, this.expected.old)) { return 'old'; }
    if (sameFiles(output, this.expected.new)) { return 'new'; }
    return 'mixed';
  }

  /** How `folder` differs from the variant's output: paths missing, extra, or with other content. */
  public differences(variant: FaultVariant, folder: string = this.outdir): string[] {
    const output = this.outputOf(folder) ?? {};
    const expected = this.expected[variant];
    const paths = [...new Set([...Object.keys(output), ...Object.keys(expected)])].sort();
    return paths.filter(p => output[p] !== expected[p]).map(p => (!(p in output) ? `missing ${p}` : !(p in expected) ? `extra ${p}` : `differs ${p}`));
  }

  /** Where each of the user's files is, anywhere in the repository (outside .git), by path in the output. */
  public userFileLocations(): Record<string, string[]> {
    const found: Record<string, string[]> = Object.fromEntries(Object.keys(this.userFiles).map(p => [p, []]));
    for (const file of this.allFiles()) {
      for (const [relative, content] of Object.entries(this.userFiles)) {
        if (file.endsWith(`/${relative}`) && fs.readFileSync(file, 'utf-8') === content) {
          found[relative].push(path.relative(this.repo, file));
        }
      }
    }
    return found;
  }

  /** Whether every one of the user's files is in the output folder, unchanged. */
  public userFilesInOutdir(): boolean {
    return Object.entries(this.userFiles).every(([relative, content]) => {
      const file = path.join(this.outdir, relative);
      return fs.existsSync(file) && fs.readFileSync(file, 'utf-8') === content;
    });
  }

  /** Files anywhere in the repository that hold a private key and that git does not ignore. */
  public unignoredKeyFiles(): string[] {
    const keyFiles = this.allFiles().filter(file => {
      const text = fs.readFileSync(file, 'utf-8');
      return KEY_MARKERS.some(marker => text.includes(marker));
    }).map(file => path.relative(this.repo, file));
    if (keyFiles.length === 0) { return []; }
    const check = spawnSync('git', ['check-ignore', '--stdin', '-z'], { cwd: this.repo, input: keyFiles.join('\0'), encoding: 'utf-8' });
    if (check.status !== 0 && check.status !== 1) { throw new Error(`git check-ignore failed: ${check.stderr}`); }
    const ignored = new Set(check.stdout.split('\0').filter(Boolean));
    return keyFiles.filter(file => !ignored.has(file));
  }

  /** How many files hold a private key, anywhere in the repository. */
  public keyFileCount(): number {
    return this.allFiles().filter(file => KEY_MARKERS.some(marker => fs.readFileSync(file, 'utf-8').includes(marker))).length;
  }

  /** Entries of the repository besides .git, the output folder and the PKI folder: what a writer left. */
  public leftovers(): string[] {
    const expected = new Set(['.git', path.basename(this.outdir), path.basename(this.pkiDir)]);
    return fs.readdirSync(this.repo).filter(name => !expected.has(name)).sort();
  }

  /** Removes the repository. */
  public dispose(): void {
    fs.rmSync(this.repo, { recursive: true, force: true });
  }

  /** The variant's output files as rendered in memory (the PKI folder is read, never written). */
  private rendered(variant: FaultVariant): OutputFiles {
    const files = renderTree(faultCluster(this.tree, variant, this.outdir, this.pkiDir)).files;
    return sorted(Object.fromEntries(files.map(file => [file.path, `${file.mode.toString(8)} ${file.content}`])));
  }

  /** Every file of the repository outside .git. */
  private allFiles(): string[] {
    const files: string[] = [];
    const walk = (folder: string) => {
      for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) {
          if (full !== path.join(this.repo, '.git')) { walk(full); }
        } else {
          files.push(full);
        }
      }
    };
    walk(this.repo);
    return files;
  }
}

function sorted(files: OutputFiles): OutputFiles {
  return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function sameFiles(a: OutputFiles, b: OutputFiles): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every(key => a[key] === b[key]);
}
