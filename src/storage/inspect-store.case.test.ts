// The InspectStore contract. Every storage adapter with an inspect port runs it against its real
// engine, writing records through its own episode and semantic stores.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../core/clock.js';
import { toIso } from '../core/clock.js';
import type { EpisodeStore, InspectStore, SemanticStore } from '../core/ports.js';
import { contentKey } from '../core/text.js';
import type { Memory } from '../core/types.js';
import { testEpisode, testMemory } from '../../test/support/records.js';

export interface InspectStoreHarness {
  inspect: InspectStore;
  episodes: EpisodeStore;
  memories: SemanticStore;
  /** The clock the stores read for expiry. */
  clock: Clock & { advance(ms: number): void };
  engine: 'sqlite' | 'postgres';
  close(): Promise<void>;
}

const MINUTE = 60_000;

export function runInspectStoreContract(name: string, create: () => Promise<InspectStoreHarness>): void {
  describe(`InspectStore contract: ${name}`, () => {
    let h: InspectStoreHarness;
    let n = 0;
    beforeEach(async () => {
      h = await create();
    });
    afterEach(async () => {
      await h.close();
    });

    const memory = (overrides: Partial<Memory>) => {
      const made = testMemory({ id: `m${++n}`, createdAt: toIso(h.clock.now()), updatedAt: toIso(h.clock.now()), ...overrides });
      return { memory: made, contentKey: contentKey(made.content) };
    };

    /** ns1: u1 2 episodes, 3 memories (one expiring in 5 minutes, one updated twice); u2 1 memory; no user 1 episode. ns2: u3 1 episode. */
    async function plant(): Promise<void> {
      const at = toIso(h.clock.now());
      await h.episodes.append([
        testEpisode({ id: 'e1', namespace: 'ns1', userId: 'u1', kind: 'message', createdAt: at }),
        testEpisode({ id: 'e2', namespace: 'ns1', userId: 'u1', createdAt: toIso(h.clock.now() + MINUTE) }),
        testEpisode({ id: 'e3', namespace: 'ns1', createdAt: at }),
        testEpisode({ id: 'e4', namespace: 'ns2', userId: 'u3', createdAt: at }),
      ]);
      const [firstOutcome] = await h.memories.upsert([
        memory({ namespace: 'ns1', userId: 'u1', content: 'a fact of u1' }),
        memory({ namespace: 'ns1', userId: 'u1', content: 'a passing fact', expiresAt: toIso(h.clock.now() + 5 * MINUTE) }),
        memory({ namespace: 'ns1', userId: 'u1', kind: 'preference', content: 'u1 likes tea' }),
        memory({ namespace: 'ns1', userId: 'u2', content: 'a fact of u2' }),
      ]);
      const first = { namespace: 'ns1', id: firstOutcome!.memory.id };
      await h.memories.update({ ref: first, patch: { content: 'a fact of u1, reworded', contentKey: contentKey('a fact of u1, reworded') } });
      await h.memories.update({ ref: first, patch: { importance: 0.9 } });
    }

    it('counts namespaces from what they hold, live memories only', async () => {
      expect(await h.inspect.namespaces({})).toEqual([]);
      await plant();
      expect(await h.inspect.namespaces({})).toEqual([
        { namespace: 'ns1', episodes: 3, memories: 4, users: 2 },
        { namespace: 'ns2', episodes: 1, memories: 0, users: 1 },
      ]);
      h.clock.advance(10 * MINUTE);
      expect((await h.inspect.namespaces({}))[0]).toEqual({ namespace: 'ns1', episodes: 3, memories: 3, users: 2 });
    });

    it('lists the users of a namespace by id, in pages, or one user', async () => {
      await plant();
      h.clock.advance(10 * MINUTE);
      const first = await h.inspect.users({ namespace: 'ns1', limit: 1 });
      expect(first).toEqual({ items: [{ userId: 'u1', episodes: 2, memories: 2 }], next: 'u1' });
      expect(await h.inspect.users({ namespace: 'ns1', limit: 1, after: 'u1' })).toEqual({ items: [{ userId: 'u2', episodes: 0, memories: 1 }] });
      expect(await h.inspect.users({ namespace: 'ns1', limit: 10, userId: 'u2' })).toEqual({ items: [{ userId: 'u2', episodes: 0, memories: 1 }] });
      expect(await h.inspect.users({ namespace: 'nope', limit: 10 })).toEqual({ items: [] });
    });

    it('gives a scope its groups by kind and embedding status, oldest and newest, expired memories and history', async () => {
      await plant();
      h.clock.advance(10 * MINUTE);
      const stats = await h.inspect.stats({ namespace: 'ns1' });
      const counts = (groups: Array<{ kind: string; status: string; count: number }>) =>
        Object.fromEntries(groups.map((group) => [`${group.kind}/${group.status}`, group.count]));
      expect(counts(stats.episodes.groups)).toEqual({ 'message/pending': 1, 'observation/pending': 2 });
      expect(stats.episodes.oldest).toBe('2026-01-01T00:00:00.000Z');
      expect(stats.episodes.newest).toBe('2026-01-01T00:01:00.000Z');
      expect(counts(stats.memories.groups)).toEqual({ 'fact/pending': 2, 'preference/pending': 1 });
      expect(stats.expiredMemories).toBe(1);
      expect(stats.historyVersions).toBe(2);

      const u2 = await h.inspect.stats({ namespace: 'ns1', userId: 'u2' });
      expect(u2.episodes).toEqual({ groups: [] });
      expect(counts(u2.memories.groups)).toEqual({ 'fact/pending': 1 });
      expect(u2.historyVersions).toBe(0);
      expect(u2.expiredMemories).toBe(0);
    });

    it('reports the bytes of the whole database', async () => {
      await plant();
      const bytes = await h.inspect.bytes({});
      expect(bytes?.engine).toBe(h.engine);
      expect(bytes!.total).toBe(Object.values(bytes!.parts).reduce((sum, part) => sum + part, 0));
      expect(bytes!.total).toBeGreaterThan(0);
    });
  });
}
