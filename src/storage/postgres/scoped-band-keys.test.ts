// Band keys by exact scope on the exact path (PostgreSQL without pgvector): a memory created with
// its vector is stored `ready` with the same vector row a put would write, and migration 12 turns
// migration 10's keys (salted by partition) into the keys a put writes now, dropping episodes'.
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { contentKey } from '../../core/text.js';
import { testMemory } from '../../../test/support/records.js';
import { PgEpisodeStore } from './episode-store.js';
import { PgDatabase, PgVectorStore, poolEngine, searchPathFor } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { PgSemanticStore } from './semantic-store.js';
import { dropSchema, expectedVectorBackend, freshSchema, POSTGRES_URL, postgresReachable } from './test-databases.js';
import { sketchOf } from './vector-sketch.js';

const reachable = await postgresReachable();
const exact = reachable && (await expectedVectorBackend()) === 'exact';

const T = '2026-01-01T00:00:00.000Z';
const MODEL = 'band-test';
const vector = (seed: number) => Float32Array.from({ length: 16 }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));
const draft = (id: string, userId: string, agentId?: string) => {
  const memory = testMemory({ id, namespace: 'ns', userId, ...(agentId ? { agentId } : {}), content: `memory ${id}`, createdAt: T, updatedAt: T, embedding: { status: 'pending' } });
  return { memory, contentKey: contentKey(memory.content) };
};

type BandRow = { id: string; bands: number[] | null; sketch: string };
const bandsOf = (db: PgDatabase) =>
  db.query<BandRow>('test', `SELECT coalesce(m.id, e.id) AS id, v.bands, v.sketch::text AS sketch FROM vectors v LEFT JOIN memories m ON m.seq = v.memory_seq LEFT JOIN episodes e ON e.seq = v.episode_seq ORDER BY 1`);

describe.runIf(exact)('band keys by exact scope (PostgreSQL without pgvector)', () => {
  const open = (schema: string, migrations = MIGRATIONS) =>
    new PgDatabase({ engine: poolEngine({ connectionString: POSTGRES_URL, searchPath: searchPathFor(schema), max: 2 }), schema, clock: manualClock(Date.parse(T)), migrations });

  it('stores a memory created with its vector ready, with the vector row a put would write, and finds its near-duplicate in its scope only', async () => {
    const schema = freshSchema();
    const db = open(schema);
    try {
      await db.open();
      const clock = manualClock(Date.parse(T));
      const memories = new PgSemanticStore(db, clock);
      const vectors = new PgVectorStore(db, clock);
      const [withVector] = await memories.upsert([{ ...draft('m1', 'u1', 'a1'), vector: { model: MODEL, vector: vector(1), truncated: true } }]);
      expect(withVector!.memory.embedding).toEqual({ status: 'ready', model: MODEL, dimensions: 16, truncated: true });
      await memories.upsert([draft('m2', 'u1', 'a1')]);
      await vectors.put([{ tier: 'memories', namespace: 'ns', id: 'm2', content: 'memory m2', model: MODEL, vector: vector(1) }]);
      const [one, two] = await bandsOf(db);
      expect(one!.bands).toHaveLength(24);
      expect(one!.bands).toEqual(two!.bands);
      expect(one!.sketch).toBe(two!.sketch);
      const probe = { model: MODEL, vector: vector(1), threshold: 0.95, limit: 5 };
      const [found, otherAgent, otherUser] = await vectors.nearestMemories([
        { ...probe, scope: { namespace: 'ns', userId: 'u1', agentId: 'a1' } },
        { ...probe, scope: { namespace: 'ns', userId: 'u1', agentId: 'a2' } },
        { ...probe, scope: { namespace: 'ns', userId: 'u2', agentId: 'a1' } },
      ]);
      expect(found!.map((hit) => hit.item.id).sort()).toEqual(['m1', 'm2']);
      expect(otherAgent).toEqual([]);
      expect(otherUser).toEqual([]);
    } finally {
      await db.close();
      await dropSchema(schema);
    }
  });

  it("upgrades migration 10's keys to the keys a put writes now, and drops episodes' keys", async () => {
    const schema = freshSchema();
    // With the memories columns today's store writes (migrations 16 and 17), so that it can write to them.
    const old = open(schema, MIGRATIONS.filter((m) => m.version <= 10 || m.version >= 16));
    try {
      await old.open();
      const clock = manualClock(Date.parse(T));
      await new PgSemanticStore(old, clock).upsert([draft('m1', 'u1'), draft('m2', 'u2', 'a1')]);
      await new PgEpisodeStore(old).append([{ id: 'e1', namespace: 'ns', kind: 'message', content: 'episode e1', occurredAt: T, createdAt: T, metadata: {}, embedding: { status: 'pending' } }]);
      const writes = [
        { tier: 'memories' as const, namespace: 'ns', id: 'm1', content: 'memory m1', model: MODEL, vector: vector(1) },
        { tier: 'memories' as const, namespace: 'ns', id: 'm2', content: 'memory m2', model: MODEL, vector: vector(2) },
        { tier: 'episodes' as const, namespace: 'ns', id: 'e1', content: 'episode e1', model: MODEL, vector: vector(3) },
      ];
      await new PgVectorStore(old, clock).put(writes);
      const current = await bandsOf(old);
      // As migration 10 stored them: every vector's keys salted by its partition.
      for (const write of writes) {
        const { bands } = sketchOf(write.vector, { tier: write.tier, namespace: 'ns', model: MODEL });
        await old.query('test', `UPDATE vectors SET bands = $1::integer[] WHERE ${write.tier === 'memories' ? 'memory_seq' : 'episode_seq'} = (SELECT seq FROM ${write.tier} WHERE id = $2)`, [`{${bands.join(',')}}`, write.id]);
      }
      expect((await bandsOf(old)).map((row) => row.bands)).not.toEqual(current.map((row) => row.bands));
      await old.close();
      const upgraded = open(schema);
      await upgraded.open();
      const after = await bandsOf(upgraded);
      expect(after.map((row) => row.id)).toEqual(['e1', 'm1', 'm2']);
      expect(after[0]!.bands).toBeNull();
      expect(after.slice(1)).toEqual(current.slice(1));
      const hits = await new PgVectorStore(upgraded, clock).nearestMemories([{ scope: { namespace: 'ns', userId: 'u2', agentId: 'a1' }, model: MODEL, vector: vector(2), threshold: 0.95, limit: 5 }]);
      expect(hits[0]!.map((hit) => hit.item.id)).toEqual(['m2']);
      await upgraded.close();
    } finally {
      await dropSchema(schema);
    }
  });
});
