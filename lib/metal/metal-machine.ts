/** One existing machine of a {@link MetalCluster}: what the tiers cannot know about real hardware. */
export interface MetalMachine {
  /** The machine's hostname, as its tier names it: `<tier>-NN`, e.g. `etcd-01`. */
  readonly name: string;
  /**
   * The MAC address of the machine's NIC on the LAN, six colon-separated hex octets such as
   * `52:54:00:a1:9c:01`. PXE and matchbox recognise the machine by it, and the machine's
   * networkd files find the NIC by it, whatever the NIC's name.
   */
  readonly mac: string;
  /** The machine's static IPv4 address on the LAN, e.g. `10.0.40.11`. */
  readonly address: string;
  /**
   * The disk `flatcar-install` writes Flatcar to: everything on it is lost.
   * @default '/dev/sda'
   */
  readonly installDisk?: string;
}

/** The disk a machine installs to when its entry names none. */
export const DEFAULT_INSTALL_DISK = '/dev/sda';

/** A machine's hardware as the metal target uses it: the MAC normalized, the disk resolved. */
export interface MachineHardware {
  /** Lowercase, colon-separated, as matchbox normalizes a `mac` selector (Go's `net.HardwareAddr.String`). */
  readonly mac: string;
  readonly address: string;
  readonly installDisk: string;
}

/** Six colon-separated hex octets. */
const MAC = /^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$/;

/** Whether a value is a MAC address as a {@link MetalMachine} takes it. */
export function isMacAddress(value: unknown): value is string {
  return typeof value === 'string' && MAC.test(value);
}

/** `52:54:00:A1:9C:01` becomes `52:54:00:a1:9c:01`. */
export function normalizeMac(mac: string): string {
  return mac.toLowerCase();
}

/**
 * Whether a MAC is a group (multicast or broadcast) address: the least significant bit of
 * its first octet is set (IEEE 802-2014, 8.2). No NIC has one.
 */
export function isGroupMac(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
