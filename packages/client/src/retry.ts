// When and how long the client waits before sending a request again. Only two answers are retried:
// 429 (memOS refused before doing anything) and 503 (a component it needs is down; memOS wrote
// nothing, docs/errors.md). Every other status, and a request that got no answer, is not.

export interface RetryOptions {
  /** Retries after the first attempt (default 3); 0 turns retrying off. */
  retries?: number;
  /** The first backoff when the server gives no `Retry-After`, doubled on each retry (default 500 ms). */
  baseDelayMs?: number;
  /**
   * The longest wait (default 30 000 ms): the backoff is capped here, and a `Retry-After` longer
   * than this is not waited for, the error is thrown at once (its `retryAfterMs` says how long).
   */
  maxDelayMs?: number;
  /**
   * Whether a POST or PATCH answered 503 is sent again (default true). memOS writes nothing when
   * it answers 503, with one exception: in server mode, Redis may drop the connection after
   * applying a session write, so a retried `sessions.appendMessages` may then add its messages
   * twice. Set false to retry only GET, PUT and DELETE on 503 (429 is always retried).
   */
  writesOn503?: boolean;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (retry: RetryEvent) => void;
}

export interface RetryEvent {
  /** 1 for the first retry. */
  attempt: number;
  /** How long the client waits before it. */
  delayMs: number;
  status: number;
  method: string;
  path: string;
  /** Whether the wait is the server's `Retry-After` (else the backoff). */
  fromRetryAfter: boolean;
}

export type RetryPolicy = Required<Omit<RetryOptions, 'onRetry'>> & Pick<RetryOptions, 'onRetry'>;

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000, writesOn503: true };
export const NO_RETRY: RetryPolicy = { ...DEFAULT_RETRY, retries: 0 };

export function retryPolicy(options: RetryOptions | false | undefined): RetryPolicy {
  if (options === false) return NO_RETRY;
  const policy = { ...DEFAULT_RETRY, ...options };
  for (const name of ['retries', 'baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[name]) || policy[name] < 0) throw new RangeError(`retry.${name} must be a number of at least 0`);
  }
  return policy;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** Whether an answer of `status` to `method` may be retried under `policy`, before counting attempts. */
export function retryable(status: number, method: string, policy: RetryPolicy): boolean {
  if (status === 429) return true;
  if (status === 503) return IDEMPOTENT.has(method) || policy.writesOn503;
  return false;
}

/** `Retry-After` in milliseconds: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The capped exponential backoff before retry `attempt` (1-based), with jitter over its upper half. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
