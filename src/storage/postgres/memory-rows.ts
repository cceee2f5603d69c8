// Memory and memory-history rows and their mapping to and from the domain types. Times are
// timestamptz in the database (Date in rows) and ISO strings outside; metadata and conflict marks
// are jsonb, the source episode and session ids and the superseded ids text[], all read back as
// JavaScript values. A memory's `session_id` stays NULL (migration 17): its sessions are provenance.

import type { MemoryDraft } from '../../core/ports.js';
import type { ConflictMark, Memory, MemoryKind, MemoryVersion, Metadata } from '../../core/types.js';
import { timeParam, type TableSpec } from './pg-filter-sql.js';
import { embeddingOfRow, embeddingValues, optional, type EmbeddingColumns } from '../row-fields.js';
import type { SqlExecutor } from './sql-engine.js';
import { scopedBandKeys, SKETCH_BITS, sketchParams } from './vector-sketch.js';

interface VersionColumns {
  kind: string;
  content: string;
  importance: number;
  metadata: Metadata;
  source_episode_ids: string[];
  expires_at: Date | null;
}

/** The validity window, slot, supersession, retraction and conflict marks of a memory (migration 17). */
export interface ValidityColumns {
  slot_key: string | null;
  valid_from: Date;
  valid_to: Date | null;
  supersedes: string[];
  superseded_by: string | null;
  supersession_reason: string | null;
  source_session_ids: string[];
  retracted_at: Date | null;
  retraction_reason: string | null;
  conflicts: ConflictMark[];
}

export interface MemoryRow extends EmbeddingColumns, VersionColumns, ValidityColumns {
  namespace: string;
  user_id: string | null;
  agent_id: string | null;
  id: string;
  content_key: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  last_confirmed_at: Date;
}

export interface HistoryRow extends VersionColumns {
  memory_id: string;
  version: number;
  valid_from: Date;
  valid_to: Date;
  reason: string;
}

const COLUMNS = [
  'namespace', 'id', 'user_id', 'agent_id', 'kind', 'content', 'content_key', 'importance', 'metadata',
  'source_episode_ids', 'version', 'created_at', 'updated_at', 'expires_at', 'last_confirmed_at', 'slot_key', 'valid_from',
  'valid_to', 'supersedes', 'superseded_by', 'supersession_reason', 'source_session_ids', 'retracted_at', 'retraction_reason',
  'conflicts', 'embedding_status', 'embedding_model', 'embedding_dim',
] as const satisfies readonly (keyof MemoryRow)[];

/** Read with every row, never inserted: the embedding state the vector store keeps. */
const READ_ONLY = ['embedding_truncated', 'embedding_error'] as const satisfies readonly (keyof MemoryRow)[];
const SELECTED = [...COLUMNS, ...READ_ONLY];

/** Listings and search bound `from`/`to` by when a memory was first written. */
export const MEMORIES: TableSpec = { table: 'memories', columns: SELECTED.join(', '), timeColumn: 'created_at' };

/** The select list with every column qualified by `alias`. */
export const memoryColumns = (alias: string) => SELECTED.map((column) => `${alias}.${column}`).join(', ');

/** The array type each column travels as in the batch insert; source ids go as one JSON array per row (SQL arrays cannot be ragged). */
const ARRAY_TYPES: Record<(typeof COLUMNS)[number], string> = {
  namespace: 'text[]', id: 'text[]', user_id: 'text[]', agent_id: 'text[]', kind: 'text[]',
  content: 'text[]', content_key: 'text[]', importance: 'float8[]', metadata: 'jsonb[]', source_episode_ids: 'jsonb[]',
  version: 'integer[]', created_at: 'timestamptz[]', updated_at: 'timestamptz[]', expires_at: 'timestamptz[]',
  last_confirmed_at: 'timestamptz[]', slot_key: 'text[]', valid_from: 'timestamptz[]', valid_to: 'timestamptz[]',
  supersedes: 'jsonb[]', superseded_by: 'text[]', supersession_reason: 'text[]', source_session_ids: 'jsonb[]',
  retracted_at: 'timestamptz[]', retraction_reason: 'text[]', conflicts: 'jsonb[]',
  embedding_status: 'text[]', embedding_model: 'text[]', embedding_dim: 'integer[]',
};

/** Id lists travel as one JSON array per row (SQL arrays cannot be ragged) and are stored as text[]. */
const ID_LISTS = new Set<string>(['source_episode_ids', 'supersedes', 'source_session_ids']);
const insertedValue = (column: string) => (ID_LISTS.has(column) ? `ARRAY(SELECT jsonb_array_elements_text(${column}))` : column);

/** Rows per INSERT: every column is one array parameter, so a chunk's size bounds the statement, not the parameter count. */
const INSERT_CHUNK = 1_000;

const INSERT = `INSERT INTO memories (${COLUMNS.join(', ')})
  SELECT ${COLUMNS.map(insertedValue).join(', ')}
  FROM unnest(${COLUMNS.map((column, n) => `$${n + 1}::${ARRAY_TYPES[column]}`).join(', ')}) AS r(${COLUMNS.join(', ')})
  RETURNING ${MEMORIES.columns}`;

/** The columns a new memory's vector adds to the insert (exact path: no pgvector). */
const VECTOR_COLUMNS = ['embedding_truncated', 'embedding', 'sketch', 'raw_bands'] as const;
const VECTOR_TYPES = ['boolean[]', 'text[]', 'text[]', 'text[]'];

/**
 * The insert with vectors, in one statement: the memories (those with a vector stored `ready`),
 * then the vectors of the memories just inserted, as `VectorStore.put` stores them (vector-store.ts).
 * A memory born `ready` is updated neither by the put nor by its trigger-kept search fields again.
 */
const INSERT_WITH_VECTORS = (() => {
  const all = [...COLUMNS, ...VECTOR_COLUMNS];
  const types = [...COLUMNS.map((column) => ARRAY_TYPES[column]), ...VECTOR_TYPES];
  const bands = scopedBandKeys('r.raw_bands::integer[]', { namespace: 'm.namespace', userId: 'm.user_id', agentId: 'm.agent_id', sessionId: 'NULL::text', model: 'm.embedding_model', dims: 'm.embedding_dim' });
  return `WITH r AS MATERIALIZED (SELECT * FROM unnest(${all.map((column, n) => `$${n + 1}::${types[n]}`).join(', ')}) AS r(${all.join(', ')})),
  inserted AS (
    INSERT INTO memories (${COLUMNS.join(', ')}, embedding_truncated)
    SELECT ${COLUMNS.map(insertedValue).join(', ')}, coalesce(embedding_truncated, false)
    FROM r
    RETURNING seq, ${MEMORIES.columns}
  ),
  stored AS (
    INSERT INTO vectors (tier, namespace, user_id, memory_seq, model, dims, embedding, sketch, bands)
    SELECT 'memories', m.namespace, m.user_id, m.seq, m.embedding_model, m.embedding_dim, r.embedding::real[], r.sketch::bit(${SKETCH_BITS}), ${bands}
    FROM inserted m JOIN r ON r.namespace = m.namespace AND r.id = m.id WHERE r.embedding IS NOT NULL
  )
  SELECT ${MEMORIES.columns} FROM inserted`;
})();

/**
 * Inserts new memories (each with its content key) with the caller's transaction, one multi-row
 * INSERT per chunk; returns the rows written, in no particular order. With `withVectors` (the
 * exact path), a memory whose draft carries a usable vector is stored with it, `ready`.
 */
export async function insertMemories(tx: SqlExecutor, memories: { memory: Memory; contentKey: string; vector?: MemoryDraft['vector'] }[], withVectors = false): Promise<MemoryRow[]> {
  const written: MemoryRow[] = [];
  for (let at = 0; at < memories.length; at += INSERT_CHUNK) {
    const chunk = memories.slice(at, at + INSERT_CHUNK);
    const vectors = chunk.map(({ vector }) => (withVectors && vector !== undefined && usable(vector.vector) ? vector : undefined));
    const rows = chunk.map(({ memory, contentKey }, i) => {
      const values = insertValues(memory, contentKey);
      const vector = vectors[i];
      if (vector !== undefined) values.splice(values.length - 3, 3, 'ready', vector.model, vector.vector.length);
      return values;
    });
    if (vectors.every((vector) => vector === undefined)) {
      written.push(...(await tx.query<MemoryRow>(INSERT, COLUMNS.map((_, n) => rows.map((row) => row[n])))));
      continue;
    }
    const sketches = vectors.map((vector) => (vector === undefined ? undefined : sketchParams(vector.vector)));
    const extra = [
      vectors.map((vector) => (vector === undefined ? null : vector.truncated === true)),
      vectors.map((vector) => (vector === undefined ? null : `{${Array.from(vector.vector).join(',')}}`)),
      sketches.map((sketch) => sketch?.sketch ?? null),
      sketches.map((sketch) => sketch?.raw ?? null),
    ];
    written.push(...(await tx.query<MemoryRow>(INSERT_WITH_VECTORS, [...COLUMNS.map((_, n) => rows.map((row) => row[n])), ...extra])));
  }
  return written;
}

/** A vector the vector store would take: at least one number, all finite (else its put refuses it, as before). */
function usable(vector: Float32Array): boolean {
  if (vector.length === 0) return false;
  for (const value of vector) if (!Number.isFinite(value)) return false;
  return true;
}

/** A new memory's values in COLUMNS order, with its content key. */
function insertValues(memory: Memory, contentKey: string): unknown[] {
  return [
    memory.namespace,
    memory.id,
    memory.userId ?? null,
    memory.agentId ?? null,
    ...versionValues(memory, contentKey, 'json'),
    memory.version,
    timeParam(memory.createdAt, 'createdAt'),
    timeParam(memory.updatedAt, 'updatedAt'),
    memory.expiresAt === undefined ? null : timeParam(memory.expiresAt, 'expiresAt'),
    timeParam(memory.lastConfirmedAt, 'lastConfirmedAt'),
    memory.key ?? null,
    timeParam(memory.validFrom ?? memory.createdAt, 'validFrom'),
    memory.validTo === undefined ? null : timeParam(memory.validTo, 'validTo'),
    JSON.stringify(memory.supersedes ?? []),
    memory.supersededBy ?? null,
    memory.supersessionReason ?? null,
    JSON.stringify(memory.sourceSessionIds ?? []),
    memory.retractedAt === undefined ? null : timeParam(memory.retractedAt, 'retractedAt'),
    memory.retractionReason ?? null,
    JSON.stringify(memory.conflicts ?? []),
    ...embeddingValues(memory.embedding),
  ];
}

/**
 * Archives the stored row as it stood (valid from its `updated_at` until $3, for reason $4), then
 * writes the new state over it, in one statement: both parts read the same snapshot, so the
 * history row holds exactly the version being replaced. When $14 is true the wording changed, so
 * the memory's vector (which describes the old wording) is deleted and the memory waits to be
 * embedded again. A merge may change the slot ($16), the sessions ($17) and the conflict marks
 * ($18) too; the validity window is the memory's own (validity-rows.ts writes it).
 */
export const ARCHIVE_AND_UPDATE = `
  WITH archived AS (
    INSERT INTO memory_history (namespace, memory_id, user_id, version, content, kind, importance, metadata, expires_at,
      source_episode_ids, valid_from, valid_to, reason)
    SELECT namespace, id, user_id, version, content, kind, importance, metadata, expires_at, source_episode_ids, updated_at,
      $3::timestamptz, $4::text
    FROM memories WHERE namespace = $1 AND id = $2
  ), unembedded AS (
    DELETE FROM vectors WHERE $14::boolean AND memory_seq = (SELECT seq FROM memories WHERE namespace = $1 AND id = $2)
  )
  UPDATE memories SET kind = $5, content = $6, content_key = $7, importance = $8, metadata = $9,
    source_episode_ids = $10, version = $11, updated_at = $12, expires_at = $13, last_confirmed_at = $15,
    slot_key = $16, source_session_ids = $17, conflicts = $18,
    embedding_status = CASE WHEN $14::boolean THEN 'pending' ELSE embedding_status END,
    embedding_model = CASE WHEN $14::boolean THEN NULL ELSE embedding_model END,
    embedding_dim = CASE WHEN $14::boolean THEN NULL ELSE embedding_dim END
  WHERE namespace = $1 AND id = $2
  RETURNING ${MEMORIES.columns}`;

/**
 * Raises a live memory's last_confirmed_at to $4 (never lowers it), changing nothing else: the same
 * fact stated again, or confirmed. $1 namespace, $2 ids, $3 the user a key is bound to (NULL: any).
 */
export const CONFIRM = `UPDATE memories SET last_confirmed_at = greatest(last_confirmed_at, $4::timestamptz)
  WHERE namespace = $1 AND id = ANY($2::text[]) AND ($3::text IS NULL OR user_id = $3) AND (expires_at IS NULL OR expires_at > $4::timestamptz)
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
    timeParam(next.lastConfirmedAt, 'lastConfirmedAt'),
    next.key ?? null,
    next.sourceSessionIds ?? [],
    JSON.stringify(next.conflicts ?? []),
  ];
}

/** kind, content, content_key, importance, metadata, source_episode_ids (a text[], or JSON for the batch insert). */
function versionValues(memory: Memory, contentKey: string, sources: 'array' | 'json' = 'array'): unknown[] {
  const ids = memory.sourceEpisodeIds ?? [];
  return [
    memory.kind,
    memory.content,
    contentKey,
    memory.importance,
    JSON.stringify(memory.metadata ?? {}),
    sources === 'json' ? JSON.stringify(ids) : ids,
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
    namespace: row.namespace,
    ...optional('userId', row.user_id),
    ...optional('agentId', row.agent_id),
    ...versionOfRow(row),
    sourceSessionIds: row.source_session_ids,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    lastConfirmedAt: row.last_confirmed_at.toISOString(),
    ...optional('key', row.slot_key),
    validFrom: row.valid_from.toISOString(),
    ...optional('validTo', row.valid_to === null ? null : row.valid_to.toISOString()),
    supersedes: row.supersedes,
    ...optional('supersededBy', row.superseded_by),
    ...optional('supersessionReason', row.supersession_reason),
    ...optional('retractedAt', row.retracted_at === null ? null : row.retracted_at.toISOString()),
    ...optional('retractionReason', row.retraction_reason),
    conflicts: row.conflicts.map(conflictOf),
    embedding: embeddingOfRow(row),
  };
}

/** A stored mark with its fields in the order the domain writes them (jsonb keeps its own key order). */
function conflictOf(mark: ConflictMark): ConflictMark {
  return {
    memoryId: mark.memoryId,
    reason: mark.reason,
    source: mark.source,
    ...(mark.similarity === undefined || mark.similarity === null ? {} : { similarity: mark.similarity }),
    at: mark.at,
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
