import { setTimeout as delay } from 'node:timers/promises';
import { isMemosError } from '../core/errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the attempt gives up at once. */
  maxRetryAfterMs: number;
  /** In [0, 1). */
  random: () => number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export const sleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined);

/** A provider failure that trying again may cure (429, 5xx, network, timeout): an availability failure. */
export function isRetryable(error: unknown): boolean {
  return isMemosError(error) && error.details?.retryable === true;
}

/**
 * How long to wait before retry number `attempt` (0 for the first retry), or undefined to give up.
 * Exponential backoff with full jitter: `random() * min(maxDelay, base * 2^attempt)`; when the
 * upstream said `Retry-After`, at least that long, and not at all when that is beyond the cap.
 */
export function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | undefined {
  if (!isRetryable(error) || attempt >= policy.retries) return undefined;
  const backoff = policy.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const retryAfter = isMemosError(error) ? error.details?.retryAfter : undefined;
  if (retryAfter === undefined) return backoff;
  const retryAfterMs = retryAfter * 1000;
  return retryAfterMs > policy.maxRetryAfterMs ? undefined : Math.max(backoff, retryAfterMs);
}
