import { Construct } from 'constructs';
import propsSchema from './machine-tier-props.schema.json';
import type { VagrantCluster } from '../vagrant/vagrant-cluster';
import { ProblemStyle, schemaProblems } from '../synth/json-schema';
import type { IWarningSource } from '../synth/synthesizer';
import { VagrantMachine, VagrantMachineProps } from '../vagrant/vagrant-machine';

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
/** Hostnames are DNS-1123 labels (RFC 1123): lowercase letters, digits and '-', at most 63 characters. */
const DNS_1123_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Below these, a VM is expected to struggle: a warning, not an error. */
export interface SizingMinimum {
  readonly cpus: number;
  readonly memoryMb: number;
  /** Why the minimum, for the warning. */
  readonly reason: string;
}

/**
 * A tier of identical VMs named `<id>-01`, `<id>-02`, ... on consecutive
 * addresses. Subclasses decide the machine type; the profile adds files.
 */
export abstract class MachineTier<M extends VagrantMachine> extends Construct implements IWarningSource {
  /** The cluster this tier belongs to. */
  public readonly cluster: VagrantCluster;
  /** The resolved sizing (props with defaults applied). */
  public readonly sizing: TierSizing;
  private readonly _machines: M[] = [];

  protected constructor(
    cluster: VagrantCluster,
    id: string,
    props: MachineTierProps,
    defaults: TierSizing,
    private readonly minimum: SizingMinimum,
  ) {
    super(cluster, id);
    this.cluster = cluster;
    const given = props ?? {};
    this.sizing = {
      count: given.count ?? defaults.count,
      cpus: given.cpus ?? defaults.cpus,
      memoryMb: given.memoryMb ?? defaults.memoryMb,
      firstIp: given.firstIp ?? defaults.firstIp,
    };
    this.node.addValidation({ validate: () => [...schemaProblems(propsSchema, given, ProblemStyle.PROPERTY), ...this.validateTier()] });
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

  /** Too little CPU or memory for what the tier runs. */
  public warnings(): string[] {
    const { cpus, memoryMb } = this.sizing;
    const { reason } = this.minimum;
    const warnings: string[] = [];
    if (Number.isInteger(cpus) && cpus < this.minimum.cpus) {
      warnings.push(`cpus ${cpus} is below the recommended ${this.minimum.cpus}: ${reason}`);
    }
    if (Number.isInteger(memoryMb) && memoryMb < this.minimum.memoryMb) {
      warnings.push(`memoryMb ${memoryMb} is below the recommended ${this.minimum.memoryMb}: ${reason}`);
    }
    return warnings;
  }

  /** Rules the props schema can't express: hostnames, and the last address inside the /24. */
  private validateTier(): string[] {
    const { count, firstIp } = this.sizing;
    const problems: string[] = [];
    const sample = `${this.node.id}-01`;
    if (!DNS_1123_LABEL.test(sample) || sample.length > 60) {
      problems.push(`tier id '${this.node.id}' gives hostnames like '${sample}', which are not DNS-1123 labels; `
        + 'expected lowercase letters, digits and \'-\', starting with a letter, at most 59 characters');
    }
    const whole = (value: number, min: number, max: number) => Number.isInteger(value) && value >= min && value <= max;
    if (whole(count, 1, MAX_MACHINES) && whole(firstIp, 1, 254) && firstIp + count - 1 > 254) {
      problems.push(`firstIp ${firstIp} + count ${count} runs past .254 of ${this.cluster.prefix}.0/24 `
        + `(the last VM would be .${firstIp + count - 1}); lower firstIp or count`);
    }
    return problems;
  }

  /** Role labels of the i-th machine. */
  protected labelsFor(_index: number): Record<string, string> {
    return {};
  }
}
