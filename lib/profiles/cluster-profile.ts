import type { ClusterSettings } from '../cluster/cluster-settings';
import type { ClusterModel } from '../cluster/cluster-model';
import type { ClusterOutput } from '../cluster/cluster-output';
import type { EndpointConventions } from '../cluster/endpoints';
import type { ProfileRunbook } from '../runbook/runbook-contribution';
import type { ValidationProblem } from '../synth/validation-error';
import type { VagrantBox } from '../vagrant/vagrant-box';

/** What a cluster uses for the props it leaves out, and how the profile's components are reached. */
export interface ProfileDefaults {
  /** First three octets of the Vagrant target's host-only network. */
  readonly prefix: string;
  /** The pod network. */
  readonly ipRange: string;
  /** The Kubernetes service range. */
  readonly serviceIpRange: string;
  /** The Kubernetes release. */
  readonly kubernetesVersion: string;
  /** Where images are pulled from. */
  readonly imageRepository: string;
  /** Schemes and ports of the API server and etcd. */
  readonly endpoints: EndpointConventions;
}

/**
 * Which OS and which Kubernetes layout the files follow. A profile is bound
 * once per synth, to a finished and validated model, and adds the constructs
 * that own the files; the tiers and the cluster never call it while they are
 * being built. Adding a profile adds files; it does not rewrite the tiers.
 */
export interface IClusterProfile {
  /** Short name, e.g. `classic`. */
  readonly name: string;
  /** Values for the cluster props that are left out. */
  readonly defaults: ProfileDefaults;
  /** The profile-dependent cluster props (`PROFILE_DEPENDENT_PROPS`) it reads; any other one set is a validation error. */
  readonly clusterProps: readonly string[];
  /** Whether the profile delivers and applies the cluster's add-ons (`addons/*.yaml`) itself. */
  readonly appliesAddons: boolean;
  /**
   * Whether the output folder is git-ignored whole (it holds private keys). Where it is not, the
   * output is meant to be committed, and an add-on holding a Secret is refused.
   */
  readonly ignoresOutput: boolean;
  /**
   * The ids `bind` gives constructs at the root of the output tree, with what each is, e.g.
   * `{ pki: "the cluster's PKI" }`: no tier may take them (a tier's id names its machines' scope there).
   */
  readonly outputIds: Readonly<Record<string, string>>;
  /** The box the Vagrant target boots the machines from. */
  readonly vagrantBox: VagrantBox;
  /** Problems with the cluster-wide settings and the profile's own options (e.g. an unsupported version); messages for the cluster. */
  validateSettings(settings: ClusterSettings): string[];
  /** Problems with the cluster's shape for this profile (e.g. more control planes than it can run). */
  validate(model: ClusterModel): ValidationProblem[];
  /** Adds the constructs that own the files (cloud-configs, units, static pods, add-ons); returns what it adds to the runbook. */
  bind(output: ClusterOutput, model: ClusterModel): ProfileBinding;
}

/** What a bound profile contributes beyond its files. */
export interface ProfileBinding {
  /** Its part of the runbook, the topology and verify.sh. */
  readonly runbook: ProfileRunbook;
}
