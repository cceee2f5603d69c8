// The PostgreSQL storage driver (server mode). So far: the database foundation (engine, schema,
// migrations, vector-backend detection, error choke point), the episodic and the semantic tier,
// and their vectors (pgvector HNSW, or an exact scan over real[]), composed by createPostgresStorage.

import type { Clock } from '../../core/clock.js';
import { PgDatabase, searchPathFor, type PgLogger } from './pg-database.js';
import { poolEngine, type SqlEngine } from './sql-engine.js';

export { createPostgresStorage, type PostgresStorageLogger, type PostgresStorageOptions } from './postgres-storage.js';
export { PgAuditStore } from './audit-store.js';
export { PgEpisodeStore } from './episode-store.js';
export { PgSemanticStore } from './semantic-store.js';
export { PgVectorStore } from './vector-store.js';
export { createPgClaims } from './embedding-claims.js';
export { MIGRATIONS, type VectorBackend } from './migrations.js';
export { TENANT_ROLE, TENANT_TABLES, type TenantScope } from './row-security.js';
export { PgDatabase, searchPathFor, type PgDatabaseOptions, type PgLogger, type TenantExecutor } from './pg-database.js';
export { pgliteEngine, poolEngine, type PGliteLike, type SqlEngine, type SqlExecutor } from './sql-engine.js';

export interface PostgresOptions {
  /** `postgres://user@host:5432/db`. */
  url: string;
  /** Every table lives here; created at init. Default `memos`. */
  schema?: string;
  clock: Clock;
  /** Pooled connections per process (default 10). */
  poolSize?: number;
  /** How long connecting may take before a call fails with E_STORAGE_UNAVAILABLE (default 5 s). */
  connectionTimeoutMillis?: number;
  logger?: PgLogger;
  /** Row-level security between namespaces (default true; see row-security.ts). */
  rowSecurity?: boolean;
  /** Whether tables are analyzed after bulk writes (default true; see statistics-keeper.ts). */
  analyzeAfterWrites?: boolean;
  /** Whether vectors stored without a sketch are signed in the background (default true; see vector-sketch-backfill.ts). */
  signVectors?: boolean;
}

/** A pooled database on a Postgres server. Does no I/O until `open()`. */
export function createPostgresDatabase(options: PostgresOptions): PgDatabase {
  const schema = options.schema ?? 'memos';
  const engine: SqlEngine = poolEngine({
    connectionString: options.url,
    searchPath: searchPathFor(schema),
    ...(options.poolSize === undefined ? {} : { max: options.poolSize }),
    ...(options.connectionTimeoutMillis === undefined ? {} : { connectionTimeoutMillis: options.connectionTimeoutMillis }),
  });
  return new PgDatabase({
    engine,
    schema,
    clock: options.clock,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.rowSecurity === undefined ? {} : { rowSecurity: options.rowSecurity }),
    ...(options.analyzeAfterWrites === undefined ? {} : { analyzeAfterWrites: options.analyzeAfterWrites }),
    ...(options.signVectors === undefined ? {} : { signVectors: options.signVectors }),
  });
}
