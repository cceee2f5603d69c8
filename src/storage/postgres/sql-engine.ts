// The one small query interface every Postgres store runs on, and its two implementations:
// a `pg` pool (server mode) and a PGlite instance (real Postgres in WASM, used to test pgvector).
// Driver errors pass through untouched; PgDatabase translates them at its one choke point.

import pg from 'pg';
import { inlineParams } from './inline-params.js';

export type Row = Record<string, unknown>;

/** Runs parameterised SQL (`$1`, `$2`, ...) and returns the rows. */
export interface SqlExecutor {
  query<R = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface SqlEngine extends SqlExecutor {
  /** Connects (the first I/O), failing when the engine cannot be reached. */
  open(): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws.
   * `begin`, SQL without parameters (its values inlined as literals), runs first inside the
   * transaction; the pool sends it with BEGIN in one round trip.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, begin?: string): Promise<T>;
  /**
   * One statement in a transaction of its own after `begin` (as for `transaction`), in as few round
   * trips as the engine allows: the pool sends BEGIN, `begin`, the statement (its parameters inlined
   * as literals) and COMMIT as one simple query. Absent, or undefined returned, when the engine
   * cannot (the caller then uses `transaction`).
   */
  transactionQuery?<R = Row>(begin: string, sql: string, params?: readonly unknown[]): Promise<R[] | undefined>;
  close(): Promise<void>;
}

export interface PoolEngineOptions {
  connectionString: string;
  /** Schemas to resolve unqualified names in, first one first; sent as a startup parameter, so every pooled connection has it. */
  searchPath: string[];
  /** Connections kept at most (default 10). */
  max?: number;
  /** How long a new connection may take before the call fails (default 5 s). */
  connectionTimeoutMillis?: number;
  /** Server-side cap on any one statement (default 30 s). */
  statementTimeoutMillis?: number;
}

/**
 * A `pg` pool; connects lazily on the first query, so creating it does no I/O. Closing ends the
 * pool, and opening again starts a fresh one.
 */
export function poolEngine(options: PoolEngineOptions): SqlEngine {
  const createPool = () => {
    const created = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
      statement_timeout: options.statementTimeoutMillis ?? 30_000,
      options: `-c search_path=${options.searchPath.join(',')}`,
    });
    // An idle client losing its connection emits here; without a listener the process would crash.
    // The next query on the pool gets a fresh connection or fails through the choke point.
    created.on('error', () => undefined);
    return created;
  };
  let current: pg.Pool | undefined;
  const pool = () => (current ??= createPool());
  return {
    async open() {
      await pool().query('SELECT 1');
    },
    async query<R>(sql: string, params?: readonly unknown[]) {
      return (await pool().query(sql, params as unknown[] | undefined)).rows as R[];
    },
    async exec(sql: string) {
      await pool().query(sql);
    },
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, begin?: string) {
      return inTransaction(pool, async (client) => {
        await client.query(begin === undefined ? 'BEGIN' : `BEGIN; ${begin}`);
        const result = await fn({
          query: async <R>(sql: string, params?: readonly unknown[]) => (await client.query(sql, params as unknown[] | undefined)).rows as R[],
          exec: async (sql: string) => void (await client.query(sql)),
        });
        await client.query('COMMIT');
        return result;
      });
    },
    async transactionQuery<R>(begin: string, sql: string, params?: readonly unknown[]) {
      const statement = inlineParams(sql, params ?? []);
      if (statement === undefined) return undefined;
      // A multi-statement simple query: the server skips what follows a failing statement, leaving
      // the transaction aborted (so its settings end with the ROLLBACK, never reaching the next user).
      return inTransaction(pool, async (client) => {
        const results = (await client.query(`BEGIN; ${begin}; ${statement}; COMMIT`)) as unknown as pg.QueryResult[];
        return results[results.length - 2]!.rows as R[];
      });
    },
    async close() {
      const ending = current;
      current = undefined;
      await ending?.end();
    },
  };
}

/** The part of a PGlite instance this adapter uses (structural, so the adapter never imports PGlite). */
interface PGliteQueries {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  exec(sql: string): Promise<unknown>;
}

export interface PGliteLike extends PGliteQueries {
  transaction<T>(fn: (tx: PGliteQueries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Our executor over PGlite's (instance or transaction): it takes a mutable parameter array. */
const pgliteExecutor = (db: PGliteQueries): SqlExecutor => ({
  query: async <R>(sql: string, params?: readonly unknown[]) => (await db.query<R>(sql, params ? [...params] : undefined)).rows,
  exec: async (sql: string) => void (await db.exec(sql)),
});

export interface PGliteEngineOptions {
  /** Set on the instance's one session at open. */
  searchPath: string[];
  /** false leaves the instance open on close (tests share one per file). Default true. */
  ownsInstance?: boolean;
}

/** A PGlite instance: one connection, so transactions are serialised by PGlite itself. */
export function pgliteEngine(db: PGliteLike, options: PGliteEngineOptions): SqlEngine {
  return {
    async open() {
      await db.query(`SET search_path TO ${options.searchPath.join(', ')}`);
    },
    ...pgliteExecutor(db),
    async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, begin?: string) {
      return db.transaction(async (tx) => {
        if (begin !== undefined) await tx.exec(begin);
        return fn(pgliteExecutor(tx));
      });
    },
    async close() {
      if (options.ownsInstance ?? true) await db.close();
    },
  };
}

/**
 * Runs `work` on a client checked out of the pool, which opens and ends a transaction; on failure
 * the transaction is rolled back, and a client whose ROLLBACK fails (or whose connection dropped)
 * is released as broken, so that the pool drops it.
 */
async function inTransaction<T>(pool: () => pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  let broken: unknown;
  // A checked-out client whose connection drops between queries emits 'error', which the
  // pool's listener does not cover; the query in flight or the next one fails anyway.
  const onLost = (error: Error) => (broken = error);
  client.on('error', onLost);
  try {
    return await work(client);
  } catch (error) {
    if (broken === undefined) await client.query('ROLLBACK').catch((rollbackError: unknown) => (broken = rollbackError));
    throw error;
  } finally {
    client.off('error', onLost);
    client.release(broken instanceof Error ? broken : undefined);
  }
}
