// Row shapes and the mapping between them and domain types. Times are epoch ms in the
// database and ISO strings outside; optional fields that are NULL are left out entirely.

import { parseTime, toIso } from '../../core/clock.js';
import { embeddingOfRow, embeddingValues, optional, scopeOfRow, type EmbeddingColumns, type ScopeColumns } from '../row-fields.js';
import type {
  EmbeddingInfo,
  Episode,
  InterventionOutcome,
  Memory,
  MemoryKind,
  MemoryVersion,
  Message,
  MessageRole,
  Metadata,
  Scope,
  Session,
} from '../../core/types.js';

export interface EpisodeRow extends EmbeddingColumns, ScopeColumns {
  id: string;
  kind: string;
  role: string | null;
  content: string;
  occurred_at: number;
  created_at: number;
  metadata: string;
  task: string | null;
  context: string | null;
  outcome: string | null;
}

export interface MemoryRow extends EmbeddingColumns, ScopeColumns {
  id: string;
  kind: string;
  content: string;
  content_key: string;
  importance: number;
  metadata: string;
  source_episode_ids: string;
  version: number;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  /** NULL only in a row written by code older than migration 11 between that migration and now: never, in practice. */
  last_confirmed_at: number | null;
}

export interface HistoryRow {
  memory_id: string;
  version: number;
  content: string;
  kind: string;
  importance: number;
  metadata: string;
  expires_at: number | null;
  source_episode_ids: string;
  valid_from: number;
  valid_to: number;
  reason: string;
}

export interface SessionRow {
  namespace: string;
  session_id: string;
  user_id: string | null;
  agent_id: string | null;
  messages: string;
  state: string;
  summary: string | null;
  ttl_seconds: number;
  created_at: number;
  updated_at: number;
  expires_at: number;
}

/**
 * The columns a record read maps (rowToEpisode, rowToMemory; `seq` for readers keyed by it), to
 * read in place of `*`: `*` also computes the virtual `scope_terms` column (keyword-stats-schema.ts),
 * a long chain of string functions per row that made a 100-row read several times slower, and
 * reads the vector blob, which no record read needs. `alias` qualifies each column.
 */
const columnList = (names: string[]) => (alias?: string) => names.map((name) => (alias ? `${alias}.${name}` : name)).join(', ');
const RECORD_TAIL = ['embedding_model', 'embedding_dim', 'embedding_status', 'embedding_attempts', 'embedding_error', 'embedding_truncated'];
export const episodeColumns = columnList([
  ...['seq', 'id', 'namespace', 'user_id', 'agent_id', 'session_id', 'kind', 'role', 'content', 'occurred_at', 'created_at', 'metadata', 'task', 'context', 'outcome'],
  ...RECORD_TAIL,
]);
export const memoryColumns = columnList([
  ...['seq', 'id', 'namespace', 'user_id', 'agent_id', 'session_id', 'kind', 'content', 'content_key', 'importance', 'metadata', 'source_episode_ids', 'version'],
  ...['created_at', 'updated_at', 'expires_at', 'last_confirmed_at'],
  ...RECORD_TAIL,
]);
/** The SELECT list of a record table's reads (see episodeColumns). */
export const recordColumns = (table: 'episodes' | 'memories', alias?: string) => (table === 'episodes' ? episodeColumns(alias) : memoryColumns(alias));

/** An ISO time as epoch ms; a malformed time is the caller's error, never a silent NULL. */
export const toMs = parseTime;

/** The embedding columns of a record being inserted, as named parameters (see `embeddingValues`). */
function embeddingParams(embedding: EmbeddingInfo | undefined) {
  const [embedding_status, embedding_model, embedding_dim] = embeddingValues(embedding);
  return { embedding_status, embedding_model, embedding_dim };
}

/** The scope columns of a record, NULL where an id is unset. */
function scopeParams(record: Scope): ScopeColumns {
  return {
    namespace: record.namespace,
    user_id: record.userId ?? null,
    agent_id: record.agentId ?? null,
    session_id: record.sessionId ?? null,
  };
}

export function rowToEpisode(row: EpisodeRow): Episode {
  return {
    id: row.id,
    ...scopeOfRow(row),
    kind: row.kind,
    ...optional('role', row.role as MessageRole | null),
    content: row.content,
    occurredAt: toIso(row.occurred_at),
    createdAt: toIso(row.created_at),
    metadata: JSON.parse(row.metadata) as Metadata,
    ...optional('task', row.task),
    ...optional('context', row.context),
    ...optional('outcome', row.outcome as InterventionOutcome | null),
    embedding: embeddingOfRow(row),
  };
}

/** Named parameters for INSERT_EPISODE. */
export function episodeParams(episode: Episode) {
  return {
    id: episode.id,
    ...scopeParams(episode),
    kind: episode.kind,
    role: episode.role ?? null,
    content: episode.content,
    occurred_at: toMs(episode.occurredAt, 'occurredAt'),
    created_at: toMs(episode.createdAt, 'createdAt'),
    metadata: JSON.stringify(episode.metadata ?? {}),
    task: episode.task ?? null,
    context: episode.context ?? null,
    outcome: episode.outcome ?? null,
    ...embeddingParams(episode.embedding),
  };
}

export const INSERT_EPISODE = `INSERT INTO episodes (id, namespace, user_id, agent_id, session_id, kind, role, content,
  occurred_at, created_at, metadata, task, context, outcome, embedding_status, embedding_model, embedding_dim)
  VALUES (@id, @namespace, @user_id, @agent_id, @session_id, @kind, @role, @content, @occurred_at, @created_at,
  @metadata, @task, @context, @outcome, @embedding_status, @embedding_model, @embedding_dim)`;

export function rowToMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    ...scopeOfRow(row),
    content: row.content,
    kind: row.kind as MemoryKind,
    importance: row.importance,
    metadata: JSON.parse(row.metadata) as Metadata,
    ...optional('expiresAt', row.expires_at === null ? null : toIso(row.expires_at)),
    sourceEpisodeIds: JSON.parse(row.source_episode_ids) as string[],
    version: row.version,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    lastConfirmedAt: toIso(row.last_confirmed_at ?? row.updated_at),
    embedding: embeddingOfRow(row),
  };
}

/** Named parameters for the memory INSERT and UPDATE statements. */
export function memoryParams(memory: Memory, contentKey: string) {
  return {
    id: memory.id,
    ...scopeParams(memory),
    kind: memory.kind,
    content: memory.content,
    content_key: contentKey,
    importance: memory.importance,
    metadata: JSON.stringify(memory.metadata ?? {}),
    source_episode_ids: JSON.stringify(memory.sourceEpisodeIds ?? []),
    version: memory.version,
    created_at: toMs(memory.createdAt, 'createdAt'),
    updated_at: toMs(memory.updatedAt, 'updatedAt'),
    expires_at: memory.expiresAt === undefined ? null : toMs(memory.expiresAt, 'expiresAt'),
    last_confirmed_at: toMs(memory.lastConfirmedAt, 'lastConfirmedAt'),
    ...embeddingParams(memory.embedding),
  };
}

export function rowToVersion(row: HistoryRow): MemoryVersion {
  return {
    memoryId: row.memory_id,
    version: row.version,
    content: row.content,
    kind: row.kind as MemoryKind,
    importance: row.importance,
    metadata: JSON.parse(row.metadata) as Metadata,
    ...optional('expiresAt', row.expires_at === null ? null : toIso(row.expires_at)),
    sourceEpisodeIds: JSON.parse(row.source_episode_ids) as string[],
    validFrom: toIso(row.valid_from),
    validTo: toIso(row.valid_to),
    reason: row.reason as MemoryVersion['reason'],
  };
}

export function rowToSession(row: SessionRow): Session {
  return {
    sessionId: row.session_id,
    namespace: row.namespace,
    ...optional('userId', row.user_id),
    ...optional('agentId', row.agent_id),
    messages: JSON.parse(row.messages) as Message[],
    state: JSON.parse(row.state) as Metadata,
    ...optional('summary', row.summary),
    ttlSeconds: row.ttl_seconds,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    expiresAt: toIso(row.expires_at),
  };
}
