// The ports that services depend on and adapters implement. Each method takes one
// query object and returns domain types; adapters never leak driver types.

import type {
  ApiKey,
  AuditEntry,
  AuditFilter,
  CursorPosition,
  EmbeddingFailure,
  EmbeddingProgress,
  Episode,
  EpisodeNeighbours,
  KeywordQuery,
  ListQuery,
  Memory,
  MemoryIdentity,
  Message,
  Metadata,
  NeighbourQuery,
  Page,
  PendingEmbedding,
  Scored,
  Session,
  StoredApiKey,
  Tier,
  TierRecord,
  VectorQuery,
  VectorWrite,
} from './types.js';
import type { SemanticStore } from './semantic-ports.js';
import type { ErasureStore, InspectStore, RetentionStore, SessionCount, SessionCountQuery, SessionErasure, TransferStore } from './lifecycle-ports.js';
import type { BatchClaims } from './runtime-ports.js';

/** Explicit lifecycle: constructors do no I/O; `init()` connects and migrates; `close()` releases. */
export interface Lifecycle {
  init(): Promise<void>;
  close(): Promise<void>;
}

export interface RecordRef {
  namespace: string;
  id: string;
  /**
   * When set, only a record of this user is found: a record of another user, or of none, answers
   * exactly as a missing one (get and history null, update null, delete false).
   */
  userId?: string;
}

// ── Short-term tier ────────────────────────────────────────────────────────

export interface SessionKey {
  namespace: string;
  sessionId: string;
  /**
   * When set, only a session of this user is found: get answers null and delete false for a session
   * of another user, or of none, as for a missing one. Append and put on such a live session are an
   * E_CONFLICT that names neither owner and writes nothing; a session they create is this user's.
   */
  userId?: string;
}

export interface PutSession {
  key: SessionKey;
  userId?: string;
  agentId?: string;
  messages: Message[];
  state: Metadata;
  summary?: string;
  ttlSeconds: number;
  /** Most messages kept; older ones are promoted to episodes in the same write. */
  window: number;
}

export interface AppendMessages {
  key: SessionKey;
  messages: Message[];
  window: number;
  /** TTL given to a session that the append creates (unless `ttlOverride` is set). */
  ttlSeconds: number;
  /** A TTL the caller named: the session gets it whether the append creates it or finds it live. */
  ttlOverride?: number;
  /**
   * Owner of a session that the append creates, also set on a live session that has none. A live
   * session that already names another one is an E_CONFLICT, and nothing is written.
   */
  userId?: string;
  agentId?: string;
}

export interface SessionWrite {
  session: Session;
  created: boolean;
  /**
   * Episodes made in this write, oldest first: the messages an expired session still held (when
   * the write found one), or those a put replaced (see `replacedMessages`), then the messages that
   * overflowed the window.
   */
  promoted: Episode[];
}

export interface WorkingMemoryStore {
  /**
   * Create or replace. The messages of a replaced live session that the new list no longer holds
   * are promoted to episodes (in the replaced session's scope) in the same atomic write, never dropped.
   */
  put(command: PutSession): Promise<SessionWrite>;
  /** A live session, its idle TTL refreshed; null when missing or expired. */
  get(key: SessionKey): Promise<Session | null>;
  /** Append to a session, creating it when missing; overflow is promoted atomically. */
  append(command: AppendMessages): Promise<SessionWrite>;
  delete(key: SessionKey): Promise<boolean>;
  /** Remove expired sessions, promoting the messages they still held. Returns how many expired. */
  sweepExpired(): Promise<number>;
  /** Live sessions of a namespace (of one user when `userId` is set), by session id, without refreshing their TTLs. */
  list(query: SessionListQuery): Promise<SessionPage>;
  /** Live sessions counted, grouped as the query asks (see SessionCountQuery), without refreshing their TTLs. */
  count(query: SessionCountQuery): Promise<SessionCount[]>;
}

export interface SessionListQuery {
  namespace: string;
  userId?: string;
  limit: number;
  /** Strictly after this session id. */
  after?: string;
}

export interface SessionPage {
  items: Session[];
  /** The last session id when more may follow. */
  next?: string;
}

// ── Episodic tier ──────────────────────────────────────────────────────────

export interface EpisodeStore {
  /** Insert all or none, in one transaction. */
  append(episodes: Episode[]): Promise<void>;
  get(ref: RecordRef): Promise<Episode | null>;
  list(query: ListQuery): Promise<Page<Episode>>;
  delete(ref: RecordRef): Promise<boolean>;
  search(query: KeywordQuery): Promise<Scored<Episode>[]>;
  /** For each id that names an episode matching `query.filter`: its session neighbours (see NeighbourQuery). */
  neighbours(query: NeighbourQuery): Promise<EpisodeNeighbours[]>;
}

// ── Semantic tier (semantic-ports.ts) ──────────────────────────────────────

export type * from './semantic-ports.js';

// ── Vectors ────────────────────────────────────────────────────────────────

/** A near-duplicate check of one draft against the stored memories (`VectorStore.nearestMemories`). */
export interface NearestQuery {
  /** The identity: namespace, userId and agentId, unset ones included; only current memories count. */
  scope: MemoryIdentity;
  model: string;
  vector: Float32Array;
  threshold: number;
  limit: number;
}

/**
 * Vectors of episodes and memories, kept beside the records they belong to. Records are written
 * first with `embedding.status = 'pending'`; vectors follow through `put`, and anything a crash or
 * an embedder outage left pending is found again through `pending`.
 */
export interface VectorStore {
  /** Nearest records by cosine (higher is better), with every filter of `query.filter` applied. */
  search<T extends Tier>(query: VectorQuery<T>): Promise<Scored<TierRecord[T]>[]>;
  /**
   * For each query, in order: up to `limit` live, current memories in exactly its identity (namespace
   * and every id, unset ids included) whose cosine to `vector` reaches `threshold`, most similar first. One
   * call for a write batch's near-duplicate checks; each answer is the one the query would get alone.
   */
  nearestMemories(queries: NearestQuery[]): Promise<Scored<Memory>[][]>;
  /**
   * Stores vectors and marks the records ready (clearing refusals counted before); skips records
   * deleted, or whose content is no longer the embedded text. Returns how many were stored.
   */
  put(writes: VectorWrite[]): Promise<number>;
  /** Records without a vector of `model` and `dimensions`, oldest first; records `failed` with this model are left out. */
  pending(query: { model: string; dimensions: number; limit: number }): Promise<PendingEmbedding[]>;
  /** Counts for the model, and up to `failures` of its failed records. */
  progress(query: { model: string; dimensions: number; failures?: number }): Promise<EmbeddingProgress>;
  /**
   * Counts one refusal of each record's text (skipping records deleted, reworded, or ready with
   * this model); a record refused `failAfter` times is marked `failed` for that model and is no
   * longer pending. A new wording, or a vector stored, starts the count again. Returns how many
   * records this marked failed.
   */
  fail(failures: EmbeddingFailure[], policy: { failAfter: number }): Promise<number>;
  /** Makes every failed record pending again, its count of refusals cleared; returns how many. */
  retryFailed(): Promise<number>;
}

// ── Embeddings, background work and the cache (runtime-ports.ts) ──────────

export type * from './runtime-ports.js';

// ── Access control ─────────────────────────────────────────────────────────

/** API keys, kept beside the records so that every replica sees a revocation. Holds hashes only. */
export interface KeyStore {
  create(key: StoredApiKey): Promise<void>;
  /** A key by id, revoked or expired ones included; null when there is none. */
  find(id: string): Promise<StoredApiKey | null>;
  /** Every key, newest first, without hashes. */
  list(): Promise<ApiKey[]>;
  /** Marks a key revoked; false when there is no such key or it was revoked already. */
  revoke(id: string, at: string): Promise<boolean>;
  /** Records that a key was used. */
  touch(id: string, at: string): Promise<void>;
  /** Keys neither revoked nor expired at `now`. */
  countActive(now: string): Promise<number>;
}

// ── Audit log ──────────────────────────────────────────────────────────────

export interface AuditQuery {
  filter: AuditFilter;
  limit: number;
  /** Strictly older than this position in (time, id) order. */
  after?: CursorPosition;
}

/**
 * The audit log, kept in the durable store. Besides `append`, an adapter on a transactional engine
 * writes the entry of the request in progress (core/audit-scope.ts) inside that request's first
 * write transaction, so that a change and its entry commit together or not at all.
 */
export interface AuditStore {
  /** Writes entries standalone, all in one transaction. */
  append(entries: AuditEntry[]): Promise<void>;
  /** Entries newest first (time, then id, descending), filtered and paged. */
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Removes up to `limit` entries older than `before`, oldest first; returns how many went. */
  prune(query: { before: string; limit: number }): Promise<number>;
}

// ── Data lifecycle: inspect, export and import, erasure, retention (lifecycle-ports.ts) ──

export type * from './lifecycle-ports.js';

// ── Composition ────────────────────────────────────────────────────────────

export type StorageDriver = 'sqlite' | 'postgres';

/** Durable episodic and semantic memory, and their vectors. */
export interface MemoryStore {
  readonly episodes: EpisodeStore;
  readonly memories: SemanticStore;
  readonly vectors: VectorStore;
}

/** Live records per tier, for metrics. */
export interface RecordCounts {
  sessions?: number;
  episodes?: number;
  memories?: number;
}

/** An in-process vector index (the embedded driver's) against its cap in bytes, for metrics. */
export interface VectorIndexUsage {
  bytes: number;
  maxBytes: number;
  partitions: number;
  /** Partitions evicted to stay within `maxBytes`, since start. */
  evictions: number;
}

/** Everything a storage driver provides: the durable tiers, the short-term tier and a liveness probe. */
export interface Storage extends Lifecycle, MemoryStore {
  readonly driver: StorageDriver;
  readonly sessions: WorkingMemoryStore;
  /** API keys (hashes only). */
  readonly keys: KeyStore;
  /** Who changed what: kept beside the durable tiers, in the same transactions as their writes. */
  readonly audit: AuditStore;
  /** How vectors are searched (`in-process`, `pgvector`, `exact`); undefined until the engine has been reached. */
  readonly vectorBackend?: string | undefined;
  /** Throws E_STORAGE_UNAVAILABLE when the engine cannot answer. */
  ping(): Promise<void>;
  /** Live records per tier; a full count may scan tables, so callers keep the answer a while. Optional: a driver without it reports none. */
  countRecords?(): Promise<RecordCounts>;
  /** Leases shared by every process on this storage (PostgreSQL); absent when one process owns it, and memOS claims in process. */
  readonly claims?: BatchClaims;
  /** What an in-process vector index holds; absent when vectors are searched elsewhere (pgvector). */
  vectorIndexUsage?(): VectorIndexUsage;
  /** Standing notices about how the store serves (e.g. vector search without an index over a large scope); absent or empty when none. */
  storageWarnings?(): string[];

  // Data lifecycle: each member is its own port, declared in its section above.

  // (inspect)
  /** Counts for operators; absent on a driver that cannot give them. */
  readonly inspect?: InspectStore;

  // (export and import)
  /** Export reads and import writes of episodes and memories (transfer-store.ts of each driver). */
  readonly transfer?: TransferStore;

  // (erasure)
  /** Verified erasure of a user or a namespace: the durable tiers, and the short-term tier. */
  readonly erasure?: ErasureStore;
  readonly sessionErasure?: SessionErasure;

  // (retention)
  /** Removes records past their retention (absent: a driver without it sweeps nothing). */
  readonly retention?: RetentionStore;
}
