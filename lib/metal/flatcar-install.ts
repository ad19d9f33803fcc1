import { shellWord } from '../formats/posix-shell';
import { ExecCommand, SystemdUnit } from '../formats/systemd-unit';

/** A Flatcar release the metal target installs, and the packages of its image that the target relies on. */
export interface FlatcarInstallRelease {
  /** e.g. `4593.2.5`. */
  readonly version: string;
  /** The release channel, `stable`. */
  readonly channel: string;
  /** The release page. */
  readonly releaseNotes: string;
  /** Ignition of the image: 2.15.0 and later read spec 3.4.0, which matchbox v0.11.0 serves (it translates every config it serves to 3.4). */
  readonly ignition: string;
  /** Linux 6.2 and later rename an interface that is up (kernel commit bd039b5ea2a9). */
  readonly kernel: string;
  /** systemd 253 and later try the rename of a `.link` file even when the interface is up (systemd commit 53584e7b61). */
  readonly systemd: string;
}

/**
 * Flatcar stable 4593.2.5, published 2026-08-13: the release the PXE kernel and initrd and
 * `flatcar-install -V` are pinned to. Its image packages (flatcar/flatcar-website
 * data/releases/stable/4593.2.5.yml, `image_packages`): ignition 2.24.0, kernel 6.12.102,
 * systemd 257. The Vagrant box of the Flatcar profile follows `current` of the stable channel
 * and pins no version, so there is none to reuse.
 * @see https://github.com/flatcar/scripts/releases/tag/stable-4593.2.5
 */
export const FLATCAR_INSTALL_RELEASE: FlatcarInstallRelease = {
  version: '4593.2.5',
  channel: 'stable',
  releaseNotes: 'https://github.com/flatcar/scripts/releases/tag/stable-4593.2.5',
  ignition: '2.24.0',
  kernel: '6.12.102',
  systemd: '257',
};

/**
 * The PXE kernel and initrd of a release, by the file names of Flatcar's "Booting via PXE"
 * (flatcar/flatcar-website content/docs/latest/deploy/bare-metal/booting-with-pxe.md) under the
 * release's folder on `<channel>.release.flatcar-linux.net` ("Notes for distributors",
 * content/docs/latest/deploy/virt-options/notes-for-distributors.md).
 */
export function pxeImages(release: FlatcarInstallRelease): { kernel: string; initrd: string[] } {
  const folder = `https://${release.channel}.release.flatcar-linux.net/amd64-usr/${release.version}`;
  return { kernel: `${folder}/flatcar_production_pxe.vmlinuz`, initrd: [`${folder}/flatcar_production_pxe_image.cpio.gz`] };
}

/**
 * The kernel arguments of the PXE boot: `flatcar.first_boot=1` and `ignition.config.url` run
 * Ignition on the live system with the config at the URL (Flatcar's "Booting via PXE");
 * `initrd=` names the initrd for a kernel that iPXE boots through UEFI (typhoon's bare-metal
 * Flatcar profiles pass it the same way, bare-metal/flatcar-linux/kubernetes/profiles.tf at v1.35.4).
 */
export function pxeKernelArgs(installConfigUrl: string): string[] {
  return ['initrd=flatcar_production_pxe_image.cpio.gz', 'flatcar.first_boot=1', `ignition.config.url=${installConfigUrl}`];
}

/** Where the install config puts the installer, and the unit that runs it. */
export const INSTALLER = '/opt/installer';
export const INSTALLER_UNIT = 'installer.service';

/** What the installer of one machine is made of. */
export interface InstallerSettings {
  readonly release: FlatcarInstallRelease;
  /** The machine's disk, e.g. `/dev/sda`. */
  readonly disk: string;
  /** Where the machine's final Ignition config is fetched from: matchbox's `/ignition` with `mac` and `os=installed`. */
  readonly finalConfigUrl: string;
}

/**
 * POSIX sh that the PXE-booted live system runs: fetch the machine's final Ignition config
 * (it holds the machine's private keys: a 0600 file, removed on exit), install the pinned
 * release with it onto the disk with `flatcar-install -d <disk> -C <channel> -V <version> -i <config>`,
 * then reboot into the installed system. The two stages follow typhoon's bare-metal Flatcar
 * install (bare-metal/flatcar-linux/kubernetes/butane/install.yaml at v1.35.4); the options are
 * flatcar-install's ("Installing to disk", flatcar/flatcar-website
 * content/docs/latest/deploy/bare-metal/installing-to-disk.md).
 */
export function installerScript(settings: InstallerSettings): string {
  const { release } = settings;
  return `#!/bin/sh
# Installs Flatcar ${release.version} (${release.channel}) onto ${settings.disk} with this machine's
# Ignition config, then reboots into it. Everything on ${settings.disk} is lost.
# Written by cdk-vagrant-kubernetes; ${INSTALLER_UNIT} runs it on the PXE-booted live system.
set -eu
umask 077
config="$(mktemp)"
trap 'rm -f "$config"' EXIT
curl --fail --silent --show-error --location --retry 10 --retry-connrefused --output "$config" ${shellWord(settings.finalConfigUrl)}
flatcar-install -d ${shellWord(settings.disk)} -C ${shellWord(release.channel)} -V ${shellWord(release.version)} -i "$config"
udevadm settle
systemctl reboot
`;
}

/** `installer.service`: runs the installer once the network is up. */
export function installerUnit(): SystemdUnit {
  return SystemdUnit.of(
    {
      name: 'Unit',
      directives: [
        ['Description', 'Install Flatcar to disk with this machine\'s Ignition config'],
        ['Documentation', 'https://www.flatcar.org/docs/latest/installing/bare-metal/installing-to-disk/'],
        ['Requires', 'network-online.target'],
        ['After', 'network-online.target'],
      ],
    },
    { name: 'Service', directives: [['Type', 'oneshot'], ['ExecStart', ExecCommand.of(INSTALLER)]] },
    { name: 'Install', directives: [['WantedBy', 'multi-user.target']] },
  );
}
