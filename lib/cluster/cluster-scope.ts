import type { IConstruct } from 'constructs';
import type { Machine } from './machine';

/** What a tier is added to: the root of a cluster (a VagrantCluster). */
export interface IClusterScope extends IConstruct {
  /** The machines of one of its tiers, as its target places them; none while the tier's props are invalid. */
  machinesOf(tier: IConstruct): Machine[];
  /** Problems the cluster's target finds with a tier (e.g. addresses past the end of its network). */
  tierProblems(tier: IConstruct): string[];
  /** Problems with a tier's id in this cluster (e.g. an id already used where the tier's files go). */
  tierIdProblems(tier: IConstruct): string[];
}
