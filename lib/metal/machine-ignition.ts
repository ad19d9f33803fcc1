import * as path from 'node:path';
import { Construct } from 'constructs';
import { HOSTNAME_FILE, cloudConfigToIgnition, textFile } from './cloud-config-ignition';
import { LanSettings, LAN_LINK_FILE, LAN_NETWORK_FILE, lanLinkFile, lanNetworkFile } from './node-network';
import type { ClusterOutput, DeliveredFolder } from '../cluster/cluster-output';
import type { Machine } from '../cluster/machine';
import { CloudConfig } from '../formats/cloud-config';
import { IGNITION_SPEC_VERSION, IgnitionConfig, IgnitionFile, ignitionProblems, renderIgnition } from '../formats/ignition';
import { IFileOwner, SynthesizedFile, isFileOwner } from '../synth/synthesized-file';

/** The user every Flatcar machine has; the SSH keys are his. */
export const CORE_USER = 'core';

/** What a machine's final Ignition config is made of. */
export interface MachineIgnitionProps {
  readonly machine: Machine;
  /** The machine's place on the LAN. */
  readonly lan: LanSettings;
  /** The user's SSH public keys, for `core`. */
  readonly sshAuthorizedKeys: readonly string[];
  /** What the profile hands each machine, read at render time. */
  readonly output: ClusterOutput;
}

/** Where a machine's final config is written in the output folder: `ignition/<name>.ign`, which matchbox serves from its data path too. */
export function machineIgnitionPath(hostname: string): string {
  return `ignition/${hostname}.ign`;
}

/**
 * `ignition/<machine>.ign`: everything the Vagrant target delivers to that machine, in one
 * Ignition config (spec 3.3.0) that Flatcar applies on its first boot from disk. That is the
 * cloud-config, files and units (late files, the certificates and keys, included), and what
 * Vagrant delivers outside it: the files of the folders it rsyncs (the static pods), the
 * hostname, and the address, as networkd files that find the NIC by its MAC and name it
 * `lan0`. Plus the user's SSH keys for `core`. Mode 0600: it carries the machine's keys.
 */
export class MachineIgnition extends Construct implements IFileOwner {
  public readonly filePath: string;
  private rendered?: { config: IgnitionConfig; untranslated: string[] };

  constructor(scope: Construct, id: string, private readonly props: MachineIgnitionProps) {
    super(scope, id);
    this.filePath = machineIgnitionPath(props.machine.hostname);
  }

  /** The config, as {@link renderFile} writes it. */
  public config(): IgnitionConfig {
    return this.build().config;
  }

  public renderFile(): SynthesizedFile {
    this.rendered = this.build();
    return { path: this.filePath, content: renderIgnition(this.rendered.config), mode: 0o600 };
  }

  /** The config against the schema of spec 3.3.0 and Ignition's own rules, and whatever the delivery holds that Ignition cannot say. */
  public checkFile(file: SynthesizedFile): string[] {
    const { config, untranslated } = this.rendered ?? this.build();
    return [...untranslated, ...ignitionProblems(config)].map(problem => `${file.path}: ${problem}`);
  }

  private build(): { config: IgnitionConfig; untranslated: string[] } {
    const { machine, lan, output } = this.props;
    const delivery = output.deliveryTo(machine);
    const untranslated: string[] = [];
    let translated = cloudConfigToIgnition({});
    if (delivery.userData !== undefined) {
      if (CloudConfig.isCloudConfig(delivery.userData)) {
        translated = cloudConfigToIgnition(delivery.userData.completeConfig());
        untranslated.push(...translated.untranslated);
      } else {
        untranslated.push(`the first-boot configuration ${delivery.userData.filePath} is not a cloud-config; expected one to translate`);
      }
    }
    const hostnameFile = translated.files.find(file => file.path === HOSTNAME_FILE);
    const hostname = delivery.userData && CloudConfig.isCloudConfig(delivery.userData) ? delivery.userData.config.hostname : undefined;
    if (hostname !== undefined && hostname !== machine.hostname) {
      untranslated.push(`the cloud-config names the machine ${hostname}, but it is ${machine.hostname}; expected its own name`);
    }
    const files: IgnitionFile[] = [
      textFile(LAN_LINK_FILE, lanLinkFile(lan), 0o644, { name: 'root' }),
      textFile(LAN_NETWORK_FILE, lanNetworkFile(lan), 0o644, { name: 'root' }),
      // Vagrant names the VM after the machine whatever the cloud-config says; so does this config.
      ...(hostnameFile ? [] : [textFile(HOSTNAME_FILE, `${machine.hostname}\n`, 0o644, { name: 'root' })]),
      ...translated.files,
      ...delivery.folders.flatMap(folder => folderFiles(output, folder)),
    ];
    const keys = [...new Set([...this.props.sshAuthorizedKeys, ...translated.sshAuthorizedKeys])];
    const config: IgnitionConfig = {
      ignition: { version: IGNITION_SPEC_VERSION },
      passwd: { users: [{ name: CORE_USER, sshAuthorizedKeys: keys }] },
      storage: { files },
      systemd: { units: translated.units },
    };
    return { config, untranslated };
  }
}

/**
 * The files of an output folder as the machine gets them at the folder's target: each with its
 * content and mode, owned by root. Vagrant's rsync gives them to the SSH user instead
 * (Vagrant 2.3.4 plugins/synced_folders/rsync/helper.rb: owner and group default to it); the
 * kubelet, which reads them, runs as root.
 */
function folderFiles(output: ClusterOutput, folder: DeliveredFolder): IgnitionFile[] {
  const prefix = `${folder.source.replace(/\/+$/, '')}/`;
  return output.node.findAll()
    .filter(isFileOwner)
    .filter(owner => owner.filePath.startsWith(prefix))
    .map(owner => owner.renderFile())
    .map(file => textFile(path.posix.join(folder.target, file.path.slice(prefix.length)), file.content, file.mode & 0o777, { name: 'root' }, { name: 'root' }));
}
