// Turns ingest runs and search samples into summary rows, console tables and the JSON record.

import { fmt, fmtBytes, mean, median, summarize, table, type Summary } from '../stats.js';
import type { QueryShape } from './corpus.js';
import type { IngestRun, Mode, Path, QuerySample, Synchronous } from './harness.js';

export interface IngestRow {
  mode: Mode;
  /** SQLite's synchronous setting; null in server mode, where it does not apply. */
  synchronous: Synchronous | null;
  path: Path;
  segment: string;
  records: number;
  batchSize: number;
  batchMs: Summary;
  firstBatchMs: number;
  lastBatchMs: number;
  stoppedEarly: boolean;
  /** Records per second of the median batch, and of the p95 (slow-tail) batch. */
  recPerSecMedianBatch: number;
  recPerSecP95Batch: number;
  recPerSecOverall: number;
  actions: IngestRun['actions'];
  dbBytesAfter: number;
}

export function ingestRow(mode: Mode, synchronous: Synchronous | null, path: Path, segment: string, batchSize: number, run: IngestRun, dbBytesAfter: number): IngestRow {
  const batchMs = summarize(run.batchMs);
  return {
    mode,
    synchronous,
    path,
    segment,
    records: run.records,
    batchSize,
    batchMs,
    firstBatchMs: run.batchMs[0] ?? Number.NaN,
    lastBatchMs: run.batchMs[run.batchMs.length - 1] ?? Number.NaN,
    stoppedEarly: run.stoppedEarly,
    recPerSecMedianBatch: (batchSize / batchMs.p50) * 1000,
    recPerSecP95Batch: (batchSize / batchMs.p95) * 1000,
    recPerSecOverall: (run.records / run.wallMs) * 1000,
    actions: run.actions,
    dbBytesAfter,
  };
}

export function ingestTable(rows: readonly IngestRow[]): string {
  return table(
    ['mode', 'sync', 'path', 'corpus', 'batches', 'batch ms p50', 'p95', 'max', 'first', 'last', 'rec/s p50', 'rec/s p95', 'rec/s overall', 'created/merged/unch.', 'db size'],
    rows.map((row) => [
      row.mode,
      row.synchronous ?? '-',
      row.path,
      row.stoppedEarly ? `${row.segment} (budget)` : row.segment,
      row.batchMs.n,
      fmt(row.batchMs.p50, 1),
      fmt(row.batchMs.p95, 1),
      fmt(row.batchMs.max, 1),
      fmt(row.firstBatchMs, 1),
      fmt(row.lastBatchMs, 1),
      fmt(row.recPerSecMedianBatch),
      fmt(row.recPerSecP95Batch),
      fmt(row.recPerSecOverall),
      `${row.actions.created}/${row.actions.merged}/${row.actions.unchanged}`,
      fmtBytes(row.dbBytesAfter),
    ]),
    ['left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

export interface SearchRow {
  mode: Mode;
  corpus: number;
  path: Path;
  shape: QueryShape | 'all';
  ms: Summary;
  meanHits: number;
  /** Median count of memories the query's terms match (before the limit of 10); NaN when not counted. */
  medianMatches: number;
}

const SHAPES: readonly (QueryShape | 'all')[] = ['all', '1 word', '3-5 words', 'no match'];

/** `matches` undefined: not counted (server mode at a size the embedded run did not reach). */
export function searchRows(mode: Mode, corpus: number, path: Path, samples: readonly QuerySample[], matches: Map<string, number> | undefined): SearchRow[] {
  return SHAPES.map((shape) => {
    const chosen = samples.filter((sample) => shape === 'all' || sample.query.shape === shape);
    return {
      mode,
      corpus,
      path,
      shape,
      ms: summarize(chosen.map((sample) => sample.ms)),
      meanHits: mean(chosen.map((sample) => sample.hits)),
      medianMatches: matches === undefined ? Number.NaN : median(chosen.map((sample) => matches.get(sample.query.text) ?? 0)),
    };
  });
}

export function searchTable(rows: readonly SearchRow[]): string {
  return table(
    ['mode', 'corpus', 'path', 'queries', 'n', 'mean ms', 'p50 ms', 'p95 ms', 'max ms', 'hits/query', 'median matches'],
    rows.map((row) => [
      row.mode,
      fmt(row.corpus),
      row.path,
      row.shape,
      row.ms.n,
      fmt(row.ms.mean, 2),
      fmt(row.ms.p50, 2),
      fmt(row.ms.p95, 2),
      fmt(row.ms.max, 2),
      fmt(row.meanHits, 1),
      fmt(row.medianMatches),
    ]),
    ['left', 'right', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

/** HTTP minus direct, per mode and corpus size, for the median and p95 of all queries (modes with both paths). */
export function overheadTable(rows: readonly SearchRow[]): string {
  const all = rows.filter((row) => row.shape === 'all');
  const series = [...new Map(all.map((row) => [`${row.mode} ${row.corpus}`, { mode: row.mode, size: row.corpus }])).values()];
  return table(
    ['mode', 'corpus', 'http p50 ms', 'direct p50 ms', 'overhead p50', 'http p95 ms', 'direct p95 ms', 'overhead p95'],
    series.flatMap(({ mode, size }) => {
      const http = all.find((row) => row.mode === mode && row.corpus === size && row.path === 'http');
      const direct = all.find((row) => row.mode === mode && row.corpus === size && row.path === 'direct');
      if (!http || !direct) return [];
      return [
        [
          mode,
          fmt(size),
          fmt(http.ms.p50, 2),
          fmt(direct.ms.p50, 2),
          fmt(http.ms.p50 - direct.ms.p50, 2),
          fmt(http.ms.p95, 2),
          fmt(direct.ms.p95, 2),
          fmt(http.ms.p95 - direct.ms.p95, 2),
        ],
      ];
    }),
  );
}

/**
 * Row-level security's cost: p50 and p95 of a batch write (per ingest segment) and of a keyword
 * search (all queries, per corpus size and path), with it (mode server) and without (server-no-rls).
 */
export function rowSecurityTable(ingest: readonly IngestRow[], search: readonly SearchRow[]): string {
  const pair = <R extends { mode: Mode }>(rows: readonly R[], same: (a: R, b: R) => boolean) =>
    rows.filter((row) => row.mode === 'server').flatMap((on) => {
      const off = rows.find((row) => row.mode === 'server-no-rls' && same(on, row));
      return off ? [[on, off] as const] : [];
    });
  const line = (what: string, on: Summary, off: Summary) => [
    what,
    fmt(off.p50, 2),
    fmt(on.p50, 2),
    `${fmt(on.p50 - off.p50, 2)} (${fmt(((on.p50 - off.p50) / off.p50) * 100, 0)} %)`,
    fmt(off.p95, 2),
    fmt(on.p95, 2),
    `${fmt(on.p95 - off.p95, 2)} (${fmt(((on.p95 - off.p95) / off.p95) * 100, 0)} %)`,
  ];
  return table(
    ['measure', 'off p50 ms', 'on p50 ms', 'cost p50', 'off p95 ms', 'on p95 ms', 'cost p95'],
    [
      ...pair(ingest, (a, b) => a.segment === b.segment && a.path === b.path).map(([on, off]) =>
        line(`batch write of ${on.batchSize}, ${on.path}, ${on.segment}`, on.batchMs, off.batchMs),
      ),
      ...pair(
        search.filter((row) => row.shape === 'all'),
        (a, b) => a.corpus === b.corpus && a.path === b.path,
      ).map(([on, off]) => line(`keyword search, ${on.path}, at ${fmt(on.corpus)}`, on.ms, off.ms)),
    ],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

export interface SlowQuery {
  shape: QueryShape;
  text: string;
  terms: string[];
  ms: number;
  hits: number;
  matches: number;
}

export function slowestTable(slow: readonly SlowQuery[]): string {
  return table(
    ['ms', 'shape', 'matches', 'hits', 'query (terms searched)'],
    slow.map((query) => [fmt(query.ms, 2), query.shape, fmt(query.matches), query.hits, `"${query.text}" (${query.terms.join(' OR ')})`]),
    ['right', 'left', 'right', 'right', 'left'],
  );
}
