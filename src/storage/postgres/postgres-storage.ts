import type { Clock } from '../../core/clock.js';
import { MemosError, isMemosError } from '../../core/errors.js';
import type { Storage, WorkingMemoryStore } from '../../core/ports.js';
import { redactUrl } from '../redact-url.js';
import { PgAuditStore } from './audit-store.js';
import { createPgClaims } from './embedding-claims.js';
import { PgKeyStore } from './key-store.js';
import { PgEpisodeStore } from './episode-store.js';
import { PgErasureStore } from './erasure-store.js';
import { PgInspectStore } from './inspect-store.js';
import { createPostgresDatabase } from './index.js';
import { PG_RETRY_AFTER_SECONDS } from './pg-errors.js';
import { PgRetentionStore } from './retention-store.js';
import { PgSemanticStore } from './semantic-store.js';
import { PgTransferStore } from './transfer-store.js';
import { PgVectorStore } from './vector-store.js';

/** What the driver logs: the exact-vector fallback, an unreachable server at start, and its return. */
export interface PostgresStorageLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface PostgresStorageOptions {
  /** `postgres://user:password@host:5432/db`. */
  url: string;
  /** Every table lives here; created at init. Default `memos`. */
  schema?: string;
  /** Pooled connections per process (default 10). */
  poolSize?: number;
  /** Row-level security between namespaces (default true; see row-security.ts). */
  rowSecurity?: boolean;
  clock: Clock;
  logger?: PostgresStorageLogger;
  /** How often init retries while the server cannot be reached (default `PG_RETRY_AFTER_SECONDS`). */
  retryMillis?: number;
}

/**
 * The server-mode storage driver: episodes, memories and their vectors in one Postgres schema over
 * one pool. Sessions live in Redis in server mode, so `sessions` refuses every call.
 *
 * `init()` never fails because the server is unreachable: it logs, and retries in the background
 * until the server answers and the migrations have run. Until then every call (and `ping`) fails
 * with a retryable E_STORAGE_UNAVAILABLE. Other failures (bad credentials, a failing migration)
 * abort `init()`.
 */
export function createPostgresStorage(options: PostgresStorageOptions): Storage {
  const { logger, clock } = options;
  const db = createPostgresDatabase({
    url: options.url,
    clock,
    ...(options.schema === undefined ? {} : { schema: options.schema }),
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    ...(options.rowSecurity === undefined ? {} : { rowSecurity: options.rowSecurity }),
    ...(logger ? { logger } : {}),
  });
  const retryMillis = options.retryMillis ?? PG_RETRY_AFTER_SECONDS * 1000;
  const where = { database: redactUrl(options.url), schema: db.schema };
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const openLater = () => {
    retry = setTimeout(() => {
      db.open().then(
        () => logger?.info({ ...where, vectorBackend: db.vectorBackend }, 'postgres is reachable: migrations applied, storage ready'),
        (error: unknown) => {
          if (!isMemosError(error) || error.code !== 'E_STORAGE_UNAVAILABLE') logger?.warn({ ...where, err: error }, 'postgres: opening failed');
          if (!closed) openLater();
        },
      );
    }, retryMillis);
    retry.unref();
  };

  const vectors = new PgVectorStore(db, clock);
  return {
    driver: 'postgres',
    storageWarnings: () => vectors.warnings(),
    episodes: new PgEpisodeStore(db),
    memories: new PgSemanticStore(db, clock),
    vectors,
    claims: createPgClaims(db, clock),
    keys: new PgKeyStore(db),
    audit: new PgAuditStore(db),
    erasure: new PgErasureStore(db),
    inspect: new PgInspectStore(db, clock),
    retention: new PgRetentionStore(db),
    transfer: new PgTransferStore(db),
    sessions: noSessions,
    get vectorBackend() {
      return db.isOpen ? db.vectorBackend : undefined;
    },
    async init() {
      closed = false;
      try {
        await db.open();
      } catch (error) {
        if (!isMemosError(error) || error.code !== 'E_STORAGE_UNAVAILABLE') throw error;
        logger?.warn({ ...where, reason: error.message }, 'postgres unreachable: not ready, retrying in the background');
        openLater();
      }
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await db.close();
    },
    ping: () => db.ping(),
    // Sessions live in Redis in server mode, so only the durable tiers are counted here. System
    // work, as the connecting role: the counts span every namespace.
    async countRecords() {
      const [counts] = await db.query<{ episodes: string; memories: string }>(
        'countRecords',
        `SELECT (SELECT count(*) FROM episodes) AS episodes, (SELECT count(*) FROM memories WHERE expires_at IS NULL OR expires_at > $1) AS memories`,
        [new Date(clock.now())],
      );
      return { episodes: Number(counts!.episodes), memories: Number(counts!.memories) };
    },
  };
}

const refuse = async (): Promise<never> => {
  throw new MemosError('E_INTERNAL', 'postgres keeps no sessions: server mode keeps them in Redis (MEMOS_REDIS_URL)');
};

/** Never called: config refuses postgres without Redis, and the short-term tier then supplies sessions. */
const noSessions: WorkingMemoryStore = {
  put: refuse,
  get: refuse,
  append: refuse,
  delete: refuse,
  sweepExpired: refuse,
  list: refuse,
  count: refuse,
};
