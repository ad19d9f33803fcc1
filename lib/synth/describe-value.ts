/**
 * A value as a problem shows it: JSON, at most 80 characters. Total: any value at all,
 * from a prop nobody checked yet, gets a text (a symbol, a bigint, an object without
 * `toString` or with a prototype of null, one that refers to itself), so a problem about
 * junk is never a TypeError instead.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) { return 'undefined'; }
  if (typeof value === 'function') { return 'a function'; }
  if (typeof value === 'symbol') { return value.toString(); }
  if (typeof value === 'bigint') { return `${value}n`; }
  let text: string;
  try {
    text = JSON.stringify(value, (_key, item: unknown) => typeof item === 'bigint' ? `${item}n` : item) // a bigint inside, as a string ?? 'undefined';
  } catch {
    text = Object.prototype.toString.call(value); // e.g. a construct, which refers to itself
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A prop that should be text, for a file path or a label made before validation: itself if it is a string, else as a problem shows it. */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : describeValue(value);
}
