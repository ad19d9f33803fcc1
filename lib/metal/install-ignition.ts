import { Construct } from 'constructs';
import { textFile } from './cloud-config-ignition';
import { FlatcarInstallRelease, INSTALLER, INSTALLER_UNIT, installerScript, installerUnit } from './flatcar-install';
import { CORE_USER } from './machine-ignition';
import { IGNITION_SPEC_VERSION, IgnitionConfig, ignitionProblems, renderIgnition } from '../formats/ignition';
import { IFileOwner, SynthesizedFile } from '../synth/synthesized-file';

/** What a machine's install config is made of. */
export interface InstallIgnitionProps {
  readonly hostname: string;
  readonly release: FlatcarInstallRelease;
  /** The disk the machine installs to. */
  readonly disk: string;
  /** matchbox's URL of the machine's final config: `/ignition?mac=<mac>&os=installed`. */
  readonly finalConfigUrl: string;
  /** The user's SSH public keys, to look into an install that fails. */
  readonly sshAuthorizedKeys: readonly string[];
}

/** Where a machine's install config is written: `ignition/<name>-install.ign`. */
export function installIgnitionPath(hostname: string): string {
  return `ignition/${hostname}-install.ign`;
}

/**
 * `ignition/<machine>-install.ign`: the Ignition config (spec 3.3.0) of the PXE-booted live
 * system, the first of typhoon's two stages. `installer.service` fetches the machine's final
 * config from matchbox, installs the pinned Flatcar with it onto the machine's disk and reboots.
 * It holds no key (mode 0644): the final config is fetched, not embedded.
 */
export class InstallIgnition extends Construct implements IFileOwner {
  public readonly filePath: string;

  constructor(scope: Construct, id: string, private readonly props: InstallIgnitionProps) {
    super(scope, id);
    this.filePath = installIgnitionPath(props.hostname);
  }

  /** The config. */
  public config(): IgnitionConfig {
    const { release, disk, finalConfigUrl } = this.props;
    return {
      ignition: { version: IGNITION_SPEC_VERSION },
      passwd: { users: [{ name: CORE_USER, sshAuthorizedKeys: [...this.props.sshAuthorizedKeys] }] },
      storage: { files: [textFile(INSTALLER, installerScript({ release, disk, finalConfigUrl }), 0o500, { name: 'root' })] },
      systemd: { units: [{ name: INSTALLER_UNIT, enabled: true, contents: installerUnit().render() }] },
    };
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: renderIgnition(this.config()), mode: 0o644 };
  }

  public checkFile(file: SynthesizedFile): string[] {
    return [...installerUnit().problems(), ...ignitionProblems(this.config())].map(problem => `${file.path}: ${problem}`);
  }
}
