// Row shapes and the mapping between them and domain types. Times are epoch ms in the
// database and ISO strings outside; optional fields that are NULL are left out entirely.

import { parseTime, toIso } from '../../core/clock.js';
import { embeddingOfRow, embeddingValues, optional, scopeOfRow, type EmbeddingColumns, type ScopeColumns } from '../row-fields.js';
import type {
  ConflictMark,
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
  // Truth maintenance (migration 12). The session column of a memory is NULL from then on: its
  // sessions are provenance, in `source_session_ids`. JSON lists are never NULL ('[]' when empty).
  slot_key: string | null;
  valid_from: number;
  valid_to: number | null;
  supersedes: string;
  superseded_by: string | null;
  supersession_reason: string | null;
  source_session_ids: string;
  retracted_at: number | null;
  retraction_reason: string | null;
  conflicts: string;
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
/** The columns of a memory's validity, supersession, provenance of sessions and conflict marks (migration 12). */
const MEMORY_TRUTH_COLUMNS = [
  'slot_key', 'valid_from', 'valid_to', 'supersedes', 'superseded_by', 'supersession_reason',
  'source_session_ids', 'retracted_at', 'retraction_reason', 'conflicts',
];
const RECORD_TAIL = ['embedding_model', 'embedding_dim', 'embedding_status', 'embedding_attempts', 'embedding_error', 'embedding_truncated'];
export const episodeColumns = columnList([
  ...['seq', 'id', 'namespace', 'user_id', 'agent_id', 'session_id', 'kind', 'role', 'content', 'occurred_at', 'created_at', 'metadata', 'task', 'context', 'outcome'],
  ...RECORD_TAIL,
]);
export const memoryColumns = columnList([
  ...['seq', 'id', 'namespace', 'user_id', 'agent_id', 'session_id', 'kind', 'content', 'content_key', 'importance', 'metadata', 'source_episode_ids', 'version'],
  ...['created_at', 'updated_at', 'expires_at', 'last_confirmed_at'],
  ...MEMORY_TRUTH_COLUMNS,
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

const optionalTime = <K extends string>(key: K, value: number | null) => optional(key, value === null ? null : toIso(value));

export function rowToMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    namespace: row.namespace,
    ...optional('userId', row.user_id),
    ...optional('agentId', row.agent_id),
    content: row.content,
    kind: row.kind as MemoryKind,
    importance: row.importance,
    metadata: JSON.parse(row.metadata) as Metadata,
    ...optionalTime('expiresAt', row.expires_at),
    sourceEpisodeIds: JSON.parse(row.source_episode_ids) as string[],
    sourceSessionIds: JSON.parse(row.source_session_ids) as string[],
    version: row.version,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    lastConfirmedAt: toIso(row.last_confirmed_at ?? row.updated_at),
    ...optional('key', row.slot_key),
    validFrom: toIso(row.valid_from),
    ...optionalTime('validTo', row.valid_to),
    supersedes: JSON.parse(row.supersedes) as string[],
    ...optional('supersededBy', row.superseded_by),
    ...optional('supersessionReason', row.supersession_reason),
    ...optionalTime('retractedAt', row.retracted_at),
    ...optional('retractionReason', row.retraction_reason),
    conflicts: JSON.parse(row.conflicts) as ConflictMark[],
    embedding: embeddingOfRow(row),
  };
}

/** The validity and supersession columns of a memory, as named parameters (the writes of memory-supersession.ts). */
export function validityParams(memory: Memory) {
  return {
    valid_from: toMs(memory.validFrom, 'validFrom'),
    valid_to: memory.validTo === undefined ? null : toMs(memory.validTo, 'validTo'),
    supersedes: JSON.stringify(memory.supersedes ?? []),
    superseded_by: memory.supersededBy ?? null,
    supersession_reason: memory.supersessionReason ?? null,
    retracted_at: memory.retractedAt === undefined ? null : toMs(memory.retractedAt, 'retractedAt'),
    retraction_reason: memory.retractionReason ?? null,
  };
}

/** Named parameters for the memory INSERT and UPDATE statements. A memory's session column is always NULL (its sessions are `source_session_ids`). */
export function memoryParams(memory: Memory, contentKey: string) {
  return {
    id: memory.id,
    namespace: memory.namespace,
    user_id: memory.userId ?? null,
    agent_id: memory.agentId ?? null,
    session_id: null,
    kind: memory.kind,
    content: memory.content,
    content_key: contentKey,
    importance: memory.importance,
    metadata: JSON.stringify(memory.metadata ?? {}),
    source_episode_ids: JSON.stringify(memory.sourceEpisodeIds ?? []),
    source_session_ids: JSON.stringify(memory.sourceSessionIds ?? []),
    version: memory.version,
    created_at: toMs(memory.createdAt, 'createdAt'),
    updated_at: toMs(memory.updatedAt, 'updatedAt'),
    expires_at: memory.expiresAt === undefined ? null : toMs(memory.expiresAt, 'expiresAt'),
    last_confirmed_at: toMs(memory.lastConfirmedAt, 'lastConfirmedAt'),
    slot_key: memory.key ?? null,
    ...validityParams(memory),
    conflicts: JSON.stringify(memory.conflicts ?? []),
    ...embeddingParams(memory.embedding),
  };
}

/** The columns every memory INSERT writes (with the embedding state), and their named parameters. */
const MEMORY_INSERT_COLUMNS = [
  'id', 'namespace', 'user_id', 'agent_id', 'session_id', 'kind', 'content', 'content_key', 'importance', 'metadata',
  'source_episode_ids', 'source_session_ids', 'version', 'created_at', 'updated_at', 'expires_at', 'last_confirmed_at',
  ...MEMORY_TRUTH_COLUMNS.filter((column) => column !== 'source_session_ids'),
  'embedding_status', 'embedding_model', 'embedding_dim',
];
/** `INSERT INTO memories (...) VALUES (@...)` of memoryParams, and of `extra` columns set to the SQL values given. */
export function insertMemorySql(extra: Record<string, string> = {}): string {
  const columns = MEMORY_INSERT_COLUMNS.filter((column) => !(column in extra));
  const names = [...columns, ...Object.keys(extra)];
  const values = [...columns.map((column) => `@${column}`), ...Object.values(extra)];
  return `INSERT INTO memories (${names.join(', ')}) VALUES (${values.join(', ')})`;
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
