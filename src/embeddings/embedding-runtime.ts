import type { Logger } from 'pino';
import { cacheErrorLog } from '../cache/cache-fallback.js';
import {
  clearEmbeddingCache,
  createCachingEmbedder,
  embeddingCacheStats,
  NO_REQUESTS,
  type CachingEmbedder,
  type EmbeddingCacheStats,
  type EmbedResult,
} from '../cache/embedding-cache.js';
import { isMemosError, MemosError } from '../core/errors.js';
import type { Cache, Embedder, EmbeddingProvider, EmbedRequest } from '../core/ports.js';
import { createResilientEmbedder, type EmbedderHealth } from './embed-many.js';

export type EmbedderState = 'disabled' | 'loading' | 'ready' | 'failed';

const FIRST_RETRY_MS = 15_000;
const MAX_RETRY_MS = 10 * 60_000;

export interface EmbeddingStatus {
  state: EmbedderState;
  detail: string;
  provider?: string;
  model?: string;
  dimensions?: number;
  circuit?: EmbedderHealth['circuit'];
}

export interface EmbeddingRuntime extends Embedder {
  /** As CachingEmbedder.embedDetailed; E_UNAVAILABLE while there is no provider to ask. */
  embedDetailed(request: EmbedRequest): Promise<EmbedResult>;
  status(): EmbeddingStatus;
  /** The cache-wrapped embedder once the provider is ready. */
  readonly cached: CachingEmbedder | undefined;
  /** When the provider last became ready (ms since the epoch); undefined until then. */
  readonly readyAt: number | undefined;
  /** Embedding cache statistics, in every state: counters stay 0 until an embedder serves. */
  cacheStats(namespace?: string): Promise<EmbeddingCacheStats>;
  /** Drops cached embeddings (of one namespace or all), in every state; returns how many went. */
  clearCache(namespace?: string): Promise<number>;
  /** Settles when the provider's first load has succeeded or failed. */
  readonly settled: Promise<void>;
  /** Runs `callback` once the provider is ready: now if it is, else when a (re)load succeeds. */
  whenReady(callback: () => void): void;
  close(): Promise<void>;
}

export interface EmbeddingRuntimeOptions {
  provider: EmbeddingProvider | undefined;
  cache: Cache;
  ttlSeconds: number;
  logger: Logger;
  /** Delays between load attempts after a retryable failure: the first, doubling up to the max. */
  retry?: { firstMs: number; maxMs: number };
  /** Wraps the embedder below the cache, e.g. to record metrics and spans of the calls that miss it. */
  instrument?: (embedder: Embedder) => Embedder;
  /** What an operator can do when the provider fails to load, said once in the log line that reports it. */
  loadFailureHint?: string;
  /** Why there is no provider, when there is none (e.g. `MEMOS_EMBEDDER=none`). */
  disabledReason?: string;
}

/**
 * Owns the embedding provider's life: loads it in the background (a first model download may
 * take a while, and a remote server may be down), then serves embeddings through the resilient,
 * caching stack. Until then, and if loading fails, embed() fails fast with E_UNAVAILABLE, and
 * memOS runs keyword-only.
 */
export function startEmbeddingRuntime({
  provider,
  cache,
  ttlSeconds,
  logger,
  retry = { firstMs: FIRST_RETRY_MS, maxMs: MAX_RETRY_MS },
  instrument = (embedder) => embedder,
  loadFailureHint,
  disabledReason = 'no embedder is configured',
}: EmbeddingRuntimeOptions): EmbeddingRuntime {
  let state: EmbedderState = provider === undefined ? 'disabled' : 'loading';
  let failure = '';
  let resilient: ReturnType<typeof createResilientEmbedder> | undefined;
  let cached: CachingEmbedder | undefined;
  let readyAt: number | undefined;
  /** Load failures so far: the first is logged at warn in one short line, later ones at debug. */
  let failures = 0;

  const readyCallbacks: Array<() => void> = [];
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const load = (attempt: number): Promise<void> =>
    provider!.init().then(
      () => {
        resilient = createResilientEmbedder(provider!);
        cached = createCachingEmbedder({
          embedder: instrument(resilient),
          cache,
          ttlSeconds,
          onCacheError: cacheErrorLog(logger, 'embedding cache unavailable; bypassed'),
        });
        state = 'ready';
        readyAt = Date.now();
        logger.info({ provider: provider!.provider, model: provider!.model, dimensions: provider!.dimensions }, 'embedder ready');
        for (const callback of readyCallbacks.splice(0)) callback();
      },
      (error: unknown) => {
        state = 'failed';
        failure = isMemosError(error) ? error.message : 'the embedding provider failed to load';
        // A download or a server that may come back is tried again, less and less often.
        const retryable = isMemosError(error) && error.details?.retryable === true;
        const delayMs = Math.min(retry.maxMs, retry.firstMs * 2 ** attempt);
        const retryInMs = retryable && !closed ? delayMs : undefined;
        // One short line the first time, with what to do; the cause and every retry at debug.
        failures += 1;
        if (failures === 1) logger.warn({ provider: provider!.provider, retryInMs }, `no embedding model: ${failure}; running keyword-only${loadFailureHint ? `. ${loadFailureHint}` : ''}`);
        logger.debug({ err: error, provider: provider!.provider, attempt, retryInMs }, 'embedder failed to load');
        if (retryable && !closed) {
          retryTimer = setTimeout(() => {
            state = 'loading';
            void load(attempt + 1);
          }, delayMs);
          retryTimer.unref();
        }
      },
    );

  const settled = provider === undefined ? Promise.resolve() : load(0);

  /** The caching embedder, or E_UNAVAILABLE saying why there is none. */
  const ready = (): CachingEmbedder => {
    if (cached !== undefined) return cached;
    const { detail } = status();
    throw new MemosError('E_UNAVAILABLE', `embeddings are unavailable: ${detail}`, { details: state === 'loading' ? { retryAfter: 5 } : {} });
  };

  const status = (): EmbeddingStatus => {
    if (provider === undefined) return { state, detail: `${disabledReason}; search is keyword-only` };
    const base = { provider: provider.provider, model: provider.model, dimensions: provider.dimensions };
    if (state === 'loading') return { state, detail: `loading ${provider.provider} model ${provider.model}`, ...base };
    if (state === 'failed') return { state, detail: `${failure}; search is keyword-only`, ...base };
    const health = resilient!.health();
    const circuit = health.circuit === 'closed' ? '' : `; circuit ${health.circuit}${health.lastError ? ` after: ${health.lastError}` : ''}`;
    return { state, detail: `${provider.provider} ${provider.model}, ${provider.dimensions} dimensions${circuit}`, ...base, circuit: health.circuit };
  };

  return {
    get provider() {
      return provider?.provider ?? 'none';
    },
    get model() {
      return provider?.model ?? '';
    },
    get dimensions() {
      return provider?.dimensions ?? 0;
    },
    get maxInputChars() {
      return provider?.maxInputChars;
    },
    get cached() {
      return cached;
    },
    get readyAt() {
      return readyAt;
    },
    cacheStats: (namespace) => cached?.stats(namespace) ?? embeddingCacheStats(cache, namespace, NO_REQUESTS),
    clearCache: (namespace) => clearEmbeddingCache(cache, namespace),
    settled,
    status,
    async embed(request: EmbedRequest) {
      return ready().embed(request);
    },
    async embedDetailed(request: EmbedRequest) {
      return ready().embedDetailed(request);
    },
    whenReady(callback: () => void) {
      if (state === 'ready') callback();
      else readyCallbacks.push(callback);
    },
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await settled;
      await provider?.close();
    },
  };
}
