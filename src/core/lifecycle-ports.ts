// The data-lifecycle ports (DESIGN §2): what an operator inspects, exports and imports, erases
// with a receipt, and what retention removes. Re-exported by ports.ts, where the other ports live;
// each is a member of Storage there.

import type { StorageDriver } from './ports.js';
import type { CursorPosition, Episode, Memory, MemoryVersion, Page, Session, Tier } from './types.js';

// ── Data lifecycle: inspect ────────────────────────────────────────────────

/** Which live sessions `WorkingMemoryStore.count` counts, and how it groups them. */
export interface SessionCountQuery {
  /** Only this namespace's sessions; every namespace when unset. */
  namespace?: string;
  /** Only this user's sessions (within `namespace`). */
  userId?: string;
  /** One count per namespace, or per user (sessions of no user left out); one count overall when unset. */
  groupBy?: 'namespace' | 'user';
  /** Live sessions whose deadline (epoch ms) is at most this are also counted as expiring. */
  expiringBefore: number;
}

/** Live sessions of one group; `namespace` or `userId` name the group when the query grouped by it. */
export interface SessionCount {
  namespace?: string;
  userId?: string;
  live: number;
  expiring: number;
}

/** The records of one scope: a namespace, or one user in it. */
export interface InspectScope {
  namespace: string;
  userId?: string;
}

/** Episodes and memories of one namespace as its counts tell (live memories only), and its distinct users. */
export interface NamespaceCounts {
  namespace: string;
  episodes: number;
  memories: number;
  users: number;
}

export interface UserCounts {
  userId: string;
  episodes: number;
  memories: number;
}

export interface UserPageQuery {
  namespace: string;
  limit: number;
  /** Strictly after this user id. */
  after?: string;
  /** Only this user (a user-bound key's). */
  userId?: string;
}

/** Stored records of one tier in a scope, grouped by kind, embedding status and model. */
export interface TierGroup {
  kind: string;
  status: 'none' | 'pending' | 'ready' | 'failed';
  model?: string;
  dimensions?: number;
  count: number;
}

export interface TierCensus {
  groups: TierGroup[];
  /** Earliest and latest createdAt of the counted records; undefined when there are none. */
  oldest?: string;
  newest?: string;
}

/** What the durable store holds in a scope. Memories counted are live; `expiredMemories` are stored but past `expiresAt`. */
export interface StoredStats {
  episodes: TierCensus;
  memories: TierCensus;
  expiredMemories: number;
  /** Earlier versions kept in memory history (of every stored memory of the scope). */
  historyVersions: number;
}

/** Bytes the engine reports for the whole database (never per namespace): SQLite files, PostgreSQL relations. */
export interface StorageBytes {
  engine: StorageDriver;
  total: number;
  /** By file (SQLite: database, wal) or by table (PostgreSQL, indexes and TOAST included). */
  parts: Record<string, number>;
}

/** Counts for operators (GET /api/v1/namespaces, /users, /stats). Reads only; no answer holds record text. */
export interface InspectStore {
  /** Every namespace holding episodes or memories. */
  namespaces(query: { signal?: AbortSignal }): Promise<NamespaceCounts[]>;
  /** Users with episodes or memories in a namespace, by user id. */
  users(query: UserPageQuery): Promise<{ items: UserCounts[]; next?: string }>;
  stats(query: InspectScope): Promise<StoredStats>;
  bytes(query: { signal?: AbortSignal }): Promise<StorageBytes | undefined>;
}

// ── Data lifecycle: export and import ──────────────────────────────────────

/** A record's stored vector, as an export carries it: never compared across models. */
export interface StoredVector {
  model: string;
  dimensions: number;
  /** The vector covers only the start of the text. */
  truncated: boolean;
  vector: Float32Array;
}

/**
 * One page of a namespace's records in export order: episodes by (occurredAt, id), memories by
 * (createdAt, id), strictly after `after`. `from`/`to` bound the same times (inclusive, exclusive).
 */
export interface TransferPageQuery {
  namespace: string;
  userId?: string;
  from?: string;
  to?: string;
  limit: number;
  after?: CursorPosition;
  /** Read each record's stored vector too. */
  withVectors: boolean;
}

export interface TransferEpisode {
  episode: Episode;
  vector?: StoredVector;
}

export interface TransferMemory {
  memory: Memory;
  /** Every earlier version, oldest first. */
  history: MemoryVersion[];
  vector?: StoredVector;
}

/** Records to import in one transaction, all in `namespace`; each memory with its content key. */
export interface TransferBatch {
  namespace: string;
  episodes: Episode[];
  memories: Array<{ memory: Memory; contentKey: string; history: MemoryVersion[] }>;
}

/** Per record of a batch, in its order: written, or already there (same id, same namespace) and left as stored. */
export interface TransferBatchResult {
  episodes: Array<'created' | 'unchanged'>;
  memories: Array<'created' | 'unchanged'>;
}

/**
 * Reads for export and writes for import of the durable tiers. Imported records keep their ids,
 * times, versions and history, and enter the keyword index and statistics as any write does;
 * they are written `pending` (vectors follow through VectorStore.put or the backfill). An id taken
 * by a record of another namespace (SQLite keeps ids unique across namespaces) is an E_CONFLICT
 * naming it, and nothing of the batch is written.
 */
export interface TransferStore {
  episodes(query: TransferPageQuery): Promise<Page<TransferEpisode>>;
  memories(query: TransferPageQuery): Promise<Page<TransferMemory>>;
  /** All or none, in one transaction. */
  importBatch(batch: TransferBatch): Promise<TransferBatchResult>;
}

/** Writes sessions exactly as given (times and `expiresAt` included) where none of that id is stored. */
export interface SessionRestore {
  /** Per session, in order: `created`, or `unchanged` when one of that id is already stored (live or not). */
  restore(sessions: Session[]): Promise<Array<'created' | 'unchanged'>>;
}

// ── Data lifecycle: erasure ────────────────────────────────────────────────

/** Whose data an erasure removes: a user of a namespace, or (no `userId`) the whole namespace. */
export interface ErasureSubject {
  namespace: string;
  userId?: string;
}

/** Counts per place an erasure looks at (`episodes`, `memories`, `memoryHistory`, `vectors`, ...). */
export type ErasureCounts = Record<string, number>;

/**
 * One delete pass: what it removed per place, and (for the service only, never stored or logged)
 * the texts removed, whose embedding-cache entries go too.
 */
export interface ErasurePass {
  removed: ErasureCounts;
  texts: string[];
  /** Ids of what was removed (episodes, memories, sessions), which the verification looks for again. */
  ids: string[];
}

/**
 * The durable tiers' part of a verified erasure. The fence, written first, refuses (E_CONFLICT)
 * every insert of the subject's episodes and memories on every replica until it is lifted.
 */
export interface ErasureStore {
  /** Raises the fence named `receiptId` (removing fences whose grace has ended); E_CONFLICT when an erasure of an overlapping subject is in progress. */
  fence(command: { receiptId: string; subject: ErasureSubject; at: string }): Promise<void>;
  /** Whether a fence covers this subject (a user's, or its namespace's). */
  fenced(subject: ErasureSubject): Promise<boolean>;
  /** Ends the erasure's fence `graceMs` from now: a write begun during the erasure cannot land after it. */
  lift(receiptId: string, graceMs: number): Promise<void>;
  /** Deletes what the subject still has: episodes, memories, their history, vectors, keyword statistics. */
  erase(subject: ErasureSubject): Promise<ErasurePass>;
  /**
   * After the deletes: takes `ids` (records, sessions, the user) and the user out of the namespace's
   * audit entries, and lets no freed page or index segment keep the erased text. Counts what changed.
   */
  compact(subject: ErasureSubject, ids: string[]): Promise<ErasureCounts>;
  /**
   * What is left of the subject, per place (0 everywhere when the erasure is complete), by scope and
   * by `ids`; in the audit log, among the entries of requests made `before` the erasure began (later
   * ones, such as writes the fence refused, name the user as any request does).
   */
  verify(subject: ErasureSubject, ids: string[], before: string): Promise<ErasureCounts>;
  /** Receipts, kept beside the audit log. */
  readonly receipts: ErasureReceipts;
}

export interface ErasureReceipt {
  receiptId: string;
  subject: ErasureSubject;
  startedAt: string;
  finishedAt: string;
  removed: ErasureCounts;
  verified: Record<string, string>;
  ok: boolean;
}

export interface ErasureReceipts {
  save(receipt: ErasureReceipt): Promise<void>;
  /** A receipt of this namespace (and of this user, when `userId` is set); null when there is none. */
  get(ref: { namespace: string; receiptId: string; userId?: string }): Promise<ErasureReceipt | null>;
}

/** The short-term tier's part: sessions, and (Redis) the promoted messages waiting in their outboxes. */
export interface SessionErasure {
  /** Deletes the subject's sessions (expired ones still stored too) and outbox entries; `texts` as in ErasurePass. */
  erase(subject: ErasureSubject): Promise<ErasurePass>;
  /** What is left: `sessions` and `outbox` counts. */
  find(subject: ErasureSubject): Promise<ErasureCounts>;
}

// ── Data lifecycle: retention ──────────────────────────────────────────────

/**
 * The records one retention rule removes (src/memory/retention/retention-rules.ts): those of `tier`
 * whose age time is before `before`, within the rule's namespace and kind, less what a more
 * specific rule governs. Episodes age by `occurredAt`, memories by `updatedAt`.
 */
export interface RetentionTarget {
  tier: Tier;
  /** Records of this namespace only; absent: of every namespace but `exceptNamespaces`. */
  namespace?: string;
  /** Records of this kind only; absent: of every kind but `exceptKinds`. */
  kind?: string;
  exceptNamespaces?: string[];
  exceptKinds?: string[];
  /** Namespace and kind pairs left out. */
  exceptPairs?: Array<{ namespace: string; kind: string }>;
  /** An instant: records older than it go. */
  before: string;
}

/** A record the sweep removed. */
export interface RemovedRecord {
  namespace: string;
  id: string;
}

/**
 * Removal of records past their retention, in bounded batches: each call is one short transaction
 * that removes at most `limit` records, oldest first, with everything that hangs on them (memory
 * history, vectors and in-process index entries, keyword index rows and statistics). Batches of
 * concurrent callers (replicas) never overlap: each record is removed, and reported, by one of them.
 */
export interface RetentionStore {
  /** Removes up to `limit` records of `target`; returns them. */
  removeAged(query: { target: RetentionTarget; limit: number }): Promise<RemovedRecord[]>;
  /** Removes up to `limit` memories whose `expiresAt` is at or before `now`; returns them. */
  removeExpired(query: { now: string; limit: number }): Promise<RemovedRecord[]>;
}
