// Server mode's services for the benchmarks: the local PostgreSQL and Redis (BENCH_POSTGRES_URL and
// BENCH_REDIS_URL, else the local defaults), and the clean-up of what a run left in them.

import pg from 'pg';
import { createRedisClient } from '../src/storage/redis/redis-client.js';

export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function withPostgres<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await withPostgres((client) => client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`));
}

/** Runs `use` on a fresh Redis connection that fails fast instead of retrying. */
export async function withRedis<T>(use: (client: ReturnType<typeof createRedisClient>) => Promise<T>): Promise<T> {
  const client = createRedisClient(REDIS_URL, { retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** Removes every key under `prefix` (SCAN, never KEYS): sessions and caches of the run. */
export async function removeRedisKeys(prefix: string): Promise<void> {
  await withRedis(async (client) => {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await client.unlink(...keys);
    } while (cursor !== '0');
  });
}
