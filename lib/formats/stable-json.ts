/**
 * JSON with object keys sorted at every depth, two-space indent and a final
 * newline, so that the same value always gives the same bytes.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), undefined, 2) + '\n';
}

/** A deep copy of a JSON value whose object keys are sorted; array order is kept. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) { sorted[key] = sortKeys(child); }
    }
    return sorted;
  }
  return value;
}
