/** IPv4 helpers for prefixes and CIDR ranges. */

/** A parsed IPv4 CIDR range. */
export interface Cidr {
  /** First address as an unsigned 32-bit number. */
  readonly first: number;
  /** Last address as an unsigned 32-bit number. */
  readonly last: number;
  /** Prefix length. */
  readonly bits: number;
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const PREFIX_PATTERN = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}$`);
const CIDR_PATTERN = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}/(3[0-2]|[12]?[0-9])$`);

/** Whether `prefix` is three dotted decimal octets, e.g. `10.10.10`. */
export function isNetworkPrefix(prefix: string): boolean {
  return PREFIX_PATTERN.test(prefix);
}

/** Parses `a.b.c.d/n`; undefined when malformed or when host bits are set. */
export function parseCidr(text: string): Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) { return undefined; }
  const address = [1, 2, 3, 4].reduce((acc, i) => acc * 256 + Number(match[i]), 0);
  const bits = Number(match[5]);
  const size = 2 ** (32 - bits);
  if (address % size !== 0) { return undefined; }
  return { first: address, last: address + size - 1, bits };
}

/** Whether `text` is shaped like `a.b.c.d/n` but has host bits set (e.g. `10.11.0.1/16`). */
export function hasHostBits(text: string): boolean {
  return CIDR_PATTERN.test(text) && parseCidr(text) === undefined;
}

/** The /24 of a three-octet prefix. */
export function prefixCidr(prefix: string): Cidr {
  return parseCidr(`${prefix}.0/24`)!;
}

/** VirtualBox 6.1.28+ allows host-only networks only here, unless /etc/vbox/networks.conf says otherwise. */
export const VIRTUALBOX_HOST_ONLY_RANGE = '192.168.56.0/21';

/** Whether the /24 of a prefix lies in {@link VIRTUALBOX_HOST_ONLY_RANGE}, where VirtualBox needs no extra setup. */
export function inVirtualBoxHostOnlyRange(prefix: string): boolean {
  return rangeInVirtualBoxHostOnlyRange(prefixCidr(prefix));
}

/** Whether a range lies in {@link VIRTUALBOX_HOST_ONLY_RANGE}. */
export function rangeInVirtualBoxHostOnlyRange(range: Cidr): boolean {
  return cidrsOverlap(range, parseCidr(VIRTUALBOX_HOST_ONLY_RANGE)!);
}

/**
 * VirtualBox's NAT network, on every VM's first adapter (eth0): "the guest is assigned to the
 * address 10.0.2.15, the gateway is set to 10.0.2.2 and the name server can be found at
 * 10.0.2.3" (VirtualBox manual, "Fine Tuning the VirtualBox NAT Engine"). Vagrant's first
 * adapter is that NAT, which it reaches the VMs through.
 */
export const VIRTUALBOX_NAT_NETWORK = '10.0.2.0/24';

/** An IPv4 block of the special-purpose registry that no host network, pod or service range can use. */
export interface SpecialPurposeBlock {
  readonly cidr: string;
  readonly range: Cidr;
  /** What the registry calls it, e.g. `loopback`. */
  readonly name: string;
  /** Why its addresses can't be a host's, with the RFC that says so. */
  readonly why: string;
}

/**
 * The blocks of the IANA IPv4 special-purpose address registry (RFC 6890) whose addresses
 * are never a host's address on a network.
 */
export const SPECIAL_PURPOSE_BLOCKS: readonly SpecialPurposeBlock[] = [
  { cidr: '0.0.0.0/8', name: '"this network" block', why: 'its addresses mean "this host on this network" and are never assigned to an interface (RFC 1122 §3.2.1.3)' },
  { cidr: '127.0.0.0/8', name: 'loopback block', why: 'every host delivers its addresses to itself, never onto a network (RFC 1122 §3.2.1.3)' },
  { cidr: '224.0.0.0/4', name: 'multicast block', why: 'its addresses name host groups, not hosts (RFC 5771, RFC 1112)' },
  { cidr: '240.0.0.0/4', name: 'reserved block', why: 'it is reserved for future use and holds the limited broadcast address 255.255.255.255 (RFC 1112 §4, RFC 919); Windows refuses to configure it' },
].map(block => Object.freeze({ ...block, range: parseCidr(block.cidr)! }));

/** The loopback block, 127.0.0.0/8: the address of the host itself. */
export const LOOPBACK_BLOCK = SPECIAL_PURPOSE_BLOCKS[1];

/** The special-purpose block a range overlaps, if any. */
export function specialPurposeBlockOf(range: Cidr): SpecialPurposeBlock | undefined {
  return SPECIAL_PURPOSE_BLOCKS.find(block => cidrsOverlap(block.range, range));
}

/** Whether two ranges share an address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** Dotted-quad form of an unsigned 32-bit address. */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map(shift => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** The n-th address of a range (n = 0 is the network address). */
export function nthAddress(cidr: Cidr, n: number): string {
  return formatIpv4(cidr.first + n);
}
