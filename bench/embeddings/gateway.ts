// The gateway scenario for one upstream: after a warm-up, for each batch size and concurrency,
// clear the cache, send fresh texts (all misses), then the very same requests again (all hits).
// The server's cache counters are read around every series, to check that misses were misses.

import { summarize, type Summary } from '../stats.js';
import { chunk } from './corpus.js';
import { cacheStats, clearCache, requestBodies, runRequests, type Encoding, type Gateway, type ServerCacheStats } from './http-load.js';

export interface Shape {
  batchSize: number;
  concurrency: number;
  requests: number;
}

export interface GatewayRow {
  upstream: string;
  batchSize: number;
  concurrency: number;
  cache: 'miss' | 'hit';
  requests: number;
  texts: number;
  latencyMs: Summary;
  wallMs: number;
  requestsPerSec: number;
  textsPerSec: number;
  /** Deltas of the server's own counters over the series (distinct texts). */
  server: { hits: number; misses: number; coalesced: number };
  /** Calls that reached the upstream during the series, when the upstream can count them. */
  upstreamCalls: number | null;
}

export interface GatewayRun {
  rows: GatewayRow[];
  /** Every client-side sample, warm-up included, by how the server served it: to set beside its own percentiles. */
  clientMs: { hit: number[]; miss: number[] };
  stats: ServerCacheStats;
}

export interface GatewayPlan {
  upstream: string;
  texts: readonly string[];
  shapes: readonly Shape[];
  warmup: readonly Shape[];
  encoding: Encoding;
  /** How many calls the upstream has answered so far, when it can tell. */
  upstreamCalls?: () => Promise<number>;
}

/** The upstream requests a plan makes at most: one per miss request (batches are below the provider's limit). */
export const upstreamRequestsOf = (plan: Pick<GatewayPlan, 'shapes' | 'warmup'>) =>
  [...plan.shapes, ...plan.warmup].reduce((sum, shape) => sum + shape.requests, 0);

export async function benchGateway(gateway: Gateway, plan: GatewayPlan): Promise<GatewayRun> {
  const rows: GatewayRow[] = [];
  const clientMs = { hit: [] as number[], miss: [] as number[] };
  const batchesOf = (shape: Shape) => {
    const needed = shape.batchSize * shape.requests;
    if (needed > plan.texts.length) throw new Error(`${needed} distinct texts needed, the corpus has ${plan.texts.length}`);
    return chunk(plan.texts.slice(0, needed), shape.batchSize);
  };

  for (const shape of plan.warmup) {
    const batches = batchesOf(shape);
    const bodies = requestBodies(gateway.model, batches, plan.encoding);
    await clearCache(gateway);
    clientMs.miss.push(...(await runRequests(gateway, bodies, batches.map((b) => b.length), shape.concurrency)).latencies);
    clientMs.hit.push(...(await runRequests(gateway, bodies, batches.map((b) => b.length), shape.concurrency)).latencies);
  }

  for (const shape of plan.shapes) {
    const batches = batchesOf(shape);
    const sizes = batches.map((batch) => batch.length);
    const bodies = requestBodies(gateway.model, batches, plan.encoding);
    await clearCache(gateway);
    for (const cache of ['miss', 'hit'] as const) {
      const before = await cacheStats(gateway);
      const callsBefore = (await plan.upstreamCalls?.()) ?? null;
      const run = await runRequests(gateway, bodies, sizes, shape.concurrency);
      const after = await cacheStats(gateway);
      const callsAfter = (await plan.upstreamCalls?.()) ?? null;
      clientMs[cache].push(...run.latencies);
      const texts = sizes.reduce((sum, size) => sum + size, 0);
      rows.push({
        upstream: plan.upstream,
        batchSize: shape.batchSize,
        concurrency: shape.concurrency,
        cache,
        requests: bodies.length,
        texts,
        latencyMs: summarize(run.latencies),
        wallMs: run.wallMs,
        requestsPerSec: (bodies.length / run.wallMs) * 1000,
        textsPerSec: (texts / run.wallMs) * 1000,
        server: { hits: after.hits - before.hits, misses: after.misses - before.misses, coalesced: after.coalesced - before.coalesced },
        upstreamCalls: callsBefore === null || callsAfter === null ? null : callsAfter - callsBefore,
      });
    }
  }
  return { rows, clientMs, stats: await cacheStats(gateway) };
}

export interface SpeedUp {
  upstream: string;
  batchSize: number;
  concurrency: number;
  p50: number;
  p95: number;
  textsPerSec: number;
}

/** Miss over hit, per upstream, batch size and concurrency: latency ratios and the throughput ratio. */
export function speedUps(rows: readonly GatewayRow[]): SpeedUp[] {
  const out: SpeedUp[] = [];
  for (const miss of rows.filter((row) => row.cache === 'miss')) {
    const hit = rows.find((row) => row.cache === 'hit' && row.upstream === miss.upstream && row.batchSize === miss.batchSize && row.concurrency === miss.concurrency);
    if (!hit) continue;
    out.push({
      upstream: miss.upstream,
      batchSize: miss.batchSize,
      concurrency: miss.concurrency,
      p50: miss.latencyMs.p50 / hit.latencyMs.p50,
      p95: miss.latencyMs.p95 / hit.latencyMs.p95,
      textsPerSec: hit.textsPerSec / miss.textsPerSec,
    });
  }
  return out;
}
