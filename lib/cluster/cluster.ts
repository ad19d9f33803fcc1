import { Construct, IConstruct } from 'constructs';
import { isClusterAddon } from './cluster-addon';
import { ClusterModel, TierModel } from './cluster-model';
import { ClusterOutput, reservedTierIdProblem } from './cluster-output';
import type { IClusterScope } from './cluster-scope';
import type { ClusterSettings } from './cluster-settings';
import { EtcdPeerTier } from './etcd-peer-tier';
import { Cidr, LOOPBACK_BLOCK, cidrsOverlap, formatIpv4, hasHostBits, parseCidr, specialPurposeBlockOf } from './ipv4';
import { KubeNodeTier } from './kube-node-tier';
import { clusterNameOf } from './kubernetes-names';
import { Machine, PlannedMachine } from './machine';
import { MachineTier } from './machine-tier';
import { NodeRole } from './node-role';
import type { TargetFacts } from './target-facts';
import { addonSetProblems } from '../addons/addon-set-rules';
import type { IClusterProfile } from '../profiles/cluster-profile';
import type { ProfileRunbook, TargetRunbook } from '../runbook/runbook-contribution';
import { addRunbookFiles } from '../runbook/runbook-files';
import type { WriterHooks } from '../synth/atomic-writer';
import type { LockHooks } from '../synth/folder-lock';
import { describeValue } from '../synth/describe-value';
import { PlainProps, plainProps } from '../synth/plain-props';
import type { SynthManifest } from '../synth/manifest';
import { reportSynth } from '../synth/synth-report';
import {
  IRenderable, IWarningSource, RenderInput, RenderedOutput, renderConstructs, synthesizeTree, throwIfAny, validationProblems, warningsOf,
} from '../synth/synthesizer';

/** Props every cluster takes, whatever its target. */
export interface ClusterProps {
  /**
   * Folder the files are written to, relative to the working directory.
   * @default 'dist.out'
   */
  readonly outdir?: string;
  /**
   * The cluster's name, a DNS-1123 label: `admin.kubeconfig` names its cluster and
   * context after it and its user `<name>-admin`, so that the kubeconfigs of two
   * clusters merge (`KUBECONFIG=a:b kubectl config get-contexts`) without one
   * hiding the other.
   * @default - the outdir's base name as a label: `dist.out` gives `dist-out`
   */
  readonly name?: string;
  /**
   * The pod network (the seed's IP_RANGE).
   * @default - the profile's: '10.11.0.0/16' (classic, the seed's IP_RANGE), '10.244.0.0/16' (Flatcar)
   */
  readonly ipRange?: string;
  /**
   * The Kubernetes service range; must overlap neither ipRange nor the host network.
   * @default - the profile's: '10.12.0.0/16' (classic; the seed reused IP_RANGE here, which breaks service routing), '10.96.0.0/16' (Flatcar)
   */
  readonly serviceIpRange?: string;
  /**
   * Kubernetes release, `MAJOR.MINOR.PATCH`.
   * @default - the profile's: '1.1.7' (classic, the seed's), '1.35.1' (Flatcar)
   */
  readonly kubernetesVersion?: string;
  /**
   * Registry and path the Kubernetes images are pulled from.
   * @default - the profile's: 'gcr.io/google_containers' (classic, the seed's), 'registry.k8s.io' (Flatcar)
   */
  readonly imageRepository?: string;
  /**
   * A virtual IP on the host network that the control planes share (held by kube-vip),
   * which the kubelets, kube-proxy, the add-ons and `admin.kubeconfig` use. A free
   * address of the host network: not its network or broadcast address, not a machine's.
   * Required with more than one control plane; the Flatcar profile only.
   * @default - none: the API server is the control plane's own address
   */
  readonly controlPlaneEndpoint?: string;
  /**
   * Which design the files follow.
   * @default - the target's: ClusterProfile.CLASSIC for a VagrantCluster, ClusterProfile.FLATCAR for a MetalCluster
   */
  readonly profile?: IClusterProfile;
}

/** The cluster props whose use depends on the profile: each profile lists those it reads (`IClusterProfile.clusterProps`). */
export const PROFILE_DEPENDENT_PROPS: readonly string[] = [
  'imageRepository', 'controlPlaneEndpoint', 'apiServerImage', 'controllerManagerImage', 'schedulerImage', 'proxyImage',
];

/**
 * The root of a cluster's tree, whatever its target: it records the props, holds
 * the tiers and add-ons as children, and synthesizes. `synth()` validates the
 * tree, reads the `ClusterModel`, lets the profile validate it, then binds the
 * target and the profile once, which add the constructs that own the files;
 * then it validates, prepares, renders, checks and writes them.
 */
export abstract class Cluster extends Construct implements IClusterScope, IRenderable, IWarningSource {
  /** The folder `synth()` writes. */
  public readonly outdir: string;
  /** The profile the files follow. */
  public readonly profile: IClusterProfile;
  /** The props as given. */
  protected readonly clusterProps: ClusterProps;
  /** The copy of the props (see plainProps): what of them could not be read, reported with the cluster's other problems. */
  protected readonly copiedProps: PlainProps<ClusterProps | undefined>;
  private readonly profileProblem?: string;
  private readonly placed = new WeakMap<MachineTier, Machine[]>();

  protected constructor(id: string, props: ClusterProps | undefined, defaultProfile: () => IClusterProfile) {
    super(undefined as unknown as Construct, id);
    // Props of any shape are kept (their plain data copied) and checked at synth time, with every other problem.
    // The profile is kept as it is: an object of its own, used through its methods.
    this.copiedProps = plainProps(props, { live: ['profile'] });
    this.clusterProps = this.copiedProps.props ?? {};
    this.outdir = typeof this.clusterProps.outdir === 'string' && this.clusterProps.outdir !== '' ? this.clusterProps.outdir : 'dist.out';
    const profile = this.clusterProps.profile;
    if (profile !== undefined && !isClusterProfile(profile)) {
      this.profileProblem = `profile is ${describeValue(profile)}; expected a profile such as ClusterProfile.CLASSIC, ClusterProfile.FLATCAR or ClusterProfile.flatcar({ ... })`;
    }
    this.profile = profile !== undefined && isClusterProfile(profile) ? profile : defaultProfile();
    this.node.addValidation({ validate: () => this.validateCluster() });
  }

  public get ipRange(): string {
    return this.clusterProps.ipRange ?? this.profile.defaults.ipRange;
  }

  public get serviceIpRange(): string {
    return this.clusterProps.serviceIpRange ?? this.profile.defaults.serviceIpRange;
  }

  public get kubernetesVersion(): string {
    return this.clusterProps.kubernetesVersion ?? this.profile.defaults.kubernetesVersion;
  }

  public get imageRepository(): string {
    return this.clusterProps.imageRepository ?? this.profile.defaults.imageRepository;
  }

  /** The cluster's name (see {@link ClusterProps.name}). */
  public get clusterName(): string {
    return this.clusterProps.name ?? clusterNameOf(this.outdir);
  }

  /** The virtual IP of the control planes, if any. */
  public get controlPlaneEndpoint(): string | undefined {
    return this.clusterProps.controlPlaneEndpoint;
  }

  /** The tiers, in the order they were added. */
  public get tiers(): MachineTier[] {
    return this.node.children.filter(MachineTier.isMachineTier);
  }

  /** Every machine, tier by tier. */
  public get machines(): Machine[] {
    return this.tiers.flatMap(tier => this.machinesOf(tier));
  }

  /** The machines of a tier, placed by the target (none while the tier's props are invalid). */
  public machinesOf(tier: IConstruct): Machine[] {
    if (!MachineTier.isMachineTier(tier)) { return []; }
    // Once the tree is locked (at synth) the machines can no longer change: place them once.
    const placed = this.node.locked ? this.placed.get(tier) : undefined;
    if (placed) { return [...placed]; }
    const machines = this.placeMachines(tier);
    if (this.node.locked) { this.placed.set(tier, machines); }
    return [...machines];
  }

  private placeMachines(tier: MachineTier): Machine[] {
    const nodeTier = tier instanceof KubeNodeTier ? tier : undefined;
    const { kind } = tier;
    const pool = tier.node.id;
    const tierPath = tier.node.path;
    // Every machine of a tier has the same labels and taints: one frozen copy serves them all.
    const labels = Object.freeze(nodeTier?.labels ?? {});
    const taints = Object.freeze((nodeTier?.taints ?? []).map(taint => Object.freeze(taint)));
    // Fields one by one: V8 builds `{ ...planned, kind, ... }` on a slow path (247 machines alone: 2.2 ms against 0.06 ms;
    // placing the machines of a 250-VM render: 2.85 ms against 0.26 ms).
    return this.planTier(tier).map(({ hostname, ip, cpus, memoryMb }, index) => Object.freeze({
      hostname, ip, cpus, memoryMb, kind, role: nodeTier?.roleAt(index), pool, tierPath, labels, taints,
    }));
  }

  /**
   * Validates the whole tree, renders every file, checks them, and writes them
   * atomically into `outdir` with a manifest.json. Throws a ValidationError
   * listing every problem (nothing is written then).
   */
  public synth(): SynthManifest {
    const manifest = synthesizeTree(this, this.outdir);
    reportSynth(this.outdir, manifest);
    return manifest;
  }

  /**
   * Every phase but the write: validates the tree, reads the model, binds the
   * target and the profile, then validates, prepares, renders and checks the files.
   */
  public render(): RenderedOutput {
    return renderConstructs(this.renderInput());
  }

  /** What {@link render} renders: the tree validated and bound, nothing prepared or rendered yet. */
  public renderInput(): RenderInput {
    const output = this.bind();
    const userConstructs = this.node.findAll();
    const generated = output.node.findAll();
    // The generated constructs validate first, the built-in add-ons among them; then the rules across every add-on.
    throwIfAny(validationProblems(generated));
    throwIfAny(addonSetProblems([...generated, ...userConstructs].filter(isClusterAddon)));
    return {
      constructs: [...generated, ...userConstructs], unvalidated: [], warnings: [...warningsOf(userConstructs), ...warningsOf(generated)], rootPath: this.node.path,
    };
  }

  /**
   * Validates the tree, reads the model and binds the target and the profile to it:
   * the constructs that own the files, not rendered yet. Each call binds afresh.
   */
  public bind(): ClusterOutput {
    this.node.lock();
    const model = this.model();
    const output = new ClusterOutput(model, this.outdir);
    const target = this.bindTarget(output, model);
    // The runbook files come before the profile's in the output; they read its part when they render.
    let profileRunbook: ProfileRunbook | undefined;
    addRunbookFiles(output, { model, target, profile: () => profileRunbook! });
    profileRunbook = this.profile.bind(output, model).runbook;
    output.node.lock();
    return output;
  }

  /** The settings as the profile sees them. */
  public get settings(): ClusterSettings {
    return {
      outdir: this.outdir,
      kubernetesVersion: this.kubernetesVersion,
      imageRepository: this.imageRepository,
      ipRange: this.ipRange,
      serviceIpRange: this.serviceIpRange,
      controlPlaneEndpoint: this.controlPlaneEndpoint,
      componentImages: this.componentImages,
    };
  }

  /** A loopback host network: only the tests, which run the machines' processes on this host, can use it. */
  public warnings(): string[] {
    const host = this.hostNetwork ? parseCidr(this.hostNetwork) : undefined;
    return host && cidrsOverlap(host, LOOPBACK_BLOCK.range)
      ? [`host network ${this.hostNetwork} is in ${LOOPBACK_BLOCK.cidr}, the ${LOOPBACK_BLOCK.name}: it only serves tests that run the `
        + 'cluster\'s processes on this host; no VM can reach another on it']
      : [];
  }

  /** @internal synth with writer and lock hooks, for crash and concurrency tests. */
  public _synthWithHooks(outdir: string, hooks: WriterHooks, lockHooks: LockHooks = {}): SynthManifest {
    return synthesizeTree(this, outdir, { hooks, lockHooks, printWarnings: false });
  }

  /** Per-component images the user pinned, by component (`apiserver`, `controller-manager`, `scheduler`, `proxy`). */
  protected get componentImages(): Readonly<Record<string, string>> {
    return {};
  }

  public tierProblems(_tier: IConstruct): string[] {
    return [];
  }

  /**
   * A tier's id must not be one the runbook, the target or the profile gives a construct at the root
   * of the output tree, where each tier's id names the scope of its machines' files.
   */
  public tierIdProblems(tier: IConstruct): string[] {
    const owners: Array<[string, Readonly<Record<string, string>>]> = [
      ['runbook', RUNBOOK_OUTPUT_IDS], ['target', this.targetOutputIds], [`${this.profile.name} profile`, this.profile.outputIds],
    ];
    return owners.flatMap(([owner, ids]) => (Object.prototype.hasOwnProperty.call(ids, tier.node.id)
      ? [reservedTierIdProblem(tier.node.id, `the ${owner} puts ${ids[tier.node.id]} there`, this.node.id)]
      : []));
  }

  /**
   * The ids of what {@link bindTarget} adds at the root of the output tree, with what each is,
   * e.g. `{ Vagrantfile: 'the Vagrantfile' }`; none unless the target says so.
   */
  protected get targetOutputIds(): Readonly<Record<string, string>> {
    return {};
  }

  /** The host network as a CIDR, e.g. `10.10.10.0/24`; undefined while the props that make it are invalid. */
  protected abstract get hostNetwork(): string | undefined;

  /** The interface of every machine on the host network. */
  protected abstract get nodeInterface(): string;

  /** Names, addresses and sizes of a tier's machines; empty while the tier's props are invalid. */
  protected abstract planTier(tier: MachineTier): PlannedMachine[];

  /** Adds the target's own files (e.g. the Vagrantfile), which read what the profile hands each machine; returns its part of the runbook. */
  protected abstract bindTarget(output: ClusterOutput, model: ClusterModel): TargetRunbook;

  /** The props given, by name. */
  protected abstract get givenProps(): Readonly<Record<string, unknown>>;

  /**
   * What the model says of this target (`model.target`): what a machine is called, the host
   * network's kind, the system the machines run, how to run a command on one. The profile's
   * part of the runbook reads them, so that it reads right on every target.
   */
  protected abstract targetFacts(machines: readonly Machine[]): TargetFacts;

  /**
   * What the cluster is: validates the tree (throwing a ValidationError that lists
   * every problem), then reads the model and lets the profile validate it.
   */
  public model(): ClusterModel {
    throwIfAny(validationProblems(this.node.findAll()));
    const model = this.readModel();
    throwIfAny(this.profile.validate(model));
    return model;
  }

  /** The model of the validated tree. */
  private readModel(): ClusterModel {
    const conventions = this.profile.defaults;
    const tiers: TierModel[] = this.tiers.map(tier => {
      const nodeTier = tier instanceof KubeNodeTier ? tier : undefined;
      return {
        id: tier.node.id,
        path: tier.node.path,
        kind: tier.kind,
        role: nodeTier?.role,
        machines: this.machinesOf(tier),
        labels: nodeTier?.labels ?? {},
        taints: nodeTier?.taints ?? [],
      };
    });
    return ClusterModel.read({
      name: this.node.id,
      clusterName: this.clusterName,
      path: this.node.path,
      profile: this.profile.name,
      kubernetesVersion: this.kubernetesVersion,
      imageRepository: this.imageRepository,
      componentImages: this.componentImages,
      hostNetwork: this.hostNetwork!,
      nodeInterface: this.nodeInterface,
      ipRange: this.ipRange,
      serviceIpRange: this.serviceIpRange,
      controlPlaneEndpoint: this.controlPlaneEndpoint,
      endpoints: conventions.endpoints,
      tiers,
      addons: this.node.findAll().filter(isClusterAddon),
      target: this.targetFacts(tiers.flatMap(tier => tier.machines)),
    });
  }

  /** Rules across props and tiers that no single construct can check. */
  private validateCluster(): string[] {
    const problems: string[] = this.profileProblem ? [this.profileProblem] : [];
    if (typeof this.kubernetesVersion === 'string') {
      problems.push(...this.profile.validateSettings(this.settings));
    }
    const given = this.givenProps;
    for (const prop of PROFILE_DEPENDENT_PROPS) {
      if (given[prop] !== undefined && !this.profile.clusterProps.includes(prop)) {
        problems.push(`${prop} is set, but the ${this.profile.name} profile does not use it; expected it unset `
          + `(of the profile-dependent props, the ${this.profile.name} profile reads ${this.profile.clusterProps.join(', ')})`);
      }
    }
    problems.push(...this.rangeProblems(), ...this.tierCountProblems(), ...this.machineProblems(), ...this.endpointProblems());
    return this.copiedProps.report(problems);
  }

  /** Malformed values were reported by the props schema; only well-formed ones are compared here. */
  private rangeProblems(): string[] {
    const problems: string[] = [];
    const ranges: Array<{ readonly label: string; readonly range: Cidr; readonly isHost: boolean }> = [];
    const host = this.hostNetwork;
    if (host) {
      ranges.push({ label: `host network ${host}`, range: parseCidr(host)!, isHost: true });
    }
    for (const [name, text] of [['ipRange', this.ipRange], ['serviceIpRange', this.serviceIpRange]] as const) {
      const cidr = typeof text === 'string' ? parseCidr(text) : undefined;
      if (cidr) {
        ranges.push({ label: `${name} ${text}`, range: cidr, isHost: false });
      } else if (typeof text === 'string' && hasHostBits(text)) {
        problems.push(`${name} ${text} has host bits set; expected the network address of the range (e.g. '10.11.0.0/16')`);
      }
    }
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        if (cidrsOverlap(ranges[i].range, ranges[j].range)) {
          problems.push(`${ranges[i].label} overlaps ${ranges[j].label}; expected disjoint ranges`);
        }
      }
    }
    for (const { label, range, isHost } of ranges) {
      const block = specialPurposeBlockOf(range);
      // A loopback host network serves the tests that run the machines' processes on this host: a warning (see warnings()).
      if (block && !(isHost && block === LOOPBACK_BLOCK)) {
        problems.push(`${label} overlaps ${block.cidr}, the ${block.name}: ${block.why}; expected a private range (RFC 1918) `
          + `such as ${isHost ? "'192.168.56.0/24'" : "'10.11.0.0/16'"}`);
      }
    }
    const services = typeof this.serviceIpRange === 'string' ? parseCidr(this.serviceIpRange) : undefined;
    // The API server gives the kubernetes Service the first address of the range, which must be a host address.
    if (services && services.last - services.first < 2) {
      problems.push(`serviceIpRange ${this.serviceIpRange} has no first host address for the kubernetes Service, which the API server `
        + 'puts at the first address of the range; expected /30 or larger');
    }
    return problems;
  }

  private tierCountProblems(): string[] {
    const tiers = this.tiers;
    const etcdTiers = tiers.filter((t): t is EtcdPeerTier => t instanceof EtcdPeerTier);
    const nodeTiers = tiers.filter((t): t is KubeNodeTier => t instanceof KubeNodeTier);
    const problems: string[] = [];
    if (etcdTiers.length === 0) { problems.push('has no EtcdPeerTier; expected at least one etcd peer'); }
    if (nodeTiers.length === 0) { problems.push('has no KubeNodeTier; expected at least one node'); }
    if (etcdTiers.length > 1) {
      problems.push(`has ${etcdTiers.length} EtcdPeerTiers (${etcdTiers.map(t => t.node.id).join(', ')}); expected one: a cluster has one etcd`);
    }
    if (nodeTiers.length > 1 && nodeTiers.every(t => t.role !== undefined && t.machineCount > 0)) {
      const roles = nodeTiers.flatMap(t => new Array<NodeRole>(t.machineCount).fill(t.role!));
      if (!roles.includes(NodeRole.CONTROL_PLANE)) {
        problems.push(`has no control plane; expected a KubeNodeTier with role NodeRole.CONTROL_PLANE`);
      }
      if (!roles.includes(NodeRole.WORKER)) {
        problems.push(`has no worker; expected a KubeNodeTier with role NodeRole.WORKER (control planes are tainted against workloads)`);
      }
    }
    if (nodeTiers.length === 1 && nodeTiers[0].role === NodeRole.CONTROL_PLANE) {
      problems.push(`has no worker; expected a KubeNodeTier with role NodeRole.WORKER (control planes are tainted against workloads)`);
    }
    if (nodeTiers.length === 1 && nodeTiers[0].role === NodeRole.WORKER) {
      problems.push(`has no control plane; expected a KubeNodeTier with role NodeRole.CONTROL_PLANE`);
    }
    return problems;
  }

  private machineProblems(): string[] {
    const problems: string[] = [];
    const byIp = new Map<string, string>();
    const byName = new Map<string, string>();
    for (const machine of this.machines) {
      const path = `${machine.tierPath}/${machine.hostname}`;
      const earlierIp = byIp.get(machine.ip);
      if (earlierIp) {
        problems.push(`${path} and ${earlierIp} both use ${machine.ip}; expected one address per VM`);
      }
      byIp.set(machine.ip, path);
      const earlierName = byName.get(machine.hostname);
      if (earlierName) {
        problems.push(`${path} and ${earlierName} are both named ${machine.hostname}; expected unique machine names`);
      }
      byName.set(machine.hostname, path);
    }
    return problems;
  }

  /** The virtual IP must be a free host address of the host network. */
  private endpointProblems(): string[] {
    const endpoint = this.controlPlaneEndpoint;
    const host = this.hostNetwork ? parseCidr(this.hostNetwork) : undefined;
    const address = typeof endpoint === 'string' ? parseCidr(`${endpoint}/32`) : undefined;
    // A malformed value is the props schema's to report.
    if (endpoint === undefined || !host || !address) { return []; }
    const expected = () => {
      const free = freeAddress(host, new Set([...this.machines.map(machine => machine.ip), endpoint]));
      return `expected a free address of the host network ${this.hostNetwork}${free ? `, such as ${free}` : ''}`;
    };
    if (!cidrsOverlap(address, host)) {
      return [`controlPlaneEndpoint ${endpoint} is outside the host network ${this.hostNetwork}; ${expected()}`];
    }
    if (address.first === host.first || address.first === host.last) {
      return [`controlPlaneEndpoint ${endpoint} is the ${address.first === host.first ? 'network' : 'broadcast'} address of ${this.hostNetwork}; ${expected()}`];
    }
    const holder = this.machines.find(machine => machine.ip === endpoint);
    return holder ? [`controlPlaneEndpoint ${endpoint} is the address of ${holder.tierPath}/${holder.hostname}; ${expected()}`] : [];
  }
}

/**
 * A host address of `network` that none of `taken` is, for a problem's example: the first from
 * the network's .20 up, else from .1, looking at 256 addresses at most (a /8 has 16 million).
 */
function freeAddress(network: Cidr, taken: ReadonlySet<string>): string | undefined {
  const candidates = [network.first + 20, network.first + 1];
  for (const start of candidates) {
    for (let address = start; address < network.last && address < start + 256; address++) {
      if (!taken.has(formatIpv4(address))) { return formatIpv4(address); }
    }
  }
  return undefined;
}

/** The ids addRunbookFiles (lib/runbook/runbook-files.ts) gives the runbook's files at the root of the output tree, with what each is. */
const RUNBOOK_OUTPUT_IDS: Readonly<Record<string, string>> = {
  'runbook': 'README.md', 'topology-text': 'topology.txt', 'topology-svg': 'topology.svg', 'verify-script': 'verify.sh',
};


/** Whether a value looks like a profile (a user may pass anything). */
function isClusterProfile(x: unknown): x is IClusterProfile {
  const profile = x as Partial<IClusterProfile> | null;
  try {
    return profile !== null && typeof profile === 'object' && typeof profile.name === 'string' && typeof profile.bind === 'function'
      && typeof profile.validate === 'function' && typeof profile.validateSettings === 'function' && typeof profile.defaults === 'object';
  } catch {
    return false; // a profile that throws when read (a revoked proxy) is not one: the problem says what it is
  }
}

