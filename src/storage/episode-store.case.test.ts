// The EpisodeStore contract. Every storage adapter runs it against its real engine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import { isMemosError } from '../core/errors.js';
import type { EpisodeStore } from '../core/ports.js';
import type { Episode, ListQuery, RecordFilter } from '../core/types.js';

export interface EpisodeStoreHarness {
  store: EpisodeStore;
  clock: Clock & { advance(ms: number): void };
  close(): Promise<void>;
}

export interface EpisodeStoreContractOptions {
  /** A fresh, empty, initialised store for each test. */
  create(): Promise<EpisodeStoreHarness>;
}

const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

let counter = 0;
function episode(overrides: Partial<Episode> = {}): Episode {
  counter += 1;
  return {
    id: `ep_${String(counter).padStart(6, '0')}`,
    namespace: 'ns1',
    kind: 'observation',
    content: `episode number ${counter}`,
    occurredAt: at(counter),
    createdAt: at(counter),
    metadata: {},
    embedding: { status: 'none' },
    ...overrides,
  };
}

export function runEpisodeStoreContract(name: string, options: EpisodeStoreContractOptions): void {
  describe(`EpisodeStore contract: ${name}`, () => {
    let h: EpisodeStoreHarness;
    let store: EpisodeStore;
    beforeEach(async () => {
      h = await options.create();
      store = h.store;
    });
    afterEach(async () => {
      await h.close();
    });

    const ids = async (query: Partial<ListQuery> & { filter: RecordFilter }) =>
      (await store.list({ limit: 100, order: 'asc', ...query })).items.map((e) => e.id);

    describe('append and get', () => {
      it('round-trips every field and leaves unset optional fields absent', async () => {
        const full = episode({
          userId: 'u1',
          agentId: 'a1',
          sessionId: 's1',
          kind: 'intervention',
          role: 'assistant',
          task: 'book a table',
          context: 'friday evening',
          outcome: 'task_completed',
          metadata: { channel: 'chat', score: 0.5, urgent: true, tags: ['x'] },
        });
        const bare = episode();
        await store.append([full, bare]);
        expect(await store.get({ namespace: 'ns1', id: full.id })).toStrictEqual(full);
        const got = await store.get({ namespace: 'ns1', id: bare.id });
        expect(got).toStrictEqual(bare);
        for (const key of ['userId', 'agentId', 'sessionId', 'role', 'task', 'context', 'outcome']) {
          expect(got).not.toHaveProperty(key);
        }
      });

      it('returns null for a missing id and for an id in another namespace', async () => {
        const e = episode();
        await store.append([e]);
        expect(await store.get({ namespace: 'ns1', id: 'ep_missing' })).toBeNull();
        expect(await store.get({ namespace: 'ns2', id: e.id })).toBeNull();
      });

      it('appending nothing is a no-op', async () => {
        await store.append([]);
        expect(await ids({ filter: { namespace: 'ns1' } })).toEqual([]);
      });

      it('writes all or none: a duplicate id in the middle of a batch leaves nothing written', async () => {
        const first = episode();
        const dup = episode({ id: first.id, content: 'duplicate' });
        const last = episode();
        const error = await store.append([first, dup, last]).then(
          () => null,
          (e: unknown) => e,
        );
        expect(isMemosError(error)).toBe(true);
        expect(String((error as Error).message)).not.toContain('duplicate');
        expect(await store.get({ namespace: 'ns1', id: first.id })).toBeNull();
        expect(await store.get({ namespace: 'ns1', id: last.id })).toBeNull();
        expect(await ids({ filter: { namespace: 'ns1' } })).toEqual([]);
      });

      it('a batch colliding with a stored id writes none of its episodes', async () => {
        const stored = episode();
        await store.append([stored]);
        const fresh = episode();
        await expect(store.append([fresh, episode({ id: stored.id })])).rejects.toSatisfy(isMemosError);
        expect(await store.get({ namespace: 'ns1', id: fresh.id })).toBeNull();
        expect((await store.get({ namespace: 'ns1', id: stored.id }))?.content).toBe(stored.content);
      });
    });

    describe('delete', () => {
      it('returns whether a row went, and never deletes across namespaces', async () => {
        const e = episode();
        await store.append([e]);
        expect(await store.delete({ namespace: 'ns2', id: e.id })).toBe(false);
        expect(await store.get({ namespace: 'ns1', id: e.id })).not.toBeNull();
        expect(await store.delete({ namespace: 'ns1', id: e.id })).toBe(true);
        expect(await store.get({ namespace: 'ns1', id: e.id })).toBeNull();
        expect(await store.delete({ namespace: 'ns1', id: e.id })).toBe(false);
      });

      it('removes the episode from keyword search', async () => {
        const e = episode({ content: 'zebra crossing' });
        await store.append([e]);
        expect(await store.search({ filter: { namespace: 'ns1' }, terms: ['zebra'], limit: 10 })).toHaveLength(1);
        await store.delete({ namespace: 'ns1', id: e.id });
        expect(await store.search({ filter: { namespace: 'ns1' }, terms: ['zebra'], limit: 10 })).toEqual([]);
      });
    });

    describe('list filters', () => {
      it('never crosses namespaces', async () => {
        const a = episode({ namespace: 'ns1' });
        const b = episode({ namespace: 'ns2' });
        await store.append([a, b]);
        expect(await ids({ filter: { namespace: 'ns1' } })).toEqual([a.id]);
        expect(await ids({ filter: { namespace: 'ns2' } })).toEqual([b.id]);
        expect(await ids({ filter: { namespace: 'ns3' } })).toEqual([]);
      });

      it('filters by userId, agentId and sessionId, each and together', async () => {
        const a = episode({ userId: 'u1', agentId: 'a1', sessionId: 's1' });
        const b = episode({ userId: 'u1', agentId: 'a2', sessionId: 's2' });
        const c = episode({ userId: 'u2', agentId: 'a1' });
        const d = episode();
        await store.append([a, b, c, d]);
        expect(await ids({ filter: { namespace: 'ns1', userId: 'u1' } })).toEqual([a.id, b.id]);
        expect(await ids({ filter: { namespace: 'ns1', agentId: 'a1' } })).toEqual([a.id, c.id]);
        expect(await ids({ filter: { namespace: 'ns1', sessionId: 's2' } })).toEqual([b.id]);
        expect(await ids({ filter: { namespace: 'ns1', userId: 'u1', agentId: 'a1' } })).toEqual([a.id]);
        expect(await ids({ filter: { namespace: 'ns1' } })).toEqual([a.id, b.id, c.id, d.id]);
      });

      it('filters by a list of kinds; an empty list filters nothing', async () => {
        const a = episode({ kind: 'message' });
        const b = episode({ kind: 'outcome' });
        const c = episode({ kind: 'custom_kind' });
        await store.append([a, b, c]);
        expect(await ids({ filter: { namespace: 'ns1', kinds: ['message', 'custom_kind'] } })).toEqual([a.id, c.id]);
        expect(await ids({ filter: { namespace: 'ns1', kinds: ['outcome'] } })).toEqual([b.id]);
        expect(await ids({ filter: { namespace: 'ns1', kinds: [] } })).toEqual([a.id, b.id, c.id]);
      });

      it('bounds occurredAt: from inclusive, to exclusive', async () => {
        const a = episode({ occurredAt: at(100) });
        const b = episode({ occurredAt: at(110) });
        const c = episode({ occurredAt: at(120) });
        await store.append([a, b, c]);
        expect(await ids({ filter: { namespace: 'ns1', from: at(110) } })).toEqual([b.id, c.id]);
        expect(await ids({ filter: { namespace: 'ns1', to: at(120) } })).toEqual([a.id, b.id]);
        expect(await ids({ filter: { namespace: 'ns1', from: at(110), to: at(120) } })).toEqual([b.id]);
        expect(await ids({ filter: { namespace: 'ns1', from: at(110), to: at(110) } })).toEqual([]);
      });

      it('matches metadata by top-level key with JSON types respected', async () => {
        const boolTrue = episode({ metadata: { flag: true, n: 1, s: 'x' } });
        const strTrue = episode({ metadata: { flag: 'true', n: '1', s: 'x' } });
        const numOne = episode({ metadata: { flag: 1, n: 1.0 } });
        const dotted = episode({ metadata: { 'a.b': 'dotted', a: { b: 'nested' } } });
        await store.append([boolTrue, strTrue, numOne, dotted]);
        const meta = (metadata: Record<string, string | number | boolean>) => ids({ filter: { namespace: 'ns1', metadata } });
        expect(await meta({ flag: true })).toEqual([boolTrue.id]);
        expect(await meta({ flag: 'true' })).toEqual([strTrue.id]);
        expect(await meta({ flag: 1 })).toEqual([numOne.id]);
        expect(await meta({ flag: false })).toEqual([]);
        expect(await meta({ n: 1 })).toEqual([boolTrue.id, numOne.id]);
        expect(await meta({ n: '1' })).toEqual([strTrue.id]);
        expect(await meta({ s: 'x', flag: true })).toEqual([boolTrue.id]);
        expect(await meta({ 'a.b': 'dotted' })).toEqual([dotted.id]);
        expect(await meta({ 'a.b': 'nested' })).toEqual([]);
        expect(await meta({ missing: 'x' })).toEqual([]);
      });
    });

    describe('list pagination', () => {
      // Seven episodes, several sharing an occurredAt, inserted out of order.
      const times = [5, 1, 3, 3, 3, 1, 7];
      async function seed(): Promise<Episode[]> {
        const made = times.map((minute, i) => episode({ id: `ep_tie_${String.fromCharCode(103 - i)}`, occurredAt: at(minute) }));
        await store.append(made);
        return made;
      }
      const sortKey = (e: Episode) => `${e.occurredAt}|${e.id}`;

      for (const order of ['asc', 'desc'] as const) {
        for (const limit of [1, 2, 3]) {
          it(`walks every page ${order} with limit ${limit}, ties broken by id, no dupes or gaps`, async () => {
            const made = await seed();
            const expected = [...made].sort((x, y) => sortKey(x).localeCompare(sortKey(y))).map((e) => e.id);
            if (order === 'desc') expected.reverse();
            const seen: string[] = [];
            let after: ListQuery['after'];
            for (let pages = 0; pages < 20; pages++) {
              const page = await store.list({ filter: { namespace: 'ns1' }, limit, order, ...(after ? { after } : {}) });
              expect(page.items.length).toBeLessThanOrEqual(limit);
              seen.push(...page.items.map((e) => e.id));
              if (!page.next) break;
              const last = page.items[page.items.length - 1];
              expect(page.next).toEqual({ time: last?.occurredAt, id: last?.id });
              after = page.next;
            }
            expect(seen).toEqual(expected);
          });
        }
      }

      it('gives no next when the page holds exactly the remaining items', async () => {
        await seed();
        const page = await store.list({ filter: { namespace: 'ns1' }, limit: times.length, order: 'asc' });
        expect(page.items).toHaveLength(times.length);
        expect(page.next).toBeUndefined();
        const more = await store.list({ filter: { namespace: 'ns1' }, limit: times.length - 1, order: 'asc' });
        expect(more.next).toBeDefined();
      });

      it('applies filters together with the cursor', async () => {
        const a = episode({ userId: 'u1', occurredAt: at(1) });
        const b = episode({ userId: 'u2', occurredAt: at(2) });
        const c = episode({ userId: 'u1', occurredAt: at(3) });
        const d = episode({ userId: 'u1', occurredAt: at(4) });
        await store.append([a, b, c, d]);
        const first = await store.list({ filter: { namespace: 'ns1', userId: 'u1' }, limit: 1, order: 'asc' });
        expect(first.items.map((e) => e.id)).toEqual([a.id]);
        const rest = await store.list({
          filter: { namespace: 'ns1', userId: 'u1' },
          limit: 10,
          order: 'asc',
          ...(first.next ? { after: first.next } : {}),
        });
        expect(rest.items.map((e) => e.id)).toEqual([c.id, d.id]);
        expect(rest.next).toBeUndefined();
      });
    });

    describe('keyword search', () => {
      it('ranks a document matching more terms above one matching fewer, scores descending and positive', async () => {
        const both = episode({ content: 'The user prefers green tea in the morning' });
        const one = episode({ content: 'The user drank coffee in the morning' });
        const none = episode({ content: 'Nothing relevant here' });
        await store.append([one, none, both]);
        const hits = await store.search({ filter: { namespace: 'ns1' }, terms: ['green', 'tea', 'morning'], limit: 10 });
        expect(hits.map((h) => h.item.id)).toEqual([both.id, one.id]);
        expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? Infinity);
        expect(hits[1]?.score).toBeGreaterThan(0);
        expect(hits[0]?.item).toStrictEqual(both);
      });

      it('stems English words and folds accents', async () => {
        const runs = episode({ content: 'She runs every day' });
        const cafe = episode({ content: 'Meeting at the café downtown' });
        await store.append([runs, cafe]);
        const search = (terms: string[]) => store.search({ filter: { namespace: 'ns1' }, terms, limit: 10 });
        expect((await search(['running'])).map((h) => h.item.id)).toEqual([runs.id]);
        expect((await search(['cafe'])).map((h) => h.item.id)).toEqual([cafe.id]);
      });

      it('applies the filter and the limit, and never crosses namespaces', async () => {
        const a = episode({ content: 'apple pie', userId: 'u1', kind: 'message' });
        const b = episode({ content: 'apple tart', userId: 'u2', kind: 'message' });
        const c = episode({ content: 'apple juice', userId: 'u1', kind: 'outcome', metadata: { fresh: true } });
        const other = episode({ content: 'apple cake', namespace: 'ns2' });
        await store.append([a, b, c, other]);
        const search = (filter: Omit<RecordFilter, 'namespace'>, limit = 10) =>
          store.search({ filter: { namespace: 'ns1', ...filter }, terms: ['apple'], limit });
        expect((await search({})).map((h) => h.item.id).sort()).toEqual([a.id, b.id, c.id].sort());
        expect((await search({ userId: 'u1' })).map((h) => h.item.id).sort()).toEqual([a.id, c.id].sort());
        expect((await search({ kinds: ['outcome'] })).map((h) => h.item.id)).toEqual([c.id]);
        expect((await search({ metadata: { fresh: true } })).map((h) => h.item.id)).toEqual([c.id]);
        expect((await search({ from: a.occurredAt, to: c.occurredAt })).map((h) => h.item.id).sort()).toEqual(
          [a.id, b.id].sort(),
        );
        expect(await search({}, 2)).toHaveLength(2);
        const foreign = await store.search({ filter: { namespace: 'ns2' }, terms: ['apple'], limit: 10 });
        expect(foreign.map((h) => h.item.id)).toEqual([other.id]);
      });

      it('returns nothing for no terms, and treats quotes and operator words as plain text', async () => {
        await store.append([episode({ content: 'and or not near' })]);
        expect(await store.search({ filter: { namespace: 'ns1' }, terms: [], limit: 10 })).toEqual([]);
        const search = (terms: string[]) => store.search({ filter: { namespace: 'ns1' }, terms, limit: 10 });
        expect(await search(['say"hi'])).toEqual([]);
        expect(await search(['"'])).toEqual([]);
        expect(await search(['near'])).toHaveLength(1);
        expect(await search(['AND', 'NOT'])).toHaveLength(1);
      });
    });
  });
}
