// The RetentionStore contract. Every storage adapter runs it against its real engine: a batch
// removes exactly the records its target names that are older than its instant, oldest first and
// at most `limit`; keyword and vector search no longer find them (the in-process vector index
// included), the keyword statistics equal a recount from the rows left, memory history goes with
// its memory, and callers at once get disjoint batches.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toIso, type Clock } from '../core/clock.js';
import type { EpisodeStore, RetentionStore, RetentionTarget, SemanticStore, VectorStore } from '../core/ports.js';
import { contentKey } from '../core/text.js';
import type { Episode, Memory } from '../core/types.js';
import { testEpisode, testMemory } from '../../test/support/records.js';
import { seededVectors } from '../../test/support/seeded-vectors.js';

export interface RetentionStoreHarness {
  stores: { episodes: EpisodeStore; memories: SemanticStore; vectors: VectorStore; retention: RetentionStore };
  clock: Clock & { advance(ms: number): void };
  /** The keyword statistics as stored, and as a recount from the stored records makes them. */
  keywordStats(): Promise<{ stored: unknown; recounted: unknown }>;
  /** Rows of memory history of `memoryId`, read from the tables (not through a live memory). */
  historyRows(memoryId: string): Promise<number>;
  /** How many vectors an in-process index holds for the partition, when it has one loaded; absent without such an index. */
  indexed?(tier: 'episodes' | 'memories', namespace: string, model: string, dimensions: number): number | undefined;
  close(): Promise<void>;
}

const DAY = 86_400_000;
const MODEL = 'm';
const vectorOf = seededVectors(7);

let counter = 0;
const nextId = (prefix: string) => `${prefix}_${String(++counter).padStart(6, '0')}`;

export function runRetentionStoreContract(name: string, create: () => Promise<RetentionStoreHarness>): void {
  describe(`RetentionStore contract: ${name}`, () => {
    let h: RetentionStoreHarness;
    let t0: number;
    beforeEach(async () => {
      h = await create();
      t0 = h.clock.now();
    });
    afterEach(async () => {
      await h.close();
    });

    const vectors = new Map<string, Float32Array>();
    /** Episodes stored with a vector each, happened `daysAgo` before t0 + 100 days. */
    async function episodes(specs: Array<{ namespace?: string; kind?: string; daysAgo: number; userId?: string }>): Promise<Episode[]> {
      const made = specs.map(({ daysAgo, ...rest }) => {
        const id = nextId('ep');
        const at = toIso(t0 + 100 * DAY - daysAgo * DAY);
        return testEpisode({ id, namespace: 'ns1', content: `quokka ${id} walked by the river`, occurredAt: at, createdAt: toIso(t0), embedding: { status: 'pending' }, ...rest });
      });
      await h.stores.episodes.append(made);
      for (const e of made) vectors.set(e.id, vectorOf(4));
      await h.stores.vectors.put(made.map((e) => ({ tier: 'episodes' as const, namespace: e.namespace, id: e.id, content: e.content, model: MODEL, vector: vectors.get(e.id)! })));
      return made;
    }

    const target = (over: Partial<RetentionTarget>, days = 30): RetentionTarget => ({ tier: 'episodes', before: toIso(h.clock.now() - days * DAY), ...over });
    const removeAll = async (t: RetentionTarget, limit = 1000) => (await h.stores.retention.removeAged({ target: t, limit })).map((r) => r.id).sort();
    const keywordIds = async (namespace: string, tier: 'episodes' | 'memories') =>
      (await h.stores[tier].search({ filter: { namespace }, terms: ['quokka'], limit: 100 })).map((hit) => hit.item.id).sort();
    const vectorIds = async (namespace: string, tier: 'episodes' | 'memories', vector = vectorOf(4), limit = 100) =>
      (await h.stores.vectors.search({ tier, filter: { namespace }, model: MODEL, vector, limit })).map((hit) => hit.item.id).sort();

    it('removes the old records of the namespace and kind named, keeps the rest, and search finds them no more', async () => {
      const [oldObs, youngObs, oldMsg, otherNs] = await episodes([
        { kind: 'observation', daysAgo: 90 },
        { kind: 'observation', daysAgo: 10 },
        { kind: 'message', daysAgo: 90 },
        { namespace: 'ns2', kind: 'observation', daysAgo: 90 },
      ]);
      h.clock.advance(100 * DAY);
      // Loaded before the removal, so that the in-process index (where there is one) must follow it.
      expect(await vectorIds('ns1', 'episodes')).toEqual([oldObs!.id, youngObs!.id, oldMsg!.id].sort());
      expect(await keywordIds('ns1', 'episodes')).toHaveLength(3);

      const removed = await h.stores.retention.removeAged({ target: target({ namespace: 'ns1', kind: 'observation' }), limit: 100 });
      expect(removed).toEqual([{ namespace: 'ns1', id: oldObs!.id }]);
      expect(await h.stores.episodes.get({ namespace: 'ns1', id: oldObs!.id })).toBeNull();
      for (const kept of [youngObs!, oldMsg!, otherNs!]) expect(await h.stores.episodes.get({ namespace: kept.namespace, id: kept.id })).not.toBeNull();
      expect(await keywordIds('ns1', 'episodes')).toEqual([youngObs!.id, oldMsg!.id].sort());
      expect(await vectorIds('ns1', 'episodes')).toEqual([youngObs!.id, oldMsg!.id].sort());
      expect(await vectorIds('ns2', 'episodes')).toEqual([otherNs!.id]);
      // The nearest to the removed record's own vector is a record still stored, and an in-process index holds it no more.
      expect(await vectorIds('ns1', 'episodes', vectors.get(oldObs!.id), 1)).toHaveLength(1);
      if (h.indexed) expect(h.indexed('episodes', 'ns1', MODEL, 4)).toBe(2);
      const stats = await h.keywordStats();
      expect(stats.stored).toEqual(stats.recounted);
    });

    it('leaves out the namespaces, kinds and pairs a target excepts', async () => {
      const made = await episodes([
        { namespace: 'a', kind: 'observation', daysAgo: 90 },
        { namespace: 'b', kind: 'observation', daysAgo: 90 },
        { namespace: 'c', kind: 'observation', daysAgo: 90 },
        { namespace: 'c', kind: 'message', daysAgo: 90 },
        { namespace: 'd', kind: 'tool_result', daysAgo: 90 },
        { namespace: 'd', kind: 'message', daysAgo: 5 },
      ]);
      h.clock.advance(100 * DAY);
      const removed = await removeAll(target({ exceptNamespaces: ['a'], exceptKinds: ['tool_result'], exceptPairs: [{ namespace: 'c', kind: 'message' }] }));
      expect(removed).toEqual([made[1]!.id, made[2]!.id].sort());
      const stats = await h.keywordStats();
      expect(stats.stored).toEqual(stats.recounted);
    });

    it('ages memories by their last write, and removes their history with them', async () => {
      const draft = (id: string, kind: Memory['kind']) => {
        const memory = testMemory({ id, namespace: 'ns1', kind, content: `quokka fact ${id}`, createdAt: toIso(t0), updatedAt: toIso(t0) });
        return { memory, contentKey: contentKey(memory.content) };
      };
      const [stale, refreshed, other] = [nextId('mem'), nextId('mem'), nextId('mem')];
      await h.stores.memories.upsert([draft(stale, 'fact'), draft(refreshed, 'fact'), draft(other, 'preference')]);
      await h.stores.memories.update({ ref: { namespace: 'ns1', id: stale }, patch: { importance: 0.9 } });
      await h.stores.vectors.put([stale, refreshed, other].map((id) => ({ tier: 'memories' as const, namespace: 'ns1', id, content: `quokka fact ${id}`, model: MODEL, vector: vectorOf(4) })));
      h.clock.advance(95 * DAY);
      await h.stores.memories.update({ ref: { namespace: 'ns1', id: refreshed }, patch: { importance: 0.8 } });
      h.clock.advance(5 * DAY);
      expect(await vectorIds('ns1', 'memories')).toHaveLength(3);
      expect(await h.historyRows(stale)).toBe(1);

      expect(await removeAll(target({ tier: 'memories', kind: 'fact' }))).toEqual([stale]);
      expect(await h.stores.memories.get({ namespace: 'ns1', id: stale })).toBeNull();
      expect(await h.historyRows(stale)).toBe(0);
      expect(await h.historyRows(refreshed)).toBe(1);
      expect(await keywordIds('ns1', 'memories')).toEqual([refreshed, other].sort());
      expect(await vectorIds('ns1', 'memories')).toEqual([refreshed, other].sort());
      if (h.indexed) expect(h.indexed('memories', 'ns1', MODEL, 4)).toBe(2);
      const stats = await h.keywordStats();
      expect(stats.stored).toEqual(stats.recounted);
    });

    it('removes expired memories, history and vectors included, and no others', async () => {
      const at = (ms: number) => toIso(t0 + ms);
      const drafts = [
        testMemory({ id: nextId('mem'), namespace: 'ns1', content: 'quokka expired long ago', createdAt: at(0), updatedAt: at(0), expiresAt: at(DAY) }),
        testMemory({ id: nextId('mem'), namespace: 'ns2', content: 'quokka expired just now', createdAt: at(0), updatedAt: at(0), expiresAt: at(10 * DAY) }),
        testMemory({ id: nextId('mem'), namespace: 'ns1', content: 'quokka expires later', createdAt: at(0), updatedAt: at(0), expiresAt: at(20 * DAY) }),
        testMemory({ id: nextId('mem'), namespace: 'ns1', content: 'quokka never expires', createdAt: at(0), updatedAt: at(0) }),
      ];
      await h.stores.memories.upsert(drafts.map((memory) => ({ memory, contentKey: contentKey(memory.content) })));
      await h.stores.memories.update({ ref: { namespace: 'ns1', id: drafts[0]!.id }, patch: { importance: 0.7 } });
      await h.stores.vectors.put(drafts.map((m) => ({ tier: 'memories' as const, namespace: m.namespace, id: m.id, content: m.content, model: MODEL, vector: vectorOf(4) })));
      expect(await vectorIds('ns1', 'memories')).toHaveLength(3);
      h.clock.advance(10 * DAY);

      const removed = await h.stores.retention.removeExpired({ now: toIso(h.clock.now()), limit: 100 });
      expect(removed.map((r) => r.id).sort()).toEqual([drafts[0]!.id, drafts[1]!.id].sort());
      expect(await h.historyRows(drafts[0]!.id)).toBe(0);
      expect(await vectorIds('ns1', 'memories')).toEqual([drafts[2]!.id, drafts[3]!.id].sort());
      if (h.indexed) expect(h.indexed('memories', 'ns1', MODEL, 4)).toBe(2);
      expect(await h.stores.retention.removeExpired({ now: toIso(h.clock.now()), limit: 100 })).toEqual([]);
      const stats = await h.keywordStats();
      expect(stats.stored).toEqual(stats.recounted);
    });

    it('removes at most `limit` records a batch, oldest first, and gives callers at once disjoint batches', async () => {
      const made = await episodes(Array.from({ length: 25 }, (_, n) => ({ daysAgo: 90 - n })));
      h.clock.advance(100 * DAY);
      const all = target({});
      expect(await removeAll(all, 10)).toEqual(made.slice(0, 10).map((e) => e.id).sort());
      const [a, b] = await Promise.all([removeAll(all, 10), removeAll(all, 10)]);
      expect(a.length + b.length).toBe(15);
      expect(new Set([...a, ...b]).size).toBe(15);
      expect(await removeAll(all, 10)).toEqual([]);
      expect(await h.stores.retention.removeAged({ target: all, limit: 0 })).toEqual([]);
      const stats = await h.keywordStats();
      expect(stats.stored).toEqual(stats.recounted);
    });
  });
}
