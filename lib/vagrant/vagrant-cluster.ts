import { Construct } from 'constructs';
import { Cidr, cidrsOverlap, isNetworkPrefix, parseCidr, prefixCidr } from './ipv4';
import { MachineTier } from './machine-tier';
import { VagrantMachine } from './vagrant-machine';
import { IVagrantfileSource, Vagrantfile } from './vagrantfile';
import { EtcdPeerTier } from '../etcd/etcd-peer-tier';
import { KubeNodeTier } from '../kube/kube-node-tier';
import { ClusterProfile, IClusterProfile, VagrantBox } from '../profiles';
import { WriterHooks } from '../synth/atomic-writer';
import { SynthManifest } from '../synth/manifest';
import { synthesizeTree } from '../synth/synthesizer';

/** Props of a {@link VagrantCluster}. */
export interface VagrantClusterProps {
  /**
   * Folder the files are written to, relative to the working directory.
   * @default 'dist.out'
   */
  readonly outdir?: string;
  /**
   * First three octets of the host-only network; VM addresses are `<prefix>.<octet>`.
   * @default '10.10.10'
   */
  readonly prefix?: string;
  /**
   * The flannel pod network (the seed's IP_RANGE).
   * @default '10.11.0.0/16'
   */
  readonly ipRange?: string;
  /**
   * The Kubernetes service range; must overlap neither ipRange nor the host network.
   * @default '10.12.0.0/16' (the seed reused IP_RANGE here, which breaks service routing)
   */
  readonly serviceIpRange?: string;
  /**
   * Kubernetes release, `MAJOR.MINOR.PATCH`.
   * @default - the profile's default: '1.1.7' for the classic profile (the seed's)
   */
  readonly kubernetesVersion?: string;
  /**
   * Registry and path the hyperkube image is pulled from.
   * @default 'gcr.io/google_containers' (the seed's)
   */
  readonly imageRepository?: string;
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
export class VagrantCluster extends Construct implements IVagrantfileSource {
  /**
   * The seed's configuration head in one call: an `etcd` peer tier and a `node`
   * tier sized by the rows.
   */
  public static fromMembers(members: MembersHead, props: VagrantClusterProps = {}): VagrantCluster {
    const cluster = new VagrantCluster(props);
    const [etcdCount, etcdCpus, etcdMemoryMb, etcdFirstIp] = members.etcd;
    const etcd = new EtcdPeerTier(cluster, 'etcd', { count: etcdCount, cpus: etcdCpus, memoryMb: etcdMemoryMb, firstIp: etcdFirstIp });
    const [count, cpus, memoryMb, firstIp] = members.node;
    new KubeNodeTier(cluster, 'node', { count, cpus, memoryMb, firstIp, etcd });
    return cluster;
  }

  public readonly outdir: string;
  public readonly prefix: string;
  public readonly ipRange: string;
  public readonly serviceIpRange: string;
  public readonly kubernetesVersion: string;
  public readonly imageRepository: string;
  public readonly profile: IClusterProfile;

  constructor(props: VagrantClusterProps = {}) {
    super(undefined as unknown as Construct, 'cluster');
    this.outdir = props.outdir ?? 'dist.out';
    this.prefix = props.prefix ?? '10.10.10';
    this.ipRange = props.ipRange ?? '10.11.0.0/16';
    this.serviceIpRange = props.serviceIpRange ?? '10.12.0.0/16';
    this.profile = props.profile ?? ClusterProfile.CLASSIC;
    this.kubernetesVersion = props.kubernetesVersion ?? this.profile.defaultKubernetesVersion;
    this.imageRepository = props.imageRepository ?? 'gcr.io/google_containers';
    new Vagrantfile(this, 'Vagrantfile', this);
    this.node.addValidation({ validate: () => this.validateCluster() });
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

  /** @internal synth with writer hooks, for crash tests. */
  public _synthWithHooks(outdir: string, hooks: WriterHooks): SynthManifest {
    return synthesizeTree(this, outdir, hooks);
  }

  private validateCluster(): string[] {
    const problems: string[] = [...this.profile.validateCluster(this)];
    const ranges: Array<[string, Cidr]> = [];
    if (!isNetworkPrefix(this.prefix)) {
      problems.push(`prefix '${this.prefix}' is not three dotted octets; expected e.g. '10.10.10' or '192.168.56'`);
    } else {
      ranges.push([`host network ${this.prefix}.0/24`, prefixCidr(this.prefix)]);
    }
    for (const [name, text] of [['ipRange', this.ipRange], ['serviceIpRange', this.serviceIpRange]] as const) {
      const cidr = parseCidr(text);
      if (cidr) {
        ranges.push([`${name} ${text}`, cidr]);
      } else {
        problems.push(`${name} '${text}' is not an IPv4 CIDR with a clean network address; expected e.g. '10.11.0.0/16'`);
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
    const owners = new Map<string, string>();
    for (const machine of this.machines) {
      const earlier = owners.get(machine.ip);
      if (earlier) {
        problems.push(`${machine.node.path} and ${earlier} both use ${machine.ip}; expected one address per VM`);
      }
      owners.set(machine.ip, machine.node.path);
    }
    return problems;
  }
}
