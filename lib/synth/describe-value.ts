/** A value as a problem shows it: JSON, at most 80 characters. */
export function describeValue(value: unknown): string {
  if (value === undefined) { return 'undefined'; }
  if (typeof value === 'function') { return 'a function'; }
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value); // e.g. a construct, which refers to itself
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
