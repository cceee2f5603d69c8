// The scale benchmark's report: one markdown table, a row per measure of issue 13 with its target,
// a column per memOS build and mode (the baseline's beside the current's), and a column of limits.
// Below it the ingest rate of every step.

import { fmt, fmtBytes, type Summary } from '../stats.js';
import type { Load } from './http-driver.js';
import type { LayoutName, Point, TargetRun } from './measure.js';

export interface Limits {
  /** Model2Vec alone in this process, batches of 500. */
  embedTextsPerSec: number;
  rawSqlite: { steps: { to: number; recordsPerSec: number }[]; keyword: Summary };
  /** Brute-force cosine top-10 over the first `size` vectors (and over one user's 1k). */
  bruteForce: { size: number; ms: Summary }[];
  bruteForceUser: Summary;
  /** The bare Fastify route: 500-record batch POSTs (records/s), search-shaped POSTs. */
  bareBatch: Load;
  bareSearch: Load;
}

const k = (n: number) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : fmt(n));
const ms = (s: Summary | undefined) => (s === undefined || s.n === 0 ? '–' : `${fmt(s.p50, s.p50 < 10 ? 1 : 0)} / ${fmt(s.p95, s.p95 < 10 ? 1 : 0)}`);
const columnName = (run: TargetRun) => `${run.label} (${run.commit}) ${run.mode}`;

function point(run: TargetRun, layout: LayoutName, size: number): Point | undefined {
  return run.layouts.find((entry) => entry.layout === layout)?.points.find((entry) => entry.size === size);
}

/** A point's figure, marked with the size it was measured at when ingest stopped short of the planned one. */
function atPoint(run: TargetRun, layout: LayoutName, size: number, pick: (p: Point) => string): string {
  const found = point(run, layout, size);
  if (!found) return run.error ? 'failed' : '–';
  return found.reached === size ? pick(found) : `${pick(found)} (at ${k(found.reached)})`;
}

function stepRate(run: TargetRun, layout: LayoutName, which: 'first' | 'last'): string {
  const steps = run.layouts.find((entry) => entry.layout === layout)?.steps ?? [];
  const step = which === 'first' ? steps[0] : steps.at(-1);
  if (!step) return run.error ? 'failed' : '–';
  const range = `${k(step.from)}→${k(step.reached)}`;
  return `${fmt(step.recordsPerSec)}${step.capped ? ' capped' : ''} (${range})`;
}

function target(size: number, at10k: string, at100k: string): string {
  return size === 10_000 ? at10k : size === 100_000 ? at100k : '–';
}

export function markdownTable(runs: readonly TargetRun[], limits: Limits, sizes: readonly number[]): string {
  const rows: string[][] = [];
  const row = (measure: string, goal: string, cell: (run: TargetRun) => string, limit = '') => rows.push([measure, goal, ...runs.map(cell), limit]);
  const large = sizes.at(-1) as number;
  const bareBatchRate = (limits.bareBatch.requestsPerSec * 500).toFixed(0);

  row(`ingest with vectors, batches of 500, records/s, first step, one scope`, '≥ 10,000', (run) => stepRate(run, 'one', 'first'), `raw SQLite+FTS5 ${fmt(limits.rawSqlite.steps[0]?.recordsPerSec ?? NaN)}; bare Fastify ${fmt(Number(bareBatchRate))}; Model2Vec alone ${fmt(limits.embedTextsPerSec)}`);
  row(`same, last step (up to ${k(large)}), one scope`, '≥ 5,000, flat in N', (run) => stepRate(run, 'one', 'last'), `raw SQLite+FTS5 ${fmt(limits.rawSqlite.steps.at(-1)?.recordsPerSec ?? NaN)}`);
  if (runs.some((run) => run.layouts.some((layout) => layout.layout === 'users'))) row(`same, ${USERS(large)} users × 1k, first / last step`, '–', (run) => `${stepRate(run, 'users', 'first')}; ${stepRate(run, 'users', 'last')}`);
  const serverShare = (run: TargetRun) => {
    if (run.mode !== 'server') return '–';
    const embedded = runs.find((other) => other.mode === 'embedded' && other.label === run.label);
    const [mine, theirs] = [run, embedded].map((r) => r?.layouts.find((l) => l.layout === 'one')?.steps[0]?.recordsPerSec ?? NaN) as [number, number];
    return `${fmt(mine / theirs, 2)}× embedded`;
  };
  if (runs.some((run) => run.mode === 'server')) row('server-mode ingest against embedded, first step', '≥ 0.5×', serverShare);
  for (const size of sizes) {
    const brute = limits.bruteForce.find((entry) => entry.size === size)?.ms;
    row(`hybrid p50 / p95 ms, ${k(size)}, one scope`, target(size, '≤ 5, p95 ≤ 2× p50', '≤ 10, p95 ≤ 2× p50'), (run) => atPoint(run, 'one', size, (p) => ms(p.series.hybrid.ms)), `bare search POST ${ms(limits.bareSearch.ms)}`);
    row(`keyword p50 / p95 ms, ${k(size)}, one scope`, target(size, '–', '≤ 10'), (run) => atPoint(run, 'one', size, (p) => ms(p.series.keyword.ms)), size === large ? `raw FTS5 top-10 ${ms(limits.rawSqlite.keyword)}` : '');
    row(`vector p50 / p95 ms, ${k(size)}, one scope`, target(size, '–', '≤ 3, recall@10 ≥ 0.95'), (run) => atPoint(run, 'one', size, (p) => ms(p.series.vector.ms)), `brute-force JS ${ms(brute)}`);
    row(`vector recall@10 against exact, ${k(size)}, one scope`, '≥ 0.95', (run) => atPoint(run, 'one', size, (p) => fmt(p.series.vector.recallAt10 ?? NaN, 3)));
    row(`context p50 / p95 ms, cache miss, ${k(size)}, one scope`, target(size, '≤ 10', '–'), (run) => atPoint(run, 'one', size, (p) => ms(p.series.context.ms)));
  }
  const withUsers = runs.some((run) => run.layouts.some((layout) => layout.layout === 'users'));
  for (const size of withUsers ? sizes : []) {
    const where = `one user's 1k in a ${k(size)} namespace`;
    row(`hybrid p50 / p95 ms, ${where}`, size === large ? '≤ 5' : '–', (run) => atPoint(run, 'users', size, (p) => ms(p.series.hybrid.ms)));
    row(`keyword / vector p50 ms (vector recall@10 against exact), ${where}`, '–', (run) => atPoint(run, 'users', size, (p) => `${fmt(p.series.keyword.ms.p50, 1)} / ${fmt(p.series.vector.ms.p50, 1)} (${fmt(p.series.vector.recallAt10 ?? NaN, 3)})`), `brute-force 1k ${ms(limits.bruteForceUser)}`);
    row(`context p50 / p95 ms, ${where}`, '–', (run) => atPoint(run, 'users', size, (p) => ms(p.series.context.ms)));
  }
  row(`memOS process RSS now / peak, one scope, at ${sizes.map(k).join(' and ')}`, '–', (run) => sizes.map((size) => atPoint(run, 'one', size, (p) => `${fmtBytes(p.rssBytes.now)} / ${fmtBytes(p.rssBytes.peak)}`)).join('; '));
  const restart = (pick: (r: NonNullable<TargetRun['layouts'][number]['restart']>) => string) => (run: TargetRun) => {
    const found = run.layouts.find((entry) => entry.layout === 'one')?.restart;
    return found ? `${pick(found)}${found.records === large ? '' : ` (at ${k(found.records)})`}` : run.error ? 'failed' : '–';
  };
  row(`after a restart at ${k(large)}: start to ready, ms`, '–', restart((r) => fmt(r.readyMs)));
  row(`first vector search after a restart at ${k(large)}, ms`, target(large, '–', '≤ 100'), restart((r) => fmt(r.firstVectorMs, 1)));
  row(`first hybrid search after a restart at ${k(large)}, ms`, '–', restart((r) => fmt(r.firstHybridMs, 1)));
  for (const [index, concurrency] of (runs.find((run) => run.gateway)?.gateway?.byConcurrency ?? []).map((entry, i) => [i, entry.memos.concurrency] as const)) {
    const bare = runs.find((run) => run.gateway)?.gateway?.byConcurrency[index]?.bare;
    row(`embeddings gateway, cache hit, requests/s, ${concurrency} in flight`, '≥ 0.6× bare', (run) => {
      const entry = run.gateway?.byConcurrency[index];
      return entry ? `${fmt(entry.memos.requestsPerSec)} = ${fmt(entry.memos.requestsPerSec / entry.bare.requestsPerSec, 2)}× bare` : '–';
    }, bare ? `bare Fastify ${fmt(bare.requestsPerSec)}` : '');
  }

  const headers = ['measure', 'target', ...runs.map(columnName), 'limit'];
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [`| ${headers.map(escape).join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`, ...rows.map((cells) => `| ${cells.map(escape).join(' | ')} |`)].join('\n');
}

const USERS = (size: number) => Math.ceil(size / 1000);

/** Records/s of every ingest step, per build, mode and layout. */
export function stepsTable(runs: readonly TargetRun[]): string {
  const lines = ['| build and mode | layout | steps: records/s (batch p50 / p95 ms) |', '|---|---|---|'];
  for (const run of runs) {
    for (const layout of run.layouts) {
      const steps = layout.steps.map((step) => `${k(step.from)}→${k(step.reached)}: ${fmt(step.recordsPerSec)}${step.capped ? ' capped' : ''} (${fmt(step.batchMs.p50)} / ${fmt(step.batchMs.p95)})`);
      lines.push(`| ${columnName(run)} | ${layout.layout} | ${steps.join('; ')} |`);
    }
  }
  return lines.join('\n');
}
