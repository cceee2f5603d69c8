// The plans PostgreSQL picks for vector search and near-duplicate checks, read with EXPLAIN on
// PGlite with pgvector right after a load, before any ANALYZE: the HNSW index of the partition
// orders the rows, with or without a user in the filter, however the planner guesses the scope.
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentKey } from '../../core/text.js';
import type { Memory } from '../../core/types.js';
import { testMemory } from '../../../test/support/records.js';
import { PgDatabase, searchPathFor } from './pg-database.js';
import { PgSemanticStore } from './semantic-store.js';
import { pgliteEngine, type SqlEngine, type SqlExecutor } from './sql-engine.js';
import { createPglite, freshSchema } from './test-databases.js';
import { PgVectorStore } from './vector-store.js';

const MODEL = 'plan-model';
const DIMS = 16;
const T = '2026-01-01T00:00:00.000Z';

/** A deterministic vector per index, spread over the sphere. */
function vectorOf(i: number): Float32Array {
  const v = new Float32Array(DIMS);
  let state = i * 2654435761 + 1;
  for (let j = 0; j < DIMS; j++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    v[j] = state / 2 ** 32 - 0.5;
  }
  return v;
}

/** An engine that remembers the vector statements run through it (SQL and parameters). */
function capturing(engine: SqlEngine, seen: { sql: string; params: readonly unknown[] }[]): SqlEngine {
  const watch = (executor: SqlExecutor): SqlExecutor => ({
    query: (sql, params) => {
      if (sql.includes('FROM vectors v')) seen.push({ sql, params: params ?? [] });
      return executor.query(sql, params);
    },
    exec: (sql) => executor.exec(sql),
  });
  return { ...engine, ...watch(engine), transaction: (fn, begin) => engine.transaction((tx) => fn(watch(tx)), begin) };
}

describe('vector plans on pgvector (PGlite), before any ANALYZE', () => {
  let instance: PGlite;
  let db: PgDatabase;
  const seen: { sql: string; params: readonly unknown[] }[] = [];
  let vectors: PgVectorStore;

  beforeAll(async () => {
    instance = await createPglite();
    const schema = freshSchema();
    const engine = capturing(pgliteEngine(instance, { searchPath: searchPathFor(schema), ownsInstance: false }), seen);
    const clock = { now: () => Date.parse(T) };
    db = new PgDatabase({ engine, schema, clock });
    await db.open();
    const memories = new PgSemanticStore(db, clock);
    vectors = new PgVectorStore(db, clock);
    const count = 3_000;
    const all: Memory[] = Array.from({ length: count }, (_, i) =>
      testMemory({ id: `m${i}`, namespace: 'ns', userId: `u${i % 3}`, content: `memory ${i}`, createdAt: T, updatedAt: T, embedding: { status: 'pending' } }),
    );
    for (let from = 0; from < count; from += 500) {
      const batch = all.slice(from, from + 500);
      await memories.upsert(batch.map((memory) => ({ memory, contentKey: contentKey(memory.content) })));
      await vectors.put(batch.map((memory, i) => ({ tier: 'memories', namespace: 'ns', id: memory.id, content: memory.content, model: MODEL, vector: vectorOf(from + i) })));
    }
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    await instance?.close();
  });

  /** The plan of the last vector statement, explained in the same tenant scope and settings. */
  async function planOfLast(scope: { namespace: string; userId?: string }): Promise<string> {
    const last = seen.at(-1)!;
    const rows = await db.tenant(scope, 'test', (tx) => tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${last.sql}`, last.params));
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  }

  it('has no statistics yet', async () => {
    const [row] = await db.query<{ analyzed: number }>('test', `SELECT count(*)::int AS analyzed FROM pg_stats WHERE tablename IN ('vectors', 'memories')`);
    expect(row!.analyzed).toBe(0);
  });

  it.each([
    ['a namespace-wide search', { namespace: 'ns' }],
    ["one user's search", { namespace: 'ns', userId: 'u1' }],
    ["one user's search for one kind in a time range", { namespace: 'ns', userId: 'u2', kinds: ['fact'], from: '2025-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' }],
  ])('orders %s by the HNSW index', async (_, filter) => {
    seen.length = 0;
    const hits = await vectors.search({ tier: 'memories', model: MODEL, vector: vectorOf(7), limit: 10, filter });
    expect(hits).toHaveLength(10);
    const plan = await planOfLast(filter);
    expect(plan).toMatch(/Index Scan using vectors_hnsw_/);
    expect(plan).not.toMatch(/Sort/);
  });

  it('orders a near-duplicate check by the HNSW index', async () => {
    seen.length = 0;
    const found = (await vectors.nearestMemories([{ scope: { namespace: 'ns', userId: 'u1' }, model: MODEL, vector: vectorOf(7), threshold: 0.99, limit: 5 }]))[0]!;
    expect(found.map((hit) => hit.item.id)).toEqual(['m7']);
    const plan = await planOfLast({ namespace: 'ns', userId: 'u1' });
    expect(plan).toMatch(/Index Scan using vectors_hnsw_/);
  });

  it("orders each draft of a batch by the HNSW index, in one statement, each in its own user's scope", async () => {
    seen.length = 0;
    const drafts = [7, 8, 9, 10].map((i) => ({ scope: { namespace: 'ns', userId: `u${i % 3}` }, model: MODEL, vector: vectorOf(i), threshold: 0.99, limit: 5 }));
    const found = await vectors.nearestMemories(drafts);
    expect(found.map((hits) => hits.map((hit) => hit.item.id))).toEqual([['m7'], ['m8'], ['m9'], ['m10']]);
    expect(seen).toHaveLength(1);
    const plan = await planOfLast({ namespace: 'ns' });
    expect(plan).toMatch(/Index Scan using vectors_hnsw_/);
    expect(plan).not.toMatch(/Sort/);
  });
});
