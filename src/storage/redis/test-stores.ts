// Test support: the Redis adapters opened on a shared test client (one server or a cluster) under
// a fresh key prefix, each with a close() that also removes the prefix's keys.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { ownRedisCluster, type OwnRedisCluster } from '../../../test/support/redis-cluster.js';
import { manualClock } from '../../core/clock.js';
import { ulidGenerator } from '../../core/ids.js';
import type { EpisodeStore } from '../../core/ports.js';
import { createSqliteStorage } from '../sqlite/index.js';
import { createRedisCache, createRedisSessionStore, type RedisSessionStoreOptions } from './index.js';
import type { RedisClient } from './redis-cluster.js';
import { connectTestCluster, removeIssuedKeys, removeKeys, testPrefix } from './test-redis.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A Redis cache on `client` under a fresh prefix. */
export async function openTestCache(client: RedisClient) {
  const keyPrefix = testPrefix();
  const cache = createRedisCache({ client, keyPrefix });
  await cache.init();
  return {
    cache,
    keyPrefix,
    elapse: sleep, // Redis keeps its own time
    close: async () => {
      await cache.close();
      await removeKeys(client, keyPrefix);
    },
  };
}

/**
 * A session store on `client` under a fresh prefix, promoting into a fresh SQLite database in
 * `dir`; `wrap` lets a test put a faulty episode store in between.
 */
export async function openTestSessionStore(
  client: RedisClient,
  dir: string,
  options: { wrap?: (episodes: EpisodeStore) => EpisodeStore } & Partial<RedisSessionStoreOptions> = {},
) {
  const clock = manualClock();
  const storage = createSqliteStorage({ path: join(dir, `${randomBytes(6).toString('hex')}.db`), clock, ids: ulidGenerator(clock) });
  await storage.init();
  const keyPrefix = testPrefix();
  const { wrap, ...rest } = options;
  const store = createRedisSessionStore({
    client,
    keyPrefix,
    clock,
    ids: ulidGenerator(clock),
    ...rest,
    episodes: wrap ? wrap(storage.episodes) : storage.episodes,
  } as RedisSessionStoreOptions);
  await store.init();
  return {
    store,
    episodes: storage.episodes,
    clock,
    keyPrefix,
    close: async () => {
      await store.close();
      await storage.close();
      await removeKeys(client, keyPrefix);
    },
  };
}

/**
 * A three-node cluster of the enclosing describe's own, with a client to it: started before its
 * tests, and removed with its keys after them.
 */
export function sharedTestCluster(): { readonly cluster: OwnRedisCluster; readonly client: Cluster } {
  let cluster: OwnRedisCluster | undefined;
  let client: Cluster | undefined;
  beforeAll(async () => {
    cluster = await ownRedisCluster();
    client = await connectTestCluster(cluster.url);
  });
  afterAll(async () => {
    if (client) {
      await removeIssuedKeys(client);
      await client.quit();
    }
    await cluster?.dispose();
  });
  return {
    get cluster() {
      return cluster!;
    },
    get client() {
      return client!;
    },
  };
}
