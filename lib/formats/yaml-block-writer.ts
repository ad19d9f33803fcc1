import { Document } from 'yaml';
import { requiresDoubleQuotes } from './yaml-quoting';

/**
 * The fast path of the YAML writer: block maps and sequences of plain
 * scalars, literal block strings and simply quoted ones, written straight
 * into one string instead of through the `yaml` package's node tree. It
 * writes the bytes the package writes for the same value with
 * `{ version: '1.1', lineWidth: 0 }` (test/formats/yaml-block-writer.test.ts
 * compares the two over random values and over every document the examples
 * write) and gives up, returning undefined, on anything else: a key or value
 * that needs the package's folding or escaping rules, a number that is not a
 * safe integer, a value that is not JSON-like. The caller then uses the package.
 */
export function writeBlockYaml(value: unknown, options: { readonly sortKeys: boolean }): string | undefined {
  if (value === null || typeof value !== 'object') { return undefined; }
  const body = new BlockWriter(options.sortKeys).collection(value, '');
  return body === undefined ? undefined : body + '\n';
}

/** Control characters and lone surrogates: the package escapes them in double quotes. */
const ESCAPED = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;

/**
 * A string that cannot be a plain scalar: it starts with an indicator, is a
 * lone `-` or `?`, holds `: `, ` #` or a blank before a line break, or ends
 * with a blank or `:` (the YAML 1.2 spec, section 7.3.3, as the package applies it).
 */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;

/** A line that a YAML 1.1 reader takes for a directive or a document marker. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;

/**
 * The patterns of the YAML 1.1 schema's tags other than `!!str` (null, bool,
 * int, float, timestamp...), taken from the package itself: a plain scalar
 * that one of them matches reads back as something other than a string.
 */
const NON_STRING: readonly RegExp[] = (() => {
  const { tags, compat } = new Document(null, { version: '1.1' }).schema;
  return [...tags, ...(compat ?? [])]
    .filter(tag => tag.default && tag.tag !== 'tag:yaml.org,2002:str')
    .flatMap(tag => ('test' in tag && tag.test instanceof RegExp ? [tag.test] : []));
})();

function readsAsOtherType(text: string): boolean {
  for (const test of NON_STRING) {
    if (test.test(text)) { return true; }
  }
  return false;
}

/**
 * The quotes the package picks for a one-line string: single quotes when it
 * holds a double quote and no single one, else JSON's double-quoted form
 * (the same bytes as YAML's once no character needs a `\u` escape).
 */
function quoted(text: string): string {
  return text.includes('"') && !text.includes("'") ? `'${text}'` : JSON.stringify(text);
}

/** How many times a string ends in a line break. */
function trailingBreaks(text: string): number {
  let count = 0;
  while (count < text.length && text.charCodeAt(text.length - 1 - count) === 10) { count++; }
  return count;
}

/** Past this many entries a cache is cleared: the strings of one synth repeat, those of different clusters mostly don't. */
const CACHE_LIMIT = 20_000;

/** One-line scalars already decided; undefined is stored as null (the package must write them). */
const valueCache = new Map<string, string | null>();
const keyCache = new Map<string, string | null>();
const topKeyCache = new Map<string, string | null>();

class BlockWriter {
  public constructor(private readonly sortKeys: boolean) {}

  /** A non-null object at `indent`: a map, a sequence, or undefined when it is neither. */
  public collection(value: object, indent: string): string | undefined {
    if (Array.isArray(value)) { return this.sequence(value, indent); }
    const prototype = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) { return undefined; }
    return this.map(value as Record<string, unknown>, indent);
  }

  private map(value: Record<string, unknown>, indent: string): string | undefined {
    const keys = this.sortKeys ? sortedKeys(value) : Object.keys(value);
    const pairIndent = indent + '  ';
    let out = '';
    let first = true;
    for (const key of keys) {
      // An own __proto__ key (JSON.parse makes one): the package writes the map without it; leave such a map to the package.
      if (key === '__proto__') { return undefined; }
      const item = value[key];
      if (item === undefined) { continue; } // the package leaves undefined values out of a map
      const writtenKey = this.key(key, indent === '');
      const written = writtenKey === undefined ? undefined : this.entry(item, pairIndent);
      if (written === undefined) { return undefined; }
      const line = `${writtenKey}:${written}`;
      out += first ? line : `\n${indent}${line}`;
      first = false;
    }
    return first ? '{}' : out;
  }

  private sequence(items: readonly unknown[], indent: string): string | undefined {
    if (items.length === 0) { return '[]'; }
    const itemIndent = indent + '  ';
    let out = '';
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const written = item !== null && typeof item === 'object' ? this.collection(item, itemIndent) : this.scalar(item, itemIndent);
      if (written === undefined) { return undefined; }
      out += i === 0 ? `- ${written}` : `\n${indent}- ${written}`;
    }
    return out;
  }

  /** What follows `key:` in a map: a space and a scalar or an empty collection, or a line break and a block collection. */
  private entry(item: unknown, indent: string): string | undefined {
    if (item === null || typeof item !== 'object') {
      const scalar = this.scalar(item, indent);
      return scalar === undefined ? undefined : ` ${scalar}`;
    }
    const collection = this.collection(item, indent);
    if (collection === undefined) { return undefined; }
    return collection === '{}' || collection === '[]' ? ` ${collection}` : `\n${indent}${collection}`;
  }

  private scalar(value: unknown, indent: string): string | undefined {
    switch (typeof value) {
      case 'string':
        return value.includes('\n') ? this.block(value, indent) : this.line(value);
      case 'number':
        return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : undefined;
      case 'boolean':
        return value ? 'true' : 'false';
      default:
        return value === null ? 'null' : undefined;
    }
  }

  /** A one-line value: plain when it reads back as this string, else quoted. */
  private line(text: string): string | undefined {
    const cached = valueCache.get(text);
    if (cached !== undefined) { return cached ?? undefined; }
    let written: string | undefined;
    if (ESCAPED.test(text) || text === '<<') {
      written = undefined;
    } else if (requiresDoubleQuotes(text)) {
      written = JSON.stringify(text);
    } else {
      written = NOT_PLAIN.test(text) || readsAsOtherType(text) ? quoted(text) : text;
    }
    remember(valueCache, text, written);
    return written;
  }

  /** A key of a map; a top-level key that looks like a document marker is quoted too. */
  private key(text: string, topLevel: boolean): string | undefined {
    const cache = topLevel ? topKeyCache : keyCache;
    const cached = cache.get(text);
    if (cached !== undefined) { return cached ?? undefined; }
    let written: string | undefined;
    if (ESCAPED.test(text) || text.includes('\n') || text === '<<') {
      written = undefined;
    } else if (requiresDoubleQuotes(text)) {
      written = JSON.stringify(text);
    } else {
      const plain = !NOT_PLAIN.test(text) && !(topLevel && DOCUMENT_MARKER.test(text)) && !readsAsOtherType(text);
      written = plain ? text : quoted(text);
    }
    // Past 1024 characters a key must be explicit ('? key'), which the package writes.
    if (written !== undefined && written.length > 1024) { written = undefined; }
    remember(cache, text, written);
    return written;
  }

  /**
   * A string with line breaks as a literal block: `|` with the chomping
   * indicator that keeps its final line breaks (`-` none, nothing for one, `+`
   * more), every line indented, empty lines left empty. A string written
   * double-quoted (yaml-quoting.ts), or one whose first line starts with a blank (which needs an
   * indentation indicator), is left to the package.
   */
  private block(text: string, indent: string): string | undefined {
    if (ESCAPED.test(text) || requiresDoubleQuotes(text) || text.charCodeAt(0) === 32) { return undefined; }
    const breaks = trailingBreaks(text);
    const body = text.slice(0, text.length - breaks);
    const chomping = breaks === 0 ? '-' : breaks === 1 ? '' : '+';
    return `|${chomping}\n${indent}${body.replace(/\n+/g, `$&${indent}`)}${'\n'.repeat(Math.max(0, breaks - 1))}`;
  }
}

/**
 * The keys in the order of stable-json.ts's sortKeys() copy: sorted, except that
 * JavaScript lists integer-like keys (array indices) of any object first, ascending.
 */
function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  sortStrings(keys);
  if (!keys.some(isArrayIndex)) { return keys; }
  return [...keys.filter(isArrayIndex).sort((a, b) => Number(a) - Number(b)), ...keys.filter(key => !isArrayIndex(key))];
}

/** Past this many keys, Array.prototype.sort; below, insertion sort. */
const INSERTION_SORT_LIMIT = 16;

/**
 * Sorts in place, in the order of Array.prototype.sort() without a comparator (by UTF-16 code units).
 * A cloud-config's maps have three keys on average, and V8's sort allocates a work copy for each
 * (2.6 of the 30 MB a 250-VM render allocated); insertion sort allocates nothing.
 */
function sortStrings(keys: string[]): void {
  if (keys.length > INSERTION_SORT_LIMIT) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    for (; j >= 0 && keys[j] > key; j--) { keys[j + 1] = keys[j]; }
    keys[j + 1] = key;
  }
}

function isArrayIndex(key: string): boolean {
  const first = key.charCodeAt(0);
  return first >= 48 && first <= 57 && /^(?:0|[1-9][0-9]*)$/.test(key) && Number(key) < 4294967295;
}

function remember(cache: Map<string, string | null>, text: string, written: string | undefined): void {
  if (cache.size >= CACHE_LIMIT) { cache.clear(); }
  cache.set(text, written ?? null);
}
