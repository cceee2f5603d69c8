// Small helpers shared by the benchmarks: nearest-rank percentiles, summaries and a plain-text table.

/** Nearest-rank percentile (p in 0..100) of samples; sorts a copy. NaN when there are no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);
export const p95 = (samples: readonly number[]): number => percentile(samples, 95);

export function mean(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  return samples.reduce((sum, value) => sum + value, 0) / samples.length;
}

export function max(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((a, b) => (b > a ? b : a));
}

export function min(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((a, b) => (b < a ? b : a));
}

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  return { n: samples.length, mean: mean(samples), p50: median(samples), p95: p95(samples), min: min(samples), max: max(samples) };
}

/** Milliseconds since `start` (a `performance.now()` reading). */
export function since(start: number): number {
  return performance.now() - start;
}

/** Runs `fn` and returns its result with the elapsed milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: since(start) };
}

/** A number with a fixed count of decimals and thousands separators; '-' for NaN. */
export function fmt(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '-';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

export function fmtBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${fmt(bytes / 1024, 1)} KiB`;
  return `${fmt(bytes / (1024 * 1024), 1)} MiB`;
}

export type Cell = string | number;
export type Align = 'left' | 'right';

/**
 * A plain-text table. Numbers are right-aligned (and printed as given, so format them first
 * with `fmt` when decimals matter); strings are left-aligned unless `align` says otherwise.
 */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[], align?: readonly Align[]): string {
  const text = rows.map((row) => row.map((cell) => (typeof cell === 'number' ? fmt(cell) : cell)));
  const alignOf = (column: number): Align => {
    const given = align?.[column];
    if (given) return given;
    return rows.length > 0 && rows.every((row) => typeof row[column] === 'number' || /^[-\d.,]+[a-zA-Z%/]*$/.test(String(row[column])))
      ? 'right'
      : 'left';
  };
  const widths = headers.map((header, column) => Math.max(header.length, ...text.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? 0;
        return alignOf(column) === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...text.map(line)].join('\n');
}

/** A heading underlined with '=' for console reports. */
export function heading(title: string): string {
  return `\n${title}\n${'='.repeat(title.length)}`;
}
