import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, toIso } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import { ulidGenerator } from '../../core/ids.js';
import type { EpisodeStore } from '../../core/ports.js';
import type { Message } from '../../core/types.js';
import { runWorkingMemoryStoreContract } from '../working-memory-store.case.test.js';
import { createRedisSessionStore } from './index.js';
import { createSqliteStorage } from '../sqlite/index.js';
import { createRedisClient } from './redis-client.js';
import { connectTestRedis, failWhenRequired, keysUnder, removeIssuedKeys } from './test-redis.js';
import { openTestSessionStore } from './test-stores.js';
import { ownRedis, redisServerMissing } from '../../../test/support/redis-server.js';

const redis = await connectTestRedis();
const client = 'client' in redis ? redis.client : (undefined as unknown as Redis);
const reason = 'reason' in redis ? redis.reason : '';
const dir = mkdtempSync(join(tmpdir(), 'memos-redis-sessions-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  if (!client) return;
  await removeIssuedKeys(client);
  await client.quit();
});

failWhenRequired('redis sessions', reason);

const open = (options: Parameters<typeof openTestSessionStore>[2] = {}) => openTestSessionStore(client, dir, options);

/** An episode store whose `append` is unavailable `times` times: before writing, or after writing (a lost answer). */
function failing(times: number, when: 'before' | 'after') {
  return (inner: EpisodeStore): EpisodeStore => {
    let left = times;
    return {
      ...inner,
      get: (ref) => inner.get(ref),
      append: async (episodes) => {
        if (left > 0 && when === 'before') {
          left -= 1;
          throw new MemosError('E_STORAGE_UNAVAILABLE', 'episode store down');
        }
        await inner.append(episodes);
        if (left > 0) {
          left -= 1;
          // The write committed but its answer was lost, as when a connection drops during COMMIT.
          throw new MemosError('E_STORAGE_UNAVAILABLE', 'connection lost');
        }
      },
    };
  };
}

const key = { namespace: 'ns1', sessionId: 's1' };
const messages = (from: number, to: number, at: number): Message[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ role: 'user' as const, content: `m${from + i}`, createdAt: toIso(at + i) }));

describe.skipIf(!client)(`redis sessions${client ? '' : ` (skipped: ${reason})`}`, () => {
  runWorkingMemoryStoreContract('redis', { create: () => open() });

  it('keeps one hash per session, indexed by deadline, and lets Redis collect it only after a grace period', async () => {
    const h = await open({ expiredGraceSeconds: 600 });
    await h.store.put({ key, messages: [], state: {}, ttlSeconds: 60, window: 10 });
    const session = `${h.keyPrefix}memos-session:3:ns1:s1`;
    expect(await keysUnder(client, h.keyPrefix)).toEqual([`${h.keyPrefix}memos-session:3:ns1:s1`, `${h.keyPrefix}memos-sessions:deadlines`]);
    expect(await client.zscore(`${h.keyPrefix}memos-sessions:deadlines`, '3:ns1:s1')).toBe(String(h.clock.now() + 60_000));
    const pttl = await client.pttl(session);
    expect(pttl).toBeGreaterThan(655_000);
    expect(pttl).toBeLessThanOrEqual(660_000);
    await h.close();
  });

  it('delivers an outbox left by an episode store outage on the next read, each message once', async () => {
    const warnings: string[] = [];
    const h = await open({ wrap: failing(1, 'before'), logger: { warn: (_, message) => warnings.push(message) } });
    const write = await h.store.put({ key, messages: messages(1, 5, h.clock.now()), state: {}, ttlSeconds: 60, window: 2 });
    expect(write.promoted.map((e) => e.content)).toEqual(['m1', 'm2', 'm3']);
    expect(warnings).toEqual([expect.stringContaining('deferred')]);
    const stored = async () => (await h.episodes.list({ filter: { namespace: 'ns1', sessionId: 's1' }, limit: 50, order: 'asc' })).items;
    expect(await stored()).toEqual([]);
    expect(await client.llen(`${h.keyPrefix}memos-session-outbox:3:ns1:s1`)).toBe(3);
    await h.store.get(key);
    expect(await stored()).toEqual(write.promoted);
    expect(await client.exists(`${h.keyPrefix}memos-session-outbox:3:ns1:s1`, `${h.keyPrefix}memos-sessions:outboxes`)).toBe(0);
    await h.close();
  });

  it('redelivers after a crash between the episode store and the acknowledgement without duplicating', async () => {
    const h = await open({ wrap: failing(2, 'after') });
    await h.store.append({ key, messages: messages(1, 4, h.clock.now()), window: 1, ttlSeconds: 60 });
    await h.store.append({ key, messages: messages(5, 6, h.clock.now() + 10), window: 1, ttlSeconds: 60 });
    // Both deliveries wrote but were not acknowledged: the outbox still holds all five.
    expect(await client.llen(`${h.keyPrefix}memos-session-outbox:3:ns1:s1`)).toBe(5);
    expect(await h.store.sweepExpired()).toBe(0); // drains outboxes too
    const stored = (await h.episodes.list({ filter: { namespace: 'ns1', sessionId: 's1' }, limit: 50, order: 'asc' })).items;
    expect(stored.map((e) => e.content)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(await keysUnder(client, `${h.keyPrefix}memos-session-outbox`)).toEqual([]);
    await h.close();
  });

  it('sweeps a session expired by the clock even though Redis still holds it, promoting once across two sweepers', async () => {
    const h = await open();
    const other = createRedisSessionStore({ client, keyPrefix: h.keyPrefix, clock: h.clock, ids: ulidGenerator(h.clock), episodes: h.episodes });
    await h.store.put({ key, messages: messages(1, 3, h.clock.now()), state: {}, ttlSeconds: 60, window: 10 });
    h.clock.advance(60_000);
    const [a, b] = await Promise.all([h.store.sweepExpired(), other.sweepExpired()]);
    expect(a + b).toBe(1);
    const stored = (await h.episodes.list({ filter: { namespace: 'ns1', sessionId: 's1' }, limit: 50, order: 'asc' })).items;
    expect(stored.map((e) => e.content)).toEqual(['m1', 'm2', 'm3']);
    expect(await keysUnder(client, h.keyPrefix)).toEqual([]);
    await h.close();
  });

  it('counts live sessions only: not one the clock has expired, though Redis still holds it', async () => {
    const h = await open();
    await h.store.put({ key, messages: messages(1, 1, h.clock.now()), state: {}, ttlSeconds: 60, window: 10 });
    await h.store.put({ key: { namespace: 'ns1', sessionId: 's2' }, messages: [], state: {}, ttlSeconds: 600, window: 10 });
    expect(await h.store.countLive()).toBe(2);
    h.clock.advance(60_000);
    expect(await h.store.countLive()).toBe(1);
    await h.close();
  });

  it('two instances appending to one session at once lose and duplicate nothing (compare-and-set)', async () => {
    const h = await open();
    const other = createRedisSessionStore({ client, keyPrefix: h.keyPrefix, clock: h.clock, ids: ulidGenerator(h.clock), episodes: h.episodes });
    const all = messages(1, 30, h.clock.now());
    await Promise.all(all.map((message, i) => (i % 2 === 0 ? h.store : other).append({ key, messages: [message], window: 4, ttlSeconds: 60 })));
    const kept = (await h.store.get(key))!.messages.map((m) => m.content);
    const promoted = (await h.episodes.list({ filter: { namespace: 'ns1', sessionId: 's1' }, limit: 50, order: 'asc' })).items.map((e) => e.content);
    expect(kept).toHaveLength(4);
    expect([...promoted, ...kept].sort()).toEqual(all.map((m) => m.content).sort());
    await h.close();
  });

  it('fails with E_STORAGE_UNAVAILABLE when Redis cannot be reached', async () => {
    const clock = manualClock();
    const store = createRedisSessionStore({ url: 'redis://127.0.0.1:1', clock, ids: ulidGenerator(clock), episodes: {} as EpisodeStore });
    await expect(store.init()).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    await expect(store.append({ key, messages: [], window: 5, ttlSeconds: 60 })).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    await store.close();
  });

  it.skipIf(redisServerMissing() !== '')('answers a session read while Redis refuses writes (out of memory under noeviction), refreshing its TTL once it can', async () => {
    const own = await ownRedis();
    await own.start();
    const warnings: string[] = [];
    const clock = manualClock();
    const storage = createSqliteStorage({ path: join(dir, 'oom.db'), clock, ids: ulidGenerator(clock) });
    await storage.init();
    const store = createRedisSessionStore({ url: own.url, clock, ids: ulidGenerator(clock), episodes: storage.episodes, logger: { warn: (_details, message) => warnings.push(message) } });
    await store.init();
    const h = { store, clock };
    try {
      const { session } = await h.store.put({ key, messages: messages(1, 1, h.clock.now()), state: { step: 1 }, ttlSeconds: 60, window: 10 });
      h.clock.advance(30_000); // the refresh is due
      const admin = createRedisClient(own.url);
      await admin.connect();
      await admin.config('SET', 'maxmemory', '1');
      await expect(h.store.append({ key, messages: [], window: 10, ttlSeconds: 60 })).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
      const read = await h.store.get(key);
      expect(read).toMatchObject({ state: { step: 1 }, expiresAt: session.expiresAt });
      expect(await h.store.get(key)).toMatchObject({ expiresAt: session.expiresAt });
      expect(warnings.filter((message) => message.includes('could not refresh'))).toHaveLength(1);
      await admin.config('SET', 'maxmemory', '0');
      expect((await h.store.get(key))?.expiresAt).toBe(toIso(h.clock.now() + 60_000));
      await admin.quit();
    } finally {
      await store.close();
      await storage.close();
      await own.dispose();
    }
  });
});
