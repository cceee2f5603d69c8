// Test support: the local Redis of DESIGN §8, one shared client per test file and a key prefix per
// test, whose keys are removed afterwards so that runs never collide.
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { describe, it } from 'vitest';
import { createRedisClient } from './redis-client.js';

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

const issued: string[] = [];

/** A prefix no other test or run uses. */
export function testPrefix(): string {
  const prefix = `test:${randomBytes(6).toString('hex')}:`;
  issued.push(prefix);
  return prefix;
}

/** Removes the keys of every prefix issued in this file, including those of tests that failed before cleaning up. */
export async function removeIssuedKeys(client: Redis): Promise<void> {
  for (const prefix of issued.splice(0)) await removeKeys(client, prefix);
}

/** Removes every key under `prefix` (SCAN, never KEYS). */
export async function removeKeys(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await client.unlink(...keys);
  } while (cursor !== '0');
}

/** All keys under `prefix`. */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
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
