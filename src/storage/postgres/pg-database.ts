import type { Clock } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import { MIGRATIONS, migrate, type Migration, type VectorBackend } from './migrations.js';
import { closedError, toMemosError } from './pg-errors.js';
import { enterScopeSql, ensureTenantRole, RESCOPE, ROW_SECURITY_VERSION, type TenantScope } from './row-security.js';
import type { Row, SqlEngine, SqlExecutor } from './sql-engine.js';
import { StatisticsKeeper } from './statistics-keeper.js';
import { SketchBackfill } from './vector-sketch-backfill.js';

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
  /**
   * Row-level security (default true): tenant calls run as the tenant role, within the scope they
   * declare, under the policies of migration 9 (see row-security.ts). False runs them as the
   * connecting role, which the policies do not bind; the stores' own conditions still apply.
   */
  rowSecurity?: boolean;
  /** Whether the tables searches read are analyzed after bulk writes (default true; see statistics-keeper.ts). */
  analyzeAfterWrites?: boolean;
  /** Whether vectors stored without a sketch are signed in the background on the exact path (default true; see vector-sketch-backfill.ts). */
  signVectors?: boolean;
}

/** A tenant transaction: bound to one scope, which a batch spanning namespaces moves between its parts. */
export interface TenantExecutor extends SqlExecutor {
  /** Binds the rest of the transaction to `scope` instead. */
  enter(scope: TenantScope): Promise<void>;
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
 * become MemosErrors. Every store call goes through one of two doors:
 * - `tenant` / `tenantQuery`: the work of one namespace (or one user in it), run as the tenant role
 *   under row-level security, within the scope it declares; every read and write of records does;
 * - `run` / `transaction` / `query`: system work, as the connecting role, not bound by the policies.
 *   Only what spans namespaces by design goes here: migrations and the tenant role (open), the
 *   embedding backlog (`vectors.pending`, `progress`, `fail`, `retryFailed`) and its leases
 *   (`jobs.*`), which the backfill runs over every namespace; catalogue lookups (`vectors.dialect`,
 *   `vectors.index`, which also creates HNSW indexes, a privilege the tenant role lacks); the record
 *   counts of the metrics (`countRecords`), the namespaces operators list and the schema's bytes
 *   (`inspect.namespaces`, `inspect.bytes`), and `ping`; the audit log (`audit.*`), which memOS writes
 *   itself and only all-namespace admins read; upkeep of the tables: ANALYZE after bulk writes
 *   (`statistics.analyze`) and the count of a scope the exact vector path read whole, for the
 *   health warning (`vectors.scopeSize`). pglite-storage.test.ts checks this list
 *   while the store contracts run.
 */
export class PgDatabase {
  readonly schema: string;
  readonly #options: PgDatabaseOptions;
  #open = false;
  /** The engine has been opened and not yet closed (it stays open after a failed `open()` that may be retried). */
  #engineLive = false;
  #vectorBackend: VectorBackend | undefined;
  #rowSecurity: boolean;
  #joiner: PgTransactionJoiner | undefined;
  #statistics: StatisticsKeeper;
  #sketches: SketchBackfill;

  constructor(options: PgDatabaseOptions) {
    this.schema = checkSchemaName(options.schema);
    this.#options = options;
    this.#rowSecurity = options.rowSecurity ?? true;
    this.#statistics = this.#keeper();
    this.#sketches = this.#backfill();
  }

  /** Signs now every vector stored without a sketch (what the background job does); returns how many it signed. */
  async signVectors(): Promise<number> {
    return this.#sketches.run();
  }

  #backfill(): SketchBackfill {
    return new SketchBackfill({
      transaction: (operation, fn) => this.transaction(operation, fn),
      onError: (error) => this.#options.logger?.warn({ schema: this.schema, error: (error as Error).message }, 'postgres: signing stored vectors failed'),
    });
  }

  /** Analyzes now the tables changed past the threshold (what `wrote` schedules); returns their names. */
  async refreshStatistics(): Promise<string[]> {
    return this.#statistics.check();
  }

  #keeper(): StatisticsKeeper {
    return new StatisticsKeeper({
      schema: this.schema,
      transaction: (operation, fn) => this.transaction(operation, fn),
      onError: (error) => this.#options.logger?.warn({ schema: this.schema, error: (error as Error).message }, 'postgres: ANALYZE after writes failed'),
    });
  }

  /**
   * Records were written (a committed batch): the planner statistics of the tables searches read are
   * refreshed soon after, once enough rows changed (statistics-keeper.ts).
   */
  wrote(): void {
    if (this.#open && this.#options.analyzeAfterWrites !== false) this.#statistics.touched();
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** Whether tenant calls run under row-level security (as configured, once open). */
  get rowSecurity(): boolean {
    return this.#rowSecurity;
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
      await engine.transaction(async (tx) => {
        await migrate(tx, { schema: this.schema, now: new Date(clock.now()) }, migrations);
        // The policies come with migration 9; a schema kept at an earlier version (tests of upgrades) has none to enter.
        const [secured] = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [ROW_SECURITY_VERSION]);
        this.#rowSecurity = (this.#options.rowSecurity ?? true) && secured !== undefined;
        if (this.#rowSecurity) await ensureTenantRole(tx, this.schema);
      });
      const [setting] = await engine.query<{ value: string }>(`SELECT value FROM storage_settings WHERE key = 'vector_backend'`);
      this.#vectorBackend = setting?.value === 'pgvector' ? 'pgvector' : 'exact';
    } catch (error) {
      const failure = toMemosError('open', error);
      if (failure.code !== 'E_STORAGE_UNAVAILABLE') await this.#closeEngine().catch(() => undefined);
      throw failure;
    }
    this.#open = true;
    if (this.#vectorBackend === 'exact' && this.#options.signVectors !== false) this.#sketches.start();
    if (this.#vectorBackend === 'exact') {
      this.#options.logger?.warn(
        { schema: this.schema, vectorBackend: 'exact' },
        'postgres: pgvector is not available; vector search uses memOS\'s sketch index (nearest by SimHash, ranked by exact cosine)',
      );
    }
  }

  /** Throws E_STORAGE_UNAVAILABLE when the engine cannot answer. */
  async ping(): Promise<void> {
    await this.query('ping', 'SELECT 1');
  }

  async close(): Promise<void> {
    this.#open = false;
    await this.#statistics.close().catch(() => undefined);
    await this.#sketches.close();
    // A reopened database looks after its statistics (and unsigned vectors) again.
    this.#statistics = this.#keeper();
    this.#sketches = this.#backfill();
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

  /**
   * Runs `fn` in one transaction bound to `scope`: with row security on, as the tenant role, which
   * sees and writes only the rows of that namespace (and user, when the scope names one). The scope
   * is entered with BEGIN, in one round trip (`begin` adds statements without parameters, e.g. SET LOCAL).
   */
  async tenant<T>(scope: TenantScope, operation: string, fn: (tx: TenantExecutor) => Promise<T>, begin?: string): Promise<T> {
    if (!this.rowSecurity) return this.#transaction(operation, (tx) => fn({ ...tx, enter: async () => undefined }), begin);
    const entered = [enterScopeSql(scope), ...(begin === undefined ? [] : [begin])].join('; ');
    return this.#transaction(operation, (tx) => fn({ ...tx, enter: async (next) => void (await tx.query(RESCOPE, [next.namespace, next.userId ?? ''])) }), entered);
  }

  /**
   * One statement bound to `scope`; without row security, a plain pooled query (one statement needs
   * no transaction). With it, where the engine can, BEGIN, the scope, the statement and COMMIT go
   * in one round trip; the settings are transaction-local either way.
   */
  async tenantQuery<R = Row>(scope: TenantScope, operation: string, sql: string, params?: readonly unknown[], begin?: string): Promise<R[]> {
    if (!this.rowSecurity && begin === undefined) return this.query<R>(operation, sql, params);
    const join = this.#open ? this.#joiner?.() : undefined;
    const entered = [...(this.rowSecurity ? [enterScopeSql(scope)] : []), ...(begin === undefined ? [] : [begin])].join('; ');
    if (join === undefined) {
      const rows = await this.#call(operation, (engine) => engine.transactionQuery?.<R>(entered, sql, params) ?? Promise.resolve(undefined));
      if (rows !== undefined) return rows;
    }
    return this.#transaction(operation, (tx) => tx.query<R>(sql, params), entered, join);
  }

  /** System work (see the class comment): runs `fn` against the engine (any pooled connection), translating any driver error. */
  async run<T>(operation: string, fn: (db: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#call(operation, fn);
  }

  /** Work that joins every transaction from now on (the audit log's entry of the request). */
  joinTransactions(joiner: PgTransactionJoiner): void {
    this.#joiner = joiner;
  }

  /**
   * System work: runs `fn` in one transaction on one connection, translating any driver error. What joins the
   * transaction runs last inside it, so that it commits or rolls back with `fn`'s writes.
   */
  async transaction<T>(operation: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.#transaction(operation, fn);
  }

  /** A transaction as `transaction`, starting with `begin` (sent with BEGIN), joined by `join` when given. */
  async #transaction<T>(operation: string, fn: (tx: SqlExecutor) => Promise<T>, begin?: string, join = this.#open ? this.#joiner?.() : undefined): Promise<T> {
    if (join === undefined) return this.#call(operation, (engine) => engine.transaction(fn, begin));
    let result: T;
    try {
      result = await this.#call(operation, (engine) =>
        engine.transaction(async (tx) => {
          const value = await fn(tx);
          // The audit entry is the system's, not the tenant's: written as the connecting role, back from memos_tenant.
          if (this.#rowSecurity) await tx.query('RESET ROLE');
          await join.beforeCommit(tx);
          return value;
        }, begin),
      );
    } catch (error) {
      join.settle(false);
      throw error;
    }
    join.settle(true);
    return result;
  }

  /** System work: one query, translated. */
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
