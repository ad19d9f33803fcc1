import type { IFileOwner } from '../synth/synthesized-file';

const ADDON = Symbol.for('cdk-vagrant-kubernetes.ClusterAddon');

/**
 * A file of Kubernetes objects to apply once the API server answers. The
 * model lists the user's add-ons; the profile decides how they reach the cluster.
 */
export interface IClusterAddon extends IFileOwner {
  /** The add-on's name, a DNS-1123 label; its file is `addons/<name>.yaml`. */
  readonly addonName: string;
}

/** Marks a construct as an add-on, for {@link isClusterAddon}. */
export function markClusterAddon(addon: IClusterAddon): void {
  Object.defineProperty(addon, ADDON, { value: true });
}

/** Whether a construct is an add-on. */
export function isClusterAddon(x: unknown): x is IClusterAddon {
  return x !== null && typeof x === 'object' && (x as Record<symbol, unknown>)[ADDON] === true;
}
