// The SemanticStore contract for freshness (docs/truth.md "Freshness"): which writes raise a
// memory's lastConfirmedAt, and that confirming changes nothing else. Every adapter runs it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toIso } from '../core/clock.js';
import type { MemoryDraft, SemanticStore } from '../core/ports.js';
import { contentKey } from '../core/text.js';
import type { Memory } from '../core/types.js';
import { testMemory } from '../../test/support/records.js';
import type { SemanticStoreContractOptions, SemanticStoreHarness } from './semantic-store.case.test.js';

const DAY = 86_400_000;

export function runSemanticFreshnessContract(name: string, options: SemanticStoreContractOptions): void {
  describe(`SemanticStore freshness contract: ${name}`, () => {
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

    /** A draft as the service prepares it: new id, every time now, version 1. */
    function draft(content: string, overrides: Partial<Memory> = {}): MemoryDraft {
      counter += 1;
      const now = toIso(h.clock.now());
      const memory = testMemory({ id: `mem_f${String(counter).padStart(6, '0')}`, namespace: 'ns1', userId: 'u1', content, createdAt: now, updatedAt: now, lastConfirmedAt: now, embedding: { status: 'none' }, ...overrides });
      return { memory, contentKey: contentKey(content) };
    }
    const now = () => toIso(h.clock.now());

    it('sets lastConfirmedAt on creation, and raises it without a version or history entry when the same fact is written again unchanged', async () => {
      const [created] = await store.upsert([draft('Aisha lives in Lagos')]);
      expect(created!.memory.lastConfirmedAt).toBe(now());
      h.clock.advance(DAY);
      const [again] = await store.upsert([draft('aisha lives in LAGOS')]);
      expect(again).toMatchObject({ action: 'unchanged', memory: { id: created!.memory.id, version: 1, lastConfirmedAt: now(), updatedAt: created!.memory.updatedAt } });
      const stored = await store.get({ namespace: 'ns1', id: created!.memory.id });
      expect(stored).toEqual(again!.memory);
      expect(await store.history({ namespace: 'ns1', id: created!.memory.id })).toEqual([]);
    });

    it('raises it on a merge, and twice in one batch leaves one memory confirmed at the batch time', async () => {
      const [created] = await store.upsert([draft('Aisha lives in Lagos')]);
      h.clock.advance(DAY);
      const [merged, unchanged] = await store.upsert([draft('Aisha lives in Lagos', { importance: 0.9 }), draft('Aisha lives in Lagos.')]);
      expect(merged).toMatchObject({ action: 'merged', memory: { id: created!.memory.id, version: 2, lastConfirmedAt: now() } });
      expect(unchanged).toMatchObject({ action: 'unchanged', memory: { id: created!.memory.id, version: 2, lastConfirmedAt: now() } });
      expect((await store.get({ namespace: 'ns1', id: created!.memory.id }))?.lastConfirmedAt).toBe(now());
    });

    it('raises it on an update that changes the content, not on one that changes only importance or metadata', async () => {
      const [created] = await store.upsert([draft('Aisha lives in Lagos')]);
      const ref = { namespace: 'ns1', id: created!.memory.id };
      const first = now();
      h.clock.advance(DAY);
      expect(await store.update({ ref, patch: { importance: 0.2, metadata: { checked: true } } })).toMatchObject({ version: 2, updatedAt: now(), lastConfirmedAt: first });
      h.clock.advance(DAY);
      expect(await store.update({ ref, patch: { content: 'Aisha lives in Nairobi', contentKey: contentKey('Aisha lives in Nairobi') } })).toMatchObject({ version: 3, lastConfirmedAt: now() });
    });

    it('confirms a live memory within the ref’s reach only, changing nothing else', async () => {
      const [created] = await store.upsert([draft('Aisha lives in Lagos')]);
      const [expiring] = await store.upsert([draft('Aisha is in Accra this week', { expiresAt: toIso(h.clock.now() + DAY) })]);
      const id = created!.memory.id;
      h.clock.advance(DAY / 2);
      const confirmed = await store.confirm({ namespace: 'ns1', id, userId: 'u1' });
      expect(confirmed).toEqual({ ...created!.memory, lastConfirmedAt: now() });
      expect(await store.get({ namespace: 'ns1', id })).toEqual(confirmed);
      expect(await store.history({ namespace: 'ns1', id })).toEqual([]);

      h.clock.advance(DAY);
      const before = await store.get({ namespace: 'ns1', id });
      expect(await store.confirm({ namespace: 'ns1', id, userId: 'u2' })).toBeNull();
      expect(await store.confirm({ namespace: 'ns2', id })).toBeNull();
      expect(await store.confirm({ namespace: 'ns1', id: 'mem_missing' })).toBeNull();
      // Expired: gone from every read, and not confirmed back.
      expect(await store.confirm({ namespace: 'ns1', id: expiring!.memory.id })).toBeNull();
      expect(await store.get({ namespace: 'ns1', id })).toEqual(before);
      // Without a user, the namespace's memory is reached.
      expect((await store.confirm({ namespace: 'ns1', id }))?.lastConfirmedAt).toBe(now());
    });

    it('never moves lastConfirmedAt back when the clock does', async () => {
      const [created] = await store.upsert([draft('Aisha lives in Lagos')]);
      const at = now();
      h.clock.advance(-DAY);
      expect((await store.confirm({ namespace: 'ns1', id: created!.memory.id }))?.lastConfirmedAt).toBe(at);
      const [again] = await store.upsert([draft('Aisha lives in Lagos')]);
      expect(again).toMatchObject({ action: 'unchanged', memory: { lastConfirmedAt: at } });
      expect((await store.get({ namespace: 'ns1', id: created!.memory.id }))?.lastConfirmedAt).toBe(at);
    });
  });
}
