// Test databases for the Postgres adapter: a fresh schema per test on the real server or on one
// shared PGlite instance (with pgvector), each dropped afterwards so that runs never collide.

import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import pg from 'pg';
import { manualClock } from '../../core/clock.js';
import type { AuditStoreHarness } from '../audit-store.case.test.js';
import type { VectorStoreHarness } from '../vector-store.case.test.js';
import { PgAuditStore } from './audit-store.js';
import { PgEpisodeStore } from './episode-store.js';
import { PgDatabase, searchPathFor } from './pg-database.js';
import { PgSemanticStore } from './semantic-store.js';
import { pgliteEngine, type SqlEngine } from './sql-engine.js';
import { createPostgresDatabase } from './index.js';
import { PgVectorStore } from './vector-store.js';

export const POSTGRES_URL = process.env.MEMOS_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const servicesRequired = process.env.MEMOS_REQUIRE_SERVICES === '1';

export const freshSchema = () => `memos_test_${randomBytes(6).toString('hex')}`;

/** Whether the real server answers within two seconds. */
export async function postgresReachable(url = POSTGRES_URL): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  db: PgDatabase;
  clock: ReturnType<typeof manualClock>;
  close(): Promise<void>;
}

/** An opened database in a fresh schema of the real server; closing drops the schema. */
export async function realPostgres(schema = freshSchema(), clock = manualClock()): Promise<TestDatabase> {
  return opened(createPostgresDatabase({ url: POSTGRES_URL, schema, clock, poolSize: 4 }), clock, () => dropSchema(schema));
}

/** Opens `db`; its close also drops its schema. */
async function opened(db: PgDatabase, clock: TestDatabase['clock'], drop: () => Promise<unknown>): Promise<TestDatabase> {
  await db.open();
  const close = async () => {
    await db.close();
    await drop();
  };
  return { db, clock, close };
}

/**
 * The vector backend memOS must choose on the real server: `pgvector` where the extension is
 * installed (memOS creates it), else the exact scan. Tests assert this rather than either name,
 * so that the suite passes on a PostgreSQL with and without pgvector.
 */
export async function expectedVectorBackend(url = POSTGRES_URL): Promise<'pgvector' | 'exact'> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'");
    return rows.length > 0 ? 'pgvector' : 'exact';
  } finally {
    await client.end();
  }
}

export async function dropSchema(schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await admin.end();
  }
}

/**
 * A PGlite instance with pgvector loadable (not yet created), or without it when `bare`. Creating
 * one runs initdb (seconds); `from` (a `dumpDataDir()` of a fresh instance) skips that.
 */
export function createPglite(options: { bare?: boolean; from?: Blob } = {}): Promise<PGlite> {
  return PGlite.create({
    ...(options.bare ? {} : { extensions: { vector } }),
    ...(options.from ? { loadDataDir: options.from } : {}),
  });
}

export function pgliteDatabase(
  instance: PGlite,
  schema = freshSchema(),
  clock = manualClock(),
): { db: PgDatabase; engine: SqlEngine; clock: ReturnType<typeof manualClock> } {
  const engine = pgliteEngine(instance, { searchPath: searchPathFor(schema), ownsInstance: false });
  return { db: new PgDatabase({ engine, schema, clock }), engine, clock };
}

/** An opened database in a fresh schema of a shared PGlite instance; closing drops the schema. */
export async function pgliteSchema(instance: PGlite, schema = freshSchema(), clock = manualClock()): Promise<TestDatabase> {
  const { db } = pgliteDatabase(instance, schema, clock);
  return opened(db, clock, () => instance.exec(`DROP SCHEMA IF EXISTS ${db.schema} CASCADE`));
}

/**
 * The durable tiers of a test database for the VectorStore contract. Reopening closes the
 * database without dropping its schema and opens the same schema again with the same clock.
 */
export async function vectorHarness(
  open: (schema: string, clock: TestDatabase['clock']) => Promise<TestDatabase>,
  schema = freshSchema(),
  clock = manualClock(),
): Promise<VectorStoreHarness> {
  const t = await open(schema, clock);
  const { db } = t;
  return {
    storage: { episodes: new PgEpisodeStore(db), memories: new PgSemanticStore(db, clock), vectors: new PgVectorStore(db, clock) },
    clock,
    close: () => t.close(),
    reopen: async () => {
      await db.close();
      return vectorHarness(open, schema, clock);
    },
  };
}

/** The audit log and the durable tiers of a test database, for the AuditStore contract. */
export async function auditHarness(open: () => Promise<TestDatabase>): Promise<AuditStoreHarness> {
  const { db, clock, close } = await open();
  return {
    audit: new PgAuditStore(db),
    episodes: new PgEpisodeStore(db),
    memories: new PgSemanticStore(db, clock),
    clock,
    breakAuditLog: async () => void (await db.query('test', 'DROP TABLE audit_log')),
    close,
  };
}
