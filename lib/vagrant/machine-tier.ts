import { Construct } from 'constructs';
import type { VagrantCluster } from './vagrant-cluster';
import { VagrantMachine, VagrantMachineProps } from './vagrant-machine';

/** Props shared by every tier of identical VMs. */
export interface MachineTierProps {
  /**
   * How many VMs.
   * @default - the tier's seed value (3 etcd peers, 4 nodes)
   */
  readonly count?: number;
  /**
   * Virtual CPUs per VM.
   * @default - the tier's seed value (1 for etcd, 2 for nodes)
   */
  readonly cpus?: number;
  /**
   * Memory per VM in MiB.
   * @default - the tier's seed value (256 for etcd, 2048 for nodes)
   */
  readonly memoryMb?: number;
  /**
   * Last octet of the first VM's address; the others follow one by one.
   * @default - the tier's seed value (11 for etcd, 100 for nodes)
   */
  readonly firstIp?: number;
}

/** The resolved sizing of a tier. */
export interface TierSizing {
  readonly count: number;
  readonly cpus: number;
  readonly memoryMb: number;
  readonly firstIp: number;
}

/** Most VMs a tier can hold: one /24 has 254 host addresses. */
const MAX_MACHINES = 254;

/**
 * A tier of identical VMs named `<id>-01`, `<id>-02`, ... on consecutive
 * addresses. Subclasses decide the machine type; the profile adds files.
 */
export abstract class MachineTier<M extends VagrantMachine> extends Construct {
  /** The cluster this tier belongs to. */
  public readonly cluster: VagrantCluster;
  /** The resolved sizing (props with defaults applied). */
  public readonly sizing: TierSizing;
  private readonly _machines: M[] = [];

  protected constructor(cluster: VagrantCluster, id: string, props: MachineTierProps, defaults: TierSizing) {
    super(cluster, id);
    this.cluster = cluster;
    this.sizing = {
      count: props.count ?? defaults.count,
      cpus: props.cpus ?? defaults.cpus,
      memoryMb: props.memoryMb ?? defaults.memoryMb,
      firstIp: props.firstIp ?? defaults.firstIp,
    };
    this.node.addValidation({ validate: () => this.validateSizing() });
  }

  /** The VMs, in order. */
  public get machines(): M[] {
    return [...this._machines];
  }

  /**
   * Creates the VMs. A count that is not a sane whole number creates none:
   * validation reports it, and construction itself never throws.
   */
  protected createMachines(create: (scope: Construct, name: string, props: VagrantMachineProps) => M): void {
    const { count, cpus, memoryMb, firstIp } = this.sizing;
    const creatable = Number.isInteger(count) && count > 0 ? Math.min(count, MAX_MACHINES) : 0;
    for (let i = 0; i < creatable; i++) {
      const name = `${this.node.id}-${String(i + 1).padStart(2, '0')}`;
      this._machines.push(create(this, name, { ipOctet: firstIp + i, cpus, memoryMb, labels: this.labelsFor(i) }));
    }
  }

  private validateSizing(): string[] {
    const { count, cpus, memoryMb, firstIp } = this.sizing;
    const problems: string[] = [];
    const wholeIn = (name: string, value: number, min: number, max: number) => {
      if (!Number.isInteger(value) || value < min || value > max) {
        problems.push(`${name} ${JSON.stringify(value)} is out of range; expected a whole number from ${min} to ${max}`);
        return false;
      }
      return true;
    };
    const countOk = wholeIn('count', count, 1, MAX_MACHINES);
    wholeIn('cpus', cpus, 1, 64);
    wholeIn('memoryMb', memoryMb, 64, 262144);
    const firstIpOk = wholeIn('firstIp', firstIp, 1, 254);
    if (countOk && firstIpOk && firstIp + count - 1 > 254) {
      problems.push(`firstIp ${firstIp} + count ${count} runs past .254 of ${this.cluster.prefix}.0/24 `
        + `(last VM would be .${firstIp + count - 1}); lower firstIp or count`);
    }
    return problems;
  }

  /** Role labels of the i-th machine. */
  protected labelsFor(_index: number): Record<string, string> {
    return {};
  }
}
