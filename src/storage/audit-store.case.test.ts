// The AuditStore contract, run by every SQL adapter: listing, filters, paging and retention, and
// the entry of a request committed in the same transaction as its change, or not at all.

import { describe, expect, it } from 'vitest';
import { AuditDraft, runInAuditScope, type AuditBase } from '../core/audit-scope.js';
import type { Clock } from '../core/clock.js';
import type { AuditStore, EpisodeStore, SemanticStore } from '../core/ports.js';
import type { AuditEntry, Episode } from '../core/types.js';

export interface AuditStoreHarness {
  audit: AuditStore;
  episodes: EpisodeStore;
  memories: SemanticStore;
  clock: Clock & { advance(ms: number): void };
  /** Makes every later insert into the audit log fail (the table is gone). */
  breakAuditLog(): Promise<void>;
  close(): Promise<void>;
}

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

let made = 0;
const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  id: `aud_${String(++made).padStart(6, '0')}`,
  time: at(0),
  keyId: 'k1',
  role: 'write',
  action: 'memories.upsert',
  method: 'POST',
  route: '/api/v1/memories',
  namespace: 'ns1',
  outcome: 'ok',
  status: 201,
  requestId: `req-${made}`,
  ...overrides,
});

const base = (overrides: Partial<AuditBase> = {}): AuditBase => {
  const { outcome: _o, status: _s, recordCount: _c, ...rest } = entry();
  return { ...rest, ...overrides };
};

const episode = (id: string): Episode => ({
  id,
  namespace: 'ns1',
  kind: 'observation',
  content: `episode ${id}`,
  occurredAt: at(0),
  createdAt: at(0),
  metadata: {},
  embedding: { status: 'none' },
});

const all = async (audit: AuditStore) => (await audit.list({ filter: {}, limit: 1000 })).items;

export function runAuditStoreContract(name: string, create: () => Promise<AuditStoreHarness>): void {
  describe(`AuditStore contract: ${name}`, () => {
    const withHarness = (test: (h: AuditStoreHarness) => Promise<void>) => async () => {
      const h = await create();
      try {
        await test(h);
      } finally {
        await h.close();
      }
    };

    it(
      'keeps every field as written and leaves absent ones out',
      withHarness(async ({ audit }) => {
        const full = entry({ userId: 'u1', recordIds: ['mem_1', 'mem_2'], recordCount: 2 });
        const bare = entry({ time: at(1), outcome: 'denied' });
        delete bare.keyId;
        delete bare.role;
        delete bare.namespace;
        delete bare.status;
        await audit.append([full, bare]);
        expect(await all(audit)).toEqual([bare, full]);
      }),
    );

    it(
      'lists newest first, filtered by namespace, key, action and time, one page at a time',
      withHarness(async ({ audit }) => {
        const entries = [
          entry({ time: at(0), namespace: 'ns1', keyId: 'k1', action: 'memories.upsert' }),
          entry({ time: at(1), namespace: 'ns2', keyId: 'k1', action: 'memories.delete' }),
          entry({ time: at(2), namespace: 'ns1', keyId: 'k2', action: 'memories.delete' }),
          entry({ time: at(2), namespace: 'ns1', keyId: 'k2', action: 'episodes.append' }),
          entry({ time: at(3), namespace: 'ns2', keyId: 'k2', action: 'cache.clear' }),
        ];
        await audit.append(entries);
        const ids = async (filter: Parameters<AuditStore['list']>[0]['filter']) => (await audit.list({ filter, limit: 100 })).items.map((e) => e.id);
        const [e0, e1, e2, e3, e4] = entries.map((e) => e.id);
        expect(await ids({})).toEqual([e4, e3, e2, e1, e0]);
        expect(await ids({ namespace: 'ns1' })).toEqual([e3, e2, e0]);
        expect(await ids({ keyId: 'k1' })).toEqual([e1, e0]);
        expect(await ids({ action: 'memories.delete' })).toEqual([e2, e1]);
        expect(await ids({ from: at(1), to: at(3) })).toEqual([e3, e2, e1]);
        expect(await ids({ namespace: 'ns1', keyId: 'k2', action: 'episodes.append' })).toEqual([e3]);

        const seen: string[] = [];
        let after;
        for (let page = 0; page < 10; page++) {
          const { items, next } = await audit.list({ filter: {}, limit: 2, ...(after === undefined ? {} : { after }) });
          seen.push(...items.map((e) => e.id));
          if (next === undefined) break;
          after = next;
        }
        // Two entries at one time are told apart by id, so the page break between them loses none.
        expect(seen).toEqual([e4, e3, e2, e1, e0]);
      }),
    );

    it(
      'prunes what is older than the cut-off, oldest first and at most the limit',
      withHarness(async ({ audit }) => {
        const entries = [0, 1, 2, 3].map((minute) => entry({ time: at(minute) }));
        await audit.append(entries);
        expect(await audit.prune({ before: at(3), limit: 2 })).toBe(2);
        expect((await all(audit)).map((e) => e.id)).toEqual([entries[3]!.id, entries[2]!.id]);
        expect(await audit.prune({ before: at(3), limit: 2 })).toBe(1);
        expect(await audit.prune({ before: at(3), limit: 2 })).toBe(0);
        expect((await all(audit)).map((e) => e.id)).toEqual([entries[3]!.id]);
      }),
    );

    it(
      'commits the entry of a request in the transaction of its first write, once',
      withHarness(async ({ audit, episodes }) => {
        const draft = new AuditDraft(base({ action: 'episodes.append', route: '/api/v1/episodes' }));
        await runInAuditScope(draft, async () => {
          await episodes.append([episode('ep_1'), episode('ep_2')]);
          await episodes.append([episode('ep_3')]);
        });
        expect(draft.written).toBe(true);
        const entries = await all(audit);
        expect(entries).toEqual([{ ...draft.entry('ok'), recordIds: ['ep_1', 'ep_2'], recordCount: 2 }]);
        expect(entries[0]).not.toHaveProperty('status');
        expect(await draft.close()).toBe(true);
      }),
    );

    it(
      'records the ids of the memories a write merged into, not only those it created',
      withHarness(async ({ memories, clock }) => {
        const memory = (id: string) => ({
          id, namespace: 'ns1', kind: 'fact' as const, content: 'Likes tea', importance: 0.5, metadata: {}, sourceEpisodeIds: [],
          createdAt: new Date(clock.now()).toISOString(), updatedAt: new Date(clock.now()).toISOString(), lastConfirmedAt: new Date(clock.now()).toISOString(), version: 1,
          sourceSessionIds: [], validFrom: new Date(clock.now()).toISOString(), supersedes: [], conflicts: [], embedding: { status: 'none' as const },
        });
        await memories.upsert([{ memory: memory('mem_first'), contentKey: 'likes tea' }]);
        const draft = new AuditDraft(base());
        await runInAuditScope(draft, () => memories.upsert([{ memory: memory('mem_second'), contentKey: 'likes tea' }]));
        expect(draft.entry('ok')).toMatchObject({ recordIds: ['mem_first'], recordCount: 1 });
      }),
    );

    it(
      'leaves no entry when the transaction fails, and keeps it for the answer',
      withHarness(async ({ audit, episodes }) => {
        const draft = new AuditDraft(base());
        // The second episode repeats the first one's id: the batch fails as a whole.
        await expect(runInAuditScope(draft, () => episodes.append([episode('ep_dup'), episode('ep_dup')]))).rejects.toThrow();
        expect(await all(audit)).toEqual([]);
        expect(await episodes.get({ namespace: 'ns1', id: 'ep_dup' })).toBeNull();
        expect(draft.written).toBe(false);
        // The ids of the failed write are not kept for the entry written with the answer.
        expect(draft.entry('failed', 500)).not.toHaveProperty('recordIds');
        expect(await draft.close()).toBe(false);
      }),
    );

    it(
      'leaves the entry to the answer when a transaction changed nothing',
      withHarness(async ({ audit, episodes }) => {
        const draft = new AuditDraft(base({ action: 'episodes.delete', recordIds: ['ep_missing'] }));
        expect(await runInAuditScope(draft, () => episodes.delete({ namespace: 'ns1', id: 'ep_missing' }))).toBe(false);
        expect(await all(audit)).toEqual([]);
        expect(await draft.close()).toBe(false);
      }),
    );

    it(
      'commits a delete and its entry together',
      withHarness(async ({ audit, episodes }) => {
        await episodes.append([episode('ep_gone')]);
        const draft = new AuditDraft(base({ action: 'episodes.delete', recordIds: ['ep_gone'] }));
        expect(await runInAuditScope(draft, () => episodes.delete({ namespace: 'ns1', id: 'ep_gone' }))).toBe(true);
        expect(await all(audit)).toEqual([draft.entry('ok')]);
      }),
    );

    it(
      'rolls the change back when its entry cannot be written',
      withHarness(async ({ episodes, breakAuditLog }) => {
        await breakAuditLog();
        const draft = new AuditDraft(base());
        await expect(runInAuditScope(draft, () => episodes.append([episode('ep_unaudited')]))).rejects.toThrow();
        expect(await episodes.get({ namespace: 'ns1', id: 'ep_unaudited' })).toBeNull();
        expect(draft.written).toBe(false);
        // Writes outside any request carry no entry, and are not held up.
        await episodes.append([episode('ep_background')]);
        expect(await episodes.get({ namespace: 'ns1', id: 'ep_background' })).not.toBeNull();
      }),
    );

    it(
      'writes nothing for work outside a request, or after the request answered',
      withHarness(async ({ audit, episodes }) => {
        await episodes.append([episode('ep_outside')]);
        const draft = new AuditDraft(base());
        expect(await draft.close()).toBe(false);
        await runInAuditScope(draft, () => episodes.append([episode('ep_late')]));
        expect(await all(audit)).toEqual([]);
      }),
    );
  });
}
