import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../core/clock.js';
import { MemosError, inputError, isMemosError } from '../../core/errors.js';
import { MIGRATIONS, migrate, type Migration } from './migrations.js';
import { erasureInProgress, isFenceError } from '../erasure-fence.js';

export type Connection = Database.Database;
export type Statement = Database.Statement<unknown[]>;

export interface DatabaseOptions {
  /** A database file path, or ':memory:'. */
  path: string;
  synchronous: 'full' | 'normal';
  clock: Clock;
  migrations?: readonly Migration[];
}

/**
 * Called as each outermost write transaction starts: what must commit with it, or undefined.
 * `beforeCommit` runs last inside the transaction (a throw rolls it back); `settle` once it ended.
 */
export type TransactionJoiner = () => { beforeCommit(): void; settle(committed: boolean): void } | undefined;

/** Engine codes that mean "the store cannot answer right now", not "this request is wrong". */
/** How long a statement waits for another connection's lock before it fails with SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;

/**
 * Switches the file to WAL (a setting kept in the file). SQLite does not wait on the busy timeout
 * for this switch: when several processes open a new file at the same moment, all but one may get
 * SQLITE_BUSY, so the switch is tried again, for as long as the busy timeout, until one has made it.
 */
function enterWal(connection: Connection): void {
  const until = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      connection.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!errorCode(error)?.startsWith('SQLITE_BUSY') || Date.now() >= until) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}

const UNAVAILABLE_CODE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY)/;
/** A full disk or quota, from SQLite or from Node's file system calls (creating the folder or the file). */
const DISK_FULL_CODE = /^(SQLITE_FULL|ENOSPC|EDQUOT)$/;
/**
 * Seconds a client is asked to wait (`Retry-After`) when the disk is full: room is made by an
 * operator, not by a reconnect, so retrying within seconds would only fail again.
 */
export const DISK_FULL_RETRY_AFTER_SECONDS = 30;
/** Engine codes that mean "a value in this request cannot be stored": too big, or of the wrong type. */
const INPUT_CODE = /^SQLITE_(TOOBIG|MISMATCH)$/;
/** Prepared statements kept per connection; dynamic filter SQL varies, so the cache is bounded. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * One SQLite connection and the one place where engine errors become MemosErrors.
 * Every store call goes through `run` or `transaction`; both are synchronous, as better-sqlite3 is.
 */
export class SqliteDatabase {
  readonly #options: DatabaseOptions;
  #connection: Connection | undefined;
  readonly #statements = new Map<string, Statement>();
  #joiner: TransactionJoiner | undefined;
  readonly #beforeCommit: (() => void)[] = [];
  #migrated: number[] = [];

  constructor(options: DatabaseOptions) {
    this.#options = options;
  }

  get isOpen(): boolean {
    return this.#connection !== undefined;
  }

  /** The migrations the last `open` applied (none when the schema was current). */
  get migrated(): readonly number[] {
    return this.#migrated;
  }

  /** Creates the parent folder, opens the file, sets pragmas and applies pending migrations. */
  open(): void {
    if (this.#connection) return;
    const { path, synchronous, clock } = this.#options;
    let connection: Connection;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      connection = new Database(path);
    } catch (error) {
      // Failing to create the folder or the file is never the caller's fault.
      const code = errorCode(error);
      throw new MemosError('E_STORAGE_UNAVAILABLE', `sqlite: cannot open the database (${code ?? 'unknown'})`, {
        cause: error,
        ...(code !== undefined && DISK_FULL_CODE.test(code) ? { details: { retryable: true, retryAfter: DISK_FULL_RETRY_AFTER_SECONDS } } : {}),
      });
    }
    try {
      connection.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      enterWal(connection);
      connection.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
      connection.pragma('foreign_keys = ON');
      this.#migrated = migrate(connection, this.#options.migrations ?? MIGRATIONS, clock.now());
    } catch (error) {
      connection.close();
      throw toMemosError('open', error);
    }
    this.#connection = connection;
  }

  close(): void {
    const connection = this.#connection;
    if (!connection) return;
    this.#connection = undefined;
    this.#statements.clear();
    try {
      connection.close();
    } catch (error) {
      throw toMemosError('close', error);
    }
  }

  /** Runs `fn` against the open connection, translating any engine error. */
  run<T>(operation: string, fn: (connection: Connection) => T): T {
    const connection = this.#connection;
    if (!connection) throw closedError(operation);
    try {
      return fn(connection);
    } catch (error) {
      throw toMemosError(operation, error);
    }
  }

  /** Work that joins every outermost write transaction from now on (the audit log's entry of the request). */
  joinTransactions(joiner: TransactionJoiner): void {
    this.#joiner = joiner;
  }

  /** Work that ends every outermost write transaction, inside it (the keyword statistics' fold of what it wrote). */
  beforeEachCommit(work: () => void): void {
    this.#beforeCommit.push(work);
  }

  /**
   * Runs `fn` in one write transaction (BEGIN IMMEDIATE, so read-then-write never deadlocks). An
   * outermost one also runs `beforeEachCommit` work and what joins it, last, so that it commits or
   * rolls back with `fn`'s writes.
   */
  transaction<T>(operation: string, fn: () => T): T {
    return this.run(operation, (connection) => {
      if (connection.inTransaction) return connection.transaction(fn).immediate();
      const join = this.#joiner?.();
      const body = () => {
        const value = fn();
        for (const work of this.#beforeCommit) work();
        return value;
      };
      if (join === undefined) return connection.transaction(body).immediate();
      let result: T;
      try {
        result = connection
          .transaction(() => {
            const value = body();
            join.beforeCommit();
            return value;
          })
          .immediate();
      } catch (error) {
        join.settle(false);
        throw error;
      }
      join.settle(true);
      return result;
    });
  }

  /** A cached prepared statement. Call it inside `run` or `transaction`. */
  statement(sql: string): Statement {
    const connection = this.#connection;
    if (!connection) throw closedError('prepare');
    const cached = this.#statements.get(sql);
    if (cached) return cached;
    const prepared = connection.prepare<unknown[]>(sql);
    if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
      const oldest = this.#statements.keys().next().value;
      if (oldest !== undefined) this.#statements.delete(oldest);
    }
    this.#statements.set(sql, prepared);
    return prepared;
  }
}

/**
 * The choke point: MemosErrors (E_CONFLICT, E_VALIDATION) pass through; engine errors become
 * E_STORAGE_UNAVAILABLE or E_INTERNAL. The message names the operation and the engine code only,
 * never SQL parameters or record text; the original error stays in `cause` for logs.
 */
export function toMemosError(operation: string, error: unknown): MemosError {
  if (isMemosError(error)) return error;
  const code = errorCode(error);
  if (code === 'SQLITE_CONSTRAINT_TRIGGER' && isFenceError(error)) return erasureInProgress(error);
  if (code !== undefined && DISK_FULL_CODE.test(code)) {
    return new MemosError('E_STORAGE_UNAVAILABLE', `sqlite: ${operation} failed, the disk is full (${code})`, {
      cause: error,
      details: { retryable: true, retryAfter: DISK_FULL_RETRY_AFTER_SECONDS },
    });
  }
  if (code !== undefined && UNAVAILABLE_CODE.test(code)) {
    return new MemosError('E_STORAGE_UNAVAILABLE', `sqlite: ${operation} failed, storage unavailable (${code})`, {
      cause: error,
    });
  }
  if (code !== undefined && INPUT_CODE.test(code)) return inputError('sqlite', operation, code, error);
  return new MemosError('E_INTERNAL', `sqlite: ${operation} failed${code === undefined ? '' : ` (${code})`}`, {
    cause: error,
  });
}

function closedError(operation: string): MemosError {
  return new MemosError('E_STORAGE_UNAVAILABLE', `sqlite: ${operation} failed, the database is not open`);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
