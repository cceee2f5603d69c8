// The embedding gateway (`/v1/embeddings`, OpenAI-compatible, and `/api/v1/embeddings…`), its
// cache, and the model list.
import type { CallOptions, Transport } from '../transport.js';
import type { Body, Ok, Query } from '../types.js';

export type OpenAiEmbeddingRequest = Body<'POST /v1/embeddings'>;
export type EmbedRequest = Body<'POST /api/v1/embeddings'>;
export type EmbedBatchRequest = Body<'POST /api/v1/embeddings/batch'>;

export class EmbeddingsApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** OpenAI-compatible embeddings (`POST /v1/embeddings`): `model` must be the one `models.list()` names. */
  create(request: OpenAiEmbeddingRequest, options?: CallOptions): Promise<Ok<'POST /v1/embeddings'>> {
    return this.#http.json('POST /v1/embeddings', { json: request }, options);
  }

  /** One text's vector (`POST /api/v1/embeddings`), through the cache. */
  embed(request: EmbedRequest, options?: CallOptions): Promise<Ok<'POST /api/v1/embeddings'>> {
    return this.#http.json('POST /api/v1/embeddings', { json: request }, options);
  }

  /** Many texts' vectors, in input order; only cache misses reach the model. */
  embedBatch(request: EmbedBatchRequest, options?: CallOptions): Promise<Ok<'POST /api/v1/embeddings/batch'>> {
    return this.#http.json('POST /api/v1/embeddings/batch', { json: request }, options);
  }

  /** Embedding cache statistics: of every namespace, or of the one `options.namespace` names (admin). */
  cacheStats(options?: CallOptions): Promise<Ok<'GET /api/v1/embeddings/cache/stats'>> {
    return this.#http.json('GET /api/v1/embeddings/cache/stats', {}, options);
  }

  /** Drops cached embeddings: of every namespace, or of the one `options.namespace` names (admin). */
  clearCache(options?: CallOptions): Promise<Ok<'POST /api/v1/embeddings/cache/clear'>> {
    return this.#http.json('POST /api/v1/embeddings/cache/clear', { json: {} }, options);
  }
}

export class ModelsApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** The embedding model memOS serves, in OpenAI's shape (an empty list while no embedder is ready). */
  list(options?: CallOptions): Promise<Ok<'GET /v1/models'>> {
    return this.#http.json('GET /v1/models', {}, options);
  }

  /** One model by id (ids may hold a slash); `E_NOT_FOUND` when memOS does not serve it. */
  get(id: string, options?: CallOptions): Promise<Ok<'GET /v1/models/{*}'>> {
    return this.#http.json('GET /v1/models/{*}', { path: { '*': id } }, options);
  }
}

export type CacheClearQuery = Query<'DELETE /api/v1/cache'>;

export class CacheApi {
  readonly #http: Transport;
  constructor(http: Transport) {
    this.#http = http;
  }

  /** Entries, bytes and evictions per cache class: of every namespace, or of the one `options.namespace` names (admin). */
  stats(options?: CallOptions): Promise<Ok<'GET /api/v1/cache/stats'>> {
    return this.#http.json('GET /api/v1/cache/stats', {}, options);
  }

  /** Clears cached entries: of one namespace (`options.namespace`), of one cache class (`prefix`), of both, or everything (admin). */
  clear(query: CacheClearQuery = {}, options?: CallOptions): Promise<Ok<'DELETE /api/v1/cache'>> {
    return this.#http.json('DELETE /api/v1/cache', { query }, options);
  }
}
