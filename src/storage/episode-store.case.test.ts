// The EpisodeStore contract. Every storage adapter runs it against its real engine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import { isMemosError } from '../core/errors.js';
import type { EpisodeStore } from '../core/ports.js';
import type { Episode, EpisodeNeighbours, ListQuery, RecordFilter } from '../core/types.js';

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

    describe('user reach (a ref naming a user)', () => {
      it("finds only that user's episodes: another user's, or one without a user, is missing", async () => {
        const mine = episode({ userId: 'u1' });
        const theirs = episode({ userId: 'u2' });
        const nobodys = episode();
        await store.append([mine, theirs, nobodys]);
        expect(await store.get({ namespace: 'ns1', id: mine.id, userId: 'u1' })).toStrictEqual(mine);
        expect(await store.get({ namespace: 'ns1', id: theirs.id, userId: 'u1' })).toBeNull();
        expect(await store.get({ namespace: 'ns1', id: nobodys.id, userId: 'u1' })).toBeNull();
        expect(await store.get({ namespace: 'ns2', id: mine.id, userId: 'u1' })).toBeNull();
      });

      it("deletes only that user's episode, leaving any other in place", async () => {
        const mine = episode({ userId: 'u1' });
        const theirs = episode({ userId: 'u2' });
        const nobodys = episode();
        await store.append([mine, theirs, nobodys]);
        expect(await store.delete({ namespace: 'ns1', id: theirs.id, userId: 'u1' })).toBe(false);
        expect(await store.delete({ namespace: 'ns1', id: nobodys.id, userId: 'u1' })).toBe(false);
        expect(await store.get({ namespace: 'ns1', id: theirs.id })).toStrictEqual(theirs);
        expect(await store.get({ namespace: 'ns1', id: nobodys.id })).toStrictEqual(nobodys);
        expect(await store.delete({ namespace: 'ns1', id: mine.id, userId: 'u1' })).toBe(true);
        expect(await store.get({ namespace: 'ns1', id: mine.id })).toBeNull();
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

      it('breaks ties by id bytewise, whatever the server locale: upper case before lower, digits first', async () => {
        const made = ['ep_b', 'ep_B', 'ep_a', 'ep_1', 'ep_A'].map((id) => episode({ id, occurredAt: at(1) }));
        await store.append(made);
        const bytewise = made.map((e) => e.id).sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
        expect(bytewise).toEqual(['ep_1', 'ep_A', 'ep_B', 'ep_a', 'ep_b']);
        expect(await ids({ filter: { namespace: 'ns1' } })).toEqual(bytewise);
        const first = await store.list({ filter: { namespace: 'ns1' }, limit: 2, order: 'desc' });
        expect(first.items.map((e) => e.id)).toEqual(['ep_b', 'ep_a']);
        const rest = await store.list({ filter: { namespace: 'ns1' }, limit: 5, order: 'desc', ...(first.next ? { after: first.next } : {}) });
        expect(rest.items.map((e) => e.id)).toEqual(['ep_B', 'ep_A', 'ep_1']);
      });

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

    describe('neighbours', () => {
      /** Each answer as the ids on each side, keyed by anchor id (answers come in no set order). */
      const sides = (answers: EpisodeNeighbours[]) =>
        Object.fromEntries(answers.map(({ id, before, after }) => [id, { before: before.map((e) => e.id), after: after.map((e) => e.id) }]));
      const neighbours = async (ids: string[], width: number, filter: Omit<RecordFilter, 'namespace'> & { namespace?: string } = {}) =>
        sides(await store.neighbours({ filter: { namespace: 'ns1', ...filter }, ids, width }));
      /** One session's turns at the given minutes, ids `ep_<session>_<n>` in input order. */
      const turns = (sessionId: string, minutes: number[], overrides: Partial<Episode> = {}) =>
        minutes.map((minute, n) => episode({ id: `ep_${sessionId}_${n}`, sessionId, occurredAt: at(minute), ...overrides }));

      it('lists each side nearest first, ordered by occurredAt then id, as whole episodes', async () => {
        // Turns 2 and 3 share a minute, so only their ids order them.
        const [t0, t1, t2, t3, t4, t5] = turns('s1', [1, 2, 3, 3, 4, 5]);
        await store.append([t4!, t2!, t0!, t5!, t3!, t1!]);
        expect(await neighbours([t2!.id, t3!.id], 5)).toEqual({
          [t2!.id]: { before: [t1!.id, t0!.id], after: [t3!.id, t4!.id, t5!.id] },
          [t3!.id]: { before: [t2!.id, t1!.id, t0!.id], after: [t4!.id, t5!.id] },
        });
        const [answer] = await store.neighbours({ filter: { namespace: 'ns1' }, ids: [t0!.id], width: 1 });
        expect(answer).toStrictEqual({ id: t0!.id, before: [], after: [t1] });
      });

      it('takes at most width episodes on each side, and none for width 0', async () => {
        const session = turns('s1', [1, 2, 3, 4, 5, 6, 7]);
        await store.append(session);
        const id = (n: number) => session[n]!.id;
        expect(await neighbours([id(3)], 1)).toEqual({ [id(3)]: { before: [id(2)], after: [id(4)] } });
        expect(await neighbours([id(3)], 2)).toEqual({ [id(3)]: { before: [id(2), id(1)], after: [id(4), id(5)] } });
        expect(await neighbours([id(1)], 3)).toEqual({ [id(1)]: { before: [id(0)], after: [id(2), id(3), id(4)] } });
        const none = await store.neighbours({ filter: { namespace: 'ns1' }, ids: [id(3)], width: 0 });
        expect(none.flatMap((answer) => [...answer.before, ...answer.after])).toEqual([]);
      });

      it('stays within the session, skipping other sessions and sessionless episodes adjacent in time', async () => {
        const [a0, a1, a2] = turns('s1', [10, 20, 30]);
        const [b0, b1] = turns('s2', [15, 25]);
        const loose = episode({ id: 'ep_loose', occurredAt: at(21) });
        await store.append([a0!, b0!, a1!, loose, b1!, a2!]);
        expect(await neighbours([a1!.id, b0!.id], 2)).toEqual({
          [a1!.id]: { before: [a0!.id], after: [a2!.id] },
          [b0!.id]: { before: [], after: [b1!.id] },
        });
      });

      it('counts only episodes matching the filter, as anchors and as neighbours', async () => {
        const session = [
          ...turns('s1', [1, 3, 5], { userId: 'u1', kind: 'message' }),
          episode({ id: 'ep_u2_turn', sessionId: 's1', userId: 'u2', kind: 'message', occurredAt: at(2) }),
          episode({ id: 'ep_u1_note', sessionId: 's1', userId: 'u1', kind: 'observation', occurredAt: at(4) }),
        ];
        await store.append(session);
        expect(await neighbours(['ep_s1_1', 'ep_u2_turn'], 2, { userId: 'u1' })).toEqual({
          ep_s1_1: { before: ['ep_s1_0'], after: ['ep_u1_note', 'ep_s1_2'] },
        });
        expect(await neighbours(['ep_s1_1', 'ep_u1_note'], 2, { userId: 'u1', kinds: ['message'] })).toEqual({
          ep_s1_1: { before: ['ep_s1_0'], after: ['ep_s1_2'] },
        });
        expect(await neighbours(['ep_s1_1'], 2, { from: at(2), to: at(5) })).toEqual({
          ep_s1_1: { before: ['ep_u2_turn'], after: ['ep_u1_note'] },
        });
      });

      it('omits ids without a session, ids not found and an empty id list', async () => {
        const session = turns('s1', [1, 2]);
        const loose = [episode({ id: 'ep_loose_0', occurredAt: at(1) }), episode({ id: 'ep_loose_1', occurredAt: at(2) })];
        await store.append([...session, ...loose]);
        expect(await neighbours(['ep_loose_0', 'ep_missing', session[0]!.id], 2)).toEqual({
          [session[0]!.id]: { before: [], after: [session[1]!.id] },
        });
        expect(await store.neighbours({ filter: { namespace: 'ns1' }, ids: [], width: 2 })).toEqual([]);
      });

      it('never sees another namespace, even with the same session id', async () => {
        const [a0, a1] = turns('s1', [1, 3]);
        const foreign = episode({ id: 'ep_foreign', namespace: 'ns2', sessionId: 's1', occurredAt: at(2) });
        await store.append([a0!, a1!, foreign]);
        expect(await neighbours([a0!.id, foreign.id], 2)).toEqual({ [a0!.id]: { before: [], after: [a1!.id] } });
        expect(await neighbours([a0!.id, foreign.id], 2, { namespace: 'ns2' })).toEqual({ [foreign.id]: { before: [], after: [] } });
      });

      it('answers every id of a long request', async () => {
        const session = turns('s1', Array.from({ length: 1200 }, (_, n) => n));
        await store.append(session);
        const answers = await neighbours(session.map((e) => e.id), 1);
        expect(Object.keys(answers)).toHaveLength(session.length);
        session.forEach((e, n) => {
          expect(answers[e.id]).toEqual({ before: n === 0 ? [] : [session[n - 1]!.id], after: n === session.length - 1 ? [] : [session[n + 1]!.id] });
        });
      });
    });

    describe('keyword scores per namespace', () => {
      const hits = async (terms: string[]) =>
        (await store.search({ filter: { namespace: 'ns1' }, terms, limit: 50 })).map((hit) => ({ id: hit.item.id, score: hit.score }));
      const crowd = (namespace: string, content: (n: number) => string) =>
        Array.from({ length: 200 }, (_, n) => episode({ id: `ep_${namespace}_crowd_${n}`, namespace, content: content(n) }));

      // Every document here is six tokens long, so that only the term statistics differ between runs.
      const lisbon = () => [
        episode({ content: 'Flight to Lisbon booked for May' }),
        episode({ content: 'The Lisbon hotel near the river' }),
        episode({ content: 'Lisbon Lisbon said the flight attendant' }),
        ...Array.from({ length: 7 }, (_, n) => episode({ content: `unrelated note number ${n} about lunch` })),
      ];
      const expectSameRanking = (after: { id: string; score: number }[], before: { id: string; score: number }[]) => {
        expect(after.map((hit) => hit.id)).toEqual(before.map((hit) => hit.id));
        // Equal but for the last bits of floating point.
        after.forEach((hit, n) => expect(hit.score).toBeCloseTo(before[n]!.score, 9));
      };

      it("do not change when another namespace adds documents full of the query's terms", async () => {
        await store.append(lisbon());
        const before = await hits(['lisbon', 'flight']);
        expect(before).toHaveLength(3);
        await store.append(crowd('ns2', (n) => `lisbon flight lisbon flight lisbon ${n}`));
        expectSameRanking(await hits(['lisbon', 'flight']), before);
      });

      it('rank a term rare in the namespace by its rarity there, however common it is elsewhere', async () => {
        const rare = episode({ content: 'quasar report summary' });
        const repeated = episode({ content: 'report report report draft' });
        const filler = Array.from({ length: 8 }, (_, n) => episode({ content: `unrelated note ${n}` }));
        await store.append([rare, repeated, ...filler, ...crowd('ns2', (n) => `quasar observation ${n}`)]);
        expect((await hits(['quasar', 'report'])).map((hit) => hit.id)).toEqual([rare.id, repeated.id]);
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
