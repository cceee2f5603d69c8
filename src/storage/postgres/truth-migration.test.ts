// Migration 17 (truth maintenance): a schema written before it upgrades without losing a row. The
// same fact stored in two sessions of one identity becomes one current memory that lists both
// sessions (the other superseded as 'duplicate', still readable, its history kept); the session
// filter, keyword search (with counts per identity) and vector search (band keys salted without
// the session, on the exact path) all find it. On PGlite (pgvector) and the real server.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { KEYWORD_COUNTS, KEYWORD_RECOUNT } from '../../../test/support/pg-keyword-counts.js';
import { PgEpisodeStore } from './episode-store.js';
import { poolEngine, searchPathFor } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { PgDatabase } from './pg-database.js';
import { PgSemanticStore } from './semantic-store.js';
import { pgliteEngine } from './sql-engine.js';
import { createPglite, dropSchema, freshSchema, POSTGRES_URL, postgresReachable, servicesRequired } from './test-databases.js';
import { readDialect, vectorParam, vectorValue } from './vector-sql.js';
import { scopedBandKeys, SKETCH_BITS, sketchParams } from './vector-sketch.js';
import { PgVectorStore } from './vector-store.js';

const reachable = await postgresReachable();
const NOW = Date.parse('2026-01-01T00:00:00.000Z');
const MODEL = 'truth-test';
const vector = (seed: number) => Float32Array.from({ length: 16 }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));

type Open = (schema: string, migrations?: typeof MIGRATIONS) => PgDatabase;

/** Rows as migration 16 wrote them, with vectors as a put of that time stored them (band keys salted with the session). */
async function writeOldRows(db: PgDatabase): Promise<void> {
  await db.transaction('test', async (tx) => {
    await tx.query(`INSERT INTO episodes (namespace, id, user_id, session_id, kind, content, occurred_at, created_at)
      VALUES ('ns', 'ep1', 'u1', 's1', 'message', 'I am vegetarian', '2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z'),
        ('ns', 'ep2', 'u1', 's2', 'message', 'Still vegetarian', '2025-04-01T10:00:00Z', '2025-04-01T10:00:00Z')`);
    await tx.query(`INSERT INTO memories (namespace, id, user_id, session_id, kind, content, content_key, importance, source_episode_ids,
        version, created_at, updated_at, last_confirmed_at)
      VALUES ('ns', 'mem_a', 'u1', 's1', 'fact', 'Aisha is vegetarian', 'aisha is vegetarian', 0.4, '{ep1}', 2, '2025-03-01T10:00:00Z', '2025-03-02T10:00:00Z', '2025-03-02T10:00:00Z'),
        ('ns', 'mem_b', 'u1', 's2', 'fact', 'Aisha is vegetarian', 'aisha is vegetarian', 0.8, '{ep2}', 1, '2025-04-01T10:00:00Z', '2025-04-01T10:00:00Z', '2025-05-01T10:00:00Z'),
        ('ns', 'mem_c', 'u1', NULL, 'fact', 'Aisha likes jazz', 'aisha likes jazz', 0.5, '{}', 1, '2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z'),
        ('ns', 'mem_d', 'u2', 's1', 'fact', 'Aisha is vegetarian', 'aisha is vegetarian', 0.5, '{}', 1, '2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z')`);
    await tx.query(`INSERT INTO memory_history (namespace, memory_id, user_id, version, content, kind, importance, metadata, source_episode_ids, valid_from, valid_to, reason)
      VALUES ('ns', 'mem_a', 'u1', 1, 'Aisha eats no meat', 'fact', 0.4, '{}', '{ep1}', '2025-03-01T10:00:00Z', '2025-03-02T10:00:00Z', 'update')`);
    const d = await readDialect(tx);
    const exact = d.backend === 'exact';
    const bands = scopedBandKeys('$6::integer[]', { namespace: 'm.namespace', userId: 'm.user_id', agentId: 'm.agent_id', sessionId: 'm.session_id', model: '$1::text', dims: '$2::integer' });
    for (const [id, seed] of [['mem_a', 1], ['mem_b', 1], ['mem_c', 2], ['mem_d', 1]] as const) {
      const { sketch, raw } = sketchParams(vector(seed));
      await tx.query(
        `INSERT INTO vectors (tier, namespace, user_id, memory_seq, model, dims, embedding, sketch, bands)
          SELECT 'memories', m.namespace, m.user_id, m.seq, $1, $2, ${vectorValue(d, '$3')}, ${exact ? `$5::bit(${SKETCH_BITS}), ${bands}` : 'NULL, NULL'}
          FROM memories m WHERE m.id = $4`,
        [MODEL, 16, vectorParam(d, vector(seed)), id, ...(exact ? [sketch, raw] : [])],
      );
    }
    await tx.query(`UPDATE memories SET embedding_status = 'ready', embedding_model = $1, embedding_dim = 16`, [MODEL]);
  });
}

function truthMigrationCases(open: Open, drop: (schema: string) => Promise<void>): void {
  it('keeps every row and its history, and makes the duplicate one current memory with both sessions', async () => {
    const schema = freshSchema();
    const clock = manualClock(NOW);
    const old = open(schema, MIGRATIONS.filter((m) => m.version <= 16));
    try {
      await old.open();
      await writeOldRows(old);
      await old.close();
      const db = open(schema);
      await db.open();
      try {
        const store = new PgSemanticStore(db, clock);
        const get = async (id: string) => (await store.get({ namespace: 'ns', id }))!;
        const a = await get('mem_a');
        expect(a).toMatchObject({
          validFrom: '2025-03-01T10:00:00.000Z',
          sourceSessionIds: ['s1', 's2'],
          sourceEpisodeIds: ['ep1', 'ep2'],
          importance: 0.8,
          lastConfirmedAt: '2025-05-01T10:00:00.000Z',
          supersedes: ['mem_b'],
          conflicts: [],
          version: 2,
        });
        expect(a.validTo).toBeUndefined();
        expect(await get('mem_b')).toMatchObject({
          validTo: new Date(NOW).toISOString(),
          supersededBy: 'mem_a',
          supersessionReason: 'duplicate',
          sourceSessionIds: ['s2'],
          content: 'Aisha is vegetarian',
        });
        expect(await get('mem_c')).toMatchObject({ sourceSessionIds: [], supersedes: [] });
        expect((await get('mem_c')).validTo).toBeUndefined();
        // Another user's copy of the fact is another identity's memory.
        expect(await get('mem_d')).toMatchObject({ sourceSessionIds: ['s1'] });
        expect((await get('mem_d')).validTo).toBeUndefined();
        expect((await store.history({ namespace: 'ns', id: 'mem_a' }))?.map((v) => v.content)).toEqual(['Aisha eats no meat']);
        expect((await new PgEpisodeStore(db).list({ filter: { namespace: 'ns' }, limit: 10, order: 'asc' })).items.map((e) => e.id)).toEqual(['ep1', 'ep2']);
        const [sessions] = await db.query<{ set: number }>('test', 'SELECT count(*)::int AS set FROM memories WHERE session_id IS NOT NULL');
        expect(sessions!.set).toBe(0);

        const now = new Date(NOW).toISOString();
        const list = async (filter: object) => (await store.list({ filter: { namespace: 'ns', ...filter }, limit: 10, order: 'asc' })).items.map((m) => m.id);
        expect(await list({})).toEqual(['mem_a', 'mem_c', 'mem_d', 'mem_b']);
        expect(await list({ sessionId: 's2', validAt: now })).toEqual(['mem_a']);
        expect(await list({ sessionId: 's2' })).toEqual(['mem_a', 'mem_b']);
        expect(await list({ userId: 'u1', sessionId: 's1', validAt: now })).toEqual(['mem_a']);

        const search = async (filter: object) =>
          (await store.search({ filter: { namespace: 'ns', ...filter }, terms: ['vegetarian'], limit: 10 })).map((hit) => hit.item.id).sort();
        expect(await search({ userId: 'u1', validAt: now })).toEqual(['mem_a']);
        expect(await search({ userId: 'u1', sessionId: 's2', validAt: now })).toEqual(['mem_a']);
        expect(await search({ userId: 'u1' })).toEqual(['mem_a', 'mem_b']);
        expect(await db.query('test', KEYWORD_COUNTS)).toEqual(await db.query('test', KEYWORD_RECOUNT));

        const vectors = new PgVectorStore(db, clock);
        const found = await vectors.search({ tier: 'memories', model: MODEL, vector: vector(1), limit: 10, filter: { namespace: 'ns', sessionId: 's2', validAt: now } });
        expect(found.map((hit) => hit.item.id)).toEqual(['mem_a']);
        const [near] = await vectors.nearestMemories([{ scope: { namespace: 'ns', userId: 'u1' }, model: MODEL, vector: vector(1), threshold: 0.95, limit: 5 }]);
        expect(near!.map((hit) => hit.item.id)).toEqual(['mem_a']);

        // A write of the fact in a third session merges into the one current memory.
        const [again] = await store.upsert([
          {
            memory: { ...a, id: 'mem_new', sourceSessionIds: ['s3'], sourceEpisodeIds: [], supersedes: [], createdAt: now, updatedAt: now, lastConfirmedAt: now, validFrom: now, version: 1 },
            contentKey: 'aisha is vegetarian',
          },
        ]);
        expect(again).toMatchObject({ action: 'merged', memory: { id: 'mem_a', sourceSessionIds: ['s1', 's2', 's3'] } });
      } finally {
        await db.close();
      }
    } finally {
      await drop(schema);
    }
  });
}

describe('postgres migration 17 on PGlite (pgvector)', () => {
  let instance: PGlite;
  beforeAll(async () => {
    instance = await createPglite();
  }, 60_000);
  afterAll(async () => {
    await instance?.close();
  });
  truthMigrationCases(
    (schema, migrations) => new PgDatabase({ engine: pgliteEngine(instance, { searchPath: searchPathFor(schema), ownsInstance: false }), schema, clock: manualClock(NOW), migrations }),
    async (schema) => void (await instance.exec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)),
  );
});

describe.runIf(servicesRequired || reachable)('postgres migration 17 on the real server', () => {
  truthMigrationCases(
    (schema, migrations) =>
      new PgDatabase({ engine: poolEngine({ connectionString: POSTGRES_URL, searchPath: searchPathFor(schema), max: 2 }), schema, clock: manualClock(NOW), migrations }),
    dropSchema,
  );
});
