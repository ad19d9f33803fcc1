// Small statistics and formatting helpers shared by the benchmark scripts.

/** The median, min and max of a set of runs. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many runs (warm-up excluded). */
  readonly runs: number;
}

/** Median (mean of the middle two for an even count), min and max. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) {
    throw new Error('spread() needs at least one value');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/** One measured case: wall time, CPU time and (for in-process cases) peak heap. */
export interface Measurement {
  /** Wall-clock milliseconds. */
  readonly wallMs: Spread;
  /** User + system CPU milliseconds of the process (in-process) or of the child processes. */
  readonly cpuMs?: Spread;
  /** Of that, user time (V8's compiler and GC threads included), in-process only. */
  readonly userMs?: Spread;
  /** Of that, system time: the kernel's work for the process's system calls (file creation, flushes), in-process only. */
  readonly systemMs?: Spread;
  /** Peak growth of the V8 used heap during the run, in bytes. */
  readonly peakHeapBytes?: Spread;
  /** Bytes allocated on the V8 heap during the run (freed by GCs that ran, plus growth at the end). */
  readonly allocatedBytes?: Spread;
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (value >= 1000) { return `${(value / 1000).toFixed(2)} s`; }
  if (value >= 100) { return `${value.toFixed(0)} ms`; }
  if (value >= 10) { return `${value.toFixed(1)} ms`; }
  return `${value.toFixed(2)} ms`;
}

/** Bytes as MiB. */
export function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/** A GitHub-flavoured Markdown table, columns padded so it also reads well in a terminal. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i].length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
