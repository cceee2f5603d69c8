// Vectors without a sketch on the exact path (PostgreSQL without pgvector), on the real server: a
// schema written before migration 10 upgrades without sketching inside the migration; searches are
// right before the fill where a scope is ranked whole, and everywhere after it; the fill goes in
// bounded batches that resume where they stopped and compute what the write path computes; and a
// vector written without a sketch afterwards, as an older replica does during a rolling upgrade,
// is found.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { contentKey } from '../../core/text.js';
import { testMemory } from '../../../test/support/records.js';
import { createPostgresDatabase } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { PgDatabase, poolEngine, searchPathFor } from './index.js';
import { PgSemanticStore } from './semantic-store.js';
import { dropSchema, expectedVectorBackend, freshSchema, POSTGRES_URL, postgresReachable } from './test-databases.js';
import { signUnsignedVectors } from './vector-sketch-backfill.js';
import { scopedBandKeys, sketchParams } from './vector-sketch.js';
import { PgVectorStore } from './vector-store.js';
import { cosine, seededVectors } from '../../../test/support/seeded-vectors.js';

const reachable = await postgresReachable();
const exact = reachable && (await expectedVectorBackend()) === 'exact';

const DIMS = 32;
const MODEL = 'backfill-test';
const T = '2026-01-01T00:00:00.000Z';
/** Records of the large user, past what a search ranks exactly whole; and of the small one. */
const LARGE = 1_000;
const SMALL = 60;

const generator = (seed: number) => {
  const next = seededVectors(seed);
  return () => next(DIMS);
};

type Stored = { id: string; userId: string; vector: Float32Array };

describe.runIf(exact)('vectors stored without a sketch (exact path)', () => {
  const schema = freshSchema();
  const clock = manualClock(Date.parse(T));
  const stored: Stored[] = [];
  const next = generator(23);
  let db: PgDatabase;
  let memories: PgSemanticStore;
  let vectors: PgVectorStore;

  /** A memory and its vector written as memOS did before migration 10 (and as an older replica still does): no sketch named. */
  async function writeUnsigned(database: PgDatabase, rows: Stored[]): Promise<void> {
    const store = new PgSemanticStore(database, clock);
    await store.upsert(
      rows.map(({ id, userId }) => {
        const memory = testMemory({ id, namespace: 'ns', userId, content: `memory ${id}`, createdAt: T, updatedAt: T, embedding: { status: 'pending' } });
        return { memory, contentKey: contentKey(memory.content) };
      }),
    );
    await database.query(
      'test',
      `INSERT INTO vectors (tier, namespace, user_id, memory_seq, model, dims, embedding)
        SELECT 'memories', m.namespace, m.user_id, m.seq, $2, $3, u.embedding::real[]
        FROM unnest($1::text[], $4::text[]) AS u(id, embedding) JOIN memories m ON m.namespace = 'ns' AND m.id = u.id`,
      [rows.map((row) => row.id), MODEL, DIMS, rows.map((row) => `{${row.vector.join(',')}}`)],
    );
    await database.query('test', `UPDATE memories SET embedding_status = 'ready', embedding_model = $1, embedding_dim = $2 WHERE id = ANY($3::text[])`, [MODEL, DIMS, rows.map((row) => row.id)]);
  }

  const unsigned = async () => (await db.query<{ n: number }>('test', 'SELECT count(*)::int AS n FROM vectors WHERE sketch IS NULL'))[0]!.n;
  const bruteForce = (query: Float32Array, userId: string, limit: number) =>
    stored
      .filter((row) => row.userId === userId)
      .map((row) => ({ id: row.id, score: cosine(row.vector, query) }))
      .sort((a, b) => b.score - a.score)
      .slice(0, limit)
      .map((row) => row.id);
  const search = async (userId: string, query: Float32Array) =>
    (await vectors.search({ tier: 'memories', model: MODEL, vector: query, limit: 10, filter: { namespace: 'ns', userId } })).map((hit) => hit.item.id);

  beforeAll(async () => {
    // The schema as it stood before migration 10, with records and vectors in it.
    const old = new PgDatabase({
      engine: poolEngine({ connectionString: POSTGRES_URL, searchPath: searchPathFor(schema), max: 2 }),
      schema,
      clock,
      // With the memories columns today's store writes (migrations 16 and 17), so that it can write to them.
      migrations: MIGRATIONS.filter((migration) => migration.version < 10 || migration.version >= 16),
      analyzeAfterWrites: false,
    });
    await old.open();
    for (let i = 0; i < LARGE + SMALL; i++) stored.push({ id: `m${i}`, userId: i < SMALL ? 'small' : 'large', vector: next() });
    for (let from = 0; from < stored.length; from += 400) await writeUnsigned(old, stored.slice(from, from + 400));
    await old.close();
    // The upgrade, with the background job off so that the test sees the table before the fill.
    db = createPostgresDatabase({ url: POSTGRES_URL, schema, clock, poolSize: 2, analyzeAfterWrites: false, signVectors: false });
    await db.open();
    memories = new PgSemanticStore(db, clock);
    vectors = new PgVectorStore(db, clock);
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await dropSchema(schema);
  });

  it('upgrades without sketching inside the migration, and ranks a scope no larger than the candidates exactly before the fill', async () => {
    expect(await unsigned()).toBe(LARGE + SMALL);
    for (let q = 0; q < 5; q++) {
      const query = next();
      expect(await search('small', query)).toEqual(bruteForce(query, 'small', 10));
    }
  });

  it('fills in bounded batches that resume where they stopped, with the sketches the write path computes', async () => {
    expect(await db.transaction('test', (tx) => signUnsignedVectors(tx, 100))).toBe(100);
    expect(await unsigned()).toBe(LARGE + SMALL - 100);
    // As after a restart: the job picks up the rest.
    expect(await db.signVectors()).toBe(LARGE + SMALL - 100);
    expect(await unsigned()).toBe(0);
    expect(await db.signVectors()).toBe(0);
    for (const id of ['m0', 'm500', `m${LARGE + SMALL - 1}`]) {
      const want = sketchParams(stored[Number(id.slice(1))]!.vector);
      // The band keys the write path stores: the unsalted keys, salted in SQL with the memory's exact scope.
      const [row] = await db.query<{ sketch: string; bands: number[]; salted: number[] }>(
        'test',
        `SELECT v.sketch::text AS sketch, v.bands, ${scopedBandKeys('$2::integer[]', { namespace: 'm.namespace', userId: 'm.user_id', agentId: 'm.agent_id', sessionId: 'm.session_id', model: 'v.model', dims: 'v.dims' })} AS salted
           FROM vectors v JOIN memories m ON m.seq = v.memory_seq WHERE m.id = $1`,
        [id, want.raw],
      );
      expect(row!.sketch).toBe(want.sketch);
      expect(row!.bands).toEqual(row!.salted);
      expect(row!.bands).toHaveLength(24);
    }
  });

  it('after the fill, finds what brute force finds in a scope far larger than the candidates, and near-duplicates through the bands', async () => {
    let found = 0;
    for (let q = 0; q < 10; q++) {
      const query = next();
      const truth = new Set(bruteForce(query, 'large', 10));
      found += (await search('large', query)).filter((id) => truth.has(id)).length;
    }
    expect(found / 100).toBeGreaterThanOrEqual(0.95);
    const target = stored[SMALL + 123]!;
    const [hits] = await vectors.nearestMemories([{ scope: { namespace: 'ns', userId: 'large' }, model: MODEL, vector: target.vector, threshold: 0.95, limit: 5 }]);
    expect(hits!.map((hit) => hit.item.id)).toContain(target.id);
  });

  it('finds a vector that an older replica writes without a sketch: at once in any scope, and near-duplicates once the job has passed', async () => {
    const late: Stored[] = [
      { id: 'late-small', userId: 'small', vector: next() },
      { id: 'late-large', userId: 'large', vector: next() },
    ];
    stored.push(...late);
    await writeUnsigned(db, late);
    expect(await unsigned()).toBe(2);
    expect((await search('small', late[0]!.vector))[0]).toBe('late-small');
    expect((await search('large', late[1]!.vector))[0]).toBe('late-large');
    // The background job's pass (every replica looks again periodically).
    expect(await db.signVectors()).toBe(2);
    expect((await search('large', late[1]!.vector))[0]).toBe('late-large');
    for (const row of late) {
      const [hits] = await vectors.nearestMemories([{ scope: { namespace: 'ns', userId: row.userId }, model: MODEL, vector: row.vector, threshold: 0.95, limit: 5 }]);
      expect(hits!.map((hit) => hit.item.id)).toContain(row.id);
    }
    expect(await memories.get({ namespace: 'ns', id: 'late-large' })).not.toBeNull();
  });
});
