import { SystemdUnit } from '../formats/systemd-unit';

/**
 * The name every machine gives its NIC on the LAN, whatever the kernel or udev called it:
 * the model's node interface, which flannel (`--iface`) and kube-vip (`vip_interface`) use.
 */
export const LAN_INTERFACE = 'lan0';

/** Where systemd-udevd and systemd-networkd read the machine's own files (systemd.link(5), systemd.network(5)). */
export const NETWORK_DIR = '/etc/systemd/network';
/** Sorted before systemd's own `99-default.link` and Flatcar's catch-all DHCP `.network`: the first file that matches a link wins. */
export const LAN_LINK_FILE = `${NETWORK_DIR}/10-${LAN_INTERFACE}.link`;
export const LAN_NETWORK_FILE = `${NETWORK_DIR}/10-${LAN_INTERFACE}.network`;

/** A machine's place on the LAN. */
export interface LanSettings {
  /** The NIC's MAC, normalized. */
  readonly mac: string;
  /** The machine's address. */
  readonly address: string;
  /** The LAN's prefix length, e.g. 24. */
  readonly prefixLength: number;
  readonly gateway: string;
  readonly dnsServers: readonly string[];
}

const HEADER = '# Written by cdk-vagrant-kubernetes: the NIC with this MAC carries the node\'s traffic.\n';

/**
 * The `.link` file that names the NIC with the machine's MAC `lan0`, so that the model's node
 * interface exists on every machine. systemd-udevd applies it as the NIC appears, and since
 * systemd 253 (commit 53584e7b61) tries it on an interface that is already up too, which Linux
 * renames from 6.2 on (commit bd039b5ea2a9): the pinned Flatcar has both (FLATCAR_INSTALL_RELEASE).
 * @see https://www.freedesktop.org/software/systemd/man/systemd.link.html
 */
export function lanLinkFile(lan: LanSettings): string {
  return HEADER + SystemdUnit.of(
    { name: 'Match', directives: [['MACAddress', lan.mac]] },
    { name: 'Link', directives: [['Name', LAN_INTERFACE]] },
  ).render();
}

/**
 * The `.network` file that gives the same NIC, matched by MAC again, its static address, the
 * LAN's gateway and the DNS servers: Vagrant gives a VM these through VirtualBox's NAT, and
 * without them the kubelet, image and binary downloads fail.
 * @see https://www.freedesktop.org/software/systemd/man/systemd.network.html
 */
export function lanNetworkFile(lan: LanSettings): string {
  return HEADER + SystemdUnit.of(
    { name: 'Match', directives: [['MACAddress', lan.mac]] },
    {
      name: 'Network',
      directives: [
        ['Address', `${lan.address}/${lan.prefixLength}`],
        ['Gateway', lan.gateway],
        ...lan.dnsServers.map(server => ['DNS', server] as const),
      ],
    },
  ).render();
}
