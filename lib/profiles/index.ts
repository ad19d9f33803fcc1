import type { IClusterProfile } from './cluster-profile';
import { ClassicProfile, ClassicProfileOptions } from './classic/profile';
import { FlatcarProfile, FlatcarProfileOptions } from './flatcar/profile';

/** The profiles a cluster can be rendered with. */
export class ClusterProfile {
  /** The seed's design: CoreOS, etcd2, fleet, flannel, hyperkube static pods. */
  public static readonly CLASSIC: IClusterProfile = new ClassicProfile();
  /** Today's boxes: Flatcar, etcd v3.6 with TLS, a current Kubernetes with a secure port only. */
  public static readonly FLATCAR: IClusterProfile = new FlatcarProfile();

  /** The classic profile with options (the hyperkube images per component). */
  public static classic(options: ClassicProfileOptions = {}): IClusterProfile {
    return new ClassicProfile(options);
  }

  /** The Flatcar profile with options (PKI folder, pins). */
  public static flatcar(options: FlatcarProfileOptions = {}): IClusterProfile {
    return new FlatcarProfile(options);
  }

  private constructor() {}
}

export * from './cluster-profile';
export { ClassicProfile, ClassicProfileOptions } from './classic/profile';
export * from './flatcar/profile';
export { ClusterPki, ClusterPkiProps, PKI_NAMES, pkiSpec } from './flatcar/pki';
