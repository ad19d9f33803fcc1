/** Small helpers for generated prose. */

/** `3 etcd peers`, `1 kube minion`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The text with its first letter in upper case: `VM`, `Machine`. */
export function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `a`, `a and b`, `a, b and c`; `none` for no items. */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) {
    return items[0] ?? 'none';
  }
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** Byte order, as etcd keys (and so the API server's lists) are sorted. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
