import { ClassicProfile } from './classic-profile';
import { IClusterProfile } from './cluster-profile';

/** The profiles a {@link VagrantCluster} can be rendered with. */
export class ClusterProfile {
  /** The seed's design: CoreOS, etcd2, fleet, flannel, hyperkube static pods. */
  public static readonly CLASSIC: IClusterProfile = new ClassicProfile();

  private constructor() {}
}

export * from './cluster-profile';
export { ClassicProfile } from './classic-profile';
