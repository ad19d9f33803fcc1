import type { IFileOwner } from '../synth/synthesized-file';

const ADDON = Symbol.for('cdk-vagrant-kubernetes.ClusterAddon');

/**
 * A file of Kubernetes objects to apply once the API server answers. The
 * model lists the user's add-ons; the profile decides how they reach the cluster.
 */
export interface IClusterAddon extends IFileOwner {
  /** The add-on's name, a DNS-1123 label; its file is `addons/<name>.yaml`. */
  readonly addonName: string;
  /** Its Kubernetes objects as JSON, as its file holds them: for the rules across add-ons, once each add-on has validated its own. */
  objects(): ReadonlyArray<Readonly<Record<string, unknown>>>;
}

/** Marks a construct as an add-on, for {@link isClusterAddon}. */
export function markClusterAddon(addon: IClusterAddon): void {
  Object.defineProperty(addon, ADDON, { value: true });
}

/** Whether a construct is an add-on. */
export function isClusterAddon(x: unknown): x is IClusterAddon {
  return x !== null && typeof x === 'object' && (x as Record<symbol, unknown>)[ADDON] === true;
}
