// Rate limits per API key: 429 with Retry-After and the RateLimit headers once a burst is spent,
// per-key limits, one limit across replicas that share a Redis, and serving on while Redis is down.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/free-port.js';
import { logSink } from '../../test/support/log-sink.js';
import { ownRedis, redisServerMissing, type OwnRedis } from '../../test/support/redis-server.js';
import { startTestMemos, testBackend, type TestMemos } from '../../test/support/test-memos.js';
import { until } from '../../test/support/until.js';
import type { Principal } from '../auth/principal.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../observability/logger.js';
import { POSTGRES_URL } from '../storage/postgres/test-databases.js';
import { connectTestRedis, failWhenRequired, keysUnder, removeIssuedKeys, TEST_REDIS_URL, testPrefix } from '../storage/redis/test-redis.js';
import { sendProblem, toMemosError } from './problem.js';
import { installRateLimits, windowOf } from './rate-limits.js';

const redis = await connectTestRedis();
const redisReason = 'reason' in redis ? redis.reason : '';
failWhenRequired('rate limits shared through Redis', redisReason);
afterAll(async () => {
  if ('client' in redis) {
    await removeIssuedKeys(redis.client);
    redis.client.disconnect();
  }
});

/** What a limited answer says about its limit. */
const limitHeaders = (headers: Record<string, unknown>) => ({
  limit: headers['ratelimit-limit'],
  remaining: headers['ratelimit-remaining'],
  reset: headers['ratelimit-reset'],
});

describe('windowOf: requests per second and burst in the terms of @fastify/rate-limit', () => {
  it('counts the burst in a window of burst / perSecond seconds', () => {
    expect(windowOf({ perSecond: 10, burst: 50 })).toEqual({ max: 50, timeWindowMs: 5000 });
    expect(windowOf({ perSecond: 100, burst: 1000 })).toEqual({ max: 1000, timeWindowMs: 10_000 });
    expect(windowOf({ perSecond: 0.5, burst: 1 })).toEqual({ max: 1, timeWindowMs: 2000 });
    expect(windowOf({ perSecond: 5000, burst: 1 })).toEqual({ max: 1, timeWindowMs: 1 });
  });

  it('is off at 0 requests per second', () => {
    expect(windowOf({ perSecond: 0, burst: 10 })).toBeUndefined();
  });
});

describe('over the limit', () => {
  let memos: TestMemos;
  beforeAll(async () => {
    memos = await startTestMemos({ MEMOS_RATE_LIMIT_PER_SECOND: '0.1', MEMOS_RATE_LIMIT_BURST: '3' });
  });
  afterAll(async () => memos?.close());

  it('answers 429 problem+json with Retry-After and the RateLimit headers once the burst is spent, and leaves the health probes alone', async () => {
    for (const remaining of ['2', '1', '0']) {
      const response = await memos.request({ method: 'GET', url: '/api/v1/memories' });
      expect(response.statusCode).toBe(200);
      expect(limitHeaders(response.headers)).toMatchObject({ limit: '3', remaining });
      expect(Number(response.headers['ratelimit-reset'])).toBeGreaterThan(0);
      expect(Number(response.headers['ratelimit-reset'])).toBeLessThanOrEqual(30);
    }
    const refused = await memos.request({ method: 'POST', url: '/api/v1/memories', payload: { namespace: 'limited', memories: [{ content: 'one too many' }] } });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'E_RATE_LIMITED', title: 'Too many requests', instance: '/api/v1/memories' });
    expect(refused.json().detail).toMatch(/^rate limit exceeded: this client address may make 3 requests per 30 s; retry after \d+ s$/);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(30);
    expect(limitHeaders(refused.headers)).toEqual({ limit: '3', remaining: '0', reset: String(retryAfter) });
    expect(refused.headers['x-request-id']).toBe(refused.json().requestId);
    // Refused before its body was read: nothing was written.
    expect((await memos.services.memories.list({ filter: { namespace: 'limited' }, limit: 10, order: 'asc' })).items).toEqual([]);

    for (const url of ['/health/live', '/health/ready']) {
      const probe = await memos.request({ method: 'GET', url });
      expect(probe.statusCode, url).toBe(200);
      expect(probe.headers['ratelimit-limit'], url).toBeUndefined();
    }
    expect((await memos.request({ method: 'GET', url: '/health' })).statusCode).toBe(429);
  });
});

describe('rate limits off', () => {
  it('sends no RateLimit headers and refuses nothing with MEMOS_RATE_LIMIT_PER_SECOND=0', async () => {
    const memos = await startTestMemos({ MEMOS_RATE_LIMIT_PER_SECOND: '0', MEMOS_RATE_LIMIT_BURST: '1' });
    try {
      for (let i = 0; i < 5; i += 1) {
        const response = await memos.request({ method: 'GET', url: '/api/v1/memories' });
        expect(response.statusCode).toBe(200);
        expect(response.headers['ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await memos.close();
    }
  });
});

/**
 * An app with the rate limits and, in place of the access hook, one that takes the principal from
 * test headers; it is added after the limits, to show that they run after it all the same.
 */
async function appWithPrincipals(env: Record<string, string>): Promise<FastifyInstance> {
  const config = loadConfig({ env: { MEMOS_LOG_LEVEL: 'silent', ...env } });
  const app = Fastify();
  await installRateLimits(app, { config, logger: createLogger(config) });
  app.addHook('onRequest', async (request) => {
    const keyId = request.headers['x-test-key'];
    const limit = request.headers['x-test-limit'];
    const principal: Principal | undefined =
      typeof keyId === 'string' ? { keyId, role: 'read', namespaces: ['*'] } : undefined;
    if (principal && typeof limit === 'string') {
      const [perSecond, burst] = limit.split('/').map(Number);
      principal.rateLimit = { perSecond: perSecond!, burst: burst! };
    }
    request.principal = principal;
  });
  app.setErrorHandler((error, _request, reply) => sendProblem(reply, toMemosError(error)));
  app.get('/things', async () => ({ ok: true }));
  app.get('/health/live', async () => ({ status: 'ok' }));
  await app.ready();
  return app;
}

/** Server mode counts in Redis, under a prefix of the test's own. */
const backendEnv = (): Record<string, string> => (testBackend === 'server' ? { MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: testPrefix() } : {});

describe.skipIf(testBackend === 'server' && redisReason !== '')('whom a request counts against', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await appWithPrincipals({ MEMOS_RATE_LIMIT_PER_SECOND: '0.1', MEMOS_RATE_LIMIT_BURST: '2', ...backendEnv() });
  });
  afterAll(async () => app?.close());

  const get = (headers: Record<string, string> = {}, url = '/things') => app.inject({ method: 'GET', url, headers });
  const statuses = async (count: number, headers: Record<string, string> = {}) => {
    const seen: number[] = [];
    for (let i = 0; i < count; i += 1) seen.push((await get(headers)).statusCode);
    return seen;
  };

  it('gives a key with a limit of its own that limit, each key its own counter, and keys without one the default', async () => {
    const own = { 'x-test-key': 'k-own', 'x-test-limit': '1/5' };
    expect(limitHeaders((await get(own)).headers)).toMatchObject({ limit: '5', remaining: '4', reset: '5' });
    expect(await statuses(5, own)).toEqual([200, 200, 200, 200, 429]);
    const refused = await get(own);
    expect(refused.json().detail).toMatch(/^rate limit exceeded: this API key may make 5 requests per 5 s/);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(5);

    expect(await statuses(3, { 'x-test-key': 'k-default' })).toEqual([200, 200, 429]);
    expect(await statuses(3, { 'x-test-key': 'k-other' })).toEqual([200, 200, 429]);
  });

  it('leaves a key whose own limit is 0 per second unlimited', async () => {
    const unlimited = { 'x-test-key': 'k-unlimited', 'x-test-limit': '0/1' };
    expect(await statuses(6, unlimited)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await get(unlimited)).headers['ratelimit-limit']).toBeUndefined();
  });

  it('counts requests without a key, and those of the principal of a server without authentication, by client address', async () => {
    expect(await statuses(2)).toEqual([200, 200]);
    expect(await statuses(1, { 'x-test-key': 'local' })).toEqual([429]);
    const refused = await get();
    expect(refused.statusCode).toBe(429);
    expect(refused.json().detail).toMatch(/^rate limit exceeded: this client address may make 2 requests per 20 s/);
    // Another address has a counter of its own.
    expect((await app.inject({ method: 'GET', url: '/things', remoteAddress: '10.1.2.3' })).statusCode).toBe(200);
    // A key's counter is not the address's.
    expect((await get({ 'x-test-key': 'k-fresh' })).statusCode).toBe(200);
    expect((await get({}, '/health/live')).statusCode).toBe(200);
  });
});

describe.skipIf(redisReason !== '')('rate limiting across two replicas', () => {
  let first: TestMemos;
  let second: TestMemos;
  const limits = { MEMOS_RATE_LIMIT_PER_SECOND: '0.1', MEMOS_RATE_LIMIT_BURST: '4' };
  beforeAll(async () => {
    // In server mode the replicas share the PostgreSQL schema and the Redis prefix the first one made;
    // embedded, each has its own SQLite but they share one Redis under one prefix.
    const shared: Record<string, string> = testBackend === 'server' ? {} : { MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: testPrefix() };
    first = await startTestMemos({ ...limits, ...shared });
    second = await startTestMemos({
      ...limits,
      MEMOS_REDIS_URL: first.config.redis.url!,
      MEMOS_REDIS_KEY_PREFIX: first.config.redis.keyPrefix,
      ...(first.config.storage.driver === 'postgres' ? { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: first.config.storage.schema } : {}),
    });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('counts the requests of both replicas against one limit', async () => {
    const seen: string[] = [];
    for (const memos of [first, second, first, second, first, second]) {
      const response = await memos.request({ method: 'GET', url: '/api/v1/memories' });
      seen.push(`${response.statusCode}/${String(response.headers['ratelimit-remaining'])}`);
    }
    expect(seen).toEqual(['200/3', '200/2', '200/1', '200/0', '429/0', '429/0']);
    if ('client' in redis) expect(await keysUnder(redis.client, `${first.config.redis.keyPrefix}ratelimit:`)).toEqual([`${first.config.redis.keyPrefix}ratelimit:ip:127.0.0.1`]);
  });
});

describe('while Redis is down', () => {
  it('serves requests, counting them per replica, and logs one warning rather than one per request', async () => {
    const logs = logSink();
    const port = await freePort(); // nothing listens there
    const memos = await startTestMemos(
      { MEMOS_REDIS_URL: `redis://127.0.0.1:${port}`, MEMOS_RATE_LIMIT_PER_SECOND: '0.1', MEMOS_RATE_LIMIT_BURST: '3', MEMOS_LOG_LEVEL: 'warn' },
      undefined,
      undefined,
      logs.stream,
    );
    try {
      const seen: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const response = await memos.request({ method: 'GET', url: '/api/v1/memories' });
        seen.push(`${response.statusCode}/${String(response.headers['ratelimit-remaining'])}`);
      }
      expect(seen).toEqual(['200/2', '200/1', '200/0', '429/0', '429/0']);
      const warnings = logs.lines.filter((line) => line.msg === 'redis unavailable: rate limits are counted per replica until it returns');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatchObject({ level: 40, backend: 'redis' });
    } finally {
      await memos.close();
    }
  });

  describe.skipIf(redisServerMissing() !== '')('and when it returns', () => {
    let own: OwnRedis;
    beforeAll(async () => {
      own = await ownRedis();
      await own.start();
    });
    afterAll(async () => own?.dispose());

    it('counts in Redis again, and says so', async () => {
      const logs = logSink();
      const memos = await startTestMemos(
        { MEMOS_REDIS_URL: own.url, MEMOS_RATE_LIMIT_PER_SECOND: '0.1', MEMOS_RATE_LIMIT_BURST: '100', MEMOS_LOG_LEVEL: 'info' },
        undefined,
        undefined,
        logs.stream,
      );
      const remaining = async () => {
        const response = await memos.request({ method: 'GET', url: '/api/v1/memories' });
        expect(response.statusCode).toBe(200);
        return Number(response.headers['ratelimit-remaining']);
      };
      try {
        expect([await remaining(), await remaining()]).toEqual([99, 98]);
        await own.kill();
        // Counted in this process from the first failure on, and served.
        expect([await remaining(), await remaining()]).toEqual([99, 98]);
        expect(logs.lines.filter((line) => line.msg === 'redis unavailable: rate limits are counted per replica until it returns')).toHaveLength(1);
        await own.start(); // empty: the server keeps no data
        await until(async () => (await remaining()) === 99, 10_000);
        expect(await remaining()).toBe(98);
        expect(logs.lines.some((line) => line.msg === 'rate limit counters are shared through redis again')).toBe(true);
      } finally {
        await memos.close();
      }
    });
  });
});
