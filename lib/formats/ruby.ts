/**
 * Ruby literals for the generated Vagrantfile. Every value that reaches Ruby
 * goes through these helpers, never through string pasting.
 */

/** What {@link rubyString} escapes: backslash, quote, `#` and control characters. */
const NEEDS_ESCAPE = /[\\"#\u0000-\u001f\u007f]/;

/**
 * A double-quoted Ruby string literal that evaluates to exactly `value`:
 * backslashes, quotes and `#` (interpolation) are escaped, control characters
 * become `\u{..}` escapes.
 */
export function rubyString(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) { return `"${value}"`; } // most values: names, addresses, paths
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === '"' || char === '#') {
      out += '\\' + char;
    } else if (char === '\n') {
      out += '\\n';
    } else if (char === '\t') {
      out += '\\t';
    } else if (code < 0x20 || code === 0x7f) {
      out += `\\u{${code.toString(16)}}`;
    } else {
      out += char;
    }
  }
  return out + '"';
}

/** A value that {@link rubyLiteral} can render. */
export type RubyValue = string | number | boolean | null | RubySymbol | RubyValue[] | { [key: string]: RubyValue };

/** A Ruby symbol, e.g. `:virtualbox`. */
export class RubySymbol {
  /** A symbol with a plain identifier name. */
  public static of(name: string): RubySymbol {
    if (!/^[a-z_][a-zA-Z0-9_]*$/.test(name)) {
      throw new Error(`'${name}' is not a plain Ruby symbol name`);
    }
    return new RubySymbol(name);
  }
  private constructor(public readonly name: string) {}
}

/**
 * A Ruby literal for a JSON-like value. Hashes use symbol keys (`name: "x"`),
 * which must be plain identifiers; numbers must be finite.
 */
export function rubyLiteral(value: RubyValue): string {
  if (value === null) { return 'nil'; }
  if (typeof value === 'string') { return rubyString(value); }
  if (typeof value === 'boolean') { return value ? 'true' : 'false'; }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) { throw new Error(`${value} has no Ruby literal`); }
    return String(value);
  }
  if (value instanceof RubySymbol) { return `:${value.name}`; }
  if (Array.isArray(value)) { return `[${value.map(rubyLiteral).join(', ')}]`; }
  const pairs = Object.entries(value).map(([key, child]) => {
    if (!/^[a-z_][a-zA-Z0-9_]*$/.test(key)) { throw new Error(`'${key}' is not a plain Ruby hash key`); }
    return `${key}: ${rubyLiteral(child)}`;
  });
  return pairs.length === 0 ? '{}' : `{ ${pairs.join(', ')} }`;
}
