// Test support: the local Redis of DESIGN §8, one shared client per test file and a key prefix per
// test, whose keys are removed afterwards so that runs never collide.
import { randomBytes } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { createRedisClient } from './redis-client.js';
import { createRedisClusterClient, isCluster, mastersOf, type RedisClient } from './redis-cluster.js';

export const TEST_REDIS_URL = process.env.MEMOS_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const servicesRequired = process.env.MEMOS_REQUIRE_SERVICES === '1';

/** A connected client, or the reason there is none. */
export async function connectTestRedis(): Promise<{ client: Redis } | { reason: string }> {
  const client = createRedisClient(TEST_REDIS_URL, { retryStrategy: () => null });
  client.on('error', () => {}); // the failed connect below reports it
  try {
    await client.connect();
    await client.ping();
    return { client };
  } catch (error) {
    client.disconnect();
    return { reason: `Redis is unreachable at ${TEST_REDIS_URL} (${(error as Error).message})` };
  }
}

/** A connected client of the cluster whose nodes `url` lists, comma-separated. */
export async function connectTestCluster(url: string): Promise<Cluster> {
  const client = createRedisClusterClient(url.split(','));
  await client.connect();
  return client;
}

const issued: string[] = [];

/** A prefix no other test or run uses. */
export function testPrefix(): string {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  issued.push(prefix);
  return prefix;
}

/** Removes the keys of every prefix issued in this file, including those of tests that failed before cleaning up. */
export async function removeIssuedKeys(client: RedisClient): Promise<void> {
  for (const prefix of issued.splice(0)) await removeKeys(client, prefix);
}

/** Removes every key under `prefix` (SCAN, never KEYS), on every master of a cluster. */
export async function removeKeys(client: RedisClient, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix);
  // A cluster's UNLINK takes keys of one slot only.
  if (isCluster(client)) await Promise.all(keys.map((key) => client.unlink(key)));
  else for (let at = 0; at < keys.length; at += 1000) await client.unlink(...keys.slice(at, at + 1000));
}

/** All keys under `prefix`, on every master of a cluster. */
export async function keysUnder(client: RedisClient, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for (const node of mastersOf(client)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return [...new Set(found)].sort();
}

/** With MEMOS_REQUIRE_SERVICES=1, an unreachable Redis is a failing test rather than a skipped suite. */
export function failWhenRequired(suite: string, reason: string): void {
  describe.runIf(servicesRequired && reason !== '')(`${suite} (server required)`, () => {
    it('reaches Redis', () => {
      throw new Error(`MEMOS_REQUIRE_SERVICES=1 but ${reason}`);
    });
  });
}
