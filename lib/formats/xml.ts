/**
 * XML text for the generated SVG. Every value that reaches the markup goes
 * through these helpers, so the output is well-formed by construction.
 */

/** An attribute value: a string, or a number written with at most two decimals. */
export type XmlAttributeValue = string | number;

/** Characters that text content escapes or drops; most values have none, and are returned as they are. */
const TEXT_SPECIAL = /[&<>]|[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_SPECIAL = /[&<>"\t\n\r]|[^\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
/** Element names already checked: a drawing uses a handful, thousands of times. */
const checkedNames = new Set<string>();

/** Escapes text content: `&`, `<` and `>`; drops characters XML 1.0 forbids. */
export function xmlText(value: string): string {
  if (!TEXT_SPECIAL.test(value)) { return value; }
  return stripForbidden(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes a double-quoted attribute value: also `"` and the whitespace XML would normalize. */
export function xmlAttribute(value: XmlAttributeValue): string {
  if (typeof value === 'number') { return formatNumber(value); } // digits, '-' and '.' only
  const text = value;
  if (!ATTRIBUTE_SPECIAL.test(text)) { return text; }
  return xmlText(text).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/**
 * One element. `children` is markup that was itself built by this function
 * (or is escaped text); attribute order is kept, so output is deterministic.
 */
export function xmlElement(name: string, attributes: Record<string, XmlAttributeValue | undefined>, children: string[] = []): string {
  const start = startTag(name, attributes);
  return children.length === 0 ? `${start}/>` : `${start}>${children.join('')}</${name}>`;
}

/**
 * One element as the pieces of its markup, for a document joined once at the end:
 * `children` are markup or the pieces of other such elements, kept unjoined. For
 * elements as large as a whole drawing: V8 maps fresh memory for every string over
 * 128 KiB, so joining such an element at each level of the document costs page
 * faults each time (a 250-VM topology.svg: 5.6-5.8 ms joined once, 7.1 ms joined at
 * each level, and its hash then had to flatten the result again).
 */
export function xmlElementPieces(
  name: string, attributes: Record<string, XmlAttributeValue | undefined>, children: ReadonlyArray<string | readonly string[]>,
): string[] {
  const start = startTag(name, attributes);
  if (children.length === 0) { return [`${start}/>`]; }
  const pieces = [`${start}>`];
  for (const child of children) {
    if (typeof child === 'string') {
      pieces.push(child);
    } else {
      for (const piece of child) { pieces.push(piece); }
    }
  }
  pieces.push(`</${name}>`);
  return pieces;
}

/** `<name attributes`, without the closing `>` or `/>`. */
function startTag(name: string, attributes: Record<string, XmlAttributeValue | undefined>): string {
  if (!checkedNames.has(name)) {
    if (!ELEMENT_NAME.test(name)) {
      throw new Error(`'${name}' is not an XML element name`);
    }
    checkedNames.add(name);
  }
  return `<${name}${xmlAttributes(attributes)}`;
}

/** ` key="value"` for each attribute, in order; undefined ones are left out. */
export function xmlAttributes(attributes: Record<string, XmlAttributeValue | undefined>): string {
  let attrs = '';
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) { attrs += ` ${key}="${xmlAttribute(value)}"`; }
  }
  return attrs;
}

/** A number as SVG coordinates want it: no exponent, at most two decimals, no trailing zeros. */
export function formatNumber(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

function stripForbidden(value: string): string {
  // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
  return value.replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '');
}
