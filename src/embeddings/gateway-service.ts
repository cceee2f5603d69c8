import type { EmbedResult, EmbeddingCacheStats } from '../cache/embedding-cache.js';
import { MemosError, validationError } from '../core/errors.js';
import type { EmbedPurpose } from '../core/ports.js';
import type { EmbeddingRuntime, EmbeddingStatus } from './embedding-runtime.js';

export interface GatewayRequest {
  namespace: string;
  texts: string[];
  purpose: EmbedPurpose;
  /** When the client names a model, it must be the one served. */
  model?: string;
  /** When the client names a vector length, it must be the model's (no truncation is done). */
  dimensions?: number;
}

export interface GatewayResult extends EmbedResult {
  model: string;
  dimensions: number;
  /** An estimate (about four characters a token): providers count tokens differently. */
  promptTokens: number;
}

export interface GatewayCacheStats extends EmbeddingCacheStats {
  embedder: EmbeddingStatus;
}

/** The embedding gateway: embeddings for clients, served through the same cache memOS uses itself. */
export function createGatewayService({ runtime }: { runtime: EmbeddingRuntime }) {
  const cachedOrUnavailable = () => {
    const cached = runtime.cached;
    if (cached === undefined) throw new MemosError('E_UNAVAILABLE', `embeddings are unavailable: ${runtime.status().detail}`);
    return cached;
  };

  return {
    async embed(request: GatewayRequest): Promise<GatewayResult> {
      if (request.model !== undefined && runtime.model !== '' && request.model !== runtime.model) {
        throw validationError([{ field: 'model', message: `this server serves '${runtime.model}', not '${request.model}'`, location: 'body' }]);
      }
      const checkDimensions = () => {
        if (request.dimensions !== undefined && runtime.dimensions > 0 && request.dimensions !== runtime.dimensions) {
          throw validationError([{ field: 'dimensions', message: `this model gives ${runtime.dimensions} dimensions`, location: 'body' }]);
        }
      };
      checkDimensions();
      const result = await runtime.embedDetailed({ texts: request.texts, purpose: request.purpose, namespace: request.namespace });
      checkDimensions(); // a remote provider's length may only be known after its first answer
      const promptTokens = request.texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 4)), 0);
      return { ...result, model: runtime.model, dimensions: runtime.dimensions, promptTokens };
    },

    async cacheStats(namespace?: string): Promise<GatewayCacheStats> {
      return { ...(await cachedOrUnavailable().stats(namespace)), embedder: runtime.status() };
    },

    embedderStatus(): EmbeddingStatus {
      return runtime.status();
    },

    clearCache(namespace?: string): Promise<number> {
      return cachedOrUnavailable().clear(namespace);
    },
  };
}

export type GatewayService = ReturnType<typeof createGatewayService>;
