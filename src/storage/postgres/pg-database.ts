import type { Clock } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import { MIGRATIONS, migrate, type Migration, type VectorBackend } from './migrations.js';
import { closedError, toMemosError } from './pg-errors.js';
import type { Row, SqlEngine, SqlExecutor } from './sql-engine.js';

/** Where notices go that operators should see once (e.g. the exact-vector fallback); pino-compatible. */
export interface PgLogger {
  warn(details: object, message: string): void;
}

export interface PgDatabaseOptions {
  engine: SqlEngine;
  /** Every table lives in this schema (created at open). Lower-case letters, digits and `_`. */
  schema: string;
  clock: Clock;
  migrations?: readonly Migration[];
  logger?: PgLogger;
}

/**
 * Called as each transaction starts: what must commit with it, or undefined. `beforeCommit` runs
 * last inside the transaction (a throw rolls it back); `settle` once it has ended.
 */
export type PgTransactionJoiner = () => { beforeCommit(tx: SqlExecutor): Promise<void>; settle(committed: boolean): void } | undefined;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a schema name; it is concatenated into SQL and startup parameters, so it must be a plain identifier. */
export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new MemosError('E_CONFIG', 'postgres: the schema must be 1-63 of a-z 0-9 _, not starting with a digit');
  }
  return schema;
}

/** The search path every connection uses: the adapter's schema, then `public` (where extensions often live). */
export const searchPathFor = (schema: string) => [checkSchemaName(schema), 'public'];

/**
 * One Postgres engine (pool or PGlite) bound to one schema, and the one place where driver errors
 * become MemosErrors: every store call goes through `run` or `transaction`.
 */
export class PgDatabase {
  readonly schema: string;
  readonly #options: PgDatabaseOptions;
  #open = false;
  /** The engine has been opened and not yet closed (it stays open after a failed `open()` that may be retried). */
  #engineLive = false;
  #vectorBackend: VectorBackend | undefined;
  #joiner: PgTransactionJoiner | undefined;

  constructor(options: PgDatabaseOptions) {
    this.schema = checkSchemaName(options.schema);
    this.#options = options;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Which vector path is active; known after `open()`. */
  get vectorBackend(): VectorBackend {
    if (this.#vectorBackend === undefined) throw closedError('vectorBackend');
    return this.#vectorBackend;
  }

  /**
   * Connects, applies pending migrations under the advisory lock, and reads the vector backend.
   * When the server cannot be reached (E_STORAGE_UNAVAILABLE) the engine stays usable, so that
   * `open()` may be called again; any other failure closes it.
   */
  async open(): Promise<void> {
    if (this.#open) return;
    const { engine, clock, migrations = MIGRATIONS } = this.#options;
    try {
      this.#engineLive = true;
      await engine.open();
      await engine.transaction((tx) => migrate(tx, { schema: this.schema, now: new Date(clock.now()) }, migrations));
      const [setting] = await engine.query<{ value: string }>(`SELECT value FROM storage_settings WHERE key = 'vector_backend'`);
      this.#vectorBackend = setting?.value === 'pgvector' ? 'pgvector' : 'exact';
    } catch (error) {
      const failure = toMemosError('open', error);
      if (failure.code !== 'E_STORAGE_UNAVAILABLE') await this.#closeEngine().catch(() => undefined);
      throw failure;
    }
    this.#open = true;
    if (this.#vectorBackend === 'exact') {
      this.#options.logger?.warn(
        { schema: this.schema, vectorBackend: 'exact' },
        'postgres: pgvector is not available; vector search uses an exact scan over real[]',
      );
    }
  }

  /** Throws E_STORAGE_UNAVAILABLE when the engine cannot answer. */
  async ping(): Promise<void> {
    await this.query('ping', 'SELECT 1');
  }

  async close(): Promise<void> {
    this.#open = false;
    try {
      await this.#closeEngine();
    } catch (error) {
      throw toMemosError('close', error);
    }
  }

  async #closeEngine(): Promise<void> {
    if (!this.#engineLive) return;
    this.#engineLive = false;
    await this.#options.engine.close();
  }

  /** Runs `fn` against the engine (any pooled connection), translating any driver error. */
  async run<T>(operation: string, fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#call(operation, fn);
  }

  /** Work that joins every transaction from now on (the audit log's entry of the request). */
  joinTransactions(joiner: PgTransactionJoiner): void {
    this.#joiner = joiner;
  }

  /**
   * Runs `fn` in one transaction on one connection, translating any driver error. What joins the
   * transaction runs last inside it, so that it commits or rolls back with `fn`'s writes.
   */
  async transaction<T>(operation: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const join = this.#open ? this.#joiner?.() : undefined;
    if (join === undefined) return this.#call(operation, (engine) => engine.transaction(fn));
    let result: T;
    try {
      result = await this.#call(operation, (engine) =>
        engine.transaction(async (tx) => {
          const value = await fn(tx);
          await join.beforeCommit(tx);
          return value;
        }),
      );
    } catch (error) {
      join.settle(false);
      throw error;
    }
    join.settle(true);
    return result;
  }

  /** One query, translated. */
  async query<R = Row>(operation: string, sql: string, params?: readonly unknown[]): Promise<R[]> {
    return this.#call(operation, (db) => db.query<R>(sql, params));
  }

  async #call<T>(operation: string, fn: (engine: SqlEngine) => Promise<T>): Promise<T> {
    if (!this.#open) throw closedError(operation);
    try {
      return await fn(this.#options.engine);
    } catch (error) {
      throw toMemosError(operation, error);
    }
  }
}
