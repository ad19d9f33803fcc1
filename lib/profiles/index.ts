import type { ClassicProfileOptions } from './classic/profile';
import type { IClusterProfile } from './cluster-profile';
import type { FlatcarProfileOptions } from './flatcar/profile';

/**
 * The profiles a cluster can be rendered with. Each profile's code loads on first use:
 * a classic cluster never loads the Flatcar profile and its PKI, nor a Flatcar one the
 * classic profile.
 */
export class ClusterProfile {
  /** The seed's design: CoreOS, etcd2, fleet, flannel, hyperkube static pods. */
  public static get CLASSIC(): IClusterProfile {
    return (ClusterProfile.classicDefault ??= ClusterProfile.classic());
  }

  /** Today's boxes: Flatcar, etcd v3.6 with TLS, a current Kubernetes with a secure port only. */
  public static get FLATCAR(): IClusterProfile {
    return (ClusterProfile.flatcarDefault ??= ClusterProfile.flatcar());
  }

  /**
   * The classic profile with options (the hyperkube images per component). The options' plain
   * data is copied now, as construct props are: a later change to them changes nothing, and one
   * that cannot be read is a problem at synth.
   */
  public static classic(options: ClassicProfileOptions = {}): IClusterProfile {
    const { ClassicProfile } = require('./classic/profile') as typeof import('./classic/profile');
    return new ClassicProfile(options);
  }

  /**
   * The Flatcar profile with options (PKI folder, pins). The options' plain data is copied now, as
   * construct props are: a later change to them changes nothing, and one that cannot be read is a
   * problem at synth.
   */
  public static flatcar(options: FlatcarProfileOptions = {}): IClusterProfile {
    const { FlatcarProfile } = require('./flatcar/profile') as typeof import('./flatcar/profile');
    return new FlatcarProfile(options);
  }

  private static classicDefault?: IClusterProfile;
  private static flatcarDefault?: IClusterProfile;

  private constructor() {}
}
