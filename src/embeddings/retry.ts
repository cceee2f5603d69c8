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

/** How a client of an upstream (an embedder, a chat model) retries and when its circuit opens; unset fields take the defaults below. */
export interface ResilienceOptions {
  /** Retries after the first attempt; 3 unless told. */
  retries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** A `Retry-After` beyond this (60 s unless told) fails the call at once instead of waiting. */
  maxRetryAfterMs?: number;
  breaker?: { failureThreshold?: number; resetAfterMs?: number };
  random?: () => number;
  sleep?: Sleep;
  now?: () => number;
}

/** The retry policy of `options`, every upstream's defaults filled in. */
export function retryPolicyOf(options: ResilienceOptions): RetryPolicy {
  return {
    retries: options.retries ?? 3,
    baseDelayMs: options.baseDelayMs ?? 200,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    random: options.random ?? Math.random,
  };
}

/** The circuit breaker settings of `options`: open after 5 unavailable calls in a row, for 30 s, unless told. */
export function breakerSettingsOf(options: ResilienceOptions): { failureThreshold: number; resetAfterMs: number } {
  return { failureThreshold: options.breaker?.failureThreshold ?? 5, resetAfterMs: options.breaker?.resetAfterMs ?? 30_000 };
}

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
