import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeValue } from './describe-value';
import { IRenderable, renderTree, synthesizeTree } from './synthesizer';
import { ValidationError } from './validation-error';

/** Helpers for tests of constructs and of apps built with them. */
export class Testing {
  /**
   * Synthesizes the tree into a fresh temporary folder and returns every file
   * written, keyed by its path relative to the folder. `root` must be the cluster
   * (a VagrantCluster or a MetalCluster; anything else is a ValidationError). Like
   * `synth()`, it binds the tree: no construct can be added to it afterwards.
   */
  public static synth(root: IRenderable): Record<string, string> {
    assertRenderable(root);
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-vagrant-kubernetes-'));
    try {
      synthesizeTree(root, path.join(outdir, 'out'), { printWarnings: false });
      return Testing.readFolder(path.join(outdir, 'out'));
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }

  /**
   * Renders the tree in memory only (every phase but the write) and returns `{ path: content }`.
   * `root` must be the cluster, as for {@link synth}, and the tree is bound as it is there.
   */
  public static render(root: IRenderable): Record<string, string> {
    assertRenderable(root);
    return Object.fromEntries(renderTree(root).files.map(file => [file.path, file.content]));
  }

  /** Every file below `folder`, keyed by its `/`-separated relative path, sorted. */
  public static readFolder(folder: string): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (relative: string) => {
      for (const entry of fs.readdirSync(path.join(folder, relative), { withFileTypes: true })) {
        const child = relative ? `${relative}/${entry.name}` : entry.name;
        if (entry.isDirectory()) { walk(child); } else { files[child] = fs.readFileSync(path.join(folder, child), 'utf-8'); }
      }
    };
    walk('');
    return Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  private constructor() {}
}

/** A root that is not a cluster (a tier, a construct of one, anything else) as a ValidationError saying so. */
function assertRenderable(root: unknown): asserts root is IRenderable {
  const candidate = root as Partial<IRenderable> | null | undefined;
  if (candidate !== null && typeof candidate === 'object' && typeof candidate.render === 'function' && typeof candidate.renderInput === 'function') { return; }
  let where = '';
  try {
    where = String((root as { node?: { path?: unknown } } | null)?.node?.path ?? '');
  } catch {
    // a value that throws when read is described below
  }
  throw new ValidationError([{
    constructPath: where,
    message: `${where === '' ? describeValue(root) : 'this construct'} is not a cluster; expected the root of the tree, a VagrantCluster or a MetalCluster`,
  }]);
}
