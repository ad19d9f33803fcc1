/**
 * A value as a problem shows it: JSON, at most 80 characters. Total: any value at all,
 * from a prop nobody checked yet, gets a text (a symbol, a bigint, an object without
 * `toString` or with a prototype of null, one whose `toJSON` returns nothing or throws, one
 * that refers to itself, a revoked proxy), so a problem about junk is never a TypeError instead.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) { return 'undefined'; }
  if (typeof value === 'function') { return 'a function'; }
  if (typeof value === 'symbol') { return value.toString(); }
  if (typeof value === 'bigint') { return `${value}n`; }
  // JSON writes them as null, which a problem would then show for a value that is not null.
  if (typeof value === 'number' && !Number.isFinite(value)) { return String(value); }
  let text: string;
  try {
    // A bigint inside, as a string; a value JSON leaves out entirely (a toJSON that returns nothing) by its tag.
    text = JSON.stringify(value, (_key, item: unknown) => typeof item === 'bigint' ? `${item}n` : item) ?? tagOf(value);
  } catch {
    text = tagOf(value); // e.g. a construct, which refers to itself
  }
  if (text.length <= 80) { return text; }
  // Not between the two halves of a surrogate pair.
  const cut = /[\uD800-\uDBFF]/.test(text[76]) ? 76 : 77;
  return `${text.slice(0, cut)}...`;
}

/** ` (quote it: '8080')` for a number or a boolean given where a string is expected, which YAML and JS write unquoted; '' for anything else. */
export function quoteHint(value: unknown): string {
  return typeof value === 'number' || typeof value === 'boolean' ? ` (quote it: '${String(value)}')` : '';
}

/** A prop that should be text, for a file path or a label made before validation: itself if it is a string, else as a problem shows it. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : describeValue(value);
}

/** `[object Object]`, `[object Array]`...; 'an object' when even that throws (a revoked proxy). */
function tagOf(value: unknown): string {
  try {
    return Object.prototype.toString.call(value);
  } catch {
    return 'an object';
  }
}

/** A place in a value as a problem names it, from the keys that lead there: `labels.team`, `taints[0].key`, after `start` when given. */
export function placeOf(keys: ReadonlyArray<string | number>, start = ''): string {
  return keys.reduce<string>((at, key) => typeof key === 'number' ? `${at}[${key}]` : at === '' ? key : `${at}.${key}`, start);
}
