// Console tables of the embedding benchmark.

import { fmt, fmtBytes, median, percentile, table } from '../stats.js';
import type { GatewayRow, GatewayRun, SpeedUp } from './gateway.js';
import type { LoadTimes, ThroughputRow } from './model2vec.js';

export function loadTable(load: LoadTimes): string {
  return table(
    ['model', 'dims', 'first load ms', `next ${load.againMs.length} loads ms p50`, 'min', 'max'],
    [[load.model, load.dimensions, fmt(load.firstMs, 1), fmt(median(load.againMs), 1), fmt(Math.min(...load.againMs), 1), fmt(Math.max(...load.againMs), 1)]],
  );
}

export function throughputTable(rows: readonly ThroughputRow[]): string {
  return table(
    ['batch', 'sentences × reps', 'sent/s p50', 'sent/s p95', 'rep ms p50', 'rep ms p95', 'batch ms p50', 'batch ms p95', 'µs/sentence'],
    rows.map((row) => [
      row.batchSize === 1 ? '1 (per-call baseline)' : String(row.batchSize),
      `${fmt(row.sentences)} × ${row.repetitions}`,
      fmt(row.perSecMedian),
      fmt(row.perSecP95),
      fmt(row.repMs.p50, 1),
      fmt(row.repMs.p95, 1),
      fmt(row.batchMs.p50, 3),
      fmt(row.batchMs.p95, 3),
      fmt(row.usPerSentence, 1),
    ]),
  );
}

export function gatewayTable(rows: readonly GatewayRow[]): string {
  return table(
    ['upstream', 'batch', 'in flight', 'cache', 'requests', 'ms p50', 'ms p95', 'ms max', 'req/s', 'texts/s', 'server h/m/c', 'upstream calls'],
    rows.map((row) => [
      row.upstream,
      row.batchSize,
      row.concurrency,
      row.cache,
      row.requests,
      fmt(row.latencyMs.p50, 2),
      fmt(row.latencyMs.p95, 2),
      fmt(row.latencyMs.max, 2),
      fmt(row.requestsPerSec),
      fmt(row.textsPerSec),
      `${row.server.hits}/${row.server.misses}/${row.server.coalesced}`,
      row.upstreamCalls === null ? 'n/a' : row.upstreamCalls,
    ]),
    ['left', 'right', 'right', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
}

export function speedUpTable(rows: readonly SpeedUp[]): string {
  return table(
    ['upstream', 'batch', 'in flight', 'p50 miss/hit', 'p95 miss/hit', 'texts/s hit/miss'],
    rows.map((row) => [row.upstream, row.batchSize, row.concurrency, `${fmt(row.p50, 1)}×`, `${fmt(row.p95, 1)}×`, `${fmt(row.textsPerSec, 1)}×`]),
    ['left', 'right', 'right', 'right', 'right', 'right'],
  );
}

/** The server's counters and latency window beside the same requests as the client timed them. */
export function serverStatsTable(runs: readonly { upstream: string; run: GatewayRun }[]): string {
  const rows = runs.flatMap(({ upstream, run }) => {
    const { stats, clientMs } = run;
    const line = (cache: 'hit' | 'miss') => {
      const server = stats.latencyMs[cache];
      const client = clientMs[cache];
      return [
        upstream,
        cache,
        fmt(server.count),
        fmt(server.p50, 3),
        fmt(server.p95, 3),
        fmt(client.length),
        fmt(percentile(client, 50), 3),
        fmt(percentile(client, 95), 3),
      ];
    };
    return [line('miss'), line('hit')];
  });
  return table(['upstream', 'requests', 'server count', 'server p50 ms', 'server p95 ms', 'client count', 'client p50 ms', 'client p95 ms'], rows);
}

export function serverCountersTable(runs: readonly { upstream: string; run: GatewayRun }[]): string {
  return table(
    ['upstream', 'backend', 'hits', 'misses', 'coalesced', 'hit rate', 'entries', 'bytes', 'evictions', 'embedder'],
    runs.map(({ upstream, run: { stats } }) => [
      upstream,
      stats.backend,
      fmt(stats.hits),
      fmt(stats.misses),
      fmt(stats.coalesced),
      `${fmt(stats.hitRate * 100, 1)}%`,
      fmt(stats.entries),
      fmtBytes(stats.bytes),
      fmt(stats.evictions),
      `${stats.embedder.state}: ${stats.embedder.detail}`,
    ]),
  );
}
