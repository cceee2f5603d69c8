// Two memOS replicas share one PostgreSQL schema and one cache Redis. While the cache Redis is
// away, a write on one replica cannot bump its namespace's scope version; when the cache comes
// back (with what it held, as after a restart from its snapshot), the other replica must stop
// serving the answer it cached before the write as soon as the retried bump lands.
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchema, freshSchema, POSTGRES_URL, postgresReachable } from '../../src/storage/postgres/test-databases.js';
import { createRedisClient } from '../../src/storage/redis/redis-client.js';
import { connectTestRedis, removeIssuedKeys, TEST_REDIS_URL, testPrefix } from '../../src/storage/redis/test-redis.js';
import { ownRedis, redisServerMissing, type OwnRedis } from '../support/redis-server.js';
import { startTestMemos, type TestMemos } from '../support/test-memos.js';
import { until } from '../support/until.js';

const sessions = await connectTestRedis();
const missing = [redisServerMissing(), 'reason' in sessions ? sessions.reason : '', (await postgresReachable()) ? '' : `PostgreSQL is unreachable at ${POSTGRES_URL}`]
  .filter(Boolean)
  .join('; ');
if (missing !== '' && process.env.MEMOS_REQUIRE_SERVICES === '1') throw new Error(`MEMOS_REQUIRE_SERVICES=1 but ${missing}`);

const schema = freshSchema();
let cacheRedis: OwnRedis | undefined;
const replicas: TestMemos[] = [];
afterAll(async () => {
  for (const memos of replicas) await memos.close();
  await cacheRedis?.dispose();
  if ('client' in sessions) {
    await removeIssuedKeys(sessions.client);
    sessions.client.disconnect();
  }
  if (missing === '') await dropSchema(schema);
});

describe.skipIf(missing !== '')(`a cache Redis that goes away and comes back${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('stops another replica serving an answer from before a write once the write’s retried version bump lands', async () => {
    cacheRedis = await ownRedis();
    await cacheRedis.start();
    const env = {
      MEMOS_DATABASE_URL: POSTGRES_URL,
      MEMOS_DATABASE_SCHEMA: schema,
      MEMOS_DATABASE_POOL_SIZE: '2',
      MEMOS_REDIS_URL: TEST_REDIS_URL,
      MEMOS_REDIS_KEY_PREFIX: testPrefix(),
      MEMOS_REDIS_CACHE_URL: cacheRedis.url,
    };
    const writer = await startTestMemos(env);
    replicas.push(writer);
    const reader = await startTestMemos(env);
    replicas.push(reader);
    const search = async () => {
      const { status, body } = await reader.json('POST', '/api/v1/search', { query: 'trains', mode: 'keyword', types: ['memories'] });
      expect(status).toBe(200);
      return { cached: body.cached as boolean, contents: (body.hits as { item: { content: string } }[]).map((hit) => hit.item.content).sort() };
    };

    expect((await writer.json('POST', '/api/v1/memories', { memories: [{ content: 'The user likes trains' }] })).status).toBe(201);
    expect(await search()).toEqual({ cached: false, contents: ['The user likes trains'] });
    expect(await search()).toEqual({ cached: true, contents: ['The user likes trains'] });

    // The cache Redis goes away with what it holds on disk: the reader's answer and the version tokens.
    const admin = createRedisClient(cacheRedis.url);
    await admin.connect();
    await admin.save();
    admin.disconnect();
    await cacheRedis.kill('SIGKILL');

    // The write commits in PostgreSQL, but its version bump cannot reach the cache.
    expect((await writer.json('POST', '/api/v1/memories', { memories: [{ content: 'The user loves night trains' }] })).status).toBe(201);
    await cacheRedis.start();

    // Only the reader is asked from now on: nothing else on the writer would bump the version. Until
    // it has reconnected, the reader computes answers afresh; once it uses the cache again, it must
    // come to serve (and cache) the answer that holds the write.
    const seen: Array<{ cached: boolean; contents: string[] }> = [];
    const fresh = ['The user likes trains', 'The user loves night trains'];
    const startedAt = performance.now();
    await until(async () => {
      const answer = await search();
      seen.push(answer);
      return answer.cached && answer.contents.length === 2;
    }, 15_000);
    expect(seen.at(-1)).toEqual({ cached: true, contents: fresh });
    const stale = seen.filter((answer) => answer.contents.length === 1).length;
    console.info(
      `cache version faults: ${seen.length} reader answers after the cache Redis came back, ${stale} from before the write; ` +
        `cached and fresh after ${Math.round(performance.now() - startedAt)} ms`,
    );
  }, 40_000);
});
