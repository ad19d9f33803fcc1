import { Construct } from 'constructs';
import { Cidr, VIRTUALBOX_HOST_ONLY_RANGE, cidrsOverlap, hasHostBits, inVirtualBoxHostOnlyRange, isNetworkPrefix, parseCidr, prefixCidr } from '../cluster/ipv4';
import membersHeadSchema from './members-head.schema.json';
import propsSchema from './vagrant-cluster-props.schema.json';
import { MachineTier } from '../cluster/machine-tier';
import { VagrantMachine } from './vagrant-machine';
import { IVagrantfileSource, Vagrantfile } from './vagrantfile';
import { EtcdPeerTier } from '../cluster/etcd-peer-tier';
import { KubeNodeTier } from '../cluster/kube-node-tier';
import { ClusterProfile, IClusterProfile, VagrantBox } from '../profiles';
import { WriterHooks } from '../synth/atomic-writer';
import { SynthManifest } from '../synth/manifest';
import { ProblemStyle, schemaProblems } from '../synth/json-schema';
import { IWarningSource, synthesizeTree } from '../synth/synthesizer';

/** Props of a {@link VagrantCluster}. */
export interface VagrantClusterProps {
  /**
   * Folder the files are written to, relative to the working directory.
   * @default 'dist.out'
   */
  readonly outdir?: string;
  /**
   * First three octets of the host-only network; VM addresses are `<prefix>.<octet>`.
   * @default - the profile's: '10.10.10' (classic), '192.168.56' (Flatcar, inside VirtualBox's host-only range)
   */
  readonly prefix?: string;
  /**
   * The flannel pod network (the seed's IP_RANGE).
   * @default - the profile's: '10.11.0.0/16' (classic, the seed's IP_RANGE)
   */
  readonly ipRange?: string;
  /**
   * The Kubernetes service range; must overlap neither ipRange nor the host network.
   * @default - the profile's: '10.12.0.0/16' (classic; the seed reused IP_RANGE here, which breaks service routing)
   */
  readonly serviceIpRange?: string;
  /**
   * Kubernetes release, `MAJOR.MINOR.PATCH`.
   * @default - the profile's: '1.1.7' (classic, the seed's)
   */
  readonly kubernetesVersion?: string;
  /**
   * Registry and path the hyperkube image is pulled from.
   * @default - the profile's: 'gcr.io/google_containers' (classic, the seed's)
   */
  readonly imageRepository?: string;
  /**
   * Image of the apiserver container: a hyperkube build (it runs `/hyperkube <component>`), e.g. a mirror.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly apiServerImage?: string;
  /**
   * Image of the controller-manager container: a hyperkube build (it runs `/hyperkube <component>`), e.g. a mirror.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly controllerManagerImage?: string;
  /**
   * Image of the scheduler container: a hyperkube build (it runs `/hyperkube <component>`), e.g. a mirror.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly schedulerImage?: string;
  /**
   * Image of the kube-proxy container: a hyperkube build (it runs `/hyperkube <component>`), e.g. a mirror.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly proxyImage?: string;
  /**
   * Which design the files follow.
   * @default ClusterProfile.CLASSIC
   */
  readonly profile?: IClusterProfile;
}


/** A row of the seed's `members` head: count, CPUs, RAM in MiB, last octet of the first IP. */
export type MemberRow = readonly [count: number, cpus: number, memoryMb: number, firstIp: number];

/** The seed's `members = { 'etcd' => [3, 1, 256, 11], 'node' => [4, 2, 2048, 100] }`. */
export interface MembersHead {
  /** The etcd peers. */
  readonly etcd: MemberRow;
  /** The Kubernetes nodes. */
  readonly node: MemberRow;
}

/**
 * The root of the tree: one Vagrant cluster. Tiers are added as children;
 * `synth()` writes every file the cluster needs into `outdir`.
 */
export class VagrantCluster extends Construct implements IVagrantfileSource, IWarningSource {
  /**
   * The seed's configuration head in one call: an `etcd` peer tier and a `node`
   * tier sized by the rows.
   */
  public static fromMembers(members: MembersHead, props: VagrantClusterProps = {}): VagrantCluster {
    const cluster = new VagrantCluster(props);
    // A malformed head is reported at synth time with every other problem; the tiers get what is usable.
    cluster.node.addValidation({ validate: () => schemaProblems(membersHeadSchema, members, ProblemStyle.PROPERTY).map(p => `members: ${p}`) });
    const row = (value: unknown): Array<number | undefined> => (Array.isArray(value) ? value : []);
    const [etcdCount, etcdCpus, etcdMemoryMb, etcdFirstIp] = row(members?.etcd);
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: etcdCount, cpus: etcdCpus, memoryMb: etcdMemoryMb, firstIp: etcdFirstIp });
    const [count, cpus, memoryMb, firstIp] = row(members?.node);
    new KubeNodeTier(cluster, 'node', { count, cpus, memoryMb, firstIp, etcd });
    return cluster;
  }

  public readonly outdir: string;
  public readonly prefix: string;
  public readonly ipRange: string;
  public readonly serviceIpRange: string;
  public readonly kubernetesVersion: string;
  public readonly imageRepository: string;
  /** Per-component image overrides, by container name (`apiserver`, `controller-manager`, `scheduler`, `proxy`). */
  public readonly componentImages: Readonly<Record<string, string>>;
  public readonly profile: IClusterProfile;
  /**
   * Problems with the props as given. Profiles add nothing derived from props
   * that are wrong, so that each mistake is reported once, at its source.
   */
  public readonly propsProblems: string[];

  constructor(props: VagrantClusterProps = {}) {
    super(undefined as unknown as Construct, 'cluster');
    props = props ?? {};
    this.outdir = props.outdir ?? 'dist.out';
    this.profile = props.profile ?? ClusterProfile.CLASSIC;
    const defaults = this.profile.defaults;
    this.prefix = props.prefix ?? defaults.prefix;
    this.ipRange = props.ipRange ?? defaults.ipRange;
    this.serviceIpRange = props.serviceIpRange ?? defaults.serviceIpRange;
    this.kubernetesVersion = props.kubernetesVersion ?? defaults.kubernetesVersion;
    this.imageRepository = props.imageRepository ?? defaults.imageRepository;
    const overrides: Array<[string, string | undefined]> = [
      ['apiserver', props.apiServerImage], ['controller-manager', props.controllerManagerImage],
      ['scheduler', props.schedulerImage], ['proxy', props.proxyImage],
    ];
    this.componentImages = Object.fromEntries(overrides.filter((o): o is [string, string] => o[1] !== undefined));
    this.propsProblems = schemaProblems(propsSchema, props ?? {}, ProblemStyle.PROPERTY);
    new Vagrantfile(this, 'Vagrantfile', this);
    this.node.addValidation({ validate: () => [...this.propsProblems, ...this.validateCluster()] });
    this.profile.populateCluster(this);
  }

  /** The tiers, in the order they were added. */
  public get tiers(): MachineTier<VagrantMachine>[] {
    return this.node.children.filter((child): child is MachineTier<VagrantMachine> => child instanceof MachineTier);
  }

  /** Every VM, tier by tier. */
  public get machines(): VagrantMachine[] {
    return this.tiers.flatMap(tier => tier.machines);
  }

  public get box(): VagrantBox {
    return this.profile.box;
  }

  /** The Vagrantfile header: what this cluster is. */
  public get summary(): string[] {
    return [
      `Profile: ${this.profile.name}. Box: ${this.box.description}.`,
      `Kubernetes ${this.kubernetesVersion}. Host network ${this.prefix}.0/24, pods ${this.ipRange}, services ${this.serviceIpRange}.`,
      ...this.machines.map(m => `${m.hostname.padEnd(10)} ${m.ip.padEnd(15)} ${m.cpus} CPU ${m.memoryMb} MiB ${Object.entries(m.labels).map(([k, v]) => `${k}=${v}`).join(',')}`),
    ];
  }

  /**
   * Validates the whole tree, renders every file, checks them, and writes them
   * atomically into `outdir` with a manifest.json. Throws a ValidationError
   * listing every problem (nothing is written then).
   */
  public synth(): SynthManifest {
    return synthesizeTree(this, this.outdir);
  }

  public warnings(): string[] {
    if (!isNetworkPrefix(this.prefix) || inVirtualBoxHostOnlyRange(this.prefix)) {
      return [];
    }
    return [`prefix ${this.prefix} is outside VirtualBox's default host-only range ${VIRTUALBOX_HOST_ONLY_RANGE}; `
      + `VirtualBox 6.1.28 and later refuse it unless /etc/vbox/networks.conf has the line '* ${this.prefix}.0/24'`];
  }

  /** @internal synth with writer hooks, for crash tests. */
  public _synthWithHooks(outdir: string, hooks: WriterHooks): SynthManifest {
    return synthesizeTree(this, outdir, { hooks, printWarnings: false });
  }

  private validateCluster(): string[] {
    const problems: string[] = typeof this.kubernetesVersion === 'string' ? [...this.profile.validateCluster(this)] : [];
    // Malformed values were reported by the props schema; only well-formed ones are compared here.
    const ranges: Array<[string, Cidr]> = [];
    if (isNetworkPrefix(this.prefix)) {
      ranges.push([`host network ${this.prefix}.0/24`, prefixCidr(this.prefix)]);
    }
    for (const [name, text] of [['ipRange', this.ipRange], ['serviceIpRange', this.serviceIpRange]] as const) {
      const cidr = parseCidr(text);
      if (cidr) {
        ranges.push([`${name} ${text}`, cidr]);
      } else if (hasHostBits(text)) {
        problems.push(`${name} ${text} has host bits set; expected the network address of the range (e.g. '10.11.0.0/16')`);
      }
    }
    for (let i = 0; i < ranges.length; i++) {
      for (let j = i + 1; j < ranges.length; j++) {
        if (cidrsOverlap(ranges[i][1], ranges[j][1])) {
          problems.push(`${ranges[i][0]} overlaps ${ranges[j][0]}; expected disjoint ranges`);
        }
      }
    }
    const tiers = this.tiers;
    if (!tiers.some(tier => tier instanceof EtcdPeerTier)) { problems.push('has no EtcdPeerTier; expected at least one etcd peer'); }
    if (!tiers.some(tier => tier instanceof KubeNodeTier)) { problems.push('has no KubeNodeTier; expected at least one node'); }
    const byIp = new Map<string, string>();
    const byName = new Map<string, string>();
    for (const machine of this.machines) {
      const earlierIp = byIp.get(machine.ip);
      if (earlierIp) {
        problems.push(`${machine.node.path} and ${earlierIp} both use ${machine.ip}; expected one address per VM`);
      }
      byIp.set(machine.ip, machine.node.path);
      const earlierName = byName.get(machine.hostname);
      if (earlierName) {
        problems.push(`${machine.node.path} and ${earlierName} are both named ${machine.hostname}; expected unique machine names`);
      }
      byName.set(machine.hostname, machine.node.path);
    }
    return problems;
  }
}
