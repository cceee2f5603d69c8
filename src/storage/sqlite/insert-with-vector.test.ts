import { describe, expect, it } from 'vitest';
import { manualClock, toIso } from '../../core/clock.js';
import type { MemoryDraft } from '../../core/ports.js';
import { SqliteDatabase } from './database.js';
import { SqliteSemanticStore } from './semantic-store.js';
import { VectorIndex } from './vector-index.js';
import { SqliteVectorStore } from './vector-store.js';

const MODEL = 'm1';

function setup() {
  const clock = manualClock();
  const db = new SqliteDatabase({ path: ':memory:', synchronous: 'full', clock });
  db.open();
  const index = new VectorIndex({});
  return { clock, db, index, memories: new SqliteSemanticStore(db, clock, index), vectors: new SqliteVectorStore(db, clock, index) };
}

function draft(id: string, content: string, at: string, vector?: Float32Array): MemoryDraft {
  return {
    contentKey: content.toLowerCase(),
    memory: { id, namespace: 'ns1', kind: 'fact', content, importance: 0.5, metadata: {}, sourceEpisodeIds: [], version: 1, createdAt: at, updatedAt: at, lastConfirmedAt: at, sourceSessionIds: [], validFrom: at, supersedes: [], conflicts: [], embedding: { status: 'pending' } },
    ...(vector === undefined ? {} : { vector: { model: MODEL, vector, truncated: content.length > 10 } }),
  };
}

describe('memories inserted with the vector of their wording', () => {
  it('store the vector with the row, so that reads, the backlog and vector search all see it at once', async () => {
    const { clock, db, memories, vectors } = setup();
    const at = toIso(clock.now());
    const [a, b] = await memories.upsert([draft('mem_a', 'Alice drinks green tea', at, new Float32Array([1, 0, 0, 0])), draft('mem_b', 'Bob', at)]);
    expect(a!.memory.embedding).toEqual({ status: 'ready', model: MODEL, dimensions: 4, truncated: true });
    expect(b!.memory.embedding.status).toBe('pending');
    expect((await memories.get({ namespace: 'ns1', id: 'mem_a' }))!.embedding).toEqual(a!.memory.embedding);
    const stored = db.run('test', () => db.statement('SELECT embedding FROM memories WHERE id = ?').pluck().get('mem_a')) as Buffer;
    expect([...new Float32Array(new Uint8Array(stored).buffer)]).toEqual([1, 0, 0, 0]);
    expect((await vectors.pending({ model: MODEL, dimensions: 4, limit: 10 })).map((p) => p.id)).toEqual(['mem_b']);
    const [hits] = await vectors.nearestMemories([{ scope: { namespace: 'ns1' }, model: MODEL, vector: new Float32Array([0.99, 0.01, 0, 0]), threshold: 0.9, limit: 5 }]);
    expect(hits!.map((h) => h.item.id)).toEqual(['mem_a']);
  });

  it('enter a loaded index only once the transaction commits, and a vector that cannot be stored leaves the memory pending', async () => {
    const { clock, db, memories, vectors } = setup();
    const at = toIso(clock.now());
    await memories.upsert([draft('mem_a', 'Alice', at, new Float32Array([1, 0, 0, 0]))]);
    const near = async () => (await vectors.nearestMemories([{ scope: { namespace: 'ns1' }, model: MODEL, vector: new Float32Array([0, 1, 0, 0]), threshold: 0.9, limit: 5 }]))[0]!;
    expect(await near()).toEqual([]);
    // A rolled-back batch: the second draft's id collides with the first's, so nothing commits.
    await expect(memories.upsert([draft('mem_b', 'Bob', at, new Float32Array([0, 1, 0, 0])), draft('mem_b', 'Carol', at, new Float32Array([0, 1, 0, 0]))])).rejects.toThrow();
    expect(await near()).toEqual([]);
    expect(db.run('test', () => db.statement('SELECT count(*) FROM memories').pluck().get())).toBe(1);
    const [bad] = await memories.upsert([draft('mem_c', 'Dan', at, new Float32Array([Number.NaN, 0, 0, 0]))]);
    expect(bad!.memory.embedding.status).toBe('pending');
    await memories.upsert([draft('mem_d', 'Eve', at, new Float32Array([0, 1, 0, 0]))]);
    expect((await near()).map((h) => h.item.id)).toEqual(['mem_d']);
  });
});
