import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownRedisCluster, redisClusterMissing, type OwnRedisCluster } from '../../test/support/redis-cluster.js';
import { ownRedis, redisServerMissing, type OwnRedis } from '../../test/support/redis-server.js';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { until } from '../../test/support/until.js';
import { createHashProvider } from '../embeddings/fake/index.js';
import { createRedisClient } from './redis/redis-client.js';
import { connectTestRedis, failWhenRequired, keysUnder, removeIssuedKeys, TEST_REDIS_URL, testPrefix } from './redis/test-redis.js';
import { redactUrl } from './short-term-tier.js';

describe('redactUrl', () => {
  it('replaces the password of a connection string and keeps the rest', () => {
    expect(redactUrl('redis://:s3cret@10.0.0.5:6379/2')).toBe('redis://:redacted@10.0.0.5:6379/2');
    expect(redactUrl('rediss://memos:s3cret@cache.internal:6380')).toBe('rediss://memos:redacted@cache.internal:6380');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactUrl('not a url s3cret')).not.toContain('s3cret');
  });
});

const reason = redisClusterMissing();
failWhenRequired('memOS on a Redis Cluster', reason);

describe.skipIf(reason !== '')(`memOS on a Redis Cluster${reason ? ` (skipped: ${reason})` : ''}`, () => {
  let cluster: OwnRedisCluster;
  let memos: TestMemos;
  beforeAll(async () => {
    cluster = await ownRedisCluster();
    memos = await startTestMemos(
      { MEMOS_REDIS_URL: cluster.url, MEMOS_REDIS_CLUSTER: 'true', MEMOS_REDIS_KEY_PREFIX: testPrefix(), MEMOS_SESSION_WINDOW: '3' },
      undefined,
      createHashProvider({ dimensions: 16 }),
    );
  });
  afterAll(async () => {
    await memos?.close();
    await cluster?.dispose();
  });

  const say = (content: string) => ({ role: 'user', content });
  const redisHealth = async () => (await memos.json('GET', '/health/detailed')).body.components.redis as { status: string; detail: string };

  it('keeps sessions and caches on the cluster: promotes a session overflow, caches a search, clears a namespace', async () => {
    expect((await memos.json('GET', '/')).body).toMatchObject({ cache: 'redis', sessions: 'redis' });
    expect((await redisHealth()).status).toBe('healthy');

    await memos.json('PUT', '/api/v1/sessions/chat-1', { namespace: 'team-a', messages: [say('m1'), say('m2')] });
    const appended = await memos.json('POST', '/api/v1/sessions/chat-1/messages', { namespace: 'team-a', messages: [say('m3'), say('m4'), say('m5')] });
    expect(appended.status).toBe(200);
    expect(appended.body.messages.map((m: { content: string }) => m.content)).toEqual(['m3', 'm4', 'm5']);
    expect(appended.body.promotedEpisodeIds).toHaveLength(2);
    const timeline = await memos.json('GET', '/api/v1/episodes?namespace=team-a&sessionId=chat-1');
    expect(timeline.body.items.map((e: { content: string }) => e.content)).toEqual(['m1', 'm2']);

    const search = { namespace: 'team-a', query: 'm1' };
    const first = await memos.json('POST', '/api/v1/search', search);
    expect([first.status, first.body.cached, first.body.hits[0].item.content]).toEqual([200, false, 'm1']);
    expect(await memos.json('POST', '/api/v1/search', search)).toMatchObject({ status: 200, body: { ...first.body, cached: true } });
    const stats = await memos.json('GET', '/api/v1/cache/stats?namespace=team-a');
    expect(stats.body.backend).toBe('redis');
    expect(stats.body.caches.responses.hits).toBeGreaterThanOrEqual(1);
    expect(stats.body.caches.responses.entries).toBeGreaterThan(0);
    expect(stats.body.caches.embeddings.entries).toBeGreaterThan(0);

    const cleared = await memos.json('DELETE', '/api/v1/cache?namespace=team-a');
    expect(cleared.body.cleared).toBe(stats.body.caches.responses.entries + stats.body.caches.embeddings.entries);
    const after = await memos.json('GET', '/api/v1/cache/stats?namespace=team-a');
    expect([after.body.caches.responses.entries, after.body.caches.embeddings.entries]).toEqual([0, 0]);
  });

  it('degrades while the cluster is down (caches bypassed, sessions 503 with Retry-After) and recovers by itself', async () => {
    await cluster.kill();
    await until(async () => (await redisHealth()).status === 'degraded');
    expect((await memos.json('GET', '/health')).body.status).toBe('degraded');
    const session = await memos.json('GET', '/api/v1/sessions/chat-1?namespace=team-a');
    expect([session.status, session.body.code, session.headers['retry-after']]).toEqual([503, 'E_STORAGE_UNAVAILABLE', '2']);
    expect((await memos.json('POST', '/api/v1/search', { namespace: 'team-a', query: 'm3' })).status).toBe(200);

    await cluster.start();
    await until(async () => (await memos.json('GET', '/health')).body.status === 'healthy', 15_000);
    // Nothing persisted while it was down (no AOF): the session is gone, but writes work again.
    expect((await memos.json('POST', '/api/v1/sessions/chat-2/messages', { namespace: 'team-a', messages: [say('back')] })).status).toBe(201);
  });
});

const ownMissing = redisServerMissing();
const shared = await connectTestRedis();
const sharedMissing = 'reason' in shared ? shared.reason : '';
failWhenRequired('memOS with a cache Redis of its own', [ownMissing, sharedMissing].filter(Boolean).join('; '));

describe.skipIf(ownMissing !== '' || sharedMissing !== '')('memOS with a cache Redis of its own (redis.cacheUrl)', () => {
  let cacheRedis: OwnRedis;
  let cacheClient: Redis;
  let memos: TestMemos;
  const prefix = testPrefix();
  beforeAll(async () => {
    cacheRedis = await ownRedis();
    await cacheRedis.start();
    cacheClient = createRedisClient(cacheRedis.url, { retryStrategy: () => null });
    cacheClient.on('error', () => {}); // the server is killed below
    await cacheClient.connect();
    memos = await startTestMemos(
      { MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_CACHE_URL: cacheRedis.url, MEMOS_REDIS_KEY_PREFIX: prefix, MEMOS_SESSION_WINDOW: '3' },
      undefined,
      createHashProvider({ dimensions: 16 }),
    );
  });
  afterAll(async () => {
    await memos?.close();
    cacheClient?.disconnect();
    await cacheRedis?.dispose();
    if ('client' in shared) {
      await removeIssuedKeys(shared.client);
      shared.client.disconnect();
    }
  });

  const say = (content: string) => ({ role: 'user', content });
  const components = async () => (await memos.json('GET', '/health/detailed')).body.components as Record<string, { status: string; detail: string }>;

  it('keeps the caches on the cache server and the sessions on the other', async () => {
    expect((await components()).redis).toMatchObject({ status: 'healthy', detail: expect.stringMatching(/\(sessions\)/) });
    expect((await components()).redis_cache).toMatchObject({ status: 'healthy', detail: expect.stringMatching(/\(cache\)/) });
    expect((await memos.json('POST', '/api/v1/sessions/chat-1/messages', { namespace: 'own', messages: [say('hello there')] })).status).toBe(201);
    expect((await memos.json('POST', '/api/v1/search', { namespace: 'own', query: 'hello' })).body.cached).toBe(false);
    expect((await memos.json('POST', '/api/v1/search', { namespace: 'own', query: 'hello' })).body.cached).toBe(true);

    if (!('client' in shared)) throw new Error(sharedMissing);
    const onSessionServer = await keysUnder(shared.client, prefix);
    const onCacheServer = await keysUnder(cacheClient, prefix);
    expect(onSessionServer.some((key) => key.includes('memos-session:'))).toBe(true);
    expect(onSessionServer.filter((key) => key.startsWith(`${prefix}memos:`))).toEqual([]);
    expect(onCacheServer.some((key) => key.startsWith(`${prefix}memos:own:responses:`))).toBe(true);
    expect(onCacheServer.filter((key) => key.includes('memos-session'))).toEqual([]);
  });

  it('keeps sessions working while the cache server is down, and recovers by itself', async () => {
    await cacheRedis.kill();
    await until(async () => (await components()).redis_cache?.status === 'degraded');
    expect((await components()).redis_cache!.detail).toMatch(/caches bypassed/);
    expect((await components()).redis!.status).toBe('healthy');
    expect((await memos.json('POST', '/api/v1/sessions/chat-1/messages', { namespace: 'own', messages: [say('still here')] })).status).toBe(200);
    expect((await memos.json('POST', '/api/v1/search', { namespace: 'own', query: 'still' })).status).toBe(200);

    await cacheRedis.start();
    await until(async () => (await memos.json('GET', '/health')).body.status === 'healthy', 15_000);
    expect((await memos.json('POST', '/api/v1/search', { namespace: 'own', query: 'here' })).body.cached).toBe(false);
  });
});
