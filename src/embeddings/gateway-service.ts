import type { EmbedResult, EmbeddingCacheStats } from '../cache/embedding-cache.js';
import { validationError } from '../core/errors.js';
import type { EmbedPurpose } from '../core/ports.js';
import type { EmbeddingRuntime, EmbeddingStatus } from './embedding-runtime.js';

export interface GatewayRequest {
  namespace: string;
  /** A user-bound key's user: its cache hits come from its own requests only (EmbedRequest.userId). */
  userId?: string;
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

/** A model as OpenAI's `GET /v1/models` lists it. */
export interface ServedModel {
  id: string;
  object: 'model';
  /** Unix seconds: when memOS made it ready. */
  created: number;
  owned_by: string;
}

/** The embedding gateway: embeddings for clients, served through the same cache memOS uses itself. */
export function createGatewayService({ runtime }: { runtime: EmbeddingRuntime }) {
  return {
    async embed(request: GatewayRequest): Promise<GatewayResult> {
      if (request.model !== undefined && runtime.model !== '' && request.model !== runtime.model) {
        throw validationError([{ field: 'model', message: `this server serves '${runtime.model}', not '${request.model}'`, location: 'body' }]);
      }
      const checkDimensions = () => {
        if (request.dimensions !== undefined && runtime.dimensions > 0 && request.dimensions !== runtime.dimensions) {
          const message = `'${runtime.model}' gives ${runtime.dimensions}-dimensional vectors and cannot shorten them: leave dimensions out, or send ${runtime.dimensions}`;
          throw validationError([{ field: 'dimensions', message, location: 'body' }]);
        }
      };
      checkDimensions();
      const result = await runtime.embedDetailed({ texts: request.texts, purpose: request.purpose, namespace: request.namespace, ...(request.userId === undefined ? {} : { userId: request.userId }) });
      checkDimensions(); // a remote provider's length may only be known after its first answer
      const promptTokens = request.texts.reduce((sum, text) => sum + Math.max(1, Math.ceil(text.length / 4)), 0);
      return { ...result, model: runtime.model, dimensions: runtime.dimensions, promptTokens };
    },

    async cacheStats(namespace?: string): Promise<GatewayCacheStats> {
      return { ...(await runtime.cacheStats(namespace)), embedder: runtime.status() };
    },

    /** The model this server embeds with, once it is ready: the only one `model` may name. */
    models(): ServedModel[] {
      const readyAt = runtime.readyAt;
      if (runtime.status().state !== 'ready' || readyAt === undefined) return [];
      return [{ id: runtime.model, object: 'model', created: Math.floor(readyAt / 1000), owned_by: 'memos' }];
    },

    embedderStatus(): EmbeddingStatus {
      return runtime.status();
    },

    clearCache(namespace?: string): Promise<number> {
      return runtime.clearCache(namespace);
    },
  };
}

export type GatewayService = ReturnType<typeof createGatewayService>;
