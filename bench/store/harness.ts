// Starts a real memOS on a fresh data folder (embedded mode) or on a fresh Postgres schema and Redis
// key prefix (server mode) and drives it: batch ingest and keyword search, each either through the
// HTTP API on a listening socket or straight through the services.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/load.js';
import { keywordTerms } from '../../src/core/text.js';
import type { UpsertAction } from '../../src/core/types.js';
import { createMemos, type Memos } from '../../src/main.js';
import { redactUrl } from '../../src/storage/redact-url.js';
import { matchExpression } from '../../src/storage/sqlite/filter-sql.js';
import type { BenchQuery, CorpusMemory } from './corpus.js';
import { RATE_LIMIT_OFF } from '../rate-limit-off.js';
import { dropSchema, POSTGRES_URL, REDIS_URL, removeRedisKeys, withPostgres, withRedis } from '../services.js';

export const NAMESPACE = 'bench';
/**
 * BENCH_NAMESPACES=N spreads the corpus over N namespaces, batch by batch, and searches the first:
 * keyword search then takes its per-scope statistics path, as a multi-tenant server does.
 */
export const NAMESPACES = Math.max(1, Number(process.env.BENCH_NAMESPACES) || 1);
const namespaceOf = (batchStart: number, batchSize: number) => (NAMESPACES === 1 ? NAMESPACE : `${NAMESPACE}-${Math.floor(batchStart / batchSize) % NAMESPACES}`);
const SEARCHED = NAMESPACES === 1 ? NAMESPACE : `${NAMESPACE}-0`;
export type Synchronous = 'full' | 'normal';
export type Path = 'http' | 'direct';
/**
 * embedded: SQLite in a data folder, in-process caches; server: PostgreSQL and Redis, with
 * row-level security (the default); server-no-rls: the same with MEMOS_DATABASE_ROW_SECURITY=false.
 */
export type Mode = 'embedded' | 'server' | 'server-no-rls';
export const isServerMode = (mode: Mode) => mode !== 'embedded';

/** Server mode's services (see bench/services.ts), re-exported for the store benchmark's report. */
export { POSTGRES_URL, REDIS_URL };

export interface Server {
  mode: Mode;
  memos: Memos;
  dir: string;
  baseUrl: string;
  /** The SQLite file (embedded mode only). */
  dbPath: string;
  /** Server mode: the Postgres schema and Redis key prefix this run owns. */
  schema?: string;
  keyPrefix?: string;
  close(): Promise<void>;
}

/** memOS in-process on 127.0.0.1 (ephemeral port) over a new folder in the OS temp dir. */
/**
 * BENCH_VECTORS=1 embeds every write with the Model2Vec model (MEMOS_MODEL2VEC_PATH, else the shared
 * potion-base-4M-int8) and checks near-duplicates, as memOS does by default; otherwise embeddings are off.
 */
export const VECTORS = process.env.BENCH_VECTORS === '1';
const MODEL_PATH = process.env.MEMOS_MODEL2VEC_PATH ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'models', 'potion-base-4M-int8');

export async function startServer(synchronous: Synchronous, batchItems: number): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-'));
  const config = loadConfig({
    env: {
      MEMOS_DATA_DIR: dir,
      MEMOS_LOG_LEVEL: 'silent',
      ...RATE_LIMIT_OFF,
      MEMOS_SQLITE_SYNCHRONOUS: synchronous,
      MEMOS_MAX_BATCH_ITEMS: String(batchItems),
      MEMOS_AUTO_BACKFILL: 'false',
      ...(VECTORS ? { MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH } : { MEMOS_EMBEDDER: 'none' }),
    },
    cwd: dir,
  });
  const memos = await createMemos(config);
  return listening(memos, 'embedded', dir, async () => rmSync(dir, { recursive: true, force: true }));
}

/**
 * memOS in server mode: PostgreSQL in a fresh random schema and Redis under a fresh random key
 * prefix. Closing (also after a failed start) drops the schema and removes the prefix's keys.
 * `rowSecurity` false starts it with MEMOS_DATABASE_ROW_SECURITY=false (mode `server-no-rls`).
 */
export async function startServerMode(batchItems: number, rowSecurity = true): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-server-'));
  const suffix = randomBytes(6).toString('hex');
  const schema = `memos_bench_${suffix}`;
  const keyPrefix = `memos-bench:${suffix}:`;
  const cleanup = async () => {
    const failures: unknown[] = [];
    await dropSchema(schema).catch((error: unknown) => failures.push(error));
    await removeRedisKeys(keyPrefix).catch((error: unknown) => failures.push(error));
    rmSync(dir, { recursive: true, force: true });
    if (failures.length > 0) throw new AggregateError(failures, `bench cleanup of schema ${schema} / key prefix ${keyPrefix} failed`);
  };
  let memos: Memos | undefined;
  try {
    // memOS starts with Redis down (caches bypassed), which would measure something else: fail first.
    await withRedis((client) => client.ping()).catch((error: unknown) => {
      throw new Error(`server mode: Redis is unreachable at ${redactUrl(REDIS_URL)}`, { cause: error });
    });
    const config = loadConfig({
      env: {
        MEMOS_DATA_DIR: dir,
        MEMOS_LOG_LEVEL: 'silent',
        ...RATE_LIMIT_OFF,
        MEMOS_DATABASE_URL: POSTGRES_URL,
        MEMOS_DATABASE_SCHEMA: schema,
        MEMOS_REDIS_URL: REDIS_URL,
        MEMOS_REDIS_KEY_PREFIX: keyPrefix,
        MEMOS_MAX_BATCH_ITEMS: String(batchItems),
        MEMOS_AUTO_BACKFILL: 'false',
        MEMOS_DATABASE_ROW_SECURITY: String(rowSecurity),
        ...(VECTORS ? { MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH } : { MEMOS_EMBEDDER: 'none' }),
      },
      cwd: dir,
    });
    memos = await createMemos(config);
    if (memos.cache.backend !== 'redis') throw new Error(`server mode: expected the Redis cache, got ${memos.cache.backend}`);
    const server = await listening(memos, rowSecurity ? 'server' : 'server-no-rls', dir, cleanup);
    return { ...server, schema, keyPrefix };
  } catch (error) {
    await memos?.close().catch(() => undefined);
    await cleanup().catch(() => undefined);
    throw error;
  }
}

async function listening(memos: Memos, mode: Mode, dir: string, cleanup: () => Promise<void>): Promise<Server> {
  try {
    await memos.embeddings.settled;
    if (VECTORS && memos.embeddings.status().state !== 'ready') throw new Error(`BENCH_VECTORS=1 but the embedder is not ready: ${memos.embeddings.status().detail}`);
    await memos.app.listen({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await memos.close().catch(() => undefined);
    await cleanup().catch(() => undefined);
    throw error;
  }
  const { port } = memos.app.server.address() as AddressInfo;
  return {
    mode,
    memos,
    dir,
    baseUrl: `http://127.0.0.1:${port}`,
    dbPath: join(dir, 'memos.db'),
    async close() {
      try {
        await memos.close();
      } finally {
        await cleanup();
      }
    },
  };
}

/**
 * Server mode: VACUUM (ANALYZE) the run's tables after a bulk load, standing in for autovacuum,
 * which a production PostgreSQL runs within a minute of a load this size (and which the local
 * test server has off). Without statistics the planner takes a namespace for a few rows and scans
 * instead of using the GIN index, and the GIN pending list stays unflushed. Returns whether it ran.
 */
export async function settleStatistics(server: Server): Promise<boolean> {
  if (!isServerMode(server.mode)) return false;
  await withPostgres((client) => client.query(`VACUUM (ANALYZE) "${server.schema}".memories, "${server.schema}".episodes`));
  return true;
}

/**
 * Bytes of the store: the SQLite database, its WAL and shared-memory files (embedded), or the
 * tables of the run's schema with their indexes and TOAST (server).
 */
export async function databaseBytes(server: Server): Promise<number> {
  if (isServerMode(server.mode)) {
    return withPostgres(async (client) => {
      const result = await client.query<{ bytes: string | null }>(
        `SELECT sum(pg_total_relation_size(c.oid))::text AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
        [server.schema],
      );
      return Number(result.rows[0]?.bytes ?? 0);
    });
  }
  return ['', '-wal', '-shm']
    .map((suffix) => server.dbPath + suffix)
    .filter((path) => existsSync(path))
    .reduce((sum, path) => sum + statSync(path).size, 0);
}

export interface IngestRun {
  records: number;
  /** Wall time of each batch, request start to parsed response (HTTP) or to the resolved promise (direct). */
  batchMs: number[];
  wallMs: number;
  actions: Record<UpsertAction, number>;
  /** True when the time budget ran out before `to` was reached. */
  stoppedEarly: boolean;
}

async function postJson<T>(server: Server, path: string, body: string, expected: number[]): Promise<T> {
  const response = await fetch(server.baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (!expected.includes(response.status)) throw new Error(`POST ${path}: HTTP ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

/**
 * Writes corpus[from, to) in batches of `batchSize`, one batch at a time, along `path`.
 * Stops after the batch that takes the run past `budgetMs`, so a slow store cannot stall the benchmark.
 */
export async function ingest(
  server: Server,
  path: Path,
  corpus: readonly CorpusMemory[],
  range: { from: number; to: number; batchSize: number; budgetMs: number },
): Promise<IngestRun> {
  const { from, to, batchSize, budgetMs } = range;
  const run: IngestRun = { records: 0, batchMs: [], wallMs: 0, actions: { created: 0, merged: 0, unchanged: 0 }, stoppedEarly: false };
  const wallStart = performance.now();
  for (let start = from; start < to; start += batchSize) {
    if (performance.now() - wallStart > budgetMs) {
      run.stoppedEarly = true;
      break;
    }
    const batch = corpus.slice(start, Math.min(start + batchSize, to));
    let actions: UpsertAction[];
    let ms: number;
    if (path === 'http') {
      // Serialising the request is client work, so it stays outside the timed span; reading the reply is inside.
      const body = JSON.stringify({ namespace: namespaceOf(start, batchSize), memories: batch });
      const begin = performance.now();
      const reply = await postJson<{ results: { action: UpsertAction }[] }>(server, '/api/v1/memories', body, [200, 201]);
      ms = performance.now() - begin;
      actions = reply.results.map((result) => result.action);
    } else {
      const begin = performance.now();
      const outcomes = await server.memos.services.memories.upsert(namespaceOf(start, batchSize), batch.map((item) => ({ ...item })));
      ms = performance.now() - begin;
      actions = outcomes.map((outcome) => outcome.action);
    }
    run.batchMs.push(ms);
    run.records += batch.length;
    for (const action of actions) run.actions[action] += 1;
  }
  run.wallMs = performance.now() - wallStart;
  return run;
}

export interface QuerySample {
  query: BenchQuery;
  ms: number;
  hits: number;
}

/** Runs `warmup` untimed queries, then every query once, sequentially; one sample per query. */
export async function search(server: Server, path: Path, queries: readonly BenchQuery[], warmup: number): Promise<QuerySample[]> {
  const once = async (query: BenchQuery): Promise<number> => {
    if (path === 'http') {
      const body = JSON.stringify({ namespace: SEARCHED, mode: 'keyword', query: query.text, limit: 10 });
      const reply = await postJson<{ hits: unknown[] }>(server, '/api/v1/search', body, [200]);
      return reply.hits.length;
    }
    const result = await server.memos.services.search.search({
      namespace: SEARCHED,
      query: query.text,
      types: ['memories', 'episodes'],
      limit: 10,
      mode: 'keyword',
      filters: {},
    });
    return result.hits.length;
  };
  for (let i = 0; i < warmup; i++) await once(queries[i % queries.length] as BenchQuery);
  // Measure searches, not the response cache: drop what the warm-up (or another series) cached.
  await server.memos.cache.clear({ cache: 'responses' });
  const left = await server.memos.cache.usage({ cache: 'responses' });
  if (left.entries > 0) throw new Error(`${server.mode}: ${left.entries} response-cache entries survived the clear`);
  const samples: QuerySample[] = [];
  for (const query of queries) {
    const begin = performance.now();
    const hits = await once(query);
    samples.push({ query, ms: performance.now() - begin, hits });
  }
  return samples;
}

/** How many memories each query's terms match in the FTS index (read-only side connection; embedded mode). */
export function matchCounts(server: Server, texts: readonly string[]): Map<string, number> {
  const db = new Database(server.dbPath, { readonly: true });
  try {
    const count = db.prepare<[string], number>('SELECT count(*) FROM memories_fts WHERE memories_fts MATCH ?').pluck();
    const counts = new Map<string, number>();
    for (const text of texts) {
      const match = matchExpression(keywordTerms(text));
      counts.set(text, match === null ? 0 : (count.get(match) ?? 0));
    }
    return counts;
  } finally {
    db.close();
  }
}
