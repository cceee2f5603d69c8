// The SemanticStore contract for truth maintenance (docs/truth.md): identity without the session,
// slots and supersession, validity windows, retraction and conflict marks. Every adapter runs it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toIso } from '../core/clock.js';
import { isMemosError } from '../core/errors.js';
import type { MemoryDraft, SemanticStore } from '../core/ports.js';
import { contentKey } from '../core/text.js';
import type { Memory, RecordFilter } from '../core/types.js';
import { testMemory } from '../../test/support/records.js';
import type { SemanticStoreContractOptions, SemanticStoreHarness } from './semantic-store.case.test.js';

const DAY = 86_400_000;

export function runSemanticTruthContract(name: string, options: SemanticStoreContractOptions): void {
  describe(`SemanticStore truth contract: ${name}`, () => {
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

    const now = () => toIso(h.clock.now());
    /** A draft as the service prepares it: new id, every time now (validFrom too), version 1, in ns1 for u1. */
    function draft(content: string, overrides: Partial<Memory> = {}, supersedes?: string[]): MemoryDraft {
      counter += 1;
      const at = now();
      const memory = testMemory({
        id: `mem_t${String(counter).padStart(6, '0')}`,
        namespace: 'ns1',
        userId: 'u1',
        content,
        createdAt: at,
        updatedAt: at,
        lastConfirmedAt: at,
        validFrom: at,
        embedding: { status: 'none' },
        ...overrides,
      });
      return { memory, contentKey: contentKey(content), ...(supersedes ? { supersedes } : {}) };
    }
    const write = async (content: string, overrides: Partial<Memory> = {}, supersedes?: string[]) => (await store.upsert([draft(content, overrides, supersedes)]))[0]!;
    const get = async (id: string) => (await store.get({ namespace: 'ns1', id }))!;
    const listIds = async (filter: Partial<RecordFilter> = {}) =>
      (await store.list({ filter: { namespace: 'ns1', ...filter }, limit: 50, order: 'asc' })).items.map((m) => m.id);
    const searchIds = async (term: string, filter: Partial<RecordFilter> = {}) =>
      (await store.search({ filter: { namespace: 'ns1', ...filter }, terms: [term], limit: 10 })).map((s) => s.item.id).sort();
    async function refusal(promise: Promise<unknown>) {
      const error = await promise.then(() => undefined, (e: unknown) => e);
      if (!isMemosError(error)) throw new Error(`expected a MemosError, got ${String(error)}`);
      return error;
    }

    describe('identity', () => {
      it('merges the same fact written in two sessions into one memory that lists both sessions', async () => {
        const first = await write('Aisha is vegetarian', { sourceSessionIds: ['s1'] });
        h.clock.advance(DAY);
        const second = await write('aisha is vegetarian.', { sourceSessionIds: ['s2'] });
        expect(first.action).toBe('created');
        expect(second).toMatchObject({ action: 'merged', memory: { id: first.memory.id, sourceSessionIds: ['s1', 's2'], lastConfirmedAt: now() } });
        expect(await listIds()).toEqual([first.memory.id]);
        expect((await get(first.memory.id)).sourceSessionIds).toEqual(['s1', 's2']);
      });

      it('finds a memory by any session it was learned in, in listings and keyword search', async () => {
        const m = await write('Aisha is vegetarian', { sourceSessionIds: ['s1'] });
        await write('Aisha is vegetarian', { sourceSessionIds: ['s2'] });
        await write('Bo likes chess', { sourceSessionIds: ['s3'] });
        expect(await listIds({ sessionId: 's1' })).toEqual([m.memory.id]);
        expect(await listIds({ sessionId: 's2' })).toEqual([m.memory.id]);
        expect(await listIds({ sessionId: 's9' })).toEqual([]);
        expect(await searchIds('vegetarian', { sessionId: 's2' })).toEqual([m.memory.id]);
        expect(await searchIds('vegetarian', { sessionId: 's3' })).toEqual([]);
      });

      it('keeps the same fact of two users, or two agents, apart', async () => {
        const a = await write('Prefers tea', { userId: 'u1' });
        const b = await write('Prefers tea', { userId: 'u2' });
        const c = await write('Prefers tea', { userId: 'u1', agentId: 'bot' });
        expect(new Set([a.memory.id, b.memory.id, c.memory.id]).size).toBe(3);
      });
    });

    describe('slots and supersession', () => {
      it('supersedes the slot’s current memory: validTo and supersededBy on the old, supersedes on the new', async () => {
        const lagos = await write('Aisha lives in Lagos', { key: 'home_city' });
        h.clock.advance(DAY);
        const nairobi = await write('Aisha moved to Nairobi', { key: 'home_city' });
        expect(nairobi.action).toBe('created');
        expect(nairobi.memory).toMatchObject({ key: 'home_city', validFrom: now(), supersedes: [lagos.memory.id] });
        expect(nairobi.memory.validTo).toBeUndefined();
        expect(nairobi.superseded).toHaveLength(1);
        const old = await get(lagos.memory.id);
        expect(nairobi.superseded![0]).toEqual(old);
        expect(old).toMatchObject({ validTo: now(), supersededBy: nairobi.memory.id, supersessionReason: 'key', version: 1, content: 'Aisha lives in Lagos' });
        expect(await store.history({ namespace: 'ns1', id: lagos.memory.id })).toEqual([]);
      });

      it('answers validAt with what held then, key with the slot, and no validAt with every memory', async () => {
        const lagos = await write('Aisha lives in Lagos', { key: 'home_city' });
        const between = toIso(h.clock.now() + DAY / 2);
        h.clock.advance(DAY);
        const nairobi = await write('Aisha moved to Nairobi', { key: 'home_city' });
        const diet = await write('Aisha is vegetarian', { key: 'diet' });
        expect(await listIds({ validAt: now() })).toEqual([nairobi.memory.id, diet.memory.id]);
        expect(await listIds({ validAt: between })).toEqual([lagos.memory.id]);
        expect(await listIds({ validAt: toIso(h.clock.now() - 2 * DAY) })).toEqual([]);
        expect(await listIds({ key: 'home_city' })).toEqual([lagos.memory.id, nairobi.memory.id]);
        expect(await listIds({ key: 'home_city', validAt: now() })).toEqual([nairobi.memory.id]);
        expect(await searchIds('aisha', { validAt: now() })).toEqual([nairobi.memory.id, diet.memory.id].sort());
        expect(await searchIds('lagos', { validAt: between })).toEqual([lagos.memory.id]);
        expect(await searchIds('lagos')).toEqual([lagos.memory.id]);
      });

      it('places a fact learned late before the current one, which stays current', async () => {
        const nairobi = await write('Aisha lives in Nairobi', { key: 'home_city' });
        const since = nairobi.memory.validFrom;
        h.clock.advance(DAY);
        const lagos = await write('Aisha lived in Lagos', { key: 'home_city', validFrom: toIso(Date.parse(since) - 300 * DAY) });
        expect(lagos.memory).toMatchObject({ validTo: since, supersededBy: nairobi.memory.id, supersessionReason: 'key' });
        expect(await get(nairobi.memory.id)).toMatchObject({ supersedes: [lagos.memory.id] });
        expect((await get(nairobi.memory.id)).validTo).toBeUndefined();
        expect(await listIds({ validAt: now() })).toEqual([nairobi.memory.id]);
      });

      it('merges a restatement of the slot’s current fact instead of superseding it', async () => {
        const first = await write('Aisha lives in Nairobi', { key: 'home_city', sourceSessionIds: ['s1'] });
        h.clock.advance(DAY);
        const again = await write('Aisha lives in Nairobi', { key: 'home_city', sourceSessionIds: ['s2'] });
        expect(again).toMatchObject({ action: 'merged', memory: { id: first.memory.id, sourceSessionIds: ['s1', 's2'] } });
        expect(again.superseded ?? []).toEqual([]);
      });

      it('gives a duplicate without a key the written key, superseding the slot’s other current memory', async () => {
        const keyed = await write('Aisha lives in Lagos', { key: 'home_city' });
        const plain = await write('Aisha lives in Nairobi');
        h.clock.advance(DAY);
        const outcome = await write('Aisha lives in Nairobi', { key: 'home_city' });
        expect(outcome).toMatchObject({ action: 'merged', memory: { id: plain.memory.id, key: 'home_city', supersedes: [keyed.memory.id] } });
        expect(await get(keyed.memory.id)).toMatchObject({ supersededBy: plain.memory.id });
      });

      it('keeps the same text in two slots as two memories, each in its own slot', async () => {
        const first = await write('likes pizza', { key: 'food:a' });
        const second = await write('likes pizza', { key: 'food:b' });
        expect(second.action).toBe('created');
        expect(second.memory.id).not.toBe(first.memory.id);
        expect(await get(first.memory.id)).toMatchObject({ key: 'food:a', version: 1 });
        expect(await listIds({ key: 'food:a', validAt: now() })).toEqual([first.memory.id]);
        expect(await listIds({ key: 'food:b', validAt: now() })).toEqual([second.memory.id]);
        // A write without a key still merges into the oldest, as before.
        expect(await write('likes pizza')).toMatchObject({ memory: { id: first.memory.id, key: 'food:a' } });
        // In one batch too.
        const [a, b] = await store.upsert([draft('likes tea', { key: 'drink:a' }), draft('likes tea', { key: 'drink:b' })]);
        expect([a!.action, b!.action, a!.memory.id === b!.memory.id]).toEqual(['created', 'created', false]);
      });

      it('creates a new memory when a superseded fact becomes true again', async () => {
        const lagos = await write('Aisha lives in Lagos', { key: 'home_city' });
        h.clock.advance(DAY);
        const nairobi = await write('Aisha lives in Nairobi', { key: 'home_city' });
        h.clock.advance(DAY);
        const back = await write('Aisha lives in Lagos', { key: 'home_city' });
        expect(back.action).toBe('created');
        expect(back.memory.id).not.toBe(lagos.memory.id);
        expect(await get(nairobi.memory.id)).toMatchObject({ supersededBy: back.memory.id });
        expect(await listIds({ validAt: now() })).toEqual([back.memory.id]);
      });

      it('leaves the same key of another user or agent alone', async () => {
        const mine = await write('Lives in Lagos', { key: 'home_city' });
        await write('Lives in Oslo', { key: 'home_city', userId: 'u2' });
        await write('Lives in Rome', { key: 'home_city', agentId: 'bot' });
        expect((await get(mine.memory.id)).validTo).toBeUndefined();
      });

      it('supersedes the memories a write names, by request', async () => {
        const a = await write('Aisha works at Acme');
        const b = await write('Aisha is a junior engineer');
        h.clock.advance(DAY);
        const c = await write('Aisha is a senior engineer at Globex', {}, [a.memory.id, b.memory.id]);
        expect(c.memory.supersedes).toEqual([a.memory.id, b.memory.id]);
        expect(c.superseded!.map((m) => m.id)).toEqual([a.memory.id, b.memory.id]);
        for (const id of [a.memory.id, b.memory.id]) expect(await get(id)).toMatchObject({ validTo: now(), supersededBy: c.memory.id, supersessionReason: 'request' });
      });

      it('refuses the whole batch when a named memory is missing, of another identity or no longer current, naming the field', async () => {
        const other = await write('Bo likes chess', { userId: 'u2' });
        const old = await write('Aisha lives in Lagos', { key: 'home_city' });
        await write('Aisha lives in Nairobi', { key: 'home_city' });
        const before = await listIds();
        for (const id of ['mem_missing', other.memory.id, old.memory.id]) {
          const error = await refusal(store.upsert([draft('first of the batch'), draft('second of the batch', {}, [id])]));
          expect(error.code).toBe('E_VALIDATION');
          expect(error.details?.field).toBe('memories[1].supersedes[0]');
          expect(error.message).not.toContain('batch');
        }
        expect(await listIds()).toEqual(before);
      });
    });

    describe('retraction', () => {
      it('ends a current memory now, with its reason, keeping it readable with its history', async () => {
        const m = await write('Aisha is allergic to nuts');
        h.clock.advance(DAY);
        await store.update({ ref: { namespace: 'ns1', id: m.memory.id }, patch: { importance: 0.9 } });
        h.clock.advance(DAY);
        const retracted = await store.retract({ ref: { namespace: 'ns1', id: m.memory.id }, validTo: h.clock.now(), reason: 'was a mix-up' });
        expect(retracted).toMatchObject({ id: m.memory.id, validTo: now(), retractedAt: now(), retractionReason: 'was a mix-up', version: 2 });
        expect(retracted!.supersededBy).toBeUndefined();
        expect(await get(m.memory.id)).toEqual(retracted);
        expect(await store.history({ namespace: 'ns1', id: m.memory.id })).toHaveLength(1);
        expect(await listIds({ validAt: now() })).toEqual([]);
        expect(await searchIds('allergic', { validAt: now() })).toEqual([]);
        expect(await searchIds('allergic')).toEqual([m.memory.id]);
      });

      it('clamps a validTo before the fact began to an empty window: never true', async () => {
        const m = await write('Aisha speaks Swahili');
        h.clock.advance(DAY);
        const retracted = await store.retract({ ref: { namespace: 'ns1', id: m.memory.id }, validTo: Date.parse(m.memory.validFrom) - DAY });
        expect(retracted).toMatchObject({ validTo: m.memory.validFrom, retractedAt: now() });
        expect(retracted!.retractionReason).toBeUndefined();
        expect(await listIds({ validAt: m.memory.validFrom })).toEqual([]);
      });

      it('refuses a memory no longer current, and answers null outside the ref’s reach', async () => {
        const m = await write('Aisha speaks Swahili');
        expect(await store.retract({ ref: { namespace: 'ns1', id: m.memory.id, userId: 'u2' }, validTo: h.clock.now() })).toBeNull();
        expect(await store.retract({ ref: { namespace: 'ns2', id: m.memory.id }, validTo: h.clock.now() })).toBeNull();
        expect(await store.retract({ ref: { namespace: 'ns1', id: 'mem_missing' }, validTo: h.clock.now() })).toBeNull();
        await store.retract({ ref: { namespace: 'ns1', id: m.memory.id }, validTo: h.clock.now() });
        const error = await refusal(store.retract({ ref: { namespace: 'ns1', id: m.memory.id }, validTo: h.clock.now() }));
        expect(error.code).toBe('E_CONFLICT');
        expect(error.message).toContain('retracted');
      });
    });

    describe('supersession after the write, and conflict marks', () => {
      it('supersedes current memories of the identity, skipping the rest', async () => {
        const a = await write('Aisha lives in Lagos');
        const foreign = await write('Bo lives in Oslo', { userId: 'u2' });
        h.clock.advance(DAY);
        const b = await write('Aisha lives in Nairobi');
        const result = await store.supersede({ ref: { namespace: 'ns1', id: b.memory.id }, ids: [a.memory.id, foreign.memory.id, 'mem_missing'], reason: 'judge: she moved' });
        expect(result).toMatchObject({ id: b.memory.id, supersedes: [a.memory.id] });
        expect(await get(a.memory.id)).toMatchObject({ supersededBy: b.memory.id, supersessionReason: 'judge: she moved', validTo: b.memory.validFrom });
        expect((await get(foreign.memory.id)).validTo).toBeUndefined();
        expect(await store.supersede({ ref: { namespace: 'ns1', id: 'mem_missing' }, ids: [a.memory.id], reason: 'request' })).toBeNull();
        const error = await refusal(store.supersede({ ref: { namespace: 'ns1', id: a.memory.id }, ids: [b.memory.id], reason: 'request' }));
        expect(error.code).toBe('E_CONFLICT');
      });

      it('keeps conflict marks written with a memory or noted later, and lists conflicted memories', async () => {
        const a = await write('Aisha lives in Lagos');
        const b = await write('Aisha lives in Nairobi', { conflicts: [{ memoryId: a.memory.id, reason: 'different place', source: 'detector', similarity: 0.82, at: now() }] });
        expect(b.memory.conflicts).toEqual([{ memoryId: a.memory.id, reason: 'different place', source: 'detector', similarity: 0.82, at: now() }]);
        const c = await write('Aisha does not eat meat');
        expect(await listIds({ conflicted: true })).toEqual([b.memory.id]);
        const noted = await store.noteConflicts({ namespace: 'ns1', id: c.memory.id }, [{ memoryId: a.memory.id, reason: 'judge: contradicts', source: 'judge', at: now() }]);
        expect(noted).toMatchObject({ version: 1, conflicts: [{ memoryId: a.memory.id, source: 'judge' }] });
        expect(await listIds({ conflicted: true })).toEqual([b.memory.id, c.memory.id]);
        expect(await store.noteConflicts({ namespace: 'ns1', id: 'mem_missing' }, [])).toBeNull();
      });
    });
  });
}
