// What a retention sweep costs, and what it does to searches running meanwhile: `records` episodes
// (with 128-dimension vectors, and the in-process index loaded on SQLite) of which `old` are past a
// 30-day rule; keyword searches run back to back for a few seconds without a sweep (the baseline),
// then while the sweep removes the old ones in batches of `batch`. Reports the sweep's time, the
// search latency (p50, p95) in both phases, and the longest event-loop block during the sweep.
//
//   npx tsx bench/store/retention-sweep.ts [sqlite|postgres] [records=100000] [old=10000] [batch=1000]
//
// postgres uses MEMOS_BENCH_POSTGRES_URL (default the local test server) in a schema of its own, dropped after.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { manualClock, toIso } from '../../src/core/clock.js';
import { ulidGenerator } from '../../src/core/ids.js';
import type { Storage } from '../../src/core/ports.js';
import type { Episode } from '../../src/core/types.js';
import { createJobs } from '../../src/jobs/index.js';
import { createRetentionSweep } from '../../src/memory/retention/retention-sweep.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { dropSchema } from '../../src/storage/postgres/test-databases.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { summarize } from '../stats.js';

const [driver = 'sqlite', records = '100000', old = '10000', batch = '1000'] = process.argv.slice(2);
const RECORDS = Number(records);
const OLD = Number(old);
const BATCH = Number(batch);
const DAY = 86_400_000;
const WORDS = ['river', 'lisbon', 'flight', 'hotel', 'lunch', 'map', 'bag', 'cat', 'dog', 'sun', 'kit', 'jam', 'tram', 'tile', 'fado', 'cod'];

const clock = manualClock(Date.parse('2026-06-01T00:00:00.000Z'));
const ids = ulidGenerator(clock);
const dir = mkdtempSync(join(tmpdir(), 'memos-bench-retention-'));
const schema = `memos_bench_${randomBytes(4).toString('hex')}`;
const postgresUrl = process.env.MEMOS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const storage: Storage =
  driver === 'postgres'
    ? createPostgresStorage({ url: postgresUrl, schema, clock, poolSize: 4 })
    : createSqliteStorage({ path: join(dir, 'memos.db'), clock, ids, synchronous: 'full' });

let state = 12345;
const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const text = () => Array.from({ length: 6 + Math.floor(next() * 10) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
const vector = () => Float32Array.from({ length: 128 }, () => next() - 0.5);

async function seed(): Promise<void> {
  for (let start = 0; start < RECORDS; start += 1000) {
    const episodes: Episode[] = Array.from({ length: Math.min(1000, RECORDS - start) }, (_, n) => {
      const index = start + n;
      // The first OLD are 100 days old, the rest a day old: the rule (30 days) takes exactly OLD.
      const at = toIso(clock.now() - (index < OLD ? 100 : 1) * DAY + index);
      return { id: ids.next('ep'), namespace: 'ns1', userId: `u${index % 10}`, kind: 'observation', content: text(), occurredAt: at, createdAt: at, metadata: {}, embedding: { status: 'pending' } };
    });
    await storage.episodes.append(episodes);
    await storage.vectors.put(episodes.map((e) => ({ tier: 'episodes' as const, namespace: e.namespace, id: e.id, content: e.content, model: 'bench', vector: vector() })));
  }
}

/** Keyword searches one after another until `done()`; their latencies in ms. */
async function searches(done: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!done()) {
    const started = performance.now();
    await storage.episodes.search({ filter: { namespace: 'ns1', userId: `u${latencies.length % 10}` }, terms: [WORDS[latencies.length % WORDS.length]!, 'river'], limit: 10 });
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return latencies;
}

const round1 = (value: number) => Math.round(value * 10) / 10;
try {
  await storage.init();
  const seeding = performance.now();
  await seed();
  console.log(`${driver}: seeded ${RECORDS} episodes with vectors in ${round1((performance.now() - seeding) / 1000)} s`);
  // Load the vector partition (SQLite's in-process index), so that the sweep must keep it in step.
  await storage.vectors.search({ tier: 'episodes', filter: { namespace: 'ns1' }, model: 'bench', vector: vector(), limit: 10 });

  const baselineEnd = performance.now() + 3000;
  const baseline = summarize(await searches(() => performance.now() > baselineEnd));

  const logger = pino({ level: 'silent' });
  const jobs = createJobs({ claims: storage.claims, vectors: storage.vectors, clock });
  const audit = createAuditLog({ store: storage.audit, jobs, clock, ids, logger, retentionDays: 0 });
  const sweep = createRetentionSweep({
    store: storage.retention,
    jobs,
    clock,
    logger,
    rules: [{ namespace: 'ns1', tier: 'episodes', maxAgeDays: 30 }],
    batchSize: BATCH,
    intervalMs: 3_600_000,
    bump: async () => undefined,
    audit,
  });
  const gaps: number[] = [];
  let last = performance.now();
  let sweeping = true;
  const tick = () => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    if (sweeping) setImmediate(tick);
  };
  setImmediate(tick);
  const started = performance.now();
  const [result, during] = await Promise.all([
    sweep.runOnce().finally(() => (sweeping = false)),
    searches(() => !sweeping),
  ]);
  const sweepMs = performance.now() - started;
  await audit.close();
  const blocks = summarize(gaps);
  const duringSummary = summarize(during);
  console.log(`sweep removed ${result.episodes.max_age} of ${RECORDS} episodes in batches of ${BATCH}: ${round1(sweepMs)} ms (${Math.round(result.episodes.max_age / (sweepMs / 1000))} records/s)`);
  console.log(`keyword search without a sweep: p50 ${round1(baseline.p50)} ms, p95 ${round1(baseline.p95)} ms (n=${baseline.n})`);
  console.log(`keyword search during the sweep: p50 ${round1(duringSummary.p50)} ms, p95 ${round1(duringSummary.p95)} ms (n=${duringSummary.n})`);
  console.log(`longest event-loop block during the sweep: ${round1(blocks.max)} ms (p50 ${round1(blocks.p50)} ms over ${blocks.n} ticks)`);
} finally {
  await storage.close();
  if (driver === 'postgres') await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
}
