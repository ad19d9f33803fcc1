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
