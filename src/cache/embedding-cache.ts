import { createHash } from 'node:crypto';
import { isMemosError, MemosError } from '../core/errors.js';
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
  /**
   * Longest one upstream call may take, retries included (2 minutes unless told). The call is
   * shared by every request that waits for its texts, so it runs under this limit of its own,
   * never under the signal of the request that started it.
   */
  flightTimeoutMs?: number;
}

/** `sha256(model \0 dimensions \0 text)`, with `userId \0` before the text for one user's entries: a vector is reused only for the same model and size (and user). */
export function embeddingHash(model: string, dimensions: number, text: string, userId?: string): string {
  // Texts and user ids hold no NUL (memOS refuses it in requests), so the two forms never meet.
  const input = userId === undefined ? `${model}\0${dimensions}\0${text}` : `${model}\0${dimensions}\0${userId}\0${text}`;
  const known = recentHashes.get(input);
  if (known !== undefined) return known;
  const hash = createHash('sha256').update(input).digest('hex');
  if (input.length <= REMEMBERED_INPUT_CHARS) {
    if (recentHashes.size >= REMEMBERED_HASHES) recentHashes.clear();
    recentHashes.set(input, hash);
  }
  return hash;
}

/**
 * Hashes of recent short inputs: a text asked for again (a cache hit, the common case) is hashed
 * once, not on every request. At most REMEMBERED_HASHES inputs of at most REMEMBERED_INPUT_CHARS
 * characters (a few MiB); the table starts afresh when full.
 */
const REMEMBERED_HASHES = 4096;
const REMEMBERED_INPUT_CHARS = 1024;
const recentHashes = new Map<string, string>();

const toBytes = (vector: Float32Array) => new Uint8Array(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength));
const toVector = (bytes: Uint8Array) => new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

const FLIGHT_TIMEOUT_MS = 120_000;

/**
 * Cache-aside around an Embedder. A request looks every text up at once, sends only the misses
 * upstream in one call, and answers in input order. Concurrent requests for a text already being
 * embedded wait for that call instead of making another. A failing cache is bypassed, never fatal.
 *
 * An upstream call (a "flight") belongs to no request: it runs under its own time limit, stores
 * its vectors in the cache when it succeeds, and settles every waiter with its outcome. A request's
 * signal only ends that request's waiting (with E_EMBEDDING_PROVIDER), and every promise a request
 * may wait on is handled whatever happens first, so no failure is ever left unhandled.
 */
export function createCachingEmbedder({ embedder, cache, ttlSeconds, onCacheError, flightTimeoutMs = FLIGHT_TIMEOUT_MS }: CachingEmbedderOptions): CachingEmbedder {
  const inflight = new Map<string, Promise<Float32Array>>();
  const hitLatency = new LatencyWindow();
  const missLatency = new LatencyWindow();
  let hits = 0;
  let misses = 0;
  let coalesced = 0;

  const keyOf = ({ namespace, userId }: EmbedRequest, text: string): CacheKey => ({
    namespace,
    cache: 'embeddings',
    hash: embeddingHash(embedder.model, embedder.dimensions, text, userId),
  });
  const tolerate = cacheFallback(onCacheError);

  async function embedDetailed(request: EmbedRequest): Promise<EmbedResult> {
    const started = performance.now();
    const unique = [...new Set(request.texts)];
    if (unique.length === 0) return { vectors: [], hits: 0, misses: 0, coalesced: 0 };
    if (request.signal?.aborted) throw stoppedWaiting(request.signal);
    // Until the provider has said how long its vectors are, there is no key to look up.
    const keyed = embedder.dimensions > 0;
    const keys = keyed ? unique.map((text) => keyOf(request, text)) : [];
    const found = keyed ? await tolerate(cache.getMany(keys), unique.map(() => undefined)) : unique.map(() => undefined);

    const vectors = new Map<string, Float32Array>();
    // Every promise this request may wait on: each is awaited together below, so each has a handler.
    const parts: Promise<void>[] = [];
    const missing: string[] = [];
    let joined = 0;
    unique.forEach((text, index) => {
      const cached = found[index];
      const pending = keyed ? inflight.get(flightKey(keys[index]!)) : undefined;
      if (cached !== undefined) vectors.set(text, toVector(cached));
      else if (pending !== undefined) {
        joined += 1;
        parts.push(pending.then((vector) => void vectors.set(text, vector)));
      } else missing.push(text);
    });
    if (missing.length > 0) {
      const flight = startFlight(request, missing);
      parts.push(flight.then((result) => missing.forEach((text, index) => vectors.set(text, result[index]!))));
    }
    const result = { hits: unique.length - missing.length - joined, misses: missing.length, coalesced: joined };
    hits += result.hits;
    coalesced += result.coalesced;
    misses += result.misses;

    await waitUnlessStopped(Promise.all(parts), request.signal);
    (missing.length > 0 ? missLatency : hitLatency).record(performance.now() - started);
    return { ...result, vectors: request.texts.map((text) => vectors.get(text)!) };
  }

  /** One upstream call for `texts`, shared through `inflight` until it settles; it caches what it gets. */
  function startFlight(request: EmbedRequest, texts: string[]): Promise<Float32Array[]> {
    const signal = AbortSignal.timeout(flightTimeoutMs);
    const flights = embedder.dimensions > 0 ? texts.map((text) => flightKey(keyOf(request, text))) : [];
    const flight = (async () => {
      try {
        const result = await embedder.embed({ texts, purpose: request.purpose, namespace: request.namespace, signal });
        // Keys are made after the call: the first call to a provider is when it learns its dimensions.
        await tolerate(
          cache.setMany(texts.map((text, index) => ({ key: keyOf(request, text), value: toBytes(result[index]!), ttlSeconds }))),
          undefined,
        );
        return result;
      } catch (error) {
        if (signal.aborted && !isMemosError(error)) throw timedOut(`no answer from the embedding provider in ${flightTimeoutMs} ms`, error);
        throw error;
      }
    })();
    const shared = flights.map((_, index) => flight.then((result) => result[index]!));
    flights.forEach((key, index) => inflight.set(key, shared[index]!));
    // Waiters attach their own handlers; these keep a flight nobody waits for any more from going unhandled.
    for (const promise of [flight, ...shared]) promise.catch(() => undefined);
    void flight.finally(() => {
      flights.forEach((key, index) => {
        if (inflight.get(key) === shared[index]) inflight.delete(key);
      });
    }).catch(() => undefined);
    return flight;
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

/** A caller that stops waiting gets a memOS error: a timeout says so, any other abort is a cancellation. */
function stoppedWaiting(signal: AbortSignal): MemosError {
  const reason: unknown = signal.reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return timedOut('the caller stopped waiting for embeddings: its time limit passed', reason);
  return new MemosError('E_EMBEDDING_PROVIDER', 'the caller stopped waiting for embeddings: it was cancelled', { details: { retryable: true }, cause: reason });
}

function timedOut(message: string, cause: unknown): MemosError {
  return new MemosError('E_EMBEDDING_PROVIDER', message, { details: { retryable: true, failure: 'timeout' }, cause });
}

/** `work`, or a rejection as soon as `signal` aborts; `work` keeps its handler either way. */
function waitUnlessStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(stoppedWaiting(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
