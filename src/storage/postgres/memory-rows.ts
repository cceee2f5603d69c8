// Memory and memory-history rows and their mapping to and from the domain types. Times are
// timestamptz in the database (Date in rows) and ISO strings outside; metadata is jsonb and the
// source episode ids a text[], both read back as JavaScript values.

import type { Memory, MemoryKind, MemoryVersion, Metadata } from '../../core/types.js';
import { timeParam, type TableSpec } from './pg-filter-sql.js';
import { embeddingOfRow, embeddingValues, optional, scopeOfRow, type EmbeddingColumns, type ScopeColumns } from '../row-fields.js';

interface VersionColumns {
  kind: string;
  content: string;
  importance: number;
  metadata: Metadata;
  source_episode_ids: string[];
  expires_at: Date | null;
}

export interface MemoryRow extends ScopeColumns, EmbeddingColumns, VersionColumns {
  id: string;
  content_key: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface HistoryRow extends VersionColumns {
  memory_id: string;
  version: number;
  valid_from: Date;
  valid_to: Date;
  reason: string;
}

const COLUMNS = [
  'namespace', 'id', 'user_id', 'agent_id', 'session_id', 'kind', 'content', 'content_key', 'importance', 'metadata',
  'source_episode_ids', 'version', 'created_at', 'updated_at', 'expires_at', 'embedding_status', 'embedding_model',
  'embedding_dim',
] as const satisfies readonly (keyof MemoryRow)[];

/** Listings and search bound `from`/`to` by when a memory was first written. */
export const MEMORIES: TableSpec = { table: 'memories', columns: COLUMNS.join(', '), timeColumn: 'created_at' };

/** The select list with every column qualified by `alias`. */
export const memoryColumns = (alias: string) => COLUMNS.map((column) => `${alias}.${column}`).join(', ');

export const INSERT_MEMORY = `INSERT INTO memories (${COLUMNS.join(', ')})
  VALUES (${COLUMNS.map((_, n) => `$${n + 1}`).join(', ')}) RETURNING ${MEMORIES.columns}`;

/** A new memory's values in COLUMNS order, with its content key. */
export function insertValues(memory: Memory, contentKey: string): unknown[] {
  return [
    memory.namespace,
    memory.id,
    memory.userId ?? null,
    memory.agentId ?? null,
    memory.sessionId ?? null,
    ...versionValues(memory, contentKey),
    memory.version,
    timeParam(memory.createdAt, 'createdAt'),
    timeParam(memory.updatedAt, 'updatedAt'),
    memory.expiresAt === undefined ? null : timeParam(memory.expiresAt, 'expiresAt'),
    ...embeddingValues(memory.embedding),
  ];
}

/**
 * Archives the stored row as it stood (valid from its `updated_at` until $3, for reason $4), then
 * writes the new state over it, in one statement: both parts read the same snapshot, so the
 * history row holds exactly the version being replaced. When $14 is true the wording changed, so
 * the memory's vector (which describes the old wording) is deleted and the memory waits to be
 * embedded again.
 */
export const ARCHIVE_AND_UPDATE = `
  WITH archived AS (
    INSERT INTO memory_history (namespace, memory_id, version, content, kind, importance, metadata, expires_at,
      source_episode_ids, valid_from, valid_to, reason)
    SELECT namespace, id, version, content, kind, importance, metadata, expires_at, source_episode_ids, updated_at,
      $3::timestamptz, $4::text
    FROM memories WHERE namespace = $1 AND id = $2
  ), unembedded AS (
    DELETE FROM vectors WHERE $14::boolean AND memory_seq = (SELECT seq FROM memories WHERE namespace = $1 AND id = $2)
  )
  UPDATE memories SET kind = $5, content = $6, content_key = $7, importance = $8, metadata = $9,
    source_episode_ids = $10, version = $11, updated_at = $12, expires_at = $13,
    embedding_status = CASE WHEN $14::boolean THEN 'pending' ELSE embedding_status END,
    embedding_model = CASE WHEN $14::boolean THEN NULL ELSE embedding_model END,
    embedding_dim = CASE WHEN $14::boolean THEN NULL ELSE embedding_dim END
  WHERE namespace = $1 AND id = $2
  RETURNING ${MEMORIES.columns}`;

/** Parameters of ARCHIVE_AND_UPDATE: `next` replaces the stored version, archived at `now`. */
export function archiveAndUpdateValues(
  next: Memory,
  contentKey: string,
  now: string,
  reason: MemoryVersion['reason'],
  reworded: boolean,
): unknown[] {
  return [
    next.namespace,
    next.id,
    now,
    reason,
    ...versionValues(next, contentKey),
    next.version,
    timeParam(next.updatedAt, 'updatedAt'),
    next.expiresAt === undefined ? null : timeParam(next.expiresAt, 'expiresAt'),
    reworded,
  ];
}

/** kind, content, content_key, importance, metadata, source_episode_ids. */
function versionValues(memory: Memory, contentKey: string): unknown[] {
  return [
    memory.kind,
    memory.content,
    contentKey,
    memory.importance,
    JSON.stringify(memory.metadata ?? {}),
    memory.sourceEpisodeIds ?? [],
  ];
}

function versionOfRow(row: VersionColumns) {
  return {
    content: row.content,
    kind: row.kind as MemoryKind,
    importance: row.importance,
    metadata: row.metadata,
    ...optional('expiresAt', row.expires_at === null ? null : row.expires_at.toISOString()),
    sourceEpisodeIds: row.source_episode_ids,
  };
}

export function rowToMemory(row: MemoryRow): Memory {
  return {
    id: row.id,
    ...scopeOfRow(row),
    ...versionOfRow(row),
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    embedding: embeddingOfRow(row),
  };
}

export function rowToVersion(row: HistoryRow): MemoryVersion {
  return {
    memoryId: row.memory_id,
    version: row.version,
    ...versionOfRow(row),
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to.toISOString(),
    reason: row.reason as MemoryVersion['reason'],
  };
}
