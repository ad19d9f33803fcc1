import { IConstruct } from 'constructs';
import membersHeadSchema from './members-head.schema.json';
import type { VagrantBox } from './vagrant-box';
import propsSchema from './vagrant-cluster-props.schema.json';
import { vagrantRunbook, vagrantTargetFacts } from './vagrant-runbook';
import { Vagrantfile } from './vagrantfile';
import { Cluster, ClusterProps } from '../cluster/cluster';
import type { ClusterModel } from '../cluster/cluster-model';
import type { ClusterOutput } from '../cluster/cluster-output';
import { EtcdPeerTier } from '../cluster/etcd-peer-tier';
import { imageProblems } from '../cluster/image-reference';
import {
  VIRTUALBOX_HOST_ONLY_RANGE, VIRTUALBOX_NAT_NETWORK, cidrsOverlap, inVirtualBoxHostOnlyRange, isNetworkPrefix, parseCidr, prefixCidr, specialPurposeBlockOf,
} from '../cluster/ipv4';
import { KubeNodeTier } from '../cluster/kube-node-tier';
import { Machine, PlannedMachine, machineName } from '../cluster/machine';
import { MachineTier } from '../cluster/machine-tier';
import type { TargetFacts } from '../cluster/target-facts';
import { ClusterProfile } from '../profiles';
import type { TargetRunbook } from '../runbook/runbook-contribution';
import { textOf } from '../synth/describe-value';
import { ProblemStyle, schemaProblems } from '../synth/json-schema';
import { plainProps } from '../synth/plain-props';

/** Props of a {@link VagrantCluster}. */
export interface VagrantClusterProps extends ClusterProps {
  /**
   * First three octets of the host-only network; VM addresses are `<prefix>.<octet>`.
   * @default - the profile's: '10.10.10' (classic), '192.168.56' (Flatcar, inside VirtualBox's host-only range)
   */
  readonly prefix?: string;
  /**
   * Image of the apiserver container: a hyperkube build (it runs `/hyperkube <component>`), e.g. a mirror.
   * The classic profile only; `ClusterProfile.classic({ apiServerImage })` says the same.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly apiServerImage?: string;
  /**
   * Image of the controller-manager container: a hyperkube build, e.g. a mirror. The classic profile only.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly controllerManagerImage?: string;
  /**
   * Image of the scheduler container: a hyperkube build, e.g. a mirror. The classic profile only.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly schedulerImage?: string;
  /**
   * Image of the kube-proxy container: a hyperkube build, e.g. a mirror. The classic profile only.
   * @default - the hyperkube image of `imageRepository` and `kubernetesVersion`
   */
  readonly proxyImage?: string;
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
 * The interface of the VirtualBox host-only network in every VM of a box: eth0 is
 * VirtualBox's NAT, with the same 10.0.2.15 on every VM.
 */
const HOST_ONLY_INTERFACE = 'eth1';

/** The id of the Vagrantfile at the root of the output tree. */
const VAGRANTFILE_ID = 'Vagrantfile';

/** The props that pin a component's image (the classic profile's). */
const COMPONENT_IMAGE_PROPS = ['apiServerImage', 'controllerManagerImage', 'schedulerImage', 'proxyImage'] as const;

/**
 * The root of the tree for the Vagrant target: VirtualBox VMs on one host,
 * on a host-only network. Tiers and add-ons are added as children; `synth()`
 * writes every file the cluster needs into `outdir`, the Vagrantfile among them.
 */
export class VagrantCluster extends Cluster {
  /**
   * The seed's configuration head in one call: an `etcd` peer tier and a `node`
   * tier sized by the rows.
   */
  public static fromMembers(members: MembersHead, props: VagrantClusterProps = {}): VagrantCluster {
    const cluster = new VagrantCluster(props);
    // A malformed head is reported at synth time with every other problem; the tiers get what is usable.
    const copy = plainProps(members);
    const head = copy.props;
    cluster.node.addValidation({
      validate: () => copy.report(schemaProblems(membersHeadSchema, head, ProblemStyle.PROPERTY)).map(p => `members: ${p}`),
    });
    const row = (value: unknown): Array<number | undefined> => (Array.isArray(value) ? value : []);
    const [etcdCount, etcdCpus, etcdMemoryMb, etcdFirstIp] = row(head?.etcd);
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: etcdCount, cpus: etcdCpus, memoryMb: etcdMemoryMb, firstIp: etcdFirstIp });
    const [count, cpus, memoryMb, firstIp] = row(head?.node);
    new KubeNodeTier(cluster, 'node', { count, cpus, memoryMb, firstIp, etcd });
    return cluster;
  }

  private readonly props: VagrantClusterProps;

  constructor(props: VagrantClusterProps = {}) {
    super('cluster', props, () => ClusterProfile.CLASSIC);
    this.props = this.clusterProps as VagrantClusterProps;
    this.node.addValidation({
      validate: () => this.copiedProps.withoutEchoes([
        ...schemaProblems(propsSchema, this.props, ProblemStyle.PROPERTY),
        ...COMPONENT_IMAGE_PROPS.flatMap(prop => imageProblems(prop, this.props[prop])),
        ...this.natNetworkProblems(),
      ]),
    });
  }

  /** First three octets of the host-only network. */
  public get prefix(): string {
    return this.props.prefix ?? this.profile.defaults.prefix;
  }

  /** The box every VM boots, the profile's. */
  public get box(): VagrantBox {
    return this.profile.vagrantBox;
  }

  /** Sizes past the end of the /24: the last VM must be .254 at most. */
  public tierProblems(tier: IConstruct): string[] {
    if (!MachineTier.isMachineTier(tier)) { return []; }
    const { count, firstIp } = tier.sizing;
    const whole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
    if (whole(count, 1, 254) && whole(firstIp, 1, 254) && firstIp + count - 1 > 254) {
      const network = this.hostNetwork ?? `${this.prefix}.0/24`;
      return [`firstIp ${firstIp} + count ${count} runs past .254 of ${network} (the last VM would be .${firstIp + count - 1}); lower firstIp or count`];
    }
    return [];
  }

  /** The networks.conf line a prefix outside VirtualBox's default range needs; none for a prefix no VM can use (refused, or loopback for the tests). */
  public warnings(): string[] {
    const warnings = super.warnings();
    if (typeof this.prefix !== 'string' || !isNetworkPrefix(this.prefix) || inVirtualBoxHostOnlyRange(this.prefix)
      || specialPurposeBlockOf(prefixCidr(this.prefix)) || cidrsOverlap(prefixCidr(this.prefix), parseCidr(VIRTUALBOX_NAT_NETWORK)!)) {
      return warnings;
    }
    return [...warnings, `prefix ${this.prefix} is outside VirtualBox's default host-only range ${VIRTUALBOX_HOST_ONLY_RANGE}; `
      + `VirtualBox 6.1.28 and later refuse it unless /etc/vbox/networks.conf has the line '* ${this.prefix}.0/24'`];
  }

  /**
   * No range may overlap VirtualBox's NAT network: every VM's eth0 is on it, with its default
   * route, so the host-only network or a pod or service range there would take the VMs' own
   * gateway and name server away from eth0.
   */
  private natNetworkProblems(): string[] {
    const nat = parseCidr(VIRTUALBOX_NAT_NETWORK)!;
    const ranges: Array<[string, string | undefined]> = [
      [`prefix ${textOf(this.prefix)} (host network ${this.hostNetwork})`, this.hostNetwork],
      [`ipRange ${textOf(this.ipRange)}`, this.ipRange], [`serviceIpRange ${textOf(this.serviceIpRange)}`, this.serviceIpRange],
    ];
    return ranges.flatMap(([label, text]) => {
      const range = typeof text === 'string' ? parseCidr(text) : undefined;
      return range && cidrsOverlap(range, nat)
        ? [`${label} overlaps VirtualBox's NAT network ${VIRTUALBOX_NAT_NETWORK}, where every VM's eth0 has 10.0.2.15 and its gateway `
          + '(10.0.2.2) and name server (10.0.2.3); expected a range apart from it']
        : [];
    });
  }

  protected get hostNetwork(): string | undefined {
    return typeof this.prefix === 'string' && isNetworkPrefix(this.prefix) ? `${this.prefix}.0/24` : undefined;
  }

  protected get targetOutputIds(): Readonly<Record<string, string>> {
    return { [VAGRANTFILE_ID]: 'the Vagrantfile' };
  }

  protected get nodeInterface(): string {
    return HOST_ONLY_INTERFACE;
  }

  protected get givenProps(): Readonly<Record<string, unknown>> {
    return this.props as Record<string, unknown>;
  }

  protected get componentImages(): Readonly<Record<string, string>> {
    const overrides: Array<[string, string | undefined]> = [
      ['apiserver', this.props.apiServerImage], ['controller-manager', this.props.controllerManagerImage],
      ['scheduler', this.props.schedulerImage], ['proxy', this.props.proxyImage],
    ];
    return Object.fromEntries(overrides.filter((o): o is [string, string] => typeof o[1] === 'string'));
  }

  /** `<tier>-NN` on `<prefix>.<firstIp + i>`; none while the prefix or the sizing is not usable. */
  protected planTier(tier: MachineTier): PlannedMachine[] {
    const { cpus, memoryMb, firstIp } = tier.sizing;
    if (!this.hostNetwork || !Number.isInteger(firstIp)) { return []; }
    return Array.from({ length: tier.machineCount }, (_, i) => ({
      hostname: machineName(tier.node.id, i),
      ip: `${this.prefix}.${firstIp + i}`,
      cpus,
      memoryMb,
    }));
  }

  protected targetFacts(machines: readonly Machine[]): TargetFacts {
    return vagrantTargetFacts(machines, this.box);
  }

  protected bindTarget(output: ClusterOutput, model: ClusterModel): TargetRunbook {
    new Vagrantfile(output, VAGRANTFILE_ID, { model, box: this.box, output });
    return vagrantRunbook(model, this.box);
  }
}
