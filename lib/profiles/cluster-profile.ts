import type { EtcdPeerTier } from '../cluster/etcd-peer-tier';
import type { KubeNodeTier } from '../cluster/kube-node-tier';
import type { VagrantCluster } from '../vagrant/vagrant-cluster';

/** The Vagrant box a profile boots, and how user-data reaches it. */
export interface VagrantBox {
  /** Box name, e.g. `coreos-stable`. */
  readonly name: string;
  /** Where Vagrant downloads the box metadata. */
  readonly url: string;
  /** Absolute guest path that the box's coreos-cloudinit reads the user-data from on every boot. */
  readonly userDataPath: string;
  /** One line saying what the box is, for the Vagrantfile header and the docs. */
  readonly description: string;
  /** The oldest Vagrant that can run the box. */
  readonly minVagrantVersion: string;
  /** Folder of the output that holds the per-VM user-data files. */
  readonly userDataFolder: string;
}

/** What a cluster uses for the props it leaves out; each profile has its own. */
export interface ProfileDefaults {
  /** First three octets of the host-only network. */
  readonly prefix: string;
  /** The pod network. */
  readonly ipRange: string;
  /** The Kubernetes service range. */
  readonly serviceIpRange: string;
  /** The Kubernetes release. */
  readonly kubernetesVersion: string;
  /** Where images are pulled from. */
  readonly imageRepository: string;
}

/**
 * Decides which file-owning constructs go into the tiers, so that the tiers and
 * the cluster stay profile-neutral. Adding a profile adds files; it does not
 * rewrite the tiers.
 */
export interface IClusterProfile {
  /** Short name, e.g. `classic`. */
  readonly name: string;
  /** Values for the cluster props that are left out. */
  readonly defaults: ProfileDefaults;
  /** The box every VM boots. */
  readonly box: VagrantBox;
  /**
   * Whether the profile delivers and applies the cluster's add-ons (`addons/*.yaml`) itself.
   * @default false
   */
  readonly appliesAddons?: boolean;
  /** Problems with the cluster-wide settings for this profile (e.g. an unsupported version). */
  validateCluster(cluster: VagrantCluster): string[];
  /** Adds what every etcd peer needs. Called once, at the end of the tier's constructor. */
  populateEtcdTier(tier: EtcdPeerTier): void;
  /** Adds what the nodes need. Called once, at the end of the tier's constructor. */
  populateNodeTier(tier: KubeNodeTier): void;
  /**
   * Adds the cluster-wide files (the runbook, the pictures, the smoke test).
   * Called once, at the end of the cluster's constructor, before any tier
   * exists: what it adds must read the tree at synth time.
   */
  populateCluster(cluster: VagrantCluster): void;
}
