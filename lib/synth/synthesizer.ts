import { IConstruct } from 'constructs';
import { WriterHooks, writeAtomically } from './atomic-writer';
import { FolderLocks, LockHooks } from './folder-lock';
import { schemaProblems } from './json-schema';
import manifestSchema from './manifest.schema.json';
import { MANIFEST_FILE, SynthManifest, buildManifest, renderManifest } from './manifest';
import { unsafePathReason } from './safe-path';
import { IFileOwner, SynthesizedFile, isFileOwner } from './synthesized-file';
import { ValidationError, ValidationProblem } from './validation-error';

/** A construct that reports non-fatal findings. */
export interface IWarningSource extends IConstruct {
  /** Warnings about this construct, each a message without the path. */
  warnings(): string[];
}

/**
 * A construct that needs a step between validation and rendering, e.g. to load
 * or create key material that its files embed. The only phase that may read
 * disk outside the output folder.
 */
export interface IPreparable extends IConstruct {
  /** Makes the construct ready to render, in memory only; returns problems (messages without the path), empty when ready. */
  prepare(): string[];
  /**
   * Writes what prepare made (e.g. new key material), once every file has rendered and passed its checks
   * and the output is about to be swapped in. Never called by an in-memory render.
   */
  commit?(): void;
  /**
   * Folders outside the output folder that prepare reads and commit writes, such as a PKI
   * folder that two clusters' outdirs may share. Synth locks each (beside the folder, as the
   * output folder) from before prepare until the write ends, so two synths never mix them.
   */
  lockPaths?(): string[];
}

/** The root of a tree that renders itself: a cluster. */
export interface IRenderable extends IConstruct {
  /** Phases 1-4 in memory: validates, prepares, renders and checks every file. Writes nothing to the output folder. */
  render(): RenderedOutput;
  /**
   * What {@link render} renders: validates the tree and binds it, without preparing or
   * rendering anything and without reading the disk. `renderConstructs(renderInput())` is `render()`.
   */
  renderInput(): RenderInput;
}

function isPreparable(construct: IConstruct): construct is IPreparable {
  return typeof (construct as Partial<IPreparable>).prepare === 'function';
}

function isWarningSource(construct: IConstruct): construct is IWarningSource {
  return typeof (construct as Partial<IWarningSource>).warnings === 'function';
}

/** The in-memory result of phases 1-4: what would be written. */
export interface RenderedOutput {
  /** Every file, manifest.json last. */
  readonly files: SynthesizedFile[];
  readonly manifest: SynthManifest;
  /** Writes what the prepare phase made in memory (new key material); call it only to write the output. */
  readonly commit: () => void;
}

/** Every problem the constructs' validations report, in construct order. */
export function validationProblems(constructs: readonly IConstruct[]): ValidationProblem[] {
  return constructs.flatMap(construct => construct.node.validate().map(message => ({ constructPath: construct.node.path, message })));
}

/** Every warning of the constructs, each as `[construct/path] message`. */
export function warningsOf(constructs: readonly IConstruct[]): string[] {
  return constructs.filter(isWarningSource).flatMap(source => source.warnings().map(message => `[${source.node.path}] ${message}`));
}

/** Throws one ValidationError listing every problem, if there is any. */
export function throwIfAny(problems: readonly ValidationProblem[]): void {
  if (problems.length > 0) {
    throw new ValidationError([...problems]);
  }
}

/** What `renderConstructs` renders. */
export interface RenderInput {
  /** Every construct of the output, in the order their files are listed. */
  readonly constructs: readonly IConstruct[];
  /** Those not validated yet (the generated ones): their validations run first. */
  readonly unvalidated: readonly IConstruct[];
  /** Warnings found so far, each as `[construct/path] message`. */
  readonly warnings: readonly string[];
  /** Path of the root, for problems of the manifest. */
  readonly rootPath: string;
}

/**
 * The phases after the model is bound: validate the generated constructs
 * (collecting every problem, then throwing once), prepare what needs it (e.g.
 * key material), render every file in memory, and check the rendered files.
 * Writes nothing to the output folder.
 */
export function renderConstructs(input: RenderInput): RenderedOutput {
  const problems: ValidationProblem[] = validationProblems(input.unvalidated);
  throwIfAny(problems);

  const preparables = input.constructs.filter(isPreparable);
  for (const construct of preparables) {
    for (const message of construct.prepare()) {
      problems.push({ constructPath: construct.node.path, message });
    }
  }
  throwIfAny(problems);

  const owners = input.constructs.filter(isFileOwner);
  const rendered = owners.map(owner => ({ owner, file: owner.renderFile(), constructPath: owner.node.path }));

  const byPath = new Map<string, { path: string; owner: IFileOwner }>();
  for (const { owner, file } of rendered) {
    const reason = unsafePathReason(file.path);
    if (reason) {
      problems.push({ constructPath: owner.node.path, message: `output path '${file.path}' ${reason}; expected a relative path inside the output folder` });
    }
    if (file.path === MANIFEST_FILE) {
      problems.push({ constructPath: owner.node.path, message: `writes ${MANIFEST_FILE}, which synth writes itself; expected another path` });
    }
    // Keyed as macOS's and Windows' file systems compare paths, which take two that differ in case or Unicode normalization only for one file.
    const key = foldPath(file.path);
    const earlier = byPath.get(key);
    if (earlier?.path === file.path) {
      problems.push({ constructPath: owner.node.path, message: `writes ${file.path}, which ${earlier.owner.node.path} writes too; expected one owner per file` });
    } else if (earlier) {
      problems.push({
        constructPath: owner.node.path,
        message: `writes ${file.path}, which differs only in case or Unicode normalization from ${earlier.path} of ${earlier.owner.node.path}; `
          + 'a case-insensitive file system (macOS, Windows) would hold one file for both; expected names that differ otherwise',
      });
    } else {
      byPath.set(key, { path: file.path, owner });
    }
    for (const message of owner.checkFile?.(file) ?? []) {
      problems.push({ constructPath: owner.node.path, message });
    }
  }
  problems.push(...folderClashes([...byPath.values()]));
  throwIfAny(problems);

  const manifest = buildManifest(rendered, [...input.warnings, ...warningsOf(input.unvalidated)]);
  for (const message of schemaProblems(manifestSchema, manifest)) {
    problems.push({ constructPath: input.rootPath, message: `manifest.json: ${message}` });
  }
  throwIfAny(problems);
  return {
    files: [...rendered.map(r => r.file), renderManifest(manifest)],
    manifest,
    commit: () => preparables.forEach(construct => construct.commit?.()),
  };
}

/** The folders a synth of these constructs writes outside the output folder, as their preparables name them. */
function extraLockPaths(constructs: readonly IConstruct[]): string[] {
  return constructs.filter(isPreparable).flatMap(construct => construct.lockPaths?.() ?? []);
}

/** Options of {@link synthesizeTree}. */
export interface SynthesizeOptions {
  /** Test hooks of the writer. */
  readonly hooks?: WriterHooks;
  /** Test hooks of the locks. */
  readonly lockHooks?: LockHooks;
  /**
   * Print warnings to stderr.
   * @default true
   */
  readonly printWarnings?: boolean;
}

/**
 * Every phase: bind, lock `outdir` and the folders the preparables name (one
 * synth at a time: a second one fails at once, naming the holder), prepare and
 * render in memory, then write atomically into `outdir`. The locks are released
 * however it ends.
 */
export function synthesizeTree(root: IRenderable, outdir: string, options: SynthesizeOptions = {}): SynthManifest {
  const input = root.renderInput();
  const locks = FolderLocks.acquire([outdir, ...extraLockPaths(input.constructs)], options.lockHooks);
  try {
    const { files, manifest, commit } = renderConstructs(input);
    if (options.printWarnings ?? true) {
      for (const warning of manifest.warnings) {
        process.stderr.write(`warning: ${warning}\n`);
      }
    }
    writeAtomically(outdir, files, options.hooks, () => {
      locks.assertHeld();
      commit();
    });
    return manifest;
  } catch (error) {
    // The synth's own error is what the user must see: a lock that can't be removed as well stays behind (its holder is gone then).
    try {
      locks.release();
    } catch {
      // the next synth takes over a lock whose holder is gone
    }
    throw error;
  } finally {
    locks.release(); // idempotent: a no-op after the catch
  }
}

/** Phases 1-4 of a tree, in memory. */
export function renderTree(root: IRenderable): RenderedOutput {
  return root.render();
}

/**
 * A file whose path is the folder of another file (`addons` beside `addons/flannel.yaml`): no
 * file system holds both, and the write would fail half-way with EEXIST or ENOTDIR. So is a file
 * inside the synth's own manifest.json.
 */
function folderClashes(files: ReadonlyArray<{ path: string; owner: IFileOwner }>): ValidationProblem[] {
  const folders = new Map<string, { path: string; owner: IFileOwner }>();
  for (const file of files) {
    const parts = file.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = foldPath(parts.slice(0, i).join('/'));
      if (!folders.has(folder)) { folders.set(folder, file); }
    }
  }
  const problems: ValidationProblem[] = files.flatMap(({ path, owner }) => {
    const inside = folders.get(foldPath(path));
    return inside ? [{
      constructPath: owner.node.path,
      message: `writes ${path}, which is a folder of ${inside.path} of ${inside.owner.node.path}; expected a path that is not a folder of another file`,
    }] : [];
  });
  const inManifest = folders.get(foldPath(MANIFEST_FILE));
  if (inManifest) {
    problems.push({ constructPath: inManifest.owner.node.path, message: `writes ${inManifest.path}, inside ${MANIFEST_FILE}, which synth writes itself; expected another path` });
  }
  return problems;
}

/** A path as a case-insensitive file system compares it: Unicode NFC, lower case. */
function foldPath(relative: string): string {
  return relative.normalize('NFC').toLowerCase();
}
