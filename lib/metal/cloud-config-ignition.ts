import type { CloudConfigData, CloudConfigUnit, WriteFile } from '../formats/cloud-config-data';
import { IgnitionFile, IgnitionOwner, IgnitionUnit, dataUrl, hasInstallSection } from '../formats/ignition';

/**
 * Flatcar's update configuration: `REBOOT_STRATEGY`, `GROUP` and `SERVER`, which coreos-cloudinit
 * writes from `coreos.update` (Flatcar's "update.conf" reference and "Update and reboot strategies",
 * flatcar/flatcar-website content/docs/latest/updates-releases/releases/update-conf.md and update-strategies.md).
 */
export const UPDATE_CONF = '/etc/flatcar/update.conf';
/** Where the hostname is kept (hostname(5)). */
export const HOSTNAME_FILE = '/etc/hostname';

/** What a cloud-config becomes in Ignition, and what of it cannot be said there. */
export interface TranslatedCloudConfig {
  /** `/etc/hostname`, `/etc/flatcar/update.conf`, then `write_files` in order. */
  readonly files: IgnitionFile[];
  readonly units: IgnitionUnit[];
  /** `ssh_authorized_keys`, for the `core` user. */
  readonly sshAuthorizedKeys: string[];
  /** Each key or value that has no Ignition counterpart here, with the reason; empty when everything was translated. */
  readonly untranslated: string[];
}

/** The cloud-config keys this translation knows; any other is reported, never dropped. */
const TOP_LEVEL = ['hostname', 'write_files', 'ssh_authorized_keys', 'coreos'];
const COREOS = ['units', 'update'];
const WRITE_FILE = ['path', 'content', 'permissions', 'owner'];
const UNIT = ['name', 'command', 'enable', 'mask', 'content', 'drop_ins'];

/**
 * The Ignition (spec 3.3.0) form of a coreos-cloudinit cloud-config as the Flatcar profile
 * writes it: every `write_files` entry a file with its content, mode and owner; every unit
 * with its content, drop-ins and mask, enabled when the cloud-config starts or enables it
 * (coreos-cloudinit runs the user-data at every boot of the Vagrant box, so `command: start`
 * starts the unit at every boot, as an enabled unit does); `hostname` as `/etc/hostname`; and
 * `coreos.update` as Flatcar's `update.conf`. coreos-cloudinit features that Ignition has no
 * counterpart for (etcd2, fleet, flannel, `runtime` units, encoded files...) are reported.
 */
export function cloudConfigToIgnition(config: CloudConfigData): TranslatedCloudConfig {
  const untranslated: string[] = [];
  const data = config as Record<string, unknown>;
  untranslated.push(...unknownKeys(data, TOP_LEVEL, 'cloud-config key'));
  const coreos = (config.coreos ?? {}) as Record<string, unknown>;
  untranslated.push(...unknownKeys(coreos, COREOS, 'coreos key'));

  const files: IgnitionFile[] = [];
  if (typeof config.hostname === 'string') {
    files.push(textFile(HOSTNAME_FILE, `${config.hostname}\n`, 0o644, { name: 'root' }));
  }
  const update = config.coreos?.update;
  if (update) {
    const lines = [
      ...(update.reboot_strategy !== undefined ? [`REBOOT_STRATEGY=${update.reboot_strategy}`] : []),
      ...(update.group !== undefined ? [`GROUP=${update.group}`] : []),
      ...(update.server !== undefined ? [`SERVER=${update.server}`] : []),
    ];
    untranslated.push(...unknownKeys(update as Record<string, unknown>, ['reboot_strategy', 'group', 'server'], 'coreos.update key'));
    if (lines.length > 0) {
      files.push(textFile(UPDATE_CONF, lines.map(line => `${line}\n`).join(''), 0o644, { name: 'root' }));
    }
  }
  (config.write_files ?? []).forEach((file, index) => {
    untranslated.push(...unknownKeys(file as unknown as Record<string, unknown>, WRITE_FILE, `write_files[${index}] (${file.path}) key`));
    files.push(writeFileToIgnition(file));
  });

  const units = (config.coreos?.units ?? []).map((unit, index) => {
    untranslated.push(...unknownKeys(unit as unknown as Record<string, unknown>, UNIT, `coreos.units[${index}] (${unit.name}) key`), ...unitProblems(unit));
    return unitToIgnition(unit);
  });

  return { files, units, sshAuthorizedKeys: [...config.ssh_authorized_keys ?? []], untranslated };
}

/** A `write_files` entry as an Ignition file: its content, its permissions (default 0644, coreos-cloudinit's), its owner. */
export function writeFileToIgnition(file: WriteFile): IgnitionFile {
  const [user, group] = (file.owner ?? 'root').split(':');
  return textFile(file.path, file.content, parseInt(file.permissions ?? '0644', 8), { name: user }, group ? { name: group } : undefined);
}

/** A file that Ignition writes whatever is at its path. */
export function textFile(path: string, content: string, mode: number, user: IgnitionOwner, group?: IgnitionOwner): IgnitionFile {
  return { path, overwrite: true, contents: { source: dataUrl(content) }, mode, user, ...(group ? { group } : {}) };
}

function unitToIgnition(unit: CloudConfigUnit): IgnitionUnit {
  const enabled = unit.enable === true || unit.command === 'start';
  return {
    name: unit.name,
    ...(enabled ? { enabled: true } : {}),
    ...(unit.mask !== undefined ? { mask: unit.mask } : {}),
    ...(unit.content !== undefined ? { contents: unit.content } : {}),
    ...(unit.drop_ins !== undefined ? { dropins: unit.drop_ins.map(dropIn => ({ name: dropIn.name, contents: dropIn.content })) } : {}),
  };
}

/** What of a unit Ignition cannot do as coreos-cloudinit does. */
function unitProblems(unit: CloudConfigUnit): string[] {
  const problems: string[] = [];
  if (unit.command !== undefined && unit.command !== 'start') {
    problems.push(`coreos.units ${unit.name} has command ${unit.command}; Ignition enables units and runs no command, expected start or none`);
  }
  if (unit.runtime === true) {
    problems.push(`coreos.units ${unit.name} is a runtime unit; Ignition writes units to /etc, expected runtime unset`);
  }
  if (unit.command === 'start' && unit.content !== undefined && !hasInstallSection(unit.content)) {
    problems.push(`coreos.units ${unit.name} is started by the cloud-config but has no [Install] section, so Ignition cannot start it at boot; `
      + 'expected a WantedBy= in an [Install] section');
  }
  return problems;
}

function unknownKeys(object: Record<string, unknown>, known: readonly string[], what: string): string[] {
  return Object.keys(object).filter(key => object[key] !== undefined && !known.includes(key))
    .map(key => `${what} ${key} has no Ignition counterpart in this translation; expected only ${known.join(', ')}`);
}
