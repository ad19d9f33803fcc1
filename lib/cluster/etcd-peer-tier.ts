import type { IClusterScope } from './cluster-scope';
import propsSchema from './etcd-peer-tier-props.schema.json';
import { Machine, MachineKind } from './machine';
import { MachineTier, MachineTierProps } from './machine-tier';

/** Props of an {@link EtcdPeerTier}. */
export interface EtcdPeerTierProps extends MachineTierProps {}

/** Props only a KubeNodeTier takes; given to an EtcdPeerTier, each is its own problem. */
const NODE_TIER_PROPS = ['etcd', 'role', 'labels', 'taints'];

/**
 * The etcd peer VMs (`etcd-01`, `etcd-02`, ...): the cluster's one etcd. The
 * cluster's profile decides what runs on them (the classic profile: etcd2;
 * the Flatcar profile: etcd v3 with TLS).
 */
export class EtcdPeerTier extends MachineTier {
  public readonly kind = MachineKind.ETCD_PEER;

  constructor(cluster: IClusterScope, id: string, props: EtcdPeerTierProps = {}) {
    super(cluster, id, props, { count: 3, cpus: 1, memoryMb: 256, firstIp: 11 },
      { cpus: 1, memoryMb: 256, reason: 'an etcd peer below it is slow to elect a leader' }, propsSchema);
  }

  /** The peers, in order. */
  public get peers(): Machine[] {
    return this.machines;
  }

  /** An even count tolerates no more failures than one peer fewer. */
  public warnings(): string[] {
    const count = this.sizing.count;
    const evenCount = Number.isInteger(count) && count > 0 && count % 2 === 0
      ? [`count ${count} is even: ${count} peers tolerate ${count / 2 - 1} failure(s), as ${count - 1} would; prefer an odd count`]
      : [];
    return [...super.warnings(), ...evenCount];
  }

  protected propsProblems(): string[] {
    const given = this.givenProps as Record<string, unknown>;
    // Props that are not an object are the schema's to report, whole.
    if (given === null || typeof given !== 'object') { return super.propsProblemsOf(given); }
    const misplaced = NODE_TIER_PROPS.filter(key => key in given);
    const rest = Object.fromEntries(Object.entries(given).filter(([key]) => !misplaced.includes(key)));
    return [
      ...misplaced.map(key => `${key} is a KubeNodeTier prop; an EtcdPeerTier takes only count, cpus, memoryMb and firstIp`),
      ...super.propsProblemsOf(rest),
    ];
  }
}
