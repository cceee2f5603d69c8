import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config/load.js';
import type { Clock } from '../../src/core/clock.js';
import type { EmbeddingProvider } from '../../src/core/ports.js';
import { createMemos, type Memos } from '../../src/main.js';
import { createLogger } from '../../src/observability/logger.js';
import { dropSchema, freshSchema, POSTGRES_URL } from '../../src/storage/postgres/test-databases.js';
import { connectTestRedis, removeKeys, TEST_REDIS_URL, testPrefix } from '../../src/storage/redis/test-redis.js';

export interface TestMemos extends Memos {
  dataDir: string;
  request(options: InjectOptions): Promise<LightMyRequestResponse>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies loosely
  json(method: InjectOptions['method'], url: string, body?: unknown): Promise<{ status: number; body: any; headers: LightMyRequestResponse['headers'] }>;
}

/**
 * The backend the HTTP tests run on: `embedded` (SQLite and in-process caches), or `server`
 * (PostgreSQL and Redis), which the `server` test project selects with MEMOS_TEST_BACKEND.
 */
export const testBackend: 'embedded' | 'server' = process.env.MEMOS_TEST_BACKEND === 'server' ? 'server' : 'embedded';

/** What `GET /` and `/health/detailed` report as backends under the test backend. */
export const testBackends =
  testBackend === 'server' ? { storage: 'postgres', cache: 'redis', sessions: 'redis' } : { storage: 'sqlite', cache: 'in-process', sessions: 'sqlite' };

/**
 * A real memOS on a fresh data folder, served through `inject()` with no port. Under the server
 * backend it also gets a PostgreSQL schema and a Redis key prefix of its own, removed on close;
 * a test that sets its own MEMOS_DATABASE_URL or MEMOS_REDIS_URL keeps them.
 * Embeddings are off unless the test sets MEMOS_EMBEDDER or passes a provider.
 */
export async function startTestMemos(
  env: Record<string, string> = {},
  clock?: Clock,
  embeddingProvider?: EmbeddingProvider,
  /** Where JSON logs go (at MEMOS_LOG_LEVEL, default trace); none are written without it. */
  logs?: NodeJS.WritableStream,
): Promise<TestMemos> {
  const dataDir = mkdtempSync(join(tmpdir(), 'memos-test-'));
  const server = testBackend === 'server' ? serverBackendFor(env) : undefined;
  const config = loadConfig({
    env: {
      MEMOS_DATA_DIR: dataDir,
      MEMOS_LOG_LEVEL: logs ? 'trace' : 'silent',
      MEMOS_SQLITE_SYNCHRONOUS: 'normal',
      MEMOS_EMBEDDER: embeddingProvider ? 'model2vec' : 'none',
      MEMOS_AUTO_BACKFILL: 'false',
      ...server?.env,
      ...env,
    },
    cwd: dataDir,
  });
  const memos = await createMemos(config, {
    logger: createLogger(config, logs),
    ...(clock === undefined ? {} : { clock }),
    ...(embeddingProvider === undefined ? {} : { embeddingProvider }),
  });
  await memos.embeddings.settled;
  const request = (options: InjectOptions) => memos.app.inject(options);
  return {
    ...memos,
    dataDir,
    request,
    async json(method, url, body) {
      const response = await request({ method, url, ...(body === undefined ? {} : { payload: body as object }) });
      return { status: response.statusCode, body: response.body === '' ? undefined : response.json(), headers: response.headers };
    },
    async close() {
      await memos.close();
      await server?.remove();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The settings a memOS started another way (e.g. as a child process) needs for the test backend:
 * none when embedded; else a schema and a key prefix of its own, which `remove()` drops.
 */
export function testBackendEnv(): { env: Record<string, string>; remove(): Promise<void> } {
  return testBackend === 'server' ? serverBackendFor({}) : { env: {}, remove: async () => undefined };
}

/** A schema and a key prefix on the local PostgreSQL and Redis (DESIGN §8) for one test memOS, unless `env` names its own. */
function serverBackendFor(env: Record<string, string>): { env: Record<string, string>; remove(): Promise<void> } {
  const ownDatabase = env.MEMOS_DATABASE_URL === undefined;
  const ownRedis = env.MEMOS_REDIS_URL === undefined;
  const schema = freshSchema();
  const prefix = testPrefix();
  return {
    env: {
      ...(ownDatabase ? { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_DATABASE_POOL_SIZE: '4' } : {}),
      ...(ownRedis ? { MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: prefix } : {}),
    },
    async remove() {
      if (ownDatabase) await dropSchema(schema);
      if (!ownRedis) return;
      const redis = await connectTestRedis();
      if ('client' in redis) {
        await removeKeys(redis.client, prefix);
        redis.client.disconnect();
      }
    },
  };
}
