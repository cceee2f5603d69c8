import type { Logger } from 'pino';
import { createCachingEmbedder, type CachingEmbedder, type EmbedResult } from '../cache/embedding-cache.js';
import { isMemosError, MemosError } from '../core/errors.js';
import type { Cache, Embedder, EmbeddingProvider, EmbedRequest } from '../core/ports.js';
import { createResilientEmbedder, type EmbedderHealth } from './embed-many.js';

export type EmbedderState = 'disabled' | 'loading' | 'ready' | 'failed';

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
  /** Settles when the provider has loaded or failed to. */
  readonly settled: Promise<void>;
  close(): Promise<void>;
}

export interface EmbeddingRuntimeOptions {
  provider: EmbeddingProvider | undefined;
  cache: Cache;
  ttlSeconds: number;
  logger: Logger;
}

/**
 * Owns the embedding provider's life: loads it in the background (a first model download may
 * take a while, and a remote server may be down), then serves embeddings through the resilient,
 * caching stack. Until then, and if loading fails, embed() fails fast with E_UNAVAILABLE, and
 * memOS runs keyword-only.
 */
export function startEmbeddingRuntime({ provider, cache, ttlSeconds, logger }: EmbeddingRuntimeOptions): EmbeddingRuntime {
  let state: EmbedderState = provider === undefined ? 'disabled' : 'loading';
  let failure = '';
  let resilient: ReturnType<typeof createResilientEmbedder> | undefined;
  let cached: CachingEmbedder | undefined;

  const settled =
    provider === undefined
      ? Promise.resolve()
      : provider.init().then(
          () => {
            resilient = createResilientEmbedder(provider);
            cached = createCachingEmbedder({
              embedder: resilient,
              cache,
              ttlSeconds,
              onCacheError: (error) => logger.warn({ err: error }, 'embedding cache unavailable; bypassed'),
            });
            state = 'ready';
            logger.info({ provider: provider.provider, model: provider.model, dimensions: provider.dimensions }, 'embedder ready');
          },
          (error: unknown) => {
            state = 'failed';
            failure = isMemosError(error) ? error.message : 'the embedding provider failed to load';
            logger.warn({ err: error, provider: provider.provider }, 'embedder failed to load; running keyword-only');
          },
        );

  /** The caching embedder, or E_UNAVAILABLE saying why there is none. */
  const ready = (): CachingEmbedder => {
    if (cached !== undefined) return cached;
    const { detail } = status();
    throw new MemosError('E_UNAVAILABLE', `embeddings are unavailable: ${detail}`, { details: state === 'loading' ? { retryAfter: 5 } : {} });
  };

  const status = (): EmbeddingStatus => {
    if (provider === undefined) return { state, detail: 'no embedder is configured; search is keyword-only' };
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
    get cached() {
      return cached;
    },
    settled,
    status,
    async embed(request: EmbedRequest) {
      return ready().embed(request);
    },
    async embedDetailed(request: EmbedRequest) {
      return ready().embedDetailed(request);
    },
    async close() {
      await settled;
      await provider?.close();
    },
  };
}
