import { MemosError, isMemosError } from '../../core/errors.js';

/**
 * Seconds a client is asked to wait (`Retry-After`) when Redis cannot serve: the client reconnects
 * at least every 2 s (REDIS_CLIENT_OPTIONS.retryStrategy), so a returning server is used by then.
 */
export const REDIS_RETRY_AFTER_SECONDS = 2;
/** What every unavailable error carries. */
export const UNAVAILABLE_DETAILS = { retryable: true, retryAfter: REDIS_RETRY_AFTER_SECONDS } as const;

/** Reply errors that mean the server cannot serve right now (out of memory, loading, failing over), not a bug. */
const UNAVAILABLE_REPLY = /^(OOM|LOADING|BUSY|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|NOREPLICAS|MISCONF)$/;

/**
 * The choke point: MemosErrors pass through; a server that cannot be reached or cannot serve
 * becomes E_STORAGE_UNAVAILABLE (retryable), any other reply error E_INTERNAL. The message names
 * the operation and an error code only, never keys, values or the server's own message; the
 * original error stays in `cause` for logs.
 */
export function toRedisError(operation: string, error: unknown): MemosError {
  if (isMemosError(error)) return error;
  const reply = replyCode(error);
  if (reply !== undefined && !UNAVAILABLE_REPLY.test(reply)) {
    return new MemosError('E_INTERNAL', `redis: ${operation} failed (${reply})`, { cause: error });
  }
  const code = reply ?? connectionCode(error);
  return new MemosError('E_STORAGE_UNAVAILABLE', `redis: ${operation} failed, storage unavailable (${code})`, {
    cause: error,
    details: { ...UNAVAILABLE_DETAILS },
  });
}

/** Runs one Redis interaction, translating whatever it throws. */
export async function redisCall<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toRedisError(operation, error);
  }
}

/** Throws the first error of a pipeline's `exec()` result; returns the replies. */
export function pipelineReplies(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new MemosError('E_STORAGE_UNAVAILABLE', 'redis: pipeline was discarded', { details: { ...UNAVAILABLE_DETAILS } });
  return results.map(([error, reply]) => {
    if (error) throw error;
    return reply;
  });
}

/** The first word of a server reply error (`OOM`, `WRONGTYPE`, `NOSCRIPT`, ...). */
function replyCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || error.name !== 'ReplyError') return undefined;
  return /^[A-Z]+/.exec(error.message)?.[0] ?? 'ERR';
}

function connectionCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  if (error instanceof Error && error.name !== 'Error') return error.name; // e.g. MaxRetriesPerRequestError
  return 'connection';
}

/** The server answers but refuses writes: out of memory under `noeviction`, a read-only replica, failing snapshots. */
export function isWriteRefused(error: unknown): boolean {
  return /^(OOM|READONLY|MISCONF|NOREPLICAS)$/.test(replyCode(error) ?? '');
}

export function isNoScript(error: unknown): boolean {
  return replyCode(error) === 'NOSCRIPT';
}
