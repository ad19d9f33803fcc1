/** The cluster-wide settings, resolved with the profile's defaults, that a profile checks before the model exists. */
export interface ClusterSettings {
  /** The folder `synth()` writes, as given (relative to the working directory). */
  readonly outdir: string;
  readonly kubernetesVersion: string;
  readonly imageRepository: string;
  readonly ipRange: string;
  readonly serviceIpRange: string;
  readonly controlPlaneEndpoint?: string;
  /** Per-component images the user pinned, by component (`apiserver`, `controller-manager`, `scheduler`, `proxy`). */
  readonly componentImages: Readonly<Record<string, string>>;
}
