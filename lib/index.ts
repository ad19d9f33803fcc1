// The public surface of cdk-vagrant-kubernetes: the constructs and their props, the
// value objects and enums they take, the errors synth throws, and the helpers for
// tests and cluster files. Everything else is internal and may change.

// Clusters and their targets.
export { Cluster, ClusterProps } from './cluster/cluster';
export { VagrantCluster, VagrantClusterProps, MembersHead, MemberRow } from './vagrant/vagrant-cluster';
export { MetalCluster, MetalClusterProps } from './metal/metal-cluster';
export { MetalMachine } from './metal/metal-machine';
export { IClusterScope } from './cluster/cluster-scope';

// Tiers of machines and what they hold.
export { MachineTier, MachineTierProps } from './cluster/machine-tier';
export { EtcdPeerTier, EtcdPeerTierProps } from './cluster/etcd-peer-tier';
export { KubeNodeTier, KubeNodeTierProps } from './cluster/kube-node-tier';
export { Machine, MachineKind } from './cluster/machine';
export { NodeRole, NodeTaint, TaintEffect } from './cluster/node-role';

// Profiles.
export { ClusterProfile } from './profiles';
export { IClusterProfile, ProfileDefaults, ProfileBinding } from './profiles/cluster-profile';
export type { ClassicProfileOptions } from './profiles/classic/profile';
export type { FlatcarProfileOptions, FlatcarAddonOptions } from './profiles/flatcar/profile';

// Workloads and files of one's own.
export { Addon, AddonProps } from './addons/addon';
export { StaticPod, StaticPodProps, StaticPodContainer, StaticPodEnv, HostMount } from './formats/static-pod';
export { CloudConfig, CloudConfigProps } from './formats/cloud-config';
export {
  CloudConfigData, CoreOsConfig, Etcd2Config, FleetConfig, FlannelConfig, CloudConfigUnit, WriteFile,
} from './formats/cloud-config-data';
export { SystemdUnit, ExecCommand, UnitSection, DirectiveValue } from './formats/systemd-unit';

// The classic profile's own constructs.
export { HyperkubePod, HyperkubePodProps, HyperkubeContainer } from './profiles/classic/hyperkube-pod';
export { FleetUnit, FleetUnitProps, IMachineSource } from './profiles/classic/fleet-unit';
export { XFleetOptions } from './profiles/classic/x-fleet';

// Synth: what it returns and throws, in-memory rendering, cluster files.
export { SynthManifest, ManifestEntry } from './synth/manifest';
export { ValidationError, ValidationProblem } from './synth/validation-error';
export { OutdirError } from './synth/outdir-error';
export { PkiError, PkiProblem } from './pki/pki-error';
export { Testing } from './synth/testing';
export { ClusterFile } from './cluster-file/cluster-file';

// Types that appear in the signatures above: what synth reads, renders and returns, and what a
// profile or a target implements. Made by the library, not by users (type-only exports).
export type { ClusterModel, TierModel, ClusterNetworks, ClusterEndpoints, NetworkRange } from './cluster/cluster-model';
export type { ClusterOutput, DeliveredFolder, MachineDelivery, LoginKey } from './cluster/cluster-output';
export type { ClusterSettings } from './cluster/cluster-settings';
export type { TargetFacts } from './cluster/target-facts';
export type { EndpointConventions } from './cluster/endpoints';
export type { PlannedMachine } from './cluster/machine';
export type { TierSizing, SizingMinimum } from './cluster/machine-tier';
export type { IClusterAddon } from './cluster/cluster-addon';
export type { IRenderable, IWarningSource, IPreparable, RenderedOutput, RenderInput } from './synth/synthesizer';
export type { SynthesizedFile, IFileOwner } from './synth/synthesized-file';
export type { ProfileRunbook, TargetRunbook, RunbookSection, RunbookColumn, VerifyCheck, VerifyPlan } from './runbook/runbook-contribution';
export type { VagrantBox } from './vagrant/vagrant-box';
export type { MachineHardware } from './metal/metal-machine';
export type { FleetMachine } from './profiles/classic/fleet-metadata';
export type { Cidr } from './cluster/ipv4';
export type { TopologyLayer } from './runbook/topology-layout';
