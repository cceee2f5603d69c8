// The choke point where Postgres driver errors become MemosErrors. Messages name the operation
// and the SQLSTATE or socket code only, never SQL parameters, vectors or record text; the driver's
// error stays in `cause` for logs.

import { MemosError, inputError, isMemosError } from '../../core/errors.js';
import { ERASURE_FENCE_SQLSTATE, erasureInProgress } from '../erasure-fence.js';

/**
 * SQLSTATE classes and codes meaning "the store cannot answer right now", not "this request is
 * wrong": connection exceptions (08), insufficient resources (53), operator intervention
 * (57: admin or crash shutdown, statement timeout), system errors (58), serialisation failures
 * and deadlocks (40001, 40P01), lock timeouts (55P03) and read-only replicas (25006).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|58)|^(40001|40P01|55P03|25006)$/;
/**
 * Data exceptions (SQLSTATE class 22: a value out of range, malformed for its type, or not
 * storable, such as a date PostgreSQL cannot represent or NUL in text) come from the values a
 * statement carries, which the request supplied: the request is wrong, not the store.
 */
const INPUT_SQLSTATE = /^22[0-9A-Z]{3}$/;
/** Socket-level codes from Node (ECONNREFUSED, ECONNRESET, ETIMEDOUT, ENOTFOUND, EPIPE, ...). */
const SOCKET_CODE = /^E[A-Z]+$/;
/** Errors `pg` and PGlite raise without a code when a connection is lost, timed out, or the pool or instance is closed. */
/**
 * Seconds a client is asked to wait (`Retry-After`) when Postgres cannot answer: the pool opens a
 * fresh connection on the next call, and a start-up that found no server retries every 2 s.
 */
export const PG_RETRY_AFTER_SECONDS = 2;
const UNAVAILABLE_DETAILS = { retryable: true, retryAfter: PG_RETRY_AFTER_SECONDS } as const;
/** disk_full (53100): room is made by an operator, not by a reconnect, so clients are asked to wait longer. */
const DISK_FULL_SQLSTATE = '53100';
export const PG_DISK_FULL_RETRY_AFTER_SECONDS = 30;
const CONNECTION_MESSAGE = /connection terminated|timeout exceeded when trying to connect|not queryable|after calling end on the pool|pglite is closed|connection (error|refused|reset)/i;

export function toMemosError(operation: string, error: unknown): MemosError {
  if (isMemosError(error)) return error;
  const code = errorCode(error);
  if (code === ERASURE_FENCE_SQLSTATE) return erasureInProgress(error);
  const label = code === undefined ? '' : ` (${code})`;
  if (code === DISK_FULL_SQLSTATE) {
    return new MemosError('E_STORAGE_UNAVAILABLE', `postgres: ${operation} failed, the server's disk is full${label}`, {
      cause: error,
      details: { retryable: true, retryAfter: PG_DISK_FULL_RETRY_AFTER_SECONDS },
    });
  }
  if (isUnavailable(error, code)) {
    return new MemosError('E_STORAGE_UNAVAILABLE', `postgres: ${operation} failed, storage unavailable${label}`, {
      cause: error,
      details: { ...UNAVAILABLE_DETAILS },
    });
  }
  if (code !== undefined && INPUT_SQLSTATE.test(code)) return inputError('postgres', operation, code, error);
  return new MemosError('E_INTERNAL', `postgres: ${operation} failed${label}`, { cause: error });
}

export function closedError(operation: string): MemosError {
  return new MemosError('E_STORAGE_UNAVAILABLE', `postgres: ${operation} failed, the database is not open`, {
    details: { ...UNAVAILABLE_DETAILS },
  });
}

function isUnavailable(error: unknown, code: string | undefined): boolean {
  if (code !== undefined) return UNAVAILABLE_SQLSTATE.test(code) || SOCKET_CODE.test(code);
  // AggregateError: a host name resolving to several addresses, none of which answered.
  if (error instanceof AggregateError) return error.errors.some((inner) => isUnavailable(inner, errorCode(inner)));
  return error instanceof Error && CONNECTION_MESSAGE.test(error.message);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
