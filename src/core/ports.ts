// The ports that services depend on and adapters implement. Each method takes one
// query object and returns domain types; adapters never leak driver types.

import type { SupersessionReason } from './validity.js';
import type {
  ApiKey,
  ConflictMark,
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
  MemoryKind,
  MemoryVersion,
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
  UpsertAction,
  VectorQuery,
  VectorWrite,
} from './types.js';
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

// ── Semantic tier ──────────────────────────────────────────────────────────

/** A memory the service has prepared (id, timestamps, version 1) and the key of its normalised text. */
export interface MemoryDraft {
  memory: Memory;
  contentKey: string;
  /**
   * A near-duplicate the service found by vector similarity and judged to state the same thing, by
   * its wording then (`contentKey`): the draft merges into memory `id` when it is still live, in
   * exactly the draft's scope and still has that wording; otherwise (deleted, expired, or reworded
   * meanwhile) the usual exact-duplicate rule applies.
   */
  mergeInto?: { id: string; contentKey: string };
  /**
   * The vector of the draft's wording, when the service has it at write time. A store may write it
   * with a memory it creates, in the same transaction (that outcome's memory then reports its
   * embedding `ready`); otherwise the service stores it through VectorStore.put afterwards.
   */
  vector?: { model: string; vector: Float32Array; truncated?: boolean };
  /**
   * Memories the draft replaces by request (`supersedes: [id]` in the write). Each must be a
   * current memory of the draft's identity (namespace, userId, agentId), else the whole batch fails
   * with E_VALIDATION naming `memories[<draft index>].supersedes[<j>]` (core/validity.ts).
   */
  supersedes?: string[];
}

export interface MemoryPatch {
  content?: string;
  contentKey?: string;
  kind?: MemoryKind;
  importance?: number;
  metadata?: Metadata;
  /** null clears the expiry. */
  expiresAt?: string | null;
}

export interface MemoryUpdate {
  ref: RecordRef;
  patch: MemoryPatch;
  /** When set, the update applies only if the stored version matches (else E_CONFLICT). */
  expectedVersion?: number;
}

export interface UpsertOutcome {
  memory: Memory;
  action: UpsertAction;
  /** Memories this write superseded (a slot update, or `supersedes` named), as they now stand. */
  superseded?: Memory[];
}

/** A retraction (POST /memories/{id}/retract): the fact is no longer, or never was, true. */
export interface MemoryRetraction {
  ref: RecordRef;
  /** When it stopped being true (epoch ms); clamped to the memory's validFrom (an empty window: never true). */
  validTo: number;
  reason?: string;
}

/** A supersession decided after the write (the LLM judge): memory `ref` replaces the current memories `ids` of its identity. */
export interface MemorySupersession {
  ref: RecordRef;
  ids: string[];
  reason: SupersessionReason;
}

export interface SemanticStore {
  /**
   * Insert or merge, all or none, in input order, in one transaction. For each draft:
   * 1. Its target is `mergeInto` (see MemoryDraft) when that memory is still live, current and of
   *    the draft's identity, else a live current memory of the same identity (namespace, userId,
   *    agentId: never the session) and `contentKey`, earlier drafts of the batch included.
   * 2. With a target, the draft merges into it (core/memory-merge.ts: sessions, sources and
   *    conflicts united, the draft's key when it has one). A merge, and an `unchanged` outcome too,
   *    sets the memory's `lastConfirmedAt` to the write's time (the same fact was stated again);
   *    an unchanged one gets no new version and no history row.
   * 3. Without one, the draft is inserted.
   * 4. When the draft has a `key`, the slot's current memory of the identity (other than the
   *    result) takes part in a slot update (core/validity.ts `takeSlot`), reason `key`.
   * 5. Every id in `supersedes` is superseded by the result (`supersede`, reason `request`).
   * Superseded memories are written with their new `validTo`, `supersededBy` and
   * `supersessionReason` (no new version, no history row) and returned in `superseded`.
   */
  upsert(drafts: MemoryDraft[]): Promise<UpsertOutcome[]>;
  /** A live memory, current or not; null when missing or expired. */
  get(ref: RecordRef): Promise<Memory | null>;
  /** Live memories by createdAt; `filter.validAt`, `filter.key`, `filter.conflicted` and a memory's sessions apply (RecordFilter). */
  list(query: ListQuery): Promise<Page<Memory>>;
  /** Keeps the previous version in history. null when missing or expired. */
  update(command: MemoryUpdate): Promise<Memory | null>;
  delete(ref: RecordRef): Promise<boolean>;
  /** Earlier versions, newest first; null when the memory is missing or expired. */
  history(ref: RecordRef): Promise<MemoryVersion[] | null>;
  search(query: KeywordQuery): Promise<Scored<Memory>[]>;
  /**
   * Sets a live memory's `lastConfirmedAt` to now, changing nothing else (no new version, no
   * history row); null when the memory is missing, expired or outside `ref`'s reach.
   */
  confirm(ref: RecordRef): Promise<Memory | null>;
  /**
   * Ends a current memory's validity without a replacement (core/validity.ts `retract`); no new
   * version, no history row. null when missing, expired or outside reach; E_CONFLICT (`notCurrent`)
   * when it is superseded or retracted already.
   */
  retract(command: MemoryRetraction): Promise<Memory | null>;
  /**
   * Memory `ref` (current) supersedes each current memory `ids` of its identity, as a write's
   * `supersedes` would. null when `ref` is missing, expired or outside reach; E_CONFLICT when `ref`
   * is not current; ids that are missing, of another identity or no longer current are skipped.
   */
  supersede(command: MemorySupersession): Promise<Memory | null>;
  /** Adds conflict marks to a live memory (united by memoryId); null when missing. No new version. */
  noteConflicts(ref: RecordRef, marks: ConflictMark[]): Promise<Memory | null>;
}

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
