import { IConstruct } from 'constructs';
import { WriterHooks, writeAtomically } from './atomic-writer';
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
  /** Makes the construct ready to render; returns problems (messages without the path), empty when ready. */
  prepare(): string[];
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
}

/**
 * Phases 1-4 of synthesis: lock the tree, validate every construct (collecting
 * all problems, then throwing once), prepare what needs it (e.g. key material),
 * render every file in memory, and check the rendered files. Writes nothing to
 * the output folder.
 */
export function renderTree(root: IConstruct): RenderedOutput {
  root.node.lock();
  const constructs = root.node.findAll();

  const problems: ValidationProblem[] = [];
  for (const construct of constructs) {
    for (const message of construct.node.validate()) {
      problems.push({ constructPath: construct.node.path, message });
    }
  }
  throwIfAny(problems);

  for (const construct of constructs.filter(isPreparable)) {
    for (const message of construct.prepare()) {
      problems.push({ constructPath: construct.node.path, message });
    }
  }
  throwIfAny(problems);

  const owners = constructs.filter(isFileOwner);
  const rendered = owners.map(owner => ({ owner, file: owner.renderFile(), constructPath: owner.node.path }));

  const byPath = new Map<string, IFileOwner>();
  for (const { owner, file } of rendered) {
    const reason = unsafePathReason(file.path);
    if (reason) {
      problems.push({ constructPath: owner.node.path, message: `output path '${file.path}' ${reason}; expected a relative path inside the output folder` });
    }
    if (file.path === MANIFEST_FILE) {
      problems.push({ constructPath: owner.node.path, message: `writes ${MANIFEST_FILE}, which synth writes itself; expected another path` });
    }
    const earlier = byPath.get(file.path);
    if (earlier) {
      problems.push({ constructPath: owner.node.path, message: `writes ${file.path}, which ${earlier.node.path} writes too; expected one owner per file` });
    }
    byPath.set(file.path, owner);
    for (const message of owner.checkFile?.(file) ?? []) {
      problems.push({ constructPath: owner.node.path, message });
    }
  }
  throwIfAny(problems);

  const warnings = constructs.filter(isWarningSource)
    .flatMap(source => source.warnings().map(message => `[${source.node.path}] ${message}`));
  const manifest = buildManifest(rendered, warnings);
  for (const message of schemaProblems(manifestSchema, manifest)) {
    problems.push({ constructPath: root.node.path, message: `manifest.json: ${message}` });
  }
  throwIfAny(problems);
  return { files: [...rendered.map(r => r.file), renderManifest(manifest)], manifest };
}

/** Options of {@link synthesizeTree}. */
export interface SynthesizeOptions {
  /** Test hooks of the writer. */
  readonly hooks?: WriterHooks;
  /**
   * Print warnings to stderr.
   * @default true
   */
  readonly printWarnings?: boolean;
}

/** All five phases: render in memory, then write atomically into `outdir`. */
export function synthesizeTree(root: IConstruct, outdir: string, options: SynthesizeOptions = {}): SynthManifest {
  const { files, manifest } = renderTree(root);
  if (options.printWarnings ?? true) {
    for (const warning of manifest.warnings) {
      process.stderr.write(`warning: ${warning}\n`);
    }
  }
  writeAtomically(outdir, files, options.hooks);
  return manifest;
}

function throwIfAny(problems: ValidationProblem[]): void {
  if (problems.length > 0) {
    throw new ValidationError(problems);
  }
}
