// The SemanticStore contract. Every storage adapter runs it against its real engine.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import { toIso } from '../core/clock.js';
import { isMemosError } from '../core/errors.js';
import type { MemoryDraft, SemanticStore } from '../core/ports.js';
import { contentKey } from '../core/text.js';
import type { ListQuery, Memory, RecordFilter } from '../core/types.js';
import { testMemory } from '../../test/support/records.js';

export interface SemanticStoreHarness {
  store: SemanticStore;
  /** The clock the store reads for expiry and version times. */
  clock: Clock & { advance(ms: number): void };
  close(): Promise<void>;
}

export interface SemanticStoreContractOptions {
  /** A fresh, empty, initialised store for each test. */
  create(): Promise<SemanticStoreHarness>;
}

const MINUTE = 60_000;

export function runSemanticStoreContract(name: string, options: SemanticStoreContractOptions): void {
  describe(`SemanticStore contract: ${name}`, () => {
    let h: SemanticStoreHarness;
    let store: SemanticStore;
    let counter = 0;
    beforeEach(async () => {
      h = await options.create();
      store = h.store;
    });
    afterEach(async () => {
      await h.close();
    });

    /** A draft as the service prepares it: new id, now timestamps, version 1. */
    function draft(overrides: Partial<Memory> = {}): MemoryDraft {
      counter += 1;
      const now = toIso(h.clock.now());
      const memory = testMemory({
        id: `mem_${String(counter).padStart(6, '0')}`,
        namespace: 'ns1',
        content: `memory number ${counter}`,
        createdAt: now,
        updatedAt: now,
        lastConfirmedAt: now,
        embedding: { status: 'none' },
        ...overrides,
      });
      return { memory, contentKey: contentKey(memory.content) };
    }
    const ref = (memory: Memory, namespace = memory.namespace) => ({ namespace, id: memory.id });
    async function create(overrides: Partial<Memory> = {}): Promise<Memory> {
      const [outcome] = await store.upsert([draft(overrides)]);
      expect(outcome?.action).toBe('created');
      return outcome!.memory;
    }
    const listIds = async (filter: RecordFilter, query: Partial<ListQuery> = {}) =>
      (await store.list({ filter, limit: 100, order: 'asc', ...query })).items.map((m) => m.id);

    describe('upsert', () => {
      it('creates, and get returns the memory without unset optional keys', async () => {
        const d = draft({ metadata: { topic: 'food' }, sourceEpisodeIds: ['ep_1'] });
        const [outcome] = await store.upsert([d]);
        expect(outcome).toStrictEqual({ memory: d.memory, action: 'created' });
        const got = await store.get(ref(d.memory));
        expect(got).toStrictEqual(d.memory);
        for (const key of ['expiresAt', 'userId', 'agentId', 'sessionId']) expect(got).not.toHaveProperty(key);
        expect(await store.get(ref(d.memory, 'ns2'))).toBeNull();
        expect(await store.get({ namespace: 'ns1', id: 'mem_missing' })).toBeNull();
      });

      it('merges a same-scope duplicate: higher importance, merged metadata, united sources, version + 1', async () => {
        const first = await create({ content: 'Likes green tea', importance: 0.4, metadata: { a: 1, b: 1 }, sourceEpisodeIds: ['ep_1'] });
        h.clock.advance(MINUTE);
        const again = draft({ content: 'likes green tea.', kind: 'preference', importance: 0.9, metadata: { b: 2 }, sourceEpisodeIds: ['ep_2', 'ep_1'] });
        const [outcome] = await store.upsert([again]);
        expect(outcome?.action).toBe('merged');
        const merged = outcome!.memory;
        expect(merged).toMatchObject({
          id: first.id,
          content: 'Likes green tea',
          kind: 'preference',
          importance: 0.9,
          metadata: { a: 1, b: 2 },
          version: 2,
          createdAt: first.createdAt,
          updatedAt: toIso(h.clock.now()),
        });
        expect([...merged.sourceEpisodeIds].sort()).toEqual(['ep_1', 'ep_2']);
        expect(await store.get(ref(first))).toStrictEqual(merged);
        const history = await store.history(ref(first));
        expect(history).toHaveLength(1);
        expect(history?.[0]).toMatchObject({
          memoryId: first.id,
          version: 1,
          content: 'Likes green tea',
          kind: 'fact',
          importance: 0.4,
          metadata: { a: 1, b: 1 },
          sourceEpisodeIds: ['ep_1'],
          validFrom: first.updatedAt,
          validTo: toIso(h.clock.now()),
          reason: 'merge',
        });
        expect(await listIds({ namespace: 'ns1' })).toEqual([first.id]);
      });

      it('reports unchanged and writes nothing but the confirmation when the duplicate adds nothing', async () => {
        const first = await create({ content: 'Lives in Paris', metadata: { city: 'Paris' } });
        h.clock.advance(MINUTE);
        const [outcome] = await store.upsert([draft({ content: 'lives in paris', importance: 0.1, metadata: { city: 'Paris' } })]);
        // The same fact stated again: only lastConfirmedAt moves (semantic-freshness.case.test.ts).
        const confirmed = { ...first, lastConfirmedAt: toIso(h.clock.now()) };
        expect(outcome).toStrictEqual({ memory: confirmed, action: 'unchanged' });
        expect(await store.get(ref(first))).toStrictEqual(confirmed);
        expect(await store.history(ref(first))).toEqual([]);
      });

      it('merges within one batch, returning outcomes in input order', async () => {
        const a = draft({ content: 'Owns a cat', importance: 0.3 });
        const b = draft({ content: 'Owns a dog' });
        const a2 = draft({ content: 'owns a cat', importance: 0.8 });
        const a3 = draft({ content: 'OWNS A CAT', importance: 0.2 });
        const outcomes = await store.upsert([a, b, a2, a3]);
        expect(outcomes.map((o) => o.action)).toEqual(['created', 'created', 'merged', 'unchanged']);
        expect(outcomes.map((o) => o.memory.id)).toEqual([a.memory.id, b.memory.id, a.memory.id, a.memory.id]);
        expect(outcomes[2]?.memory).toMatchObject({ importance: 0.8, version: 2 });
        expect(outcomes[3]?.memory).toMatchObject({ importance: 0.8, version: 2 });
        expect(await listIds({ namespace: 'ns1' })).toEqual([a.memory.id, b.memory.id]);
      });

      it('never merges across scopes', async () => {
        const scopes: Partial<Memory>[] = [
          {},
          { userId: 'u1' },
          { userId: 'u2' },
          { userId: 'u1', agentId: 'a1' },
          { agentId: 'a1' },
          { namespace: 'ns2' },
        ];
        const outcomes = await store.upsert(scopes.map((scope) => draft({ content: 'Same words', ...scope })));
        expect(outcomes.map((o) => o.action)).toEqual(scopes.map(() => 'created'));
        expect(new Set(outcomes.map((o) => o.memory.id)).size).toBe(scopes.length);
      });

      it('is all or none: a failing draft rolls back the earlier ones', async () => {
        const stored = await create();
        const fresh = draft({ content: 'fresh words' });
        const clash = draft({ id: stored.id, content: 'another text entirely' });
        await expect(store.upsert([fresh, clash])).rejects.toSatisfy(isMemosError);
        expect(await store.get(ref(fresh.memory))).toBeNull();
      });

      it('merges a near-duplicate into the memory it names, taking its wording, which then needs embedding again', async () => {
        const m = await create({ content: 'Enjoys hiking in the Alps', importance: 0.4, embedding: { status: 'none' } });
        h.clock.advance(MINUTE);
        const [outcome] = await store.upsert([{ ...draft({ content: 'Loves hiking in the Alps', importance: 0.6 }), mergeInto: { id: m.id, contentKey: contentKey(m.content) } }]);
        expect(outcome).toMatchObject({
          action: 'merged',
          memory: { id: m.id, content: 'Loves hiking in the Alps', importance: 0.6, version: 2, updatedAt: toIso(h.clock.now()) },
        });
        expect(outcome?.memory.embedding).toEqual({ status: 'pending' });
        expect(await store.get(ref(m))).toStrictEqual(outcome?.memory);
        expect(await store.history(ref(m))).toMatchObject([{ version: 1, content: 'Enjoys hiking in the Alps', importance: 0.4, reason: 'merge' }]);
        const search = (term: string) => store.search({ filter: { namespace: 'ns1' }, terms: [term], limit: 10 });
        expect((await search('loves')).map((s) => s.item.id)).toEqual([m.id]);
        expect(await search('enjoys')).toEqual([]);
        // The content key moved with the wording: exact duplicates of the new wording merge, of the old do not.
        const [same] = await store.upsert([draft({ content: 'loves hiking in the alps' })]);
        expect(same).toMatchObject({ action: 'unchanged', memory: { id: m.id, version: 2 } });
        const [old] = await store.upsert([draft({ content: 'enjoys hiking in the alps' })]);
        expect(old?.action).toBe('created');
      });

      it('merges a near-duplicate into a memory created earlier in the same batch', async () => {
        const first = draft({ content: 'Reads science fiction', importance: 0.3 });
        const outcomes = await store.upsert([first, { ...draft({ content: 'Reads sci-fi novels', importance: 0.7 }), mergeInto: { id: first.memory.id, contentKey: first.contentKey } }]);
        expect(outcomes.map((o) => o.action)).toEqual(['created', 'merged']);
        expect(outcomes[1]?.memory).toMatchObject({ id: first.memory.id, content: 'Reads sci-fi novels', importance: 0.7, version: 2 });
        expect(await listIds({ namespace: 'ns1' })).toEqual([first.memory.id]);
      });

      it('does not merge into a named near-duplicate reworded since it was judged, and applies the exact-duplicate rule', async () => {
        const m = await create({ content: 'The user is allergic to peanuts' });
        const judged = contentKey(m.content);
        // Between the service's judgement and the write, someone else rewords the memory.
        await store.update({ ref: ref(m), patch: { content: 'The user is not allergic to peanuts', contentKey: contentKey('The user is not allergic to peanuts') } });
        h.clock.advance(MINUTE);
        const [late] = await store.upsert([{ ...draft({ content: 'The user is really allergic to peanuts' }), mergeInto: { id: m.id, contentKey: judged } }]);
        expect(late?.action).toBe('created');
        expect(late?.memory.id).not.toBe(m.id);
        expect((await store.get(ref(m)))?.content).toBe('The user is not allergic to peanuts');
        const [exact] = await store.upsert([{ ...draft({ content: 'the user is really allergic to peanuts.' }), mergeInto: { id: m.id, contentKey: judged } }]);
        expect(exact).toMatchObject({ action: 'unchanged', memory: { id: late?.memory.id } });
        // The same holds for a memory created earlier in the batch.
        const first = draft({ content: 'Reads science fiction' });
        const outcomes = await store.upsert([first, { ...draft({ content: 'Reads sci-fi novels' }), mergeInto: { id: first.memory.id, contentKey: contentKey('Reads fantasy') } }]);
        expect(outcomes.map((o) => o.action)).toEqual(['created', 'created']);
      });

      it('ignores a named near-duplicate that is in another scope, expired or missing, and applies the exact-duplicate rule', async () => {
        const other = await create({ content: 'Drinks coffee', userId: 'u1' });
        const [outside] = await store.upsert([{ ...draft({ content: 'Drinks espresso' }), mergeInto: { id: other.id, contentKey: contentKey(other.content) } }]);
        expect(outside?.action).toBe('created');
        expect(await store.get(ref(other))).toStrictEqual(other);
        const [missing] = await store.upsert([{ ...draft({ content: 'drinks espresso', importance: 0.9 }), mergeInto: { id: 'mem_missing', contentKey: contentKey('drinks espresso') } }]);
        expect(missing).toMatchObject({ action: 'merged', memory: { id: outside?.memory.id, content: 'Drinks espresso', importance: 0.9 } });
        const soon = await create({ content: 'Visiting Rome', expiresAt: toIso(h.clock.now() + MINUTE) });
        h.clock.advance(MINUTE);
        const [expired] = await store.upsert([{ ...draft({ content: 'Visiting Rome soon' }), mergeInto: { id: soon.id, contentKey: contentKey(soon.content) } }]);
        expect(expired?.action).toBe('created');
        expect(expired?.memory.id).not.toBe(soon.id);
      });

      it('does not merge into an expired memory', async () => {
        const expiresAt = toIso(h.clock.now() + MINUTE);
        const old = await create({ content: 'Temporary fact', expiresAt });
        expect((await store.get(ref(old)))?.expiresAt).toBe(expiresAt);
        h.clock.advance(MINUTE);
        const [outcome] = await store.upsert([draft({ content: 'temporary fact' })]);
        expect(outcome?.action).toBe('created');
        expect(outcome?.memory.id).not.toBe(old.id);
      });
    });

    describe('expiry', () => {
      it('hides expired memories from get, list, search and history; expiry is exclusive of now', async () => {
        const soon = await create({ content: 'ephemeral banana', expiresAt: toIso(h.clock.now() + MINUTE) });
        const later = await create({ content: 'lasting banana', expiresAt: toIso(h.clock.now() + 10 * MINUTE) });
        const forever = await create({ content: 'eternal banana' });
        const search = async () =>
          (await store.search({ filter: { namespace: 'ns1' }, terms: ['banana'], limit: 10 })).map((s) => s.item.id).sort();
        h.clock.advance(MINUTE - 1);
        expect(await store.get(ref(soon))).not.toBeNull();
        expect(await search()).toEqual([soon.id, later.id, forever.id].sort());
        h.clock.advance(1);
        expect(await store.get(ref(soon))).toBeNull();
        expect(await store.history(ref(soon))).toBeNull();
        expect(await store.update({ ref: ref(soon), patch: { importance: 1 } })).toBeNull();
        expect(await listIds({ namespace: 'ns1' })).toEqual([later.id, forever.id]);
        expect(await search()).toEqual([later.id, forever.id].sort());
        h.clock.advance(10 * MINUTE);
        expect(await listIds({ namespace: 'ns1' })).toEqual([forever.id]);
        expect(await store.delete(ref(later))).toBe(true);
      });
    });

    describe('update', () => {
      it('keeps the old version in history, bumps version and updatedAt', async () => {
        const m = await create({ content: 'Works at Acme', metadata: { src: 'chat' } });
        h.clock.advance(MINUTE);
        const updated = await store.update({ ref: ref(m), patch: { content: 'Works at Globex', contentKey: contentKey('Works at Globex'), importance: 0.7 } });
        expect(updated).toMatchObject({ id: m.id, content: 'Works at Globex', importance: 0.7, version: 2, createdAt: m.createdAt, updatedAt: toIso(h.clock.now()), metadata: { src: 'chat' } });
        expect(await store.get(ref(m))).toStrictEqual(updated);
        expect(await store.history(ref(m))).toStrictEqual([
          {
            memoryId: m.id,
            version: 1,
            content: 'Works at Acme',
            kind: 'fact',
            importance: 0.5,
            metadata: { src: 'chat' },
            sourceEpisodeIds: [],
            validFrom: m.updatedAt,
            validTo: toIso(h.clock.now()),
            reason: 'update',
          },
        ]);
      });

      it('applies a new content key, so later duplicates merge into the new wording', async () => {
        const m = await create({ content: 'Favourite colour is red' });
        await store.update({ ref: ref(m), patch: { content: 'Favourite colour is blue', contentKey: contentKey('Favourite colour is blue') } });
        const [blue] = await store.upsert([draft({ content: 'favourite colour is blue', importance: 0.9 })]);
        expect(blue).toMatchObject({ action: 'merged', memory: { id: m.id, version: 3 } });
        const [red] = await store.upsert([draft({ content: 'favourite colour is red' })]);
        expect(red?.action).toBe('created');
      });

      it('a content change leaves the memory pending, whatever its embedding was; other changes leave it as it is', async () => {
        const m = await create({ content: 'Lives in Oslo', embedding: { status: 'none' } });
        const moved = await store.update({ ref: ref(m), patch: { content: 'Lives in Bergen', contentKey: contentKey('Lives in Bergen') } });
        expect(moved?.embedding).toEqual({ status: 'pending' });
        const bumped = await store.update({ ref: ref(m), patch: { importance: 0.9 } });
        expect(bumped?.embedding).toEqual({ status: 'pending' });
      });

      it('updated content is found by keyword search and the old wording is not', async () => {
        const m = await create({ content: 'plays the violin' });
        await store.update({ ref: ref(m), patch: { content: 'plays the cello', contentKey: contentKey('plays the cello') } });
        const search = (term: string) => store.search({ filter: { namespace: 'ns1' }, terms: [term], limit: 10 });
        expect((await search('cello')).map((s) => s.item.id)).toEqual([m.id]);
        expect(await search('violin')).toEqual([]);
      });

      it('enforces expectedVersion with E_CONFLICT naming the current version but not the content', async () => {
        const m = await create({ content: 'Secret plan alpha' });
        await store.update({ ref: ref(m), patch: { importance: 0.6 } });
        const error = await store.update({ ref: ref(m), patch: { importance: 0.9 }, expectedVersion: 1 }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(isMemosError(error) && error.code).toBe('E_CONFLICT');
        expect((error as Error).message).toContain('2');
        expect((error as Error).message).not.toContain('Secret');
        expect((await store.get(ref(m)))?.importance).toBe(0.6);
        const ok = await store.update({ ref: ref(m), patch: { importance: 0.9 }, expectedVersion: 2 });
        expect(ok).toMatchObject({ importance: 0.9, version: 3 });
      });

      it('writes no new version when the patch changes nothing', async () => {
        const m = await create({ content: 'Stable', importance: 0.5, metadata: { a: 1, b: 2 } });
        h.clock.advance(MINUTE);
        const same = await store.update({ ref: ref(m), patch: { content: 'Stable', importance: 0.5, metadata: { b: 2, a: 1 }, kind: 'fact' } });
        expect(same).toStrictEqual(m);
        expect(await store.update({ ref: ref(m), patch: {} })).toStrictEqual(m);
        expect(await store.history(ref(m))).toEqual([]);
      });

      it('replaces metadata, sets and clears expiry', async () => {
        const m = await create({ metadata: { a: 1 } });
        const expiresAt = toIso(h.clock.now() + 60 * MINUTE);
        const withExpiry = await store.update({ ref: ref(m), patch: { metadata: { b: true }, expiresAt } });
        expect(withExpiry).toMatchObject({ metadata: { b: true }, expiresAt, version: 2 });
        const cleared = await store.update({ ref: ref(m), patch: { expiresAt: null } });
        expect(cleared).not.toHaveProperty('expiresAt');
        expect(cleared?.version).toBe(3);
        expect((await store.history(ref(m)))?.[0]).toMatchObject({ version: 2, expiresAt, metadata: { b: true } });
        h.clock.advance(120 * MINUTE);
        expect(await store.get(ref(m))).not.toBeNull();
      });

      it('returns null for a missing memory or one in another namespace', async () => {
        const m = await create();
        expect(await store.update({ ref: { namespace: 'ns1', id: 'mem_missing' }, patch: { importance: 1 } })).toBeNull();
        expect(await store.update({ ref: ref(m, 'ns2'), patch: { importance: 1 } })).toBeNull();
        expect((await store.get(ref(m)))?.importance).toBe(0.5);
      });
    });

    describe('history and delete', () => {
      it('lists earlier versions newest first', async () => {
        const m = await create({ content: 'v1 text', importance: 0.1 });
        for (const [i, importance] of [0.2, 0.3, 0.4].entries()) {
          h.clock.advance(MINUTE);
          await store.update({ ref: ref(m), patch: { content: `v${i + 2} text`, importance } });
        }
        const history = await store.history(ref(m));
        expect(history?.map((v) => [v.version, v.content, v.importance])).toEqual([
          [3, 'v3 text', 0.3],
          [2, 'v2 text', 0.2],
          [1, 'v1 text', 0.1],
        ]);
        // Each version was valid until the next began.
        expect(history?.[1]?.validTo).toBe(history?.[0]?.validFrom);
        expect(await store.history(ref(m, 'ns2'))).toBeNull();
        expect(await store.history({ namespace: 'ns1', id: 'mem_missing' })).toBeNull();
      });

      it('delete removes the memory and its history, only in its namespace', async () => {
        const m = await create({ content: 'to be removed' });
        await store.update({ ref: ref(m), patch: { importance: 0.9 } });
        expect(await store.delete(ref(m, 'ns2'))).toBe(false);
        expect(await store.delete(ref(m))).toBe(true);
        expect(await store.get(ref(m))).toBeNull();
        expect(await store.history(ref(m))).toBeNull();
        expect(await store.delete(ref(m))).toBe(false);
        expect(await store.search({ filter: { namespace: 'ns1' }, terms: ['removed'], limit: 10 })).toEqual([]);
        const [again] = await store.upsert([draft({ content: 'to be removed' })]);
        expect(again?.action).toBe('created');
      });
    });

    describe('user reach (a ref naming a user)', () => {
      it("get, update, delete and history find only that user's memory: another user's, or one without a user, is missing", async () => {
        const mine = await create({ content: 'mine', userId: 'u1' });
        const theirs = await create({ content: 'theirs', userId: 'u2' });
        const nobodys = await create({ content: 'nobodys' });
        const as = (memory: Memory, userId = 'u1') => ({ namespace: memory.namespace, id: memory.id, userId });
        for (const other of [theirs, nobodys]) {
          expect(await store.get(as(other))).toBeNull();
          expect(await store.history(as(other))).toBeNull();
          expect(await store.update({ ref: as(other), patch: { importance: 0.9 } })).toBeNull();
          expect(await store.update({ ref: as(other), patch: { importance: 0.9 }, expectedVersion: 5 })).toBeNull();
          expect(await store.delete(as(other))).toBe(false);
          // Untouched: no new version, no history.
          expect(await store.get(ref(other))).toStrictEqual(other);
          expect(await store.history(ref(other))).toEqual([]);
        }
        expect(await store.get(as(mine, 'u2'))).toBeNull();
        expect(await store.get({ ...as(mine), namespace: 'ns2' })).toBeNull();
        expect(await store.get(as(mine))).toStrictEqual(mine);
        h.clock.advance(MINUTE);
        const updated = await store.update({ ref: as(mine), patch: { importance: 0.9 } });
        expect(updated).toMatchObject({ id: mine.id, importance: 0.9, version: 2 });
        expect((await store.history(as(mine)))?.map((v) => v.version)).toEqual([1]);
        expect(await store.delete(as(mine))).toBe(true);
        expect(await store.get(ref(mine))).toBeNull();
      });
    });

    describe('list', () => {
      it('filters by namespace, scope, kinds, createdAt bounds and typed metadata', async () => {
        const t = h.clock.now();
        const a = await create({ userId: 'u1', kind: 'fact', metadata: { pinned: true } });
        h.clock.advance(MINUTE);
        const b = await create({ userId: 'u1', agentId: 'a1', kind: 'preference', metadata: { pinned: 'true' } });
        h.clock.advance(MINUTE);
        const c = await create({ userId: 'u2', sourceSessionIds: ['s1'], kind: 'procedure', metadata: { pinned: 1 } });
        await create({ namespace: 'ns2', userId: 'u1' });
        expect(await listIds({ namespace: 'ns1' })).toEqual([a.id, b.id, c.id]);
        expect(await listIds({ namespace: 'ns1', userId: 'u1' })).toEqual([a.id, b.id]);
        expect(await listIds({ namespace: 'ns1', agentId: 'a1' })).toEqual([b.id]);
        expect(await listIds({ namespace: 'ns1', sessionId: 's1' })).toEqual([c.id]);
        expect(await listIds({ namespace: 'ns1', kinds: ['fact', 'procedure'] })).toEqual([a.id, c.id]);
        expect(await listIds({ namespace: 'ns1', from: toIso(t + MINUTE) })).toEqual([b.id, c.id]);
        expect(await listIds({ namespace: 'ns1', to: toIso(t + MINUTE) })).toEqual([a.id]);
        expect(await listIds({ namespace: 'ns1', metadata: { pinned: true } })).toEqual([a.id]);
        expect(await listIds({ namespace: 'ns1', metadata: { pinned: 'true' } })).toEqual([b.id]);
        expect(await listIds({ namespace: 'ns1', metadata: { pinned: 1 } })).toEqual([c.id]);
      });

      it('pages through ties in createdAt in both orders with no dupes or gaps', async () => {
        const made: Memory[] = [];
        for (let i = 0; i < 7; i++) {
          if (i % 3 === 0) h.clock.advance(MINUTE);
          made.push(await create({ id: `mem_tie_${String.fromCharCode(110 - i)}`, content: `tie ${i}` }));
        }
        const key = (m: Memory) => `${m.createdAt}|${m.id}`;
        const asc = [...made].sort((x, y) => key(x).localeCompare(key(y))).map((m) => m.id);
        for (const order of ['asc', 'desc'] as const) {
          const seen: string[] = [];
          let after: ListQuery['after'];
          for (let pages = 0; pages < 20; pages++) {
            const page = await store.list({ filter: { namespace: 'ns1' }, limit: 2, order, ...(after ? { after } : {}) });
            seen.push(...page.items.map((m) => m.id));
            if (!page.next) break;
            expect(page.next.time).toBe(page.items[page.items.length - 1]?.createdAt);
            after = page.next;
          }
          expect(seen).toEqual(order === 'asc' ? asc : [...asc].reverse());
        }
      });
    });

    describe('keyword search', () => {
      it('ranks more matching terms higher, stems, folds accents and filters', async () => {
        const both = await create({ content: 'Prefers running shoes from the café', userId: 'u1' });
        const one = await create({ content: 'Bought new shoes', userId: 'u1' });
        await create({ content: 'Unrelated memory' });
        const other = await create({ content: 'running shoes', userId: 'u2', kind: 'preference' });
        const search = (terms: string[], filter: Omit<RecordFilter, 'namespace'> = {}) =>
          store.search({ filter: { namespace: 'ns1', ...filter }, terms, limit: 10 });
        const hits = await search(['runs', 'shoes', 'cafe'], { userId: 'u1' });
        expect(hits.map((s) => s.item.id)).toEqual([both.id, one.id]);
        expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
        expect((await search(['shoes'], { kinds: ['preference'] })).map((s) => s.item.id)).toEqual([other.id]);
        expect(await search(['shoes'], {})).toHaveLength(3);
        expect(await store.search({ filter: { namespace: 'ns2' }, terms: ['shoes'], limit: 10 })).toEqual([]);
        expect(await search([])).toEqual([]);
        expect(await store.search({ filter: { namespace: 'ns1' }, terms: ['shoes'], limit: 1 })).toHaveLength(1);
      });
    });
  });
}
