import { createHash } from 'node:crypto';
import type { Cache, CacheKey, Embedder, EmbedRequest } from '../core/ports.js';
import { cacheFallback } from './cache-fallback.js';
import { LatencyWindow, type LatencySummary } from './latency-window.js';
import { withIdentityOf } from '../embeddings/embedder-identity.js';

export interface EmbeddingCacheStats {
  backend: string;
  hits: number;
  misses: number;
  /** Texts that joined an identical upstream call already under way. */
  coalesced: number;
  hitRate: number;
  entries: number;
  bytes: number;
  evictions: number;
  latencyMs: { hit: LatencySummary; miss: LatencySummary };
}

/** One request's vectors and how the cache served it (counted over distinct texts). */
export interface EmbedResult {
  vectors: Float32Array[];
  hits: number;
  misses: number;
  coalesced: number;
}

export interface CachingEmbedder extends Embedder {
  embedDetailed(request: EmbedRequest): Promise<EmbedResult>;
  stats(namespace?: string): Promise<EmbeddingCacheStats>;
  /** Drops cached embeddings, of one namespace or all; returns how many went. */
  clear(namespace?: string): Promise<number>;
}

export interface CachingEmbedderOptions {
  embedder: Embedder;
  cache: Cache;
  ttlSeconds: number;
  /** Reports cache failures; the embedder carries on without the cache. */
  onCacheError?: (error: unknown) => void;
}

/** `sha256(model \0 dimensions \0 text)`: a vector is reused only for the same model and size. */
export function embeddingHash(model: string, dimensions: number, text: string): string {
  return createHash('sha256').update(`${model}\0${dimensions}\0${text}`).digest('hex');
}

const toBytes = (vector: Float32Array) => new Uint8Array(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength));
const toVector = (bytes: Uint8Array) => new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

/**
 * Cache-aside around an Embedder. A request looks every text up at once, sends only the misses
 * upstream in one call, and answers in input order. Concurrent requests for a text already being
 * embedded wait for that call instead of making another. A failing cache is bypassed, never fatal.
 */
export function createCachingEmbedder({ embedder, cache, ttlSeconds, onCacheError }: CachingEmbedderOptions): CachingEmbedder {
  const inflight = new Map<string, Promise<Float32Array>>();
  const hitLatency = new LatencyWindow();
  const missLatency = new LatencyWindow();
  let hits = 0;
  let misses = 0;
  let coalesced = 0;

  const keyOf = (namespace: string, text: string): CacheKey => ({
    namespace,
    cache: 'embeddings',
    hash: embeddingHash(embedder.model, embedder.dimensions, text),
  });
  const tolerate = cacheFallback(onCacheError);

  async function embedDetailed(request: EmbedRequest): Promise<EmbedResult> {
    const started = performance.now();
    const unique = [...new Set(request.texts)];
    if (unique.length === 0) return { vectors: [], hits: 0, misses: 0, coalesced: 0 };
    // Until the provider has said how long its vectors are, there is no key to look up.
    const keyed = embedder.dimensions > 0;
    const keys = keyed ? unique.map((text) => keyOf(request.namespace, text)) : [];
    const found = keyed ? await tolerate(cache.getMany(keys), unique.map(() => undefined)) : unique.map(() => undefined);

    const vectors = new Map<string, Float32Array>();
    const waits: Promise<void>[] = [];
    const missing: string[] = [];
    unique.forEach((text, index) => {
      const cached = found[index];
      const pending = keyed ? inflight.get(flightKey(keys[index]!)) : undefined;
      if (cached !== undefined) vectors.set(text, toVector(cached));
      else if (pending !== undefined) waits.push(pending.then((vector) => void vectors.set(text, vector)));
      else missing.push(text);
    });
    const result = { hits: unique.length - missing.length - waits.length, misses: missing.length, coalesced: waits.length };
    hits += result.hits;
    coalesced += result.coalesced;
    misses += result.misses;

    if (missing.length > 0) await embedMissing(request, missing, vectors);
    await Promise.all(waits);
    (missing.length > 0 ? missLatency : hitLatency).record(performance.now() - started);
    return { ...result, vectors: request.texts.map((text) => vectors.get(text)!) };
  }

  async function embedMissing(request: EmbedRequest, missing: string[], vectors: Map<string, Float32Array>): Promise<void> {
    const call = embedder.embed({ ...request, texts: missing });
    const flights = embedder.dimensions > 0 ? missing.map((text) => flightKey(keyOf(request.namespace, text))) : [];
    flights.forEach((flight, index) => {
      const one = call.then((result) => result[index]!);
      one.catch(() => undefined); // the caller of `call` sees the error; waiters see it through `one`
      inflight.set(flight, one);
    });
    try {
      const result = await call;
      missing.forEach((text, index) => vectors.set(text, result[index]!));
      // Keys are made after the call: the first call to a provider is when it learns its dimensions.
      await tolerate(
        cache.setMany(missing.map((text, index) => ({ key: keyOf(request.namespace, text), value: toBytes(result[index]!), ttlSeconds }))),
        undefined,
      );
    } finally {
      for (const flight of flights) inflight.delete(flight);
    }
  }

  return withIdentityOf(embedder, {
    embedDetailed,
    embed: async (request) => (await embedDetailed(request)).vectors,
    stats: (namespace) =>
      embeddingCacheStats(cache, namespace, { hits, misses, coalesced, latencyMs: { hit: hitLatency.summary(), miss: missLatency.summary() } }, tolerate),
    clear: (namespace) => clearEmbeddingCache(cache, namespace),
  });
}

type Counters = Pick<EmbeddingCacheStats, 'hits' | 'misses' | 'coalesced' | 'latencyMs'>;

/** No request served yet: what the stats say before an embedder is ready, or without one. */
export const NO_REQUESTS: Counters = { hits: 0, misses: 0, coalesced: 0, latencyMs: { hit: new LatencyWindow().summary(), miss: new LatencyWindow().summary() } };

/** The cache's usage of embeddings (of one namespace or all) with the request counters of `counters`. */
export async function embeddingCacheStats(
  cache: Cache,
  namespace: string | undefined,
  counters: Counters,
  tolerate: ReturnType<typeof cacheFallback> = cacheFallback(),
): Promise<EmbeddingCacheStats> {
  const usage = await tolerate(cache.usage({ cache: 'embeddings', ...(namespace === undefined ? {} : { namespace }) }), { entries: 0, bytes: 0, evictions: 0 });
  const served = counters.hits + counters.coalesced;
  const asked = served + counters.misses;
  return { backend: cache.backend, ...counters, hitRate: asked === 0 ? 0 : served / asked, ...usage };
}

/** Drops cached embeddings, of one namespace or all; returns how many went. */
export function clearEmbeddingCache(cache: Cache, namespace?: string): Promise<number> {
  return cache.clear({ cache: 'embeddings', ...(namespace === undefined ? {} : { namespace }) });
}

function flightKey(key: CacheKey): string {
  return `${key.namespace}\0${key.hash}`;
}
