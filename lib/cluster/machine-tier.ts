import { Construct } from 'constructs';
import type { IClusterScope } from './cluster-scope';
import type { Machine } from './machine';
import { MachineKind } from './machine';
import { checkedScope } from '../synth/checked-scope';
import { ProblemStyle, schemaProblems } from '../synth/json-schema';
import { plainProps } from '../synth/plain-props';
import type { IWarningSource } from '../synth/synthesizer';

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
   * Last octet of the first VM's address; the others follow one by one. A VagrantCluster's
   * only: a MetalCluster refuses it, as each machine has its entry's address.
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

/** Below these, a VM is expected to struggle: a warning, not an error. */
export interface SizingMinimum {
  readonly cpus: number;
  readonly memoryMb: number;
  /** Why the minimum, for the warning. */
  readonly reason: string;
}

/** Hostnames are DNS-1123 labels (RFC 1123): lowercase letters, digits and '-', at most 63 characters. */
const DNS_1123_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const TIER = Symbol.for('cdk-vagrant-kubernetes.MachineTier');

/**
 * A tier of identical VMs named `<id>-01`, `<id>-02`, ... on consecutive
 * addresses. It only records its props: the cluster's target places the
 * machines and its profile decides what runs on them, both at synth time.
 */
export abstract class MachineTier extends Construct implements IWarningSource {
  /** Whether a construct is a tier. */
  public static isMachineTier(x: unknown): x is MachineTier {
    return x !== null && typeof x === 'object' && (x as Record<symbol, unknown>)[TIER] === true;
  }

  /** What the tier's machines are for. */
  public abstract readonly kind: MachineKind;
  /** The resolved sizing (props with defaults applied). */
  public readonly sizing: TierSizing;
  /** The props as given, for validation. */
  protected readonly givenProps: object;

  protected constructor(
    cluster: IClusterScope,
    id: string,
    props: MachineTierProps | undefined,
    defaults: TierSizing,
    private readonly minimum: SizingMinimum,
    private readonly propsSchema: object,
  ) {
    super(checkedScope(cluster as unknown as Construct, id, new.target.name), id);
    Object.defineProperty(this, TIER, { value: true });
    // Props of any shape are kept (their plain data copied) and checked at synth time, with every other problem.
    const copy = plainProps(props);
    const given: MachineTierProps = copy.props ?? {};
    this.givenProps = given;
    this.sizing = {
      count: given.count ?? defaults.count,
      cpus: given.cpus ?? defaults.cpus,
      memoryMb: given.memoryMb ?? defaults.memoryMb,
      firstIp: given.firstIp ?? defaults.firstIp,
    };
    this.node.addValidation({ validate: () => copy.report([...this.propsProblems(), ...this.validateTier()]) });
  }

  /**
   * Whether `prop` was given, for a target that does not read it (a MetalCluster takes each
   * address from its machine's entry, not from `firstIp`) to say so.
   * @internal
   */
  public isGiven(prop: keyof MachineTierProps): boolean {
    return (this.givenProps as Record<string, unknown>)[prop] !== undefined;
  }

  /** The cluster this tier belongs to; undefined when its scope is not a cluster (a validation error). */
  public get cluster(): IClusterScope | undefined {
    const scope = this.node.scope as Partial<IClusterScope> | undefined;
    return typeof scope?.machinesOf === 'function' ? scope as IClusterScope : undefined;
  }

  /** The VMs, in order, as the cluster's target places them (empty while the props are invalid). */
  public get machines(): Machine[] {
    return this.cluster?.machinesOf(this) ?? [];
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

  /** How many machines the tier can have: a whole number from 1 to 254, else none. */
  public get machineCount(): number {
    const count = this.sizing.count;
    return Number.isInteger(count) && count > 0 ? Math.min(count, 254) : 0;
  }

  /** Rules of the tier itself; subclasses add theirs. */
  protected validateTier(): string[] {
    const problems: string[] = [];
    const sample = `${this.node.id}-01`;
    if (!DNS_1123_LABEL.test(sample) || sample.length > 60) {
      problems.push(`tier id '${this.node.id}' gives hostnames like '${sample}', which are not DNS-1123 labels; `
        + 'expected lowercase letters, digits and \'-\', starting with a letter, at most 59 characters');
    }
    problems.push(...this.cluster?.tierIdProblems(this) ?? [], ...this.cluster?.tierProblems(this) ?? []);
    if (!this.cluster) {
      problems.push(`is not a child of a cluster; expected new ${this.constructor.name}(cluster, '${this.node.id}', ...) with a VagrantCluster`);
    }
    return problems;
  }

  /** Problems with the props as given, by the tier's schema. */
  protected propsProblems(): string[] {
    return this.propsProblemsOf(this.givenProps);
  }

  /** Problems with `props` by the tier's schema. */
  protected propsProblemsOf(props: object): string[] {
    return schemaProblems(this.propsSchema, props, ProblemStyle.PROPERTY);
  }
}
