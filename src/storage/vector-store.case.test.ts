// The VectorStore contract. Every storage adapter runs it against its real engine, with the
// episode and semantic stores of the same storage (vectors belong to their records).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import { toIso } from '../core/clock.js';
import type { MemoryStore } from '../core/ports.js';
import { contentKey } from '../core/text.js';
import type { Episode, Memory, RecordFilter, Tier } from '../core/types.js';
import { testMemory } from '../../test/support/records.js';

export interface VectorStoreHarness {
  storage: MemoryStore;
  clock: Clock & { advance(ms: number): void };
  close(): Promise<void>;
  /** Closes this storage and opens the same data again, as a restart would; returns the new harness. */
  reopen(): Promise<VectorStoreHarness>;
}

const MINUTE = 60_000;
const M1 = 'model-one';
const M2 = 'model-two';

/** A vector from its components; 4 dimensions unless more are given. */
const v = (...components: number[]) => Float32Array.from(components.length >= 4 ? components : [...components, 0, 0, 0, 0].slice(0, 4));
const ids = (hits: { item: { id: string } }[]) => hits.map((hit) => hit.item.id);

/** `create` gives a fresh, empty, initialised storage for each test. */
export function runVectorStoreContract(name: string, create: () => Promise<VectorStoreHarness>): void {
  describe(`VectorStore contract: ${name}`, () => {
    let h: VectorStoreHarness;
    let counter = 0;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.close();
    });

    const now = () => toIso(h.clock.now());
    /** A draft memory, not yet written. */
    function draftOf(overrides: Partial<Memory>): Memory {
      counter += 1;
      return testMemory({
        id: `mem_${String(counter).padStart(6, '0')}`,
        namespace: 'ns1',
        content: `memory number ${counter}`,
        createdAt: now(),
        updatedAt: now(),
        ...overrides,
      });
    }
    async function memory(overrides: Partial<Memory> = {}, into?: Memory): Promise<Memory> {
      const m = draftOf(overrides);
      const mergeInto = into && { id: into.id, contentKey: contentKey(into.content) };
      const [outcome] = await h.storage.memories.upsert([{ memory: m, contentKey: contentKey(m.content), ...(mergeInto ? { mergeInto } : {}) }]);
      return outcome!.memory;
    }
    async function episode(overrides: Partial<Episode> = {}): Promise<Episode> {
      counter += 1;
      const e: Episode = {
        id: `ep_${String(counter).padStart(6, '0')}`,
        namespace: 'ns1',
        kind: 'observation',
        content: `episode number ${counter}`,
        occurredAt: now(),
        createdAt: now(),
        metadata: {},
        embedding: { status: 'pending' },
        ...overrides,
      };
      await h.storage.episodes.append([e]);
      return e;
    }
    const tierOf = (record: Memory | Episode): Tier => ('importance' in record ? 'memories' : 'episodes');
    const put = (record: Memory | Episode, vector: Float32Array, model = M1) =>
      h.storage.vectors.put([{ tier: tierOf(record), namespace: record.namespace, id: record.id, content: record.content, model, vector }]);
    async function embedded(vector: Float32Array, overrides: Partial<Memory> = {}): Promise<Memory> {
      const m = await memory(overrides);
      expect(await put(m, vector)).toBe(1);
      return m;
    }
    const search = (tier: Tier, vector: Float32Array, filter: Partial<RecordFilter> = {}, limit = 10, model = M1) =>
      h.storage.vectors.search({ tier, filter: { namespace: 'ns1', ...filter }, model, vector, limit });
    const memoryIds = async (vector: Float32Array, filter: Partial<RecordFilter> = {}, limit = 10) => ids(await search('memories', vector, filter, limit));
    const nearestAll = async (scope: Partial<Memory>, vector: Float32Array, threshold = 0.5, limit = 1) =>
      (await h.storage.vectors.nearestMemories([{ scope: { namespace: 'ns1', ...scope }, model: M1, vector, threshold, limit }]))[0]!;
    const nearest = async (scope: Partial<Memory>, vector: Float32Array, threshold = 0.5) => (await nearestAll(scope, vector, threshold))[0] ?? null;

    describe('put and search', () => {
      it('ranks by cosine, highest first, the score being the cosine; the length of a stored vector does not matter', async () => {
        const a = await embedded(v(3, 0));
        const b = await embedded(v(1, 1));
        const c = await embedded(v(0, 1));
        const d = await embedded(v(-1, 0));
        const hits = await search('memories', v(1, 0.1));
        expect(ids(hits)).toEqual([a.id, b.id, c.id, d.id]);
        const cosine = (x: number[], y: number[]) => (x[0]! * y[0]! + x[1]! * y[1]!) / Math.hypot(...x) / Math.hypot(...y);
        expect(hits[0]!.score).toBeCloseTo(cosine([1, 0.1], [1, 0]), 5);
        expect(hits[1]!.score).toBeCloseTo(cosine([1, 0.1], [1, 1]), 5);
        expect(hits[3]!.score).toBeCloseTo(-cosine([1, 0.1], [1, 0]), 5);
        expect(hits[1]!.item).toStrictEqual(await h.storage.memories.get({ namespace: 'ns1', id: b.id }));
        expect(hits[1]!.item.embedding).toEqual({ status: 'ready', model: M1, dimensions: 4 });
      });

      it('searches episodes the same way, and returns the stored episodes', async () => {
        const near = await episode({ userId: 'u1' });
        const far = await episode();
        expect(await put(near, v(0, 0, 1, 0))).toBe(1);
        expect(await put(far, v(0, 1, 1, 0))).toBe(1);
        const hits = await search('episodes', v(0, 0, 1, 0.2));
        expect(ids(hits)).toEqual([near.id, far.id]);
        expect(hits[0]!.item).toMatchObject({ ...near, embedding: { status: 'ready', model: M1, dimensions: 4 } });
        expect(await search('memories', v(0, 0, 1, 0.2))).toEqual([]);
      });

      it('counts what it stores, in one call for both tiers', async () => {
        const m = await memory();
        const e = await episode();
        const writes = [m, e].map((r) => ({ tier: tierOf(r), namespace: 'ns1', id: r.id, content: r.content, model: M1, vector: v(1, 2, 3, 4) }));
        expect(await h.storage.vectors.put(writes)).toBe(2);
        expect(await h.storage.vectors.put([])).toBe(0);
      });

      it('honours the limit and returns nothing for a limit of 0', async () => {
        for (let i = 0; i < 6; i++) await embedded(v(1, i / 10));
        expect(await memoryIds(v(1, 0), {}, 3)).toHaveLength(3);
        expect(await memoryIds(v(1, 0), {}, 0)).toEqual([]);
      });

      it('never crosses namespaces', async () => {
        const mine = await embedded(v(1, 0));
        const theirs = await embedded(v(1, 0), { namespace: 'ns2' });
        expect(await memoryIds(v(1, 0))).toEqual([mine.id]);
        expect(await memoryIds(v(1, 0), { namespace: 'ns2' })).toEqual([theirs.id]);
        expect(await memoryIds(v(1, 0), { namespace: 'ns3' })).toEqual([]);
      });

      it('applies userId, agentId and sessionId, each and together', async () => {
        const none = await embedded(v(1, 0));
        const u1 = await embedded(v(1, 0.1), { userId: 'u1' });
        const u1a1 = await embedded(v(1, 0.2), { userId: 'u1', agentId: 'a1' });
        const s1 = await embedded(v(1, 0.3), { userId: 'u2', agentId: 'a1', sourceSessionIds: ['s1'] });
        expect(await memoryIds(v(1, 0))).toEqual([none.id, u1.id, u1a1.id, s1.id]);
        expect(await memoryIds(v(1, 0), { userId: 'u1' })).toEqual([u1.id, u1a1.id]);
        expect(await memoryIds(v(1, 0), { agentId: 'a1' })).toEqual([u1a1.id, s1.id]);
        expect(await memoryIds(v(1, 0), { sessionId: 's1' })).toEqual([s1.id]);
        expect(await memoryIds(v(1, 0), { userId: 'u1', agentId: 'a1' })).toEqual([u1a1.id]);
        expect(await memoryIds(v(1, 0), { userId: 'u1', sessionId: 's1' })).toEqual([]);
        expect(await memoryIds(v(1, 0), { userId: 'nobody' })).toEqual([]);
      });

      it('applies kinds, the time range and typed metadata: createdAt for memories, occurredAt for episodes', async () => {
        const t = h.clock.now();
        const fact = await embedded(v(1, 0), { kind: 'fact', metadata: { pinned: true } });
        h.clock.advance(MINUTE);
        const pref = await embedded(v(1, 0.1), { kind: 'preference', metadata: { pinned: 'true' } });
        h.clock.advance(MINUTE);
        const proc = await embedded(v(1, 0.2), { kind: 'procedure', metadata: { pinned: 1 } });
        expect(await memoryIds(v(1, 0), { kinds: ['fact', 'procedure'] })).toEqual([fact.id, proc.id]);
        expect(await memoryIds(v(1, 0), { kinds: [] })).toEqual([fact.id, pref.id, proc.id]);
        expect(await memoryIds(v(1, 0), { from: toIso(t + MINUTE) })).toEqual([pref.id, proc.id]);
        expect(await memoryIds(v(1, 0), { to: toIso(t + MINUTE) })).toEqual([fact.id]);
        expect(await memoryIds(v(1, 0), { metadata: { pinned: true } })).toEqual([fact.id]);
        expect(await memoryIds(v(1, 0), { metadata: { pinned: 'true' } })).toEqual([pref.id]);
        expect(await memoryIds(v(1, 0), { metadata: { pinned: 1 } })).toEqual([proc.id]);

        const old = await episode({ kind: 'outcome', occurredAt: '2020-01-01T00:00:00.000Z' });
        const recent = await episode({ kind: 'message', occurredAt: '2030-01-01T00:00:00.000Z' });
        await put(old, v(0, 1));
        await put(recent, v(0, 1));
        const episodeIds = async (filter: Partial<RecordFilter>) => ids(await search('episodes', v(0, 1), filter));
        expect(await episodeIds({ to: '2025-01-01T00:00:00.000Z' })).toEqual([old.id]);
        expect(await episodeIds({ from: '2025-01-01T00:00:00.000Z' })).toEqual([recent.id]);
        expect(await episodeIds({ kinds: ['outcome'] })).toEqual([old.id]);
      });

      it('leaves out expired memories', async () => {
        const lasting = await embedded(v(0, 1));
        const brief = await embedded(v(1, 0), { expiresAt: toIso(h.clock.now() + MINUTE) });
        expect(await memoryIds(v(1, 0))).toEqual([brief.id, lasting.id]);
        h.clock.advance(MINUTE);
        expect(await memoryIds(v(1, 0))).toEqual([lasting.id]);
      });

      it('only vectors of the query model and length take part', async () => {
        const one = await embedded(v(1, 0));
        const two = await memory();
        await put(two, v(1, 0), M2);
        const wide = await memory();
        await put(wide, v(1, 0, 0, 0, 0, 0, 0, 0));
        expect(await memoryIds(v(1, 0))).toEqual([one.id]);
        expect(ids(await search('memories', v(1, 0), {}, 10, M2))).toEqual([two.id]);
        expect(ids(await search('memories', v(1, 0, 0, 0, 0, 0, 0, 0)))).toEqual([wide.id]);
        // A record holds one vector: embedding it with another model takes it out of the first.
        await put(one, v(1, 0), M2);
        expect(await memoryIds(v(1, 0))).toEqual([]);
        expect(ids(await search('memories', v(1, 0), {}, 10, M2)).sort()).toEqual([one.id, two.id].sort());
      });

      it('skips a record deleted, or whose content is no longer the embedded text', async () => {
        const m = await memory({ content: 'first wording' });
        await h.storage.memories.update({ ref: { namespace: 'ns1', id: m.id }, patch: { content: 'second wording', contentKey: contentKey('second wording') } });
        expect(await put(m, v(1, 0))).toBe(0);
        expect((await h.storage.memories.get({ namespace: 'ns1', id: m.id }))?.embedding.status).toBe('pending');
        expect(await put({ ...m, namespace: 'ns2' }, v(1, 0))).toBe(0);
        const e = await episode();
        expect(await h.storage.episodes.delete({ namespace: 'ns1', id: e.id })).toBe(true);
        expect(await put(e, v(1, 0))).toBe(0);
        expect(await put({ ...m, content: 'second wording' }, v(1, 0))).toBe(1);
        expect(await memoryIds(v(1, 0))).toEqual([m.id]);
      });

      it('a new put replaces the record\'s vector of the same model', async () => {
        const m = await embedded(v(1, 0));
        const other = await embedded(v(0.6, 0.8));
        expect(await put(m, v(0, 1))).toBe(1);
        const hits = await search('memories', v(0, 1));
        expect(ids(hits)).toEqual([m.id, other.id]);
        expect(hits[0]!.score).toBeCloseTo(1, 5);
      });

      it('returns equal scores in id order', async () => {
        for (const id of ['mem_tie_c', 'mem_tie_a', 'mem_tie_b']) await embedded(v(1, 1), { id });
        expect(await memoryIds(v(1, 1))).toEqual(['mem_tie_a', 'mem_tie_b', 'mem_tie_c']);
      });

      it('rejects an empty vector or one holding NaN with E_DIMENSION_MISMATCH, storing none of the batch', async () => {
        const m = await memory();
        const write = (vector: Float32Array) => ({ tier: 'memories' as const, namespace: 'ns1', id: m.id, content: m.content, model: M1, vector });
        await expect(h.storage.vectors.put([write(v(1, 0)), write(new Float32Array(0))])).rejects.toMatchObject({ code: 'E_DIMENSION_MISMATCH' });
        await expect(h.storage.vectors.put([write(v(1, 0)), write(v(Number.NaN, 1))])).rejects.toMatchObject({ code: 'E_DIMENSION_MISMATCH' });
        expect((await h.storage.memories.get({ namespace: 'ns1', id: m.id }))?.embedding.status).toBe('pending');
        await expect(search('memories', new Float32Array(0))).rejects.toMatchObject({ code: 'E_DIMENSION_MISMATCH' });
      });

      it('still returns `limit` records when the filter rejects most of the nearest ones', async () => {
        for (let i = 0; i < 150; i++) await embedded(v(1, i / 1000), { metadata: { keep: false } });
        const kept: Memory[] = [];
        for (let i = 0; i < 5; i++) kept.push(await embedded(v(0.2, 1 + i / 10), { metadata: { keep: true } }));
        expect(await memoryIds(v(1, 0), { metadata: { keep: true } }, 5)).toEqual(kept.map((m) => m.id));
        expect(await memoryIds(v(1, 0), { metadata: { keep: true } }, 2)).toEqual(kept.slice(0, 2).map((m) => m.id));
      });
    });

    describe('keeping vectors current', () => {
      it('a content change makes the memory pending and takes it out of vector search until a new put', async () => {
        const m = await embedded(v(1, 0));
        const other = await embedded(v(0, 1));
        expect(await memoryIds(v(1, 0))).toEqual([m.id, other.id]);
        const ref = { namespace: 'ns1', id: m.id };
        await h.storage.memories.update({ ref, patch: { importance: 0.9 } });
        expect((await h.storage.memories.get(ref))?.embedding).toEqual({ status: 'ready', model: M1, dimensions: 4 });
        expect(await memoryIds(v(1, 0))).toEqual([m.id, other.id]);
        const updated = await h.storage.memories.update({ ref, patch: { content: 'new words', contentKey: contentKey('new words') } });
        expect(updated?.embedding).toEqual({ status: 'pending' });
        expect(await memoryIds(v(1, 0))).toEqual([other.id]);
        expect(await h.storage.vectors.pending({ model: M1, dimensions: 4, limit: 10 })).toEqual([
          { tier: 'memories', namespace: 'ns1', id: m.id, content: 'new words' },
        ]);
        await put(updated!, v(1, 0));
        expect(await memoryIds(v(1, 0))).toEqual([m.id, other.id]);
      });

      it('a merge that keeps the stored wording keeps the vector', async () => {
        const m = await embedded(v(1, 0), { content: 'Likes tea', importance: 0.2 });
        const again = await memory({ content: 'likes tea', importance: 0.9 });
        expect(again).toMatchObject({ id: m.id, importance: 0.9, embedding: { status: 'ready', model: M1, dimensions: 4 } });
        expect(await memoryIds(v(1, 0))).toEqual([m.id]);
      });

      it('a deleted memory or episode leaves vector search', async () => {
        const m = await embedded(v(1, 0));
        const e = await episode();
        await put(e, v(1, 0));
        expect(await memoryIds(v(1, 0))).toEqual([m.id]);
        expect(ids(await search('episodes', v(1, 0)))).toEqual([e.id]);
        await h.storage.memories.delete({ namespace: 'ns1', id: m.id });
        await h.storage.episodes.delete({ namespace: 'ns1', id: e.id });
        expect(await memoryIds(v(1, 0))).toEqual([]);
        expect(await search('episodes', v(1, 0))).toEqual([]);
      });

      it('keeps vectors across close and reopen', async () => {
        const a = await embedded(v(1, 0), { userId: 'u1' });
        const b = await embedded(v(1, 1), { userId: 'u1' });
        const e = await episode();
        await put(e, v(0, 1));
        expect(await memoryIds(v(1, 0), { userId: 'u1' })).toEqual([a.id, b.id]);
        h = await h.reopen();
        expect(await memoryIds(v(1, 0), { userId: 'u1' })).toEqual([a.id, b.id]);
        expect(ids(await search('episodes', v(0, 1)))).toEqual([e.id]);
        expect((await nearest({ userId: 'u1' }, v(1, 0.1)))?.item.id).toBe(a.id);
      });
    });

    describe('pending and progress', () => {
      it('lists records without a vector of the model, oldest first across tiers, within the limit', async () => {
        const m1 = await memory();
        h.clock.advance(MINUTE);
        const e1 = await episode();
        h.clock.advance(MINUTE);
        const m2 = await memory({ embedding: { status: 'none' } });
        h.clock.advance(MINUTE);
        const e2 = await episode();
        const query = { model: M1, dimensions: 4, limit: 10 };
        const listed = async (limit = 10) => (await h.storage.vectors.pending({ ...query, limit })).map((p) => p.id);
        expect(await listed()).toEqual([m1.id, e1.id, m2.id, e2.id]);
        expect(await h.storage.vectors.pending(query)).toContainEqual({ tier: 'episodes', namespace: 'ns1', id: e1.id, content: e1.content });
        expect(await listed(2)).toEqual([m1.id, e1.id]);
        expect(await listed(0)).toEqual([]);
        await put(m1, v(1, 0));
        await put(e2, v(1, 0));
        expect(await listed()).toEqual([e1.id, m2.id]);
        // Another model, or the same model at another length, still needs embedding.
        await put(e1, v(1, 0), M2);
        await put(m2, v(1, 0, 0, 0, 0, 0, 0, 0));
        expect(await listed()).toEqual([e1.id, m2.id]);
        expect(await h.storage.vectors.pending({ model: M2, dimensions: 4, limit: 10 }).then((p) => p.map((x) => x.id))).toEqual([m1.id, m2.id, e2.id]);
      });

      it('leaves out expired memories, and deleted records', async () => {
        await memory({ expiresAt: toIso(h.clock.now() + MINUTE) });
        const lasting = await memory();
        const gone = await episode();
        await h.storage.episodes.delete({ namespace: 'ns1', id: gone.id });
        h.clock.advance(MINUTE);
        expect((await h.storage.vectors.pending({ model: M1, dimensions: 4, limit: 10 })).map((p) => p.id)).toEqual([lasting.id]);
      });

      it('counts ready, pending and total over both tiers and live memories', async () => {
        const progress = () => h.storage.vectors.progress({ model: M1, dimensions: 4 });
        expect(await progress()).toEqual({ model: M1, dimensions: 4, ready: 0, pending: 0, failed: 0, total: 0 });
        const a = await memory();
        await memory();
        await memory({ expiresAt: toIso(h.clock.now() + MINUTE) });
        const e = await episode();
        const f = await episode();
        await put(a, v(1, 0));
        await put(e, v(1, 0));
        await put(f, v(1, 0), M2);
        expect(await progress()).toEqual({ model: M1, dimensions: 4, ready: 2, pending: 3, failed: 0, total: 5 });
        h.clock.advance(MINUTE);
        expect(await progress()).toEqual({ model: M1, dimensions: 4, ready: 2, pending: 2, failed: 0, total: 4 });
        expect(await h.storage.vectors.progress({ model: M1, dimensions: 8 })).toMatchObject({ ready: 0, pending: 4, total: 4 });
      });
    });

    describe('refused texts and failed records', () => {
      const refusal = (record: Memory | Episode, error = 'answered HTTP 400 (too_long)', model = M1) => ({
        tier: tierOf(record), namespace: record.namespace, id: record.id, content: record.content, model, dimensions: 4, error,
      });
      const fail = (record: Memory | Episode, error?: string, model?: string) => h.storage.vectors.fail([refusal(record, error, model)], { failAfter: 3 });
      const pendingIds = async (model = M1) => (await h.storage.vectors.pending({ model, dimensions: 4, limit: 10 })).map((p) => p.id);

      it('counts refusals per record and marks it failed, with the reason, at the limit; a failed record is no longer pending', async () => {
        const bad = await memory();
        h.clock.advance(MINUTE);
        const good = await episode();
        expect(await fail(bad, 'first reason')).toBe(0);
        expect(await fail(bad, 'second reason')).toBe(0);
        expect((await h.storage.memories.get({ namespace: 'ns1', id: bad.id }))?.embedding).toEqual({ status: 'pending' });
        expect(await pendingIds()).toEqual([bad.id, good.id]);
        expect(await fail(bad, 'answered HTTP 400 (context_length_exceeded)')).toBe(1);
        expect((await h.storage.memories.get({ namespace: 'ns1', id: bad.id }))?.embedding).toEqual({
          status: 'failed', model: M1, dimensions: 4, error: 'answered HTTP 400 (context_length_exceeded)',
        });
        expect(await pendingIds()).toEqual([good.id]);
        const progress = await h.storage.vectors.progress({ model: M1, dimensions: 4, failures: 5 });
        expect(progress).toEqual({
          model: M1, dimensions: 4, ready: 0, pending: 1, failed: 1, total: 2,
          failures: [{ tier: 'memories', namespace: 'ns1', id: bad.id, attempts: 3, error: 'answered HTTP 400 (context_length_exceeded)' }],
        });
        expect((await h.storage.vectors.progress({ model: M1, dimensions: 4 })).failures).toBeUndefined();
        // Another model may take the text: for it, the record is pending.
        expect(await pendingIds(M2)).toEqual([bad.id, good.id]);
        expect(await h.storage.vectors.progress({ model: M2, dimensions: 4 })).toMatchObject({ pending: 2, failed: 0 });
      });

      it('counts nothing for a record deleted, reworded, or already embedded with the model', async () => {
        const reworded = await memory({ content: 'old words' });
        await h.storage.memories.update({ ref: { namespace: 'ns1', id: reworded.id }, patch: { content: 'new words', contentKey: contentKey('new words') } });
        const gone = await episode();
        await h.storage.episodes.delete({ namespace: 'ns1', id: gone.id });
        const done = await embedded(v(1, 0));
        for (let i = 0; i < 3; i++) {
          expect(await h.storage.vectors.fail([refusal(reworded), refusal(gone), refusal(done)], { failAfter: 3 })).toBe(0);
        }
        expect((await h.storage.memories.get({ namespace: 'ns1', id: reworded.id }))?.embedding.status).toBe('pending');
        expect((await h.storage.memories.get({ namespace: 'ns1', id: done.id }))?.embedding).toEqual({ status: 'ready', model: M1, dimensions: 4 });
      });

      it('starts the count again when a vector is stored or the text changes', async () => {
        const m = await memory({ content: 'first text' });
        await fail(m);
        await fail(m);
        await put(m, v(1, 0));
        const renamed = await h.storage.memories.update({ ref: { namespace: 'ns1', id: m.id }, patch: { content: 'second text', contentKey: contentKey('second text') } });
        expect(await fail(renamed!)).toBe(0);
        expect(await fail(renamed!)).toBe(0);
        const third = await h.storage.memories.update({ ref: { namespace: 'ns1', id: m.id }, patch: { content: 'third text', contentKey: contentKey('third text') } });
        expect(await fail(third!)).toBe(0);
        expect(await fail(third!)).toBe(0);
        expect(await fail(third!)).toBe(1);
        // A failed record that is reworded is pending again, with a fresh count.
        const fourth = await h.storage.memories.update({ ref: { namespace: 'ns1', id: m.id }, patch: { content: 'fourth text', contentKey: contentKey('fourth text') } });
        expect(fourth!.embedding).toEqual({ status: 'pending' });
        expect(await fail(fourth!)).toBe(0);
        expect(await pendingIds()).toEqual([m.id]);
      });

      it('makes failed records pending again on retry, refusals forgotten', async () => {
        const a = await memory();
        h.clock.advance(MINUTE);
        const b = await episode();
        for (let i = 0; i < 3; i++) await h.storage.vectors.fail([refusal(a), refusal(b)], { failAfter: 3 });
        expect(await pendingIds()).toEqual([]);
        expect(await h.storage.vectors.retryFailed()).toBe(2);
        expect(await h.storage.vectors.retryFailed()).toBe(0);
        expect(await pendingIds()).toEqual([a.id, b.id]);
        expect((await h.storage.memories.get({ namespace: 'ns1', id: a.id }))?.embedding).toEqual({ status: 'pending' });
        expect(await fail(a)).toBe(0);
        expect(await h.storage.vectors.progress({ model: M1, dimensions: 4 })).toMatchObject({ pending: 2, failed: 0 });
      });

      it('records that a vector covers only the start of its text, until the text changes', async () => {
        const m = await memory({ content: 'a long text' });
        await h.storage.vectors.put([{ tier: 'memories', namespace: 'ns1', id: m.id, content: m.content, model: M1, vector: v(1, 0), truncated: true }]);
        expect((await h.storage.memories.get({ namespace: 'ns1', id: m.id }))?.embedding).toEqual({ status: 'ready', model: M1, dimensions: 4, truncated: true });
        expect((await search('memories', v(1, 0)))[0]!.item.embedding.truncated).toBe(true);
        const e = await episode();
        await h.storage.vectors.put([{ tier: 'episodes', namespace: 'ns1', id: e.id, content: e.content, model: M1, vector: v(1, 0), truncated: true }]);
        expect((await h.storage.episodes.get({ namespace: 'ns1', id: e.id }))?.embedding.truncated).toBe(true);
        const updated = await h.storage.memories.update({ ref: { namespace: 'ns1', id: m.id }, patch: { content: 'short', contentKey: contentKey('short') } });
        await put(updated!, v(0, 1));
        expect((await h.storage.memories.get({ namespace: 'ns1', id: m.id }))?.embedding).toEqual({ status: 'ready', model: M1, dimensions: 4 });
      });
    });

    describe('nearestMemories', () => {
      it('finds the most similar live memory in exactly the scope, if it reaches the threshold', async () => {
        const bare = await embedded(v(1, 0));
        const user = await embedded(v(1, 0.2), { userId: 'u1' });
        const userAgent = await embedded(v(1, 0), { userId: 'u1', agentId: 'a1' });
        await embedded(v(1, 0), { namespace: 'ns2', userId: 'u1' });
        expect(await nearest({}, v(1, 0))).toMatchObject({ item: { id: bare.id } });
        expect((await nearest({}, v(1, 0)))!.score).toBeCloseTo(1, 5);
        expect((await nearest({ userId: 'u1' }, v(1, 0)))?.item.id).toBe(user.id);
        expect((await nearest({ userId: 'u1', agentId: 'a1' }, v(1, 0)))?.item.id).toBe(userAgent.id);
        expect(await nearest({ userId: 'u2' }, v(1, 0))).toBeNull();
        expect(await nearest({ agentId: 'a1' }, v(1, 0))).toBeNull();
        expect(await nearest({ userId: 'u1' }, v(0, 1), 0.5)).toBeNull();
        expect((await nearest({ userId: 'u1' }, v(0, 1), 0.1))?.item.id).toBe(user.id);
        expect(await nearest({}, v(1, 0), 0.5)).not.toBeNull();
        expect((await h.storage.vectors.nearestMemories([{ scope: { namespace: 'ns1' }, model: M2, vector: v(1, 0), threshold: 0, limit: 5 }]))[0]!).toEqual([]);
      });

      it('lists up to `limit` memories of exactly the scope that reach the threshold, most similar first', async () => {
        const best = await embedded(v(1, 0));
        const second = await embedded(v(1, 0.3));
        const third = await embedded(v(1, 0.6));
        await embedded(v(0, 1));
        await embedded(v(1, 0), { userId: 'u1' });
        expect(ids(await nearestAll({}, v(1, 0), 0.5, 10))).toEqual([best.id, second.id, third.id]);
        expect(ids(await nearestAll({}, v(1, 0), 0.5, 2))).toEqual([best.id, second.id]);
        expect(ids(await nearestAll({}, v(1, 0), 0.9, 10))).toEqual([best.id, second.id]);
        expect(await nearestAll({}, v(1, 0), 0.5, 0)).toEqual([]);
      });

      it('answers a batch of checks, each exactly as alone: scopes kept apart, its own threshold and limit, in query order', async () => {
        const bare = [await embedded(v(1, 0)), await embedded(v(1, 0.3)), await embedded(v(1, 0.6))];
        const u1 = [await embedded(v(1, 0.1), { userId: 'u1' }), await embedded(v(0, 1), { userId: 'u1' })];
        const agent = await embedded(v(1, 0), { userId: 'u1', agentId: 'a1' });
        const session = await embedded(v(1, 0), { userId: 'u1', agentId: 'a2', sourceSessionIds: ['s1'] });
        const other = await embedded(v(1, 0), { namespace: 'ns2' });
        await embedded(v(1, 0), { namespace: 'ns2', userId: 'u1' });
        const queries = [
          { scope: { namespace: 'ns1' }, vector: v(1, 0), threshold: 0.5, limit: 10 },
          { scope: { namespace: 'ns1' }, vector: v(1, 0), threshold: 0.9, limit: 10 },
          { scope: { namespace: 'ns1' }, vector: v(1, 0), threshold: 0.5, limit: 2 },
          { scope: { namespace: 'ns1', userId: 'u1' }, vector: v(1, 0), threshold: 0.5, limit: 5 },
          { scope: { namespace: 'ns1', userId: 'u1' }, vector: v(0.1, 1), threshold: 0.95, limit: 5 },
          { scope: { namespace: 'ns1', userId: 'u1', agentId: 'a1' }, vector: v(1, 0), threshold: 0.5, limit: 5 },
          { scope: { namespace: 'ns1', userId: 'u1', agentId: 'a2' }, vector: v(1, 0), threshold: 0.5, limit: 5 },
          { scope: { namespace: 'ns1', userId: 'u2' }, vector: v(1, 0), threshold: 0.5, limit: 5 },
          { scope: { namespace: 'ns1', agentId: 'a1' }, vector: v(1, 0), threshold: 0.5, limit: 5 },
          { scope: { namespace: 'ns2' }, vector: v(1, 0), threshold: 0.5, limit: 5 },
          { scope: { namespace: 'ns1' }, vector: v(1, 0), threshold: 0.5, limit: 0 },
          { scope: { namespace: 'ns1' }, vector: v(0, -1), threshold: 0.5, limit: 5 },
        ].map((query) => ({ ...query, model: M1 }));
        const batch = await h.storage.vectors.nearestMemories(queries);
        expect(batch.map(ids)).toEqual([
          [bare[0]!.id, bare[1]!.id, bare[2]!.id],
          [bare[0]!.id, bare[1]!.id],
          [bare[0]!.id, bare[1]!.id],
          [u1[0]!.id],
          [u1[1]!.id],
          [agent.id],
          [session.id],
          [],
          [],
          [other.id],
          [],
          [],
        ]);
        // The same answers, scores included, as one check at a time.
        const alone = [];
        for (const query of queries) alone.push((await h.storage.vectors.nearestMemories([query]))[0]!);
        expect(batch).toEqual(alone);
        expect(await h.storage.vectors.nearestMemories([])).toEqual([]);
      });

      it('answers the same check twice in one batch, and near-duplicate thresholds through whatever index the store keeps', async () => {
        const stored: Memory[] = [];
        for (let i = 0; i < 30; i++) stored.push(await embedded(v(Math.cos(i / 10), Math.sin(i / 10), (i % 3) / 50, 0.01), { userId: i % 2 === 0 ? 'u1' : 'u2' }));
        const queries = stored.flatMap((m, i) => [
          { scope: { namespace: 'ns1', userId: m.userId! }, model: M1, vector: v(Math.cos(i / 10), Math.sin(i / 10), (i % 3) / 50, 0.01), threshold: 0.95, limit: 5 },
          { scope: { namespace: 'ns1', userId: m.userId! }, model: M1, vector: v(Math.cos(i / 10), Math.sin(i / 10), (i % 3) / 50, 0.01), threshold: 0.95, limit: 5 },
        ]);
        const batch = await h.storage.vectors.nearestMemories(queries);
        expect(batch).toHaveLength(queries.length);
        for (const [k, hits] of batch.entries()) {
          const i = Math.floor(k / 2);
          expect(hits[0]?.item.id).toBe(stored[i]!.id);
          expect(hits.length).toBeLessThanOrEqual(5);
          for (const hit of hits) {
            expect(hit.item.userId).toBe(stored[i]!.userId);
            expect(hit.score).toBeGreaterThanOrEqual(0.95);
          }
          expect(hits.map((hit) => hit.score)).toEqual([...hits.map((hit) => hit.score)].sort((a, b) => b - a));
          expect(ids(hits)).toEqual(ids((await h.storage.vectors.nearestMemories([queries[k]!]))[0]!));
        }
      });

      it('passes over expired memories, however many are nearer', async () => {
        const live = await embedded(v(1, 1));
        for (let i = 0; i < 40; i++) await embedded(v(1, i / 1000), { expiresAt: toIso(h.clock.now() + MINUTE) });
        h.clock.advance(MINUTE);
        expect((await nearest({}, v(1, 0), 0.5))?.item.id).toBe(live.id);
        expect(await nearest({}, v(1, 0), 0.9)).toBeNull();
      });
    });

    describe('upsert with mergeInto', () => {
      it('merges into the named memory, taking the new wording and keeping the old in history', async () => {
        const target = await embedded(v(1, 0), { content: 'Likes tea', userId: 'u1', importance: 0.3 });
        h.clock.advance(MINUTE);
        const [merged] = await h.storage.memories.upsert([
          { memory: draftOf({ content: 'Enjoys drinking tea', userId: 'u1', importance: 0.8 }), contentKey: contentKey('Enjoys drinking tea'), mergeInto: { id: target.id, contentKey: contentKey(target.content) } },
        ]);
        expect(merged).toMatchObject({ action: 'merged', memory: { id: target.id, content: 'Enjoys drinking tea', importance: 0.8, version: 2 } });
        // New wording, so the old vector no longer describes it: pending, and out of vector search until put.
        expect(merged!.memory.embedding).toEqual({ status: 'pending' });
        expect(await memoryIds(v(1, 0), { userId: 'u1' })).toEqual([]);
        const history = await h.storage.memories.history({ namespace: 'ns1', id: target.id });
        expect(history).toMatchObject([{ version: 1, reason: 'merge', importance: 0.3, content: 'Likes tea' }]);
        // The exact same text again is an exact duplicate: nothing changes.
        const [again] = await h.storage.memories.upsert([
          { memory: draftOf({ content: 'enjoys drinking tea', userId: 'u1', importance: 0.1 }), contentKey: contentKey('enjoys drinking tea'), mergeInto: { id: target.id, contentKey: contentKey('Enjoys drinking tea') } },
        ]);
        expect(again).toMatchObject({ action: 'unchanged', memory: { id: target.id, version: 2, content: 'Enjoys drinking tea' } });
      });

      it('falls back when the named memory is in another scope, expired or gone', async () => {
        const otherScope = await memory({ content: 'A', userId: 'u2' });
        const unsetScope = await memory({ content: 'B' });
        const expiring = await memory({ content: 'C', userId: 'u1', expiresAt: toIso(h.clock.now() + MINUTE) });
        const gone = await memory({ content: 'D', userId: 'u1' });
        await h.storage.memories.delete({ namespace: 'ns1', id: gone.id });
        h.clock.advance(MINUTE);
        for (const target of [otherScope, unsetScope, expiring, gone]) {
          const created = await memory({ content: `new for ${target.id}`, userId: 'u1' }, target);
          expect(created.id).not.toBe(target.id);
          expect(created.content).toBe(`new for ${target.id}`);
        }
        const foreign = await memory({ content: 'E', namespace: 'ns2', userId: 'u1' });
        expect((await memory({ content: 'new for foreign', userId: 'u1' }, foreign)).namespace).toBe('ns1');
        // The fallback is the exact-duplicate rule.
        const same = await memory({ content: 'Same words', userId: 'u1' });
        const [dup] = await h.storage.memories.upsert([
          { memory: draftOf({ content: 'same words', userId: 'u1', importance: 0.9 }), contentKey: contentKey('same words'), mergeInto: { id: otherScope.id, contentKey: contentKey(otherScope.content) } },
        ]);
        expect(dup).toMatchObject({ action: 'merged', memory: { id: same.id } });
      });

    });
  });
}
