// Domain types shared by every tier, service and adapter. No I/O here.
// Timestamps are ISO 8601 strings in UTC (`2026-11-21T15:00:00.000Z`).

/** Who a record belongs to. `namespace` isolates tenants; the ids narrow within one. */
export interface Scope {
  namespace: string;
  userId?: string;
  agentId?: string;
  sessionId?: string;
}

export type Metadata = Record<string, unknown>;
export type MetadataValue = string | number | boolean;

/**
 * How a record's vector stands: `none` (written while no embedder was configured), `pending`,
 * `ready` (a vector of `model` and `dimensions` is stored), or `failed` (the embedding provider of
 * `model` refused the record's text every time it was tried; `error` says why, without the text).
 */
export interface EmbeddingInfo {
  status: 'none' | 'pending' | 'ready' | 'failed';
  model?: string;
  dimensions?: number;
  /** On a ready record: the vector was made from the start of the text only, which is longer than the model takes. Keyword search covers all of it. */
  truncated?: boolean;
  /** On a failed record: why the provider refused its text. */
  error?: string;
}

// ── Short-term tier ────────────────────────────────────────────────────────

export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'tool'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export interface Message {
  role: MessageRole;
  content: string;
  name?: string;
  createdAt: string;
  metadata?: Metadata;
}

export interface Session {
  sessionId: string;
  namespace: string;
  userId?: string;
  agentId?: string;
  messages: Message[];
  state: Metadata;
  summary?: string;
  ttlSeconds: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

// ── Episodic tier ──────────────────────────────────────────────────────────

export const EPISODE_KINDS = ['message', 'intervention', 'observation', 'tool_result', 'outcome'] as const;
export const INTERVENTION_OUTCOMES = ['task_completed', 'task_failed', 'abandoned', 'unknown'] as const;
export type InterventionOutcome = (typeof INTERVENTION_OUTCOMES)[number];

export interface Episode extends Scope {
  id: string;
  /** One of EPISODE_KINDS or a custom kind. */
  kind: string;
  content: string;
  role?: MessageRole;
  occurredAt: string;
  createdAt: string;
  metadata: Metadata;
  task?: string;
  context?: string;
  outcome?: InterventionOutcome;
  embedding: EmbeddingInfo;
}

// ── Semantic tier ──────────────────────────────────────────────────────────

export const MEMORY_KINDS = ['fact', 'preference', 'reflection', 'summary', 'procedure'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/**
 * What makes two memories the same memory: the identity (namespace, userId, agentId) and the
 * statement. A session is where a memory was learned, not part of what it is: the same fact
 * written in two sessions is one memory that lists both in `sourceSessionIds`.
 */
export interface MemoryIdentity {
  namespace: string;
  userId?: string;
  agentId?: string;
}

/** A likely contradiction between a memory and another current one of its identity (docs/truth.md). */
export interface ConflictMark {
  /** The other memory. */
  memoryId: string;
  /** Why it was flagged, without memory text: e.g. `negation flip`, `different place`, or the judge's reason. */
  reason: string;
  /** Who flagged it: the word-level `detector` on write, or the LLM `judge` in the background. */
  source: 'detector' | 'judge';
  /** Cosine between the two memories' vectors, when known. */
  similarity?: number;
  at: string;
}

export interface Memory extends MemoryIdentity {
  id: string;
  content: string;
  kind: MemoryKind;
  importance: number;
  metadata: Metadata;
  expiresAt?: string;
  sourceEpisodeIds: string[];
  /** The sessions the memory was learned or stated again in, oldest first (provenance, not identity). */
  sourceSessionIds: string[];
  /** Starts at 1; every update or merge that changes the record adds one. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /**
   * When the fact was last stated or confirmed: set on creation, and raised when the same fact is
   * written again (a merge, or an unchanged duplicate), when an update changes its content, and by
   * `POST /api/v1/memories/{id}/confirm`. Freshness (docs/truth.md) and recency in ranking use it.
   */
  lastConfirmedAt: string;
  /** A slot such as `home_city` or `diet`, free-form within the identity: a new memory with the same key supersedes the current one. */
  key?: string;
  /** When the fact became true: the write's time unless given (a fact learned late). */
  validFrom: string;
  /** When it stopped being true (superseded or retracted); absent while current. */
  validTo?: string;
  /** The memories this one replaced. */
  supersedes: string[];
  /** The memory that replaced this one. */
  supersededBy?: string;
  /** Why this memory was superseded: `key` (a slot update), `request` (named in `supersedes`), `duplicate`, or `judge: <reason>`. */
  supersessionReason?: string;
  /** Set when the fact was retracted: marked no longer (or never) true without a replacement. */
  retractedAt?: string;
  retractionReason?: string;
  /** Likely contradictions with other memories of the identity, flagged on write or by the judge. */
  conflicts: ConflictMark[];
  embedding: EmbeddingInfo;
}

/** A memory as it was before an update or a merge replaced it. */
export interface MemoryVersion {
  memoryId: string;
  version: number;
  content: string;
  kind: MemoryKind;
  importance: number;
  metadata: Metadata;
  expiresAt?: string;
  sourceEpisodeIds: string[];
  /** When this version became current. */
  validFrom: string;
  /** When it was replaced. */
  validTo: string;
  reason: 'update' | 'merge';
}

export type UpsertAction = 'created' | 'merged' | 'unchanged';

// ── Queries ────────────────────────────────────────────────────────────────

/**
 * The storage-neutral filter every adapter compiles. `from`/`to` bound `occurredAt`
 * for episodes and `createdAt` for memories (inclusive from, exclusive to).
 */
export interface RecordFilter {
  namespace: string;
  userId?: string;
  agentId?: string;
  /** Episodes: of this session. Memories: learned in it (`sourceSessionIds` holds it). */
  sessionId?: string;
  kinds?: string[];
  from?: string;
  to?: string;
  metadata?: Record<string, MetadataValue>;
  /**
   * Memories only: those valid at this time (`validFrom <= validAt < validTo`); absent, every
   * memory, superseded and retracted ones included. Services set it to now unless asked otherwise.
   */
  validAt?: string;
  /** Memories only: those in this slot. */
  key?: string;
  /** Memories only: those whose slot starts with this (`task:`: every task's reflection). */
  keyPrefix?: string;
  /** Memories only: those carrying conflict marks. */
  conflicted?: boolean;
}

/** A position in a time-ordered listing: strictly after (or before, descending) this record. */
export interface CursorPosition {
  time: string;
  id: string;
}

export interface ListQuery {
  filter: RecordFilter;
  limit: number;
  order: 'asc' | 'desc';
  after?: CursorPosition;
}

export interface Page<T> {
  items: T[];
  /** Position of the last item when more may follow. */
  next?: CursorPosition;
}

/** Keyword search over one tier: `terms` are already normalised words, OR-ed and ranked by BM25. */
export interface KeywordQuery {
  filter: RecordFilter;
  terms: string[];
  limit: number;
}

/**
 * The episodes next to some episodes in their session's timeline (ordered by `occurredAt`, then id),
 * counting only episodes that match `filter`. Episodes without a session have no neighbours.
 */
export interface NeighbourQuery {
  filter: RecordFilter;
  ids: string[];
  /** How many episodes to take on each side. */
  width: number;
}

export interface EpisodeNeighbours {
  id: string;
  /** Earlier episodes of the same session, nearest first. */
  before: Episode[];
  /** Later episodes of the same session, nearest first. */
  after: Episode[];
}

export interface Scored<T> {
  item: T;
  /** Higher is better. For keyword search this is the BM25 score. */
  score: number;
}

// ── Vectors ────────────────────────────────────────────────────────────────

export type Tier = 'memories' | 'episodes';

export interface TierRecord {
  memories: Memory;
  episodes: Episode;
}

/** Nearest neighbours by cosine among vectors of one model, within a filter. */
export interface VectorQuery<T extends Tier = Tier> {
  tier: T;
  filter: RecordFilter;
  /** Only vectors this model made take part. */
  model: string;
  vector: Float32Array;
  limit: number;
}

/** A record that has no vector of the current model yet: new, or embedded by another model. */
export interface PendingEmbedding {
  tier: Tier;
  namespace: string;
  id: string;
  /** The text to embed; a vector is stored only if the record still holds this text. */
  content: string;
}

export interface VectorWrite {
  tier: Tier;
  namespace: string;
  id: string;
  /** The text the vector was made from. */
  content: string;
  model: string;
  vector: Float32Array;
  /** The vector covers only the start of `content` (longer than the model takes). */
  truncated?: boolean;
}

/** One refusal of a record's text by the embedding provider (the text itself was at fault, not the provider). */
export interface EmbeddingFailure {
  tier: Tier;
  namespace: string;
  id: string;
  /** The text refused; nothing is recorded when the record no longer holds it. */
  content: string;
  model: string;
  dimensions: number;
  /** Why, without the text. */
  error: string;
}

/** A record whose text the provider of the current model refused. */
export interface FailedEmbedding {
  tier: Tier;
  namespace: string;
  id: string;
  /** Refusals counted before the record was marked failed. */
  attempts: number;
  error: string;
}

export interface EmbeddingProgress {
  model: string;
  dimensions: number;
  /** Records with a vector of this model. */
  ready: number;
  /** Records still to embed with this model (new, or embedded by another model). */
  pending: number;
  /** Records this model's provider refused (see FailedEmbedding); not pending until retried. */
  failed: number;
  /** Some failed records, oldest first, when asked for (`failures` in the query). */
  failures?: FailedEmbedding[];
  total: number;
}

// ── Access control and the audit log (access-types.ts) ─────────────────────

export * from './access-types.js';
