// The exact path (PostgreSQL without pgvector) on the real server, with a scope larger than the
// candidates a search ranks exactly: search finds what brute force finds, near-duplicate checks
// find their matches through the band index and never another user's, the plans keep to the
// indexes before any ANALYZE, and bulk writes bring ANALYZE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { contentKey } from '../../core/text.js';
import type { Memory } from '../../core/types.js';
import { testMemory } from '../../../test/support/records.js';
import { createPostgresDatabase } from './index.js';
import type { PgDatabase } from './pg-database.js';
import { PgSemanticStore } from './semantic-store.js';
import { dropSchema, expectedVectorBackend, freshSchema, POSTGRES_URL, postgresReachable } from './test-databases.js';
import { PgVectorStore } from './vector-store.js';
import { ExactScopeWatch } from './exact-scope-watch.js';
import { cosine, seededVectors } from '../../../test/support/seeded-vectors.js';

const reachable = await postgresReachable();
const exact = reachable && (await expectedVectorBackend()) === 'exact';

const DIMS = 32;
const MODEL = 'exact-test';
const T = '2026-01-01T00:00:00.000Z';
const COUNT = 1_200;

const generator = (seed: number) => {
  const next = seededVectors(seed);
  return () => next(DIMS);
};
/** `v` nudged by a little noise: a near-duplicate (cosine ~0.97-0.99). */
const nudged = (v: Float32Array, noise: Float32Array) => v.map((x, i) => x + 0.15 * noise[i]!);

describe.runIf(exact)('exact vectors on PostgreSQL without pgvector', () => {
  const schema = freshSchema();
  const clock = manualClock(Date.parse(T));
  let db: PgDatabase;
  let plain: PgDatabase;
  let vectors: PgVectorStore;
  const stored: { id: string; userId: string; vector: Float32Array }[] = [];
  const next = generator(11);

  beforeAll(async () => {
    db = createPostgresDatabase({ url: POSTGRES_URL, schema, clock, poolSize: 2, analyzeAfterWrites: false });
    await db.open();
    // The same schema without row-level security, whose plans EXPLAIN shows whole (no function in between).
    plain = createPostgresDatabase({ url: POSTGRES_URL, schema, clock, poolSize: 1, rowSecurity: false, analyzeAfterWrites: false });
    await plain.open();
    const memories = new PgSemanticStore(db, clock);
    vectors = new PgVectorStore(db, clock);
    for (let i = 0; i < COUNT; i++) stored.push({ id: `m${i}`, userId: i < 100 ? 'small' : `u${i % 2}`, vector: next() });
    for (let from = 0; from < COUNT; from += 400) {
      const batch = stored.slice(from, from + 400);
      const drafts = batch.map(({ id, userId }) => {
        const memory: Memory = testMemory({ id, namespace: 'ns', userId, content: `memory ${id}`, createdAt: T, updatedAt: T, embedding: { status: 'pending' } });
        return { memory, contentKey: contentKey(memory.content) };
      });
      await memories.upsert(drafts);
      await vectors.put(batch.map(({ id, vector }) => ({ tier: 'memories', namespace: 'ns', id, content: `memory ${id}`, model: MODEL, vector })));
    }
  }, 60_000);
  afterAll(async () => {
    await plain?.close();
    await db?.close();
    await dropSchema(schema);
  });

  const bruteForce = (query: Float32Array, keep: (row: (typeof stored)[number]) => boolean, limit: number) =>
    stored
      .filter(keep)
      .map((row) => ({ id: row.id, score: cosine(row.vector, query) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((row) => row.id);

  it('plans its searches on the indexes before any ANALYZE: the band index for near-duplicates, the scope index for searches', async () => {
    const [analyzed] = await db.query<{ n: number }>('test', `SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = $1`, [schema]);
    expect(analyzed!.n).toBe(0);
    const plans: string[] = [];
    const explaining = new PgVectorStore(explainingDatabase(plain, plans), clock);
    (await explaining.nearestMemories([{ scope: { namespace: 'ns', userId: 'u1' }, model: MODEL, vector: stored[500]!.vector, threshold: 0.95, limit: 5 }]))[0]!;
    await explaining.search({ tier: 'memories', model: MODEL, vector: stored[500]!.vector, limit: 10, filter: { namespace: 'ns', userId: 'u1' } });
    expect(plans[0]).toMatch(/Bitmap Index Scan on vectors_bands/);
    expect(plans[0]).not.toMatch(/Seq Scan on vectors/);
    expect(plans[1]).toMatch(/Index Scan using vectors_scope|Bitmap Index Scan on vectors_scope/);
    expect(plans[1]).toMatch(/Index Scan using memories_seq_key/);
    expect(plans[1]).not.toMatch(/Seq Scan on memories/);
  });

  it("checks a batch's drafts in one statement through the band index, each as alone, and reads whole only the memories reaching the threshold", async () => {
    const plans: string[] = [];
    const explaining = new PgVectorStore(explainingDatabase(plain, plans), clock);
    const drafts = [500, 501, 777, 150, 50].map((i) => ({ scope: { namespace: 'ns', userId: stored[i]!.userId }, model: MODEL, vector: nudged(stored[i]!.vector, next()), threshold: 0.95, limit: 5 }));
    const batch = await explaining.nearestMemories(drafts);
    expect(plans).toHaveLength(2);
    expect(plans[0]).toMatch(/Bitmap Index Scan on vectors_bands/);
    expect(plans[0]).not.toMatch(/Seq Scan on vectors/);
    expect(plans[1]).toMatch(/memories_seq_key/);
    expect(plans[1]).not.toMatch(/Seq Scan on memories/);
    for (const [k, draft] of drafts.entries()) expect(batch[k]).toEqual((await vectors.nearestMemories([draft]))[0]);
  });

  it('finds the ten nearest that brute force finds, in a scope far larger than the candidates it ranks exactly', async () => {
    let found = 0;
    const queries = 20;
    for (let q = 0; q < queries; q++) {
      const query = next();
      const hits = await vectors.search({ tier: 'memories', model: MODEL, vector: query, limit: 10, filter: { namespace: 'ns' } });
      const truth = new Set(bruteForce(query, () => true, 10));
      found += hits.filter((hit) => truth.has(hit.item.id)).length;
      for (const hit of hits) expect(hit.score).toBeCloseTo(cosine(stored[Number(hit.item.id.slice(1))]!.vector, query), 5);
    }
    expect(found / (queries * 10)).toBeGreaterThanOrEqual(0.95);
  });

  it('ranks a scope no larger than the candidates exactly', async () => {
    for (let q = 0; q < 5; q++) {
      const query = next();
      const hits = await vectors.search({ tier: 'memories', model: MODEL, vector: query, limit: 10, filter: { namespace: 'ns', userId: 'small' } });
      expect(hits.map((hit) => hit.item.id)).toEqual(bruteForce(query, (row) => row.userId === 'small', 10));
    }
  });

  it("finds a stored vector's near-duplicate through the bands, only in the draft's own scope", async () => {
    let found = 0;
    for (let i = 0; i < 40; i++) {
      const target = stored[100 + i * 25]!;
      const probe = nudged(target.vector, next());
      const expected = bruteForce(probe, (row) => row.userId === target.userId, 5).filter((id) => cosine(stored[Number(id.slice(1))]!.vector, probe) >= 0.95);
      expect(expected).toContain(target.id);
      const hits = (await vectors.nearestMemories([{ scope: { namespace: 'ns', userId: target.userId }, model: MODEL, vector: probe, threshold: 0.95, limit: 5 }]))[0]!;
      if (hits.some((hit) => hit.item.id === target.id)) found += 1;
      for (const hit of hits) expect(hit.item.userId).toBe(target.userId);
      const other = (await vectors.nearestMemories([{ scope: { namespace: 'ns', userId: target.userId === 'u0' ? 'u1' : 'u0' }, model: MODEL, vector: probe, threshold: 0.95, limit: 5 }]))[0]!;
      expect(other.map((hit) => hit.item.id)).not.toContain(target.id);
    }
    expect(found).toBeGreaterThanOrEqual(39);
  });

  it('counts a scope read whole, and warns once one passes the limit', async () => {
    const watch = new ExactScopeWatch(db, { limit: 1_000, intervalMs: 0 });
    const scope = { tier: 'memories', namespace: 'ns', model: MODEL, dimensions: DIMS };
    expect(await watch.count({ ...scope, userId: 'small' })).toBe(100);
    await watch.sawFullPool({ ...scope, userId: 'u0' });
    expect(watch.warning()).toBeUndefined();
    await watch.sawFullPool(scope);
    expect(watch.warning()).toContain(`one holds ${COUNT} vectors, past the 1000`);
    // The store's own watch has the real limit: no warning at this size.
    expect(vectors.warnings()).toEqual([]);
  });

  it('analyzes the tables changed past the threshold, once', async () => {
    // A backend reports its write counts at most once a second, or after 10 s idle: the writes of a
    // quick run may not be counted yet, so look again (at most 15 s) until both tables were analyzed.
    const analyzed = new Set(await db.refreshStatistics());
    for (let wait = 0; analyzed.size < 2 && wait < 30; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const table of await db.refreshStatistics()) analyzed.add(table);
    }
    expect([...analyzed].sort()).toEqual(['memories', 'vectors']);
    expect(await db.refreshStatistics()).toEqual([]);
  }, 30_000);
});

/** A database whose vector statements are explained (plans collected) instead of run, and then run. */
function explainingDatabase(db: PgDatabase, plans: string[]): PgDatabase {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'tenantQuery') {
        return async (scope: never, operation: string, sql: string, params?: unknown[], begin?: string) => {
          const rows = await target.tenant(scope, 'test', (tx) => tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params), begin);
          plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
          return target.tenantQuery(scope, operation, sql, params, begin);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
