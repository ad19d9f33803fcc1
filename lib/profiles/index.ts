import { ClassicProfile } from './classic/profile';
import { IClusterProfile } from './cluster-profile';
import { FlatcarProfile, FlatcarProfileOptions } from './flatcar/profile';

/** The profiles a {@link VagrantCluster} can be rendered with. */
export class ClusterProfile {
  /** The seed's design: CoreOS, etcd2, fleet, flannel, hyperkube static pods. */
  public static readonly CLASSIC: IClusterProfile = new ClassicProfile();
  /** Today's boxes: Flatcar, etcd v3.6 with TLS, a current Kubernetes with a secure port only. */
  public static readonly FLATCAR: IClusterProfile = new FlatcarProfile();

  /** The Flatcar profile with options (PKI folder, pins). */
  public static flatcar(options: FlatcarProfileOptions = {}): IClusterProfile {
    return new FlatcarProfile(options);
  }

  private constructor() {}
}

export * from './cluster-profile';
export { ClassicProfile } from './classic/profile';
export * from './flatcar/profile';
export { ClusterPki, ClusterPkiProps, PKI_NAMES } from './flatcar/pki';
