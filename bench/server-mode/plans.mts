// Plans of keyword, vector and hybrid store statements right after a bulk load of episodes with
// users, before any ANALYZE, on the local PostgreSQL (fresh schema, dropped at the end).
import { manualClock } from '../../src/core/clock.js';
import { createPostgresDatabase } from '../../src/storage/postgres/index.js';
import { PgEpisodeStore } from '../../src/storage/postgres/episode-store.js';
import { PgVectorStore } from '../../src/storage/postgres/vector-store.js';
import { dropSchema, freshSchema, POSTGRES_URL } from '../../src/storage/postgres/test-databases.js';
import { generateCorpus } from '../store/corpus.js';

const schema = freshSchema();
const clock = manualClock(Date.parse('2026-01-01T00:00:00.000Z'));
const db = createPostgresDatabase({ url: POSTGRES_URL, schema, clock, poolSize: 2, analyzeAfterWrites: process.env.ANALYZE === '1' });
await db.open();
try {
  const episodes = new PgEpisodeStore(db);
  const vectors = new PgVectorStore(db, clock);
  const corpus = generateCorpus(5_000, 42);
  let state = 7;
  const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  for (let from = 0; from < corpus.length; from += 500) {
    const batch = corpus.slice(from, from + 500).map((m, i) => ({ id: `e${from + i}`, namespace: 'ns', userId: `user-${(from + i) % 50}`, kind: 'message', content: m.content, occurredAt: '2026-01-01T00:00:00.000Z', createdAt: '2026-01-01T00:00:00.000Z', metadata: {}, embedding: { status: 'pending' as const } }));
    await episodes.append(batch);
    await vectors.put(batch.map((e) => ({ tier: 'episodes' as const, namespace: 'ns', id: e.id, content: e.content, model: 'm', vector: Float32Array.from({ length: 128 }, rand) })));
  }
  if (process.env.ANALYZE === '1') await new Promise((resolve) => setTimeout(resolve, 3000));
  const time = async (label: string, fn: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < 20; i++) {
      const begin = performance.now();
      await fn();
      samples.push(performance.now() - begin);
    }
    samples.sort((a, b) => a - b);
    console.log(`${label}: p50 ${samples[10]!.toFixed(2)} ms, max ${samples[19]!.toFixed(2)} ms`);
  };
  let u = 0;
  await time('keyword, by userId', () => episodes.search({ terms: ['alice', 'prefers', 'tea'], limit: 10, filter: { namespace: 'ns', userId: `user-${u++ % 50}` } }));
  await time('keyword, namespace', () => episodes.search({ terms: ['alice', 'prefers', 'tea'], limit: 10, filter: { namespace: 'ns' } }));
  await time('vector, by userId', () => vectors.search({ tier: 'episodes', model: 'm', vector: Float32Array.from({ length: 128 }, rand), limit: 10, filter: { namespace: 'ns', userId: `user-${u++ % 50}` } }));
  await time('vector, namespace', () => vectors.search({ tier: 'episodes', model: 'm', vector: Float32Array.from({ length: 128 }, rand), limit: 10, filter: { namespace: 'ns' } }));
  if (process.env.EXPLAIN === '1') {
    const explaining = new Proxy(db, {
      get(target, property) {
        if (property === 'tenantQuery') {
          return async (scope: never, operation: string, sql: string, params?: unknown[], begin?: string) => {
            const rows = await target.tenant(scope, 'plans', (tx) => tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, params), begin);
            console.log(rows.map((row) => row['QUERY PLAN']).join('\n'));
            return target.tenantQuery(scope, operation, sql, params, begin);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await new PgVectorStore(explaining, clock).search({ tier: 'episodes', model: 'm', vector: Float32Array.from({ length: 128 }, rand), limit: 10, filter: { namespace: 'ns', userId: 'user-3' } });
    await new PgEpisodeStore(explaining).search({ terms: ['alice', 'prefers', 'tea'], limit: 10, filter: { namespace: 'ns', userId: 'user-3' } });
  }
  const [stats] = await db.query<{ n: number }>('plans', `SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = $1`, [schema]);
  console.log(`columns with statistics: ${stats!.n}`);
} finally {
  await db.close();
  await dropSchema(schema);
}
