import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, toIso } from '../../core/clock.js';
import { contentKey } from '../../core/text.js';
import type { Memory } from '../../core/types.js';
import { SqliteDatabase } from './database.js';
import { SqliteEpisodeStore } from './episode-store.js';
import { SqliteSemanticStore } from './semantic-store.js';
import { EXCLUDED, topK } from './top-k.js';
import { VectorIndex, type PartitionKey } from './vector-index.js';
import { VectorPartition, type ScopeMatch } from './vector-partition.js';
import { SqliteVectorStore } from './vector-store.js';

const ANY: ScopeMatch = { userId: undefined, agentId: undefined, sessionId: undefined };
const v = (...components: number[]) => Float32Array.from(components);

describe('topK', () => {
  it('returns the best rows first, breaks ties by the lower row and skips excluded rows', () => {
    const scores = Float64Array.from([0.5, 0.9, EXCLUDED, 0.9, 0.1, 0.7]);
    expect(topK(scores, scores.length, 3)).toEqual([1, 3, 5]);
    expect(topK(scores, scores.length, 10)).toEqual([1, 3, 5, 0, 4]);
    expect(topK(scores, 2, 10)).toEqual([1, 0]);
    expect(topK(scores, scores.length, 0)).toEqual([]);
  });

  it('agrees with a full sort on random scores, so that widening only ever extends the answer', () => {
    const scores = Float64Array.from({ length: 2000 }, (_, i) => Math.round(Math.sin(i * 7.3) * 50) / 50);
    const sorted = [...scores.keys()].sort((a, b) => scores[b]! - scores[a]! || a - b);
    for (const k of [1, 17, 250, 2000]) expect(topK(scores, scores.length, k)).toEqual(sorted.slice(0, k));
  });
});

describe('VectorPartition', () => {
  it('scores by cosine whatever the stored length, and replaces a vector in place', () => {
    const p = new VectorPartition(2);
    p.upsert('a', {}, v(10, 0));
    p.upsert('b', {}, v(1, 1));
    const top = p.rank(v(2, 0), ANY).top(5);
    expect(top.map((c) => c.id)).toEqual(['a', 'b']);
    expect(top[0]!.score).toBeCloseTo(1, 6);
    expect(top[1]!.score).toBeCloseTo(Math.SQRT1_2, 6);
    p.upsert('a', {}, v(0, 1));
    expect(p.size).toBe(2);
    expect(p.rank(v(1, 0), ANY).top(5).map((c) => c.id)).toEqual(['b', 'a']);
  });

  it('matches scope ids: any, unset only, or one id; an unknown id matches nothing', () => {
    const p = new VectorPartition(2);
    p.upsert('none', {}, v(1, 0));
    p.upsert('u1', { userId: 'u1' }, v(1, 0));
    p.upsert('u1a1', { userId: 'u1', agentId: 'a1' }, v(1, 0));
    const ids = (match: Partial<ScopeMatch>) => p.rank(v(1, 0), { ...ANY, ...match }).top(10).map((c) => c.id).sort();
    expect(ids({})).toEqual(['none', 'u1', 'u1a1']);
    expect(ids({ userId: null })).toEqual(['none']);
    expect(ids({ userId: 'u1' })).toEqual(['u1', 'u1a1']);
    expect(ids({ userId: 'u1', agentId: null })).toEqual(['u1']);
    expect(ids({ agentId: 'a1', sessionId: null })).toEqual(['u1a1']);
    expect(ids({ userId: 'nobody' })).toEqual([]);
    expect(p.rank(v(1, 0), { ...ANY, userId: 'u1' }).eligible).toBe(2);
  });

  it('gives a zero query no candidates, and a zero stored vector a score of 0', () => {
    const p = new VectorPartition(2);
    p.upsert('zero', {}, v(0, 0));
    expect(p.rank(v(0, 0), ANY).top(5)).toEqual([]);
    expect(p.rank(v(1, 0), ANY).top(5)).toEqual([{ id: 'zero', score: 0 }]);
  });

  it('grows past its first capacity and compacts deleted rows without losing or mixing any', () => {
    const p = new VectorPartition(3);
    const n = 2000;
    const vectorOf = (i: number) => v(Math.cos(i), Math.sin(i), (i % 7) / 7);
    for (let i = 0; i < n; i += 1) p.upsert(`r${i}`, { userId: `u${i % 3}` }, vectorOf(i));
    for (let i = 0; i < n; i += 1) if (i % 4 !== 0) expect(p.remove(`r${i}`)).toBe(true);
    expect(p.remove('r1')).toBe(false);
    expect(p.size).toBe(n / 4);
    for (const i of [0, 4, 1000, 1996]) {
      const [best] = p.rank(vectorOf(i), { ...ANY, userId: `u${i % 3}` }).top(1);
      expect(best).toMatchObject({ id: `r${i}` });
      expect(best!.score).toBeCloseTo(1, 5);
    }
    p.upsert('late', {}, v(0, 0, 1));
    expect(p.rank(v(0, 0, 1), ANY).top(1)[0]?.id).toBe('late');
    expect(p.rank(v(1, 0, 0), ANY).eligible).toBe(n / 4 + 1);
  });
});

describe('VectorIndex', () => {
  const key = (model: string, dimensions = 2): PartitionKey => ({ tier: 'memories', namespace: 'ns1', model, dimensions });

  it('keeps one vector per record: setting another model takes it out of the first', () => {
    const index = new VectorIndex();
    index.load(key('m1'), [{ id: 'a', scope: {}, vector: v(1, 0) }]);
    index.load(key('m2'), []);
    index.set(key('m2'), 'a', {}, v(1, 0));
    expect(index.get(key('m1'))?.size).toBe(0);
    expect(index.get(key('m2'))?.size).toBe(1);
    index.set(key('m3'), 'a', {}, v(1, 0)); // m3 is not loaded: its load will read the record
    expect(index.get(key('m2'))?.size).toBe(0);
    expect(index.get(key('m3'))).toBeUndefined();
    index.set(key('m1'), 'b', {}, v(0, 1));
    index.remove('memories', 'ns1', 'b');
    index.remove('episodes', 'ns1', 'a');
    expect(index.get(key('m1'))?.size).toBe(0);
    index.clear();
    expect(index.get(key('m1'))).toBeUndefined();
  });
});

describe('VectorIndex within a cap in bytes', () => {
  const key = (namespace: string, dimensions = 2): PartitionKey => ({ tier: 'memories', namespace, model: 'm', dimensions });
  const one = (id: string) => [{ id, scope: {}, vector: v(1, 0) }];
  /** One loaded partition of one 2-dimension vector: 64 rows of capacity, plus its id. */
  const single = new VectorPartition(2);
  single.upsert('a', {}, v(1, 0));
  const PARTITION = single.bytes;

  it('counts a partition by its typed arrays and ids, and evicts whole partitions least recently used first', () => {
    expect(PARTITION).toBeGreaterThanOrEqual(64 * (2 * 4 + 17));
    const index = new VectorIndex({ maxBytes: 2 * PARTITION + PARTITION / 2 });
    index.load(key('ns1'), one('a'));
    index.load(key('ns2'), one('a'));
    expect(index.usage()).toEqual({ bytes: 2 * PARTITION, maxBytes: 2 * PARTITION + PARTITION / 2, partitions: 2, evictions: 0 });
    index.get(key('ns1')); // ns1 is now the more recently used
    index.load(key('ns3'), one('a'));
    expect(index.get(key('ns2'))).toBeUndefined();
    expect(index.get(key('ns1'))?.size).toBe(1);
    expect(index.get(key('ns3'))?.size).toBe(1);
    expect(index.usage()).toMatchObject({ bytes: 2 * PARTITION, partitions: 2, evictions: 1 });
    // An evicted partition takes no writes: its next load reads them from SQLite.
    index.set(key('ns2'), 'b', {}, v(0, 1));
    expect(index.get(key('ns2'))).toBeUndefined();
    index.remove('memories', 'ns1', 'a');
    index.clear();
    expect(index.usage()).toMatchObject({ bytes: 0, partitions: 0, evictions: 1 });
  });

  it('evicts others when a loaded partition grows past the cap, never the one written to', () => {
    const index = new VectorIndex({ maxBytes: 3 * PARTITION });
    index.load(key('small'), one('a'));
    const big = index.load(key('big'), one('a'));
    for (let i = 0; i < 64; i += 1) index.set(key('big'), `r${i}`, {}, v(1, i));
    expect(big.size).toBe(65);
    expect(index.get(key('small'))).toBeUndefined();
    expect(index.get(key('big'))).toBe(big);
    expect(index.usage()).toMatchObject({ bytes: big.bytes, partitions: 1, evictions: 1 });
  });

  it('keeps a partition larger than the cap on its own, alone, and reports it once', () => {
    const reported: Array<{ namespace: string; bytes: number; maxBytes: number }> = [];
    const index = new VectorIndex({ maxBytes: PARTITION * 2, onOversize: (k, bytes, maxBytes) => reported.push({ namespace: k.namespace, bytes, maxBytes }) });
    index.load(key('small'), one('a'));
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: `r${i}`, scope: { userId: `u${i % 5}` }, vector: v(1, i) }));
    const huge = index.load(key('huge'), rows);
    expect(huge.bytes).toBeGreaterThan(PARTITION * 2);
    // The partition the caller is about to search is served, whole, and stays loaded.
    expect(huge.rank(v(1, 7), { userId: 'u2', agentId: undefined, sessionId: undefined }).top(1)[0]?.id).toBe('r7');
    expect(index.get(key('huge'))).toBe(huge);
    expect(index.get(key('small'))).toBeUndefined();
    expect(reported).toEqual([{ namespace: 'huge', bytes: huge.bytes, maxBytes: PARTITION * 2 }]);
    index.set(key('huge'), 'late', {}, v(0, 1));
    expect(reported).toHaveLength(1);
    // The next partition used takes its place: the oversized one is the least recently used.
    index.load(key('small'), one('a'));
    expect(index.get(key('huge'))).toBeUndefined();
    expect(index.usage()).toMatchObject({ partitions: 1, evictions: 2 });
  });
});

describe('the index and the stores that write', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memos-vector-index-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function setup(maxBytes?: number) {
    const clock = manualClock();
    const path = join(dir, `${Math.random().toString(36).slice(2)}.db`);
    const db = new SqliteDatabase({ path, synchronous: 'normal', clock });
    db.open();
    const index = new VectorIndex(maxBytes === undefined ? {} : { maxBytes });
    const memories = new SqliteSemanticStore(db, clock, index);
    const episodes = new SqliteEpisodeStore(db, index);
    const vectors = new SqliteVectorStore(db, clock, index);
    const now = toIso(clock.now());
    const memory = (id: string, content: string): Memory => ({
      id, namespace: 'ns1', content, kind: 'fact', importance: 0.5, metadata: {}, sourceEpisodeIds: [], version: 1,
      createdAt: now, updatedAt: now, lastConfirmedAt: now, embedding: { status: 'pending' },
      sourceSessionIds: [], validFrom: now, supersedes: [], conflicts: [],
    });
    const indexed = () => index.get({ tier: 'memories', namespace: 'ns1', model: 'm', dimensions: 2 })?.size;
    return { db, path, index, memories, episodes, vectors, memory, indexed };
  }

  it('drops a record from the loaded partition on a content change or a delete, and only after a commit', async () => {
    const { db, memories, vectors, memory, indexed } = setup();
    const [a, b] = [memory('mem_a', 'alpha'), memory('mem_b', 'beta')];
    await memories.upsert([a, b].map((m) => ({ memory: m, contentKey: contentKey(m.content) })));
    const write = (m: Memory) => ({ tier: 'memories' as const, namespace: 'ns1', id: m.id, content: m.content, model: 'm', vector: v(1, 0) });
    expect(await vectors.put([write(a), write(b)])).toBe(2);
    await vectors.search({ tier: 'memories', filter: { namespace: 'ns1' }, model: 'm', vector: v(1, 0), limit: 5 });
    expect(indexed()).toBe(2);
    await memories.update({ ref: { namespace: 'ns1', id: a.id }, patch: { importance: 0.9 } });
    expect(indexed()).toBe(2);
    const stale = memories.update({ ref: { namespace: 'ns1', id: a.id }, patch: { content: 'x', contentKey: 'x' }, expectedVersion: 1 });
    await expect(stale).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect(indexed()).toBe(2);
    await memories.update({ ref: { namespace: 'ns1', id: a.id }, patch: { content: 'gamma', contentKey: contentKey('gamma') } });
    expect(indexed()).toBe(1);
    await memories.delete({ namespace: 'ns1', id: b.id });
    expect(indexed()).toBe(0);
    db.close();
  });

  it('drops a deleted episode from the loaded partition', async () => {
    const { db, index, episodes, vectors } = setup();
    const at = '2026-01-01T00:00:00.000Z';
    await episodes.append([{ id: 'ep_a', namespace: 'ns1', kind: 'observation', content: 'seen', occurredAt: at, createdAt: at, metadata: {}, embedding: { status: 'pending' } }]);
    await vectors.put([{ tier: 'episodes', namespace: 'ns1', id: 'ep_a', content: 'seen', model: 'm', vector: v(0, 1) }]);
    const search = () => vectors.search({ tier: 'episodes', filter: { namespace: 'ns1' }, model: 'm', vector: v(0, 1), limit: 5 });
    expect((await search()).map((hit) => hit.item.id)).toEqual(['ep_a']);
    const partition = index.get({ tier: 'episodes', namespace: 'ns1', model: 'm', dimensions: 2 });
    expect(partition?.size).toBe(1);
    await episodes.delete({ namespace: 'ns1', id: 'ep_a' });
    expect(partition?.size).toBe(0);
    expect(await search()).toEqual([]);
    db.close();
  });

  it('leaves the index as it was when the put transaction fails', async () => {
    const { db, path, memories, vectors, memory, indexed } = setup();
    const a = memory('mem_a', 'alpha');
    await memories.upsert([{ memory: a, contentKey: contentKey(a.content) }]);
    await vectors.search({ tier: 'memories', filter: { namespace: 'ns1' }, model: 'm', vector: v(1, 0), limit: 5 });
    expect(indexed()).toBe(0);
    db.run('test', (c) => c.pragma('busy_timeout = 20'));
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const put = vectors.put([{ tier: 'memories', namespace: 'ns1', id: a.id, content: a.content, model: 'm', vector: v(1, 0) }]);
    await expect(put).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    other.exec('ROLLBACK');
    other.close();
    expect(indexed()).toBe(0);
    expect(await vectors.put([{ tier: 'memories', namespace: 'ns1', id: a.id, content: a.content, model: 'm', vector: v(1, 0) }])).toBe(1);
    expect(indexed()).toBe(1);
    db.close();
  });

  it('answers a search over an evicted partition as before, reloading it from SQLite', async () => {
    const { db, index, memories, vectors, memory } = setup(1);
    const ids: Record<string, string[]> = {};
    for (const namespace of ['ns1', 'ns2']) {
      const drafts = [0, 1, 2].map((i) => ({ ...memory(`mem_${namespace}_${i}`, `text ${i}`), namespace }));
      await memories.upsert(drafts.map((m) => ({ memory: m, contentKey: contentKey(m.content) })));
      await vectors.put(drafts.map((m, i) => ({ tier: 'memories' as const, namespace, id: m.id, content: m.content, model: 'm', vector: v(1, i) })));
      ids[namespace] = drafts.map((m) => m.id);
    }
    const search = async (namespace: string) =>
      (await vectors.search({ tier: 'memories', filter: { namespace }, model: 'm', vector: v(1, 2), limit: 3 })).map((hit) => hit.item.id);
    const first = await search('ns1');
    expect(first).toEqual([ids.ns1![2], ids.ns1![1], ids.ns1![0]]);
    expect(await search('ns2')).toEqual([ids.ns2![2], ids.ns2![1], ids.ns2![0]]);
    expect(index.usage()).toMatchObject({ partitions: 1, evictions: 1 }); // a one-byte cap keeps only the partition in use
    expect(await search('ns1')).toEqual(first);
    await vectors.put([{ tier: 'memories', namespace: 'ns2', id: ids.ns2![0]!, content: 'text 0', model: 'm', vector: v(1, 3) }]);
    expect(await search('ns2')).toEqual([ids.ns2![2], ids.ns2![0], ids.ns2![1]]); // the put reached SQLite, not the evicted partition
    expect(index.usage()).toMatchObject({ partitions: 1, evictions: 3 });
    db.close();
  });
});
