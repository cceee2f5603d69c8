import type { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { ulidGenerator } from '../../core/ids.js';
import type { EpisodeStore } from '../../core/ports.js';
import { runCacheContract } from '../cache.case.test.js';
import { checkRedisSettings, createRedisCache, createRedisSessionStore } from './index.js';
import { TEST_REDIS_URL, connectTestRedis, failWhenRequired, keysUnder, removeIssuedKeys, removeKeys, testPrefix } from './test-redis.js';
import { openTestCache } from './test-stores.js';

const redis = await connectTestRedis();
const client = 'client' in redis ? redis.client : (undefined as unknown as Redis);
const reason = 'reason' in redis ? redis.reason : '';
afterAll(async () => {
  if (!client) return;
  await removeIssuedKeys(client);
  await client.quit();
});

failWhenRequired('redis cache', reason);

const entry = (hash: string, namespace = 'ns', value = new Uint8Array([1])) => ({ key: { namespace, cache: 'embeddings' as const, hash }, value, ttlSeconds: 60 });

const openCache = () => openTestCache(client);

describe.skipIf(!client)(`redis cache${client ? '' : ` (skipped: ${reason})`}`, () => {
  runCacheContract('redis', openCache);

  it('stores raw bytes under {prefix}memos:{namespace}:{cache}:{hash} with the entry TTL', async () => {
    const { cache, keyPrefix, close } = await openCache();
    await cache.setMany([{ ...entry('h1', 'team:a'), ttlSeconds: 90 }]);
    const key = `${keyPrefix}memos:team:a:embeddings:h1`;
    expect(await keysUnder(client, keyPrefix)).toEqual([key]);
    expect(await client.getBuffer(key)).toEqual(Buffer.from([1]));
    const ttl = await client.pttl(key);
    expect(ttl).toBeGreaterThan(85_000);
    expect(ttl).toBeLessThanOrEqual(90_000);
    await close();
  });

  it('clearing namespace a never touches a:b, ab, other prefixes or session keys', async () => {
    const { cache, keyPrefix, close } = await openCache();
    const other = await openCache();
    const clock = manualClock();
    const sessions = createRedisSessionStore({ client, keyPrefix, clock, ids: ulidGenerator(clock), episodes: {} as EpisodeStore });
    await sessions.put({ key: { namespace: 'a', sessionId: 's' }, messages: [], state: {}, ttlSeconds: 60, window: 10 });
    await cache.setMany([entry('1', 'a'), entry('2', 'a'), entry('1', 'a:b'), entry('1', 'ab'), entry('1', 'b:a')]);
    await other.cache.setMany([entry('1', 'a')]);
    expect(await cache.clear({ namespace: 'a' })).toBe(2);
    expect(await cache.getMany([entry('1', 'a:b').key, entry('1', 'ab').key, entry('1', 'b:a').key])).toEqual([new Uint8Array([1]), new Uint8Array([1]), new Uint8Array([1])]);
    expect(await other.cache.getMany([entry('1', 'a').key])).toEqual([new Uint8Array([1])]);
    expect(await cache.clear({})).toBe(3);
    expect(await sessions.get({ namespace: 'a', sessionId: 's' })).not.toBeNull();
    await other.close();
    await close();
  });

  it('clears and measures a few thousand keys with SCAN in batches', async () => {
    const { cache, close } = await openCache();
    const bulk = Array.from({ length: 3000 }, (_, i) => entry(`h${i}`, 'bulk', new Uint8Array(16)));
    await cache.setMany(bulk);
    await cache.setMany([entry('keep', 'other')]);
    const usage = await cache.usage({ namespace: 'bulk' });
    expect(usage.entries).toBe(3000);
    expect(usage.bytes).toBeGreaterThanOrEqual(3000 * 16);
    expect(await cache.clear({ namespace: 'bulk' })).toBe(3000);
    expect(await cache.usage({})).toMatchObject({ entries: 1 });
    expect((await cache.getMany(bulk.slice(0, 600).map((e) => e.key))).every((v) => v === undefined)).toBe(true);
    await close();
  });

  it('counts hits and misses per cache class and reads server figures from INFO', async () => {
    const { cache, close } = await openCache();
    await cache.setMany([entry('hit')]);
    await cache.getMany([entry('hit').key, entry('miss').key, { namespace: 'ns', cache: 'responses', hash: 'x' }]);
    const stats = await cache.stats();
    expect(stats.hits).toEqual({ embeddings: 1, responses: 0 });
    expect(stats.misses).toEqual({ embeddings: 1, responses: 1 });
    expect(stats.server.usedMemoryBytes).toBeGreaterThan(0);
    expect(stats.server.keyspaceHits).toBeGreaterThan(0);
    await close();
  });

  it('warns about the settings of the test server (noeviction, no AOF)', async () => {
    const cacheWarnings = await checkRedisSettings(client, 'cache');
    expect(cacheWarnings.some((w) => w.includes('allkeys-lru'))).toBe(true);
    expect(cacheWarnings.some((w) => w.includes('appendonly'))).toBe(true);
    const maxmemory = await client.call('CONFIG', 'GET', 'maxmemory') as string[];
    expect(cacheWarnings.some((w) => w.includes('maxmemory is 0'))).toBe(maxmemory[1] === '0');
    // noeviction is right for sessions: only AOF is missing.
    expect(await checkRedisSettings(client, 'sessions')).toEqual([expect.stringContaining('appendonly')]);
  });

  it('logs the warnings at init', async () => {
    const warnings: string[] = [];
    const keyPrefix = testPrefix();
    const cache = createRedisCache({ client, keyPrefix, logger: { warn: (_, message) => warnings.push(message) } });
    await cache.init();
    expect(warnings.length).toBeGreaterThan(0);
    await cache.close();
  });

  it('opens and closes its own client from a url', async () => {
    const keyPrefix = testPrefix();
    const cache = createRedisCache({ url: TEST_REDIS_URL, keyPrefix });
    await expect(cache.getMany([entry('x').key])).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    await cache.init();
    await cache.setMany([entry('x')]);
    expect(await cache.getMany([entry('x').key])).toEqual([new Uint8Array([1])]);
    await cache.close();
    await expect(cache.getMany([entry('x').key])).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    await removeKeys(client, keyPrefix);
  });
});

describe('redis cache without a server', () => {
  it('fails fast with E_STORAGE_UNAVAILABLE and names no key', async () => {
    const cache = createRedisCache({ url: 'redis://127.0.0.1:1' });
    const started = Date.now();
    const error = await cache.init().then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_STORAGE_UNAVAILABLE', details: { retryable: true } });
    expect(Date.now() - started).toBeLessThan(3_000);
    await expect(cache.getMany([entry('secret-hash').key])).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    const failed = await cache.getMany([entry('secret-hash').key]).catch((e: Error) => e);
    expect(String((failed as Error).message)).not.toContain('secret-hash');
    await cache.close();
  });

  it('warns rather than fails when CONFIG is disabled', async () => {
    const refusing = { call: async () => Promise.reject(new Error("ERR unknown command 'CONFIG'")) } as unknown as Redis;
    expect(await checkRedisSettings(refusing)).toEqual([expect.stringContaining('could not read')]);
  });
});
