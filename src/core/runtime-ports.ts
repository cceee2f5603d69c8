// The ports of memOS's runtime around the stores (DESIGN §2): embedding providers and the embedder
// services call, background jobs and their claims, and the cache. Re-exported by ports.ts, where
// the store ports live.

import type { Lifecycle } from './ports.js';
import type { PendingEmbedding } from './types.js';

// ── Embeddings ─────────────────────────────────────────────────────────────

export type EmbedPurpose = 'document' | 'query';

/**
 * One embedding engine (Model2Vec in process, or an OpenAI-compatible server). An adapter makes
 * one call for at most `maxBatchSize` texts; batching, retries, the circuit breaker and caching
 * are done once, around every provider, by the core (src/embeddings/embed-many.ts, src/cache/).
 */
export interface EmbeddingProvider extends Lifecycle {
  /** `model2vec` or `openai`. */
  readonly provider: string;
  /** The model id vectors are stored under, e.g. `minishlab/potion-base-8M`. */
  readonly model: string;
  /** Length of every vector; 0 until known (an upstream not yet reached). */
  readonly dimensions: number;
  readonly maxBatchSize: number;
  /**
   * Longest text, in characters (code points), the model embeds whole; the core embeds only the
   * start of a longer one. Undefined when there is no limit (or it is not known yet).
   */
  readonly maxInputChars?: number | undefined;
  /**
   * Vectors in input order. Failures throw MemosError `E_EMBEDDING_PROVIDER` with
   * `details.retryable` (and `details.retryAfter` when the upstream said), or `E_DIMENSION_MISMATCH`.
   */
  embed(request: { texts: string[]; purpose: EmbedPurpose; signal?: AbortSignal }): Promise<Float32Array[]>;
}

export interface EmbedRequest {
  texts: string[];
  purpose: EmbedPurpose;
  /** Cache entries are kept per namespace. */
  namespace: string;
  /**
   * Cache entries are kept apart for this user too: a user-bound key's requests share cached
   * vectors only with its own, so that a hit never tells it which texts other users embedded.
   */
  userId?: string;
  signal?: AbortSignal;
}

/** What services call: a provider wrapped with batching, retries, a circuit breaker and a cache. */
export interface Embedder {
  readonly provider: string;
  readonly model: string;
  /** 0 until known. */
  readonly dimensions: number;
  /** As EmbeddingProvider.maxInputChars: a longer text is embedded from its start only. */
  readonly maxInputChars?: number | undefined;
  /** Vectors in input order, each L2-normalised or as the provider returns them. */
  embed(request: EmbedRequest): Promise<Float32Array[]>;
}

// ── Background work ────────────────────────────────────────────────────────

/** What one round of the embedding backfill asks for. */
export interface EmbeddingClaim {
  model: string;
  dimensions: number;
  limit: number;
  /** How long the records stay this process's unless released first: a crashed owner's come back after it. */
  leaseMs: number;
}

/**
 * Batches of background work with one owner each across every process that shares the storage.
 * A storage that several processes share (PostgreSQL) keeps the leases itself; memOS keeps them
 * in process otherwise (embedded mode: one process owns the data folder).
 */
export interface BatchClaims {
  /** Where leases are kept: `in-process` or `postgres`. */
  readonly backend: string;
  /**
   * Up to `limit` of the oldest records that `VectorStore.pending` would list and no live lease
   * holds, now leased to this process. Empty when none is left.
   */
  claimEmbeddings(claim: EmbeddingClaim): Promise<PendingEmbedding[]>;
  /** Ends this process's leases on these records (embedded, failed, or the round stopped). */
  release(records: PendingEmbedding[]): Promise<void>;
}

/** Background work that runs in rounds: at once again while a round did something, else after `idleMs`. */
export interface RecurringJob {
  /** Names the job in logs. */
  name: string;
  idleMs: number;
  /** One round; true when it did some work (so that another may at once). */
  round(): Promise<boolean>;
  /** A failed round is reported here, then the job waits `idleMs`. */
  onError(error: unknown): void;
}

export interface ScheduledJob {
  /** True while a round runs or the next one is due at once. */
  readonly running: boolean;
  /** Starts a round now rather than after the idle pause. */
  nudge(): void;
  /** Waits for a running round to end, and runs no more. */
  stop(): Promise<void>;
}

/**
 * The background-job port (DESIGN §2, STYLE): services schedule recurring work and claim its
 * batches here, the same way in embedded and server mode.
 */
export interface Jobs extends BatchClaims {
  /** Runs `job` in the background from now on. */
  schedule(job: RecurringJob): ScheduledJob;
}

// ── Cache ──────────────────────────────────────────────────────────────────

/** A cache class: each has its own TTL default and statistics. */
export type CacheClass = 'embeddings' | 'responses';

/** A cache key, formatted by adapters as `memos:{namespace}:{cache}:{hash}` (see core/cache-key.ts). */
export interface CacheKey {
  namespace: string;
  cache: CacheClass;
  /** Derived from the cached input; no `:` in it. */
  hash: string;
}

export interface CacheEntry {
  key: CacheKey;
  value: Uint8Array;
  ttlSeconds: number;
}

/** Which keys an operation covers: everything, one namespace, one cache class, or both. */
export interface CacheScope {
  namespace?: string;
  cache?: CacheClass;
}

export interface CacheUsage {
  entries: number;
  bytes: number;
  evictions: number;
}

/** Bytes by key with a TTL per entry: an in-process LRU bounded in bytes, or Redis. */
export interface Cache extends Lifecycle {
  readonly backend: string;
  getMany(keys: CacheKey[]): Promise<(Uint8Array | undefined)[]>;
  setMany(entries: CacheEntry[]): Promise<void>;
  /** Removes every key in the scope; returns how many went. */
  clear(scope: CacheScope): Promise<number>;
  usage(scope: CacheScope): Promise<CacheUsage>;
  /** Removes these keys (an erasure's embedding-cache entries); returns how many were there. */
  deleteMany?(keys: CacheKey[]): Promise<number>;
}
