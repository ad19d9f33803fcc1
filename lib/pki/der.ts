/**
 * The small part of ASN.1 DER (ITU-T X.690) that X.509 certificates need: an
 * encoder for the values a certificate is built from, and a reader that walks
 * a certificate's TLVs without interpreting more than asked.
 */

/** Universal tags used here. */
export const TAG = {
  BOOLEAN: 0x01, INTEGER: 0x02, BIT_STRING: 0x03, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06,
  UTF8_STRING: 0x0c, PRINTABLE_STRING: 0x13, UTC_TIME: 0x17, GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30, SET: 0x31,
} as const;

/** One TLV: its tag byte, its content, and its whole encoding (tag, length and content). */
export interface Tlv {
  readonly tag: number;
  readonly content: Buffer;
  readonly raw: Buffer;
}

/** An encoded value: tag, DER length, content. */
export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

function encodeLength(length: number): Buffer {
  if (length < 0x80) { return Buffer.from([length]); }
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) { bytes.unshift(n % 256); }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(TAG.SEQUENCE, Buffer.concat(items));
}

export function set(...items: Buffer[]): Buffer {
  return tlv(TAG.SET, Buffer.concat(items));
}

/** `[n]` EXPLICIT, constructed: wraps one encoded value. */
export function explicit(n: number, inner: Buffer): Buffer {
  return tlv(0xa0 | n, inner);
}

/** `[n]` IMPLICIT, primitive: the content of a value re-tagged (e.g. a GeneralName). */
export function implicit(n: number, content: Buffer): Buffer {
  return tlv(0x80 | n, content);
}

export function boolean(value: boolean): Buffer {
  return tlv(TAG.BOOLEAN, Buffer.from([value ? 0xff : 0x00]));
}

export function nullValue(): Buffer {
  return tlv(TAG.NULL, Buffer.alloc(0));
}

/** A non-negative INTEGER from its big-endian magnitude: minimal, with a leading zero when the top bit is set. */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) { start++; }
  const bytes = magnitude.subarray(start);
  return tlv(TAG.INTEGER, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

export function smallInteger(value: number): Buffer {
  return unsignedInteger(Buffer.from([value]));
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const bytes = [40 * arcs[0] + arcs[1]];
  for (const arc of arcs.slice(2)) {
    const base128: number[] = [];
    for (let n = arc; ; n = Math.floor(n / 128)) {
      base128.unshift((n % 128) | (base128.length > 0 ? 0x80 : 0));
      if (n < 128) { break; }
    }
    bytes.push(...base128);
  }
  return tlv(TAG.OID, Buffer.from(bytes));
}

export function utf8String(value: string): Buffer {
  return tlv(TAG.UTF8_STRING, Buffer.from(value, 'utf-8'));
}

export function octetString(content: Buffer): Buffer {
  return tlv(TAG.OCTET_STRING, content);
}

/** A BIT STRING of whole bytes (no unused bits). */
export function bitString(content: Buffer): Buffer {
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), content]));
}

/**
 * A named BIT STRING (such as keyUsage) from the numbers of the bits that are set,
 * bit 0 being the most significant bit of the first byte; trailing zero bits dropped (DER).
 */
export function namedBits(bits: readonly number[]): Buffer {
  const highest = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const bit of bits) { bytes[Math.floor(bit / 8)] |= 0x80 >> (bit % 8); }
  const unused = 7 - (highest % 8);
  return tlv(TAG.BIT_STRING, Buffer.concat([Buffer.from([unused]), bytes]));
}

/** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, to the second, in UTC. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-11-30T12:38:53.123Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '');
  const year = date.getUTCFullYear();
  return year < 2050
    ? tlv(TAG.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`, 'ascii'))
    : tlv(TAG.GENERALIZED_TIME, Buffer.from(`${digits}Z`, 'ascii'));
}

/** Reads the TLV at `offset` of `buffer`. */
export function readTlv(buffer: Buffer, offset = 0): Tlv {
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) { length = length * 256 + buffer[offset + 2 + i]; }
    header += count;
  }
  if (tag === undefined || offset + header + length > buffer.length) {
    throw new Error(`truncated DER at offset ${offset}`);
  }
  return { tag, content: buffer.subarray(offset + header, offset + header + length), raw: buffer.subarray(offset, offset + header + length) };
}

/** The TLVs inside a constructed value's content, in order. */
export function children(content: Buffer): Tlv[] {
  const items: Tlv[] = [];
  for (let offset = 0; offset < content.length;) {
    const item = readTlv(content, offset);
    items.push(item);
    offset += item.raw.length;
  }
  return items;
}

/** The dotted form of an OBJECT IDENTIFIER's content. */
export function readOid(content: Buffer): string {
  const arcs = [Math.floor(content[0] / 40), content[0] % 40];
  let value = 0;
  for (const byte of content.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0;
    }
  }
  return arcs.join('.');
}
