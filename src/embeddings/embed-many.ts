// The core around every embedding provider: batching, retries and a circuit breaker, done once
// so that adapters make one call each. Caching is stacked above this (src/cache/).

import { toIso } from '../core/clock.js';
import { firstChars } from '../core/text.js';
import { isMemosError, MemosError } from '../core/errors.js';
import type { Embedder, EmbeddingProvider, EmbedPurpose, EmbedRequest } from '../core/ports.js';
import { createCircuitBreaker, type CallOutcome, type CircuitState } from './circuit-breaker.js';
import { breakerSettingsOf, isRetryable, retryDelay, retryPolicyOf, sleep as realSleep, type ResilienceOptions, type RetryPolicy } from './retry.js';
import { withIdentityOf } from './embedder-identity.js';

/** Retries count per batch. */
export type ResilientEmbedderOptions = ResilienceOptions;

export interface EmbedderHealth {
  provider: string;
  model: string;
  dimensions: number;
  circuit: CircuitState;
  /** Unavailable upstream attempts in a row. */
  consecutiveFailures: number;
  /** The message of the most recent provider error, kept after a recovery. */
  lastError?: string;
  lastSuccessAt?: string;
}

export type ResilientEmbedder = Embedder & { health(): EmbedderHealth };

/**
 * Wraps a provider so that any number of texts can be embedded:
 * - a text longer than the provider's `maxInputChars` is cut to that many characters: its vector
 *   covers its start (callers that store vectors record this; see `beyondChars`);
 * - texts go to the provider in batches of at most `maxBatchSize`, one after another, and the
 *   vectors come back in input order;
 * - a batch that fails with a retryable error is tried again with exponential backoff and full
 *   jitter, waiting at least the upstream's `Retry-After`; other errors fail at once;
 * - every upstream attempt passes the circuit breaker (see circuit-breaker.ts): only retryable
 *   failures count toward opening it, and while it is open calls fail fast with
 *   `E_EMBEDDING_PROVIDER` `{retryable: true, retryAfter}` without reaching the provider.
 */
export function createResilientEmbedder(provider: EmbeddingProvider, options: ResilientEmbedderOptions = {}): ResilientEmbedder {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const policy: RetryPolicy = retryPolicyOf(options);
  const breaker = createCircuitBreaker({ ...breakerSettingsOf(options), now });
  let lastError: string | undefined;
  let lastSuccessAt: number | undefined;

  const circuitOpen = (retryAfterMs: number, cause?: unknown) =>
    new MemosError(
      'E_EMBEDDING_PROVIDER',
      `embedding provider '${provider.provider}' is unavailable: circuit open after ` +
        `${breaker.consecutiveFailures} consecutive failures${lastError ? ` (last: ${lastError})` : ''}`,
      { details: { retryable: true, retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)), failure: 'circuit_open' }, cause },
    );

  const outcomeOf = (error: unknown): CallOutcome =>
    isRetryable(error) ? 'unavailable' : isMemosError(error) ? 'answered' : 'cancelled';

  /** One batch through the breaker, with retries. */
  const embedBatch = async (texts: string[], purpose: EmbedPurpose, signal?: AbortSignal): Promise<Float32Array[]> => {
    let lastFailure: unknown;
    for (let attempt = 0; ; attempt++) {
      signal?.throwIfAborted();
      const ticket = breaker.admit();
      if ('retryAfterMs' in ticket) throw circuitOpen(ticket.retryAfterMs, lastFailure);
      try {
        const vectors = await provider.embed(signal ? { texts, purpose, signal } : { texts, purpose });
        if (vectors.length !== texts.length) {
          throw new MemosError(
            'E_EMBEDDING_PROVIDER',
            `embedding provider '${provider.provider}' returned ${vectors.length} vectors for ${texts.length} texts`,
            { details: { retryable: false } },
          );
        }
        breaker.release(ticket, 'answered');
        lastSuccessAt = now();
        return vectors;
      } catch (error) {
        breaker.release(ticket, outcomeOf(error));
        if (isMemosError(error)) lastError = error.message;
        const wait = retryDelay(error, attempt, policy);
        if (wait === undefined) throw error;
        lastFailure = error;
        // An attempt that just opened the circuit is not followed by a pointless wait.
        if (breaker.state === 'open') throw circuitOpen(breaker.openForMs, error);
        await sleep(wait, signal);
      }
    }
  };

  return withIdentityOf(provider, {
    async embed({ texts, purpose, signal }: EmbedRequest) {
      const limit = provider.maxInputChars;
      const sent = limit === undefined ? texts : texts.map((text) => firstChars(text, limit));
      const vectors: Float32Array[] = [];
      for (let start = 0; start < sent.length; start += provider.maxBatchSize) {
        vectors.push(...(await embedBatch(sent.slice(start, start + provider.maxBatchSize), purpose, signal)));
      }
      return vectors;
    },
    health() {
      const health: EmbedderHealth = {
        provider: provider.provider,
        model: provider.model,
        dimensions: provider.dimensions,
        circuit: breaker.state,
        consecutiveFailures: breaker.consecutiveFailures,
      };
      if (lastError !== undefined) health.lastError = lastError;
      if (lastSuccessAt !== undefined) health.lastSuccessAt = toIso(lastSuccessAt);
      return health;
    },
  });
}
