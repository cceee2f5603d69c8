// Episode rows and their mapping to and from the domain type. Times are timestamptz in the
// database (Date in rows) and ISO strings outside; NULL optional fields are left out entirely.

import type { Episode, InterventionOutcome, MessageRole, Metadata } from '../../core/types.js';
import { timeParam, type TableSpec } from './pg-filter-sql.js';
import { embeddingOfRow, embeddingValues, optional, scopeOfRow, type EmbeddingColumns, type ScopeColumns } from '../row-fields.js';
import type { SqlExecutor } from './sql-engine.js';

export interface EpisodeRow extends ScopeColumns, EmbeddingColumns {
  id: string;
  kind: string;
  role: string | null;
  content: string;
  occurred_at: Date;
  created_at: Date;
  metadata: Metadata;
  task: string | null;
  context: string | null;
  outcome: string | null;
}

const COLUMNS = [
  'namespace', 'id', 'user_id', 'agent_id', 'session_id', 'kind', 'role', 'content', 'occurred_at', 'created_at',
  'metadata', 'task', 'context', 'outcome', 'embedding_status', 'embedding_model', 'embedding_dim',
] as const satisfies readonly (keyof EpisodeRow)[];

/** The array type each column travels as in the batch insert. */
const ARRAY_TYPES: Record<(typeof COLUMNS)[number], string> = {
  namespace: 'text[]', id: 'text[]', user_id: 'text[]', agent_id: 'text[]', session_id: 'text[]', kind: 'text[]',
  role: 'text[]', content: 'text[]', occurred_at: 'timestamptz[]', created_at: 'timestamptz[]', metadata: 'jsonb[]',
  task: 'text[]', context: 'text[]', outcome: 'text[]', embedding_status: 'text[]', embedding_model: 'text[]',
  embedding_dim: 'integer[]',
};

/** Read with every row, never inserted: the embedding state the vector store keeps. */
const READ_ONLY = ['embedding_truncated', 'embedding_error'] as const satisfies readonly (keyof EpisodeRow)[];
const SELECTED = [...COLUMNS, ...READ_ONLY];

export const EPISODES: TableSpec = { table: 'episodes', columns: SELECTED.join(', '), timeColumn: 'occurred_at' };

/** The select list with every column qualified by `alias`. */
export const episodeColumns = (alias: string) => SELECTED.map((column) => `${alias}.${column}`).join(', ');

/** Rows per INSERT: every column is one array parameter, so a chunk's size bounds the statement, not the parameter count. */
const INSERT_CHUNK = 1_000;

const INSERT = `INSERT INTO episodes (${COLUMNS.join(', ')})
  SELECT * FROM unnest(${COLUMNS.map((column, n) => `$${n + 1}::${ARRAY_TYPES[column]}`).join(', ')})`;

/** Inserts episodes with the caller's transaction: one multi-row INSERT per chunk, rows in input order. */
export async function insertEpisodes(tx: SqlExecutor, episodes: Episode[]): Promise<void> {
  for (let at = 0; at < episodes.length; at += INSERT_CHUNK) {
    const rows = episodes.slice(at, at + INSERT_CHUNK).map(episodeValues);
    await tx.query(INSERT, COLUMNS.map((_, n) => rows.map((row) => row[n])));
  }
}

export function rowToEpisode(row: EpisodeRow): Episode {
  return {
    id: row.id,
    ...scopeOfRow(row),
    kind: row.kind,
    ...optional('role', row.role as MessageRole | null),
    content: row.content,
    occurredAt: row.occurred_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    metadata: row.metadata,
    ...optional('task', row.task),
    ...optional('context', row.context),
    ...optional('outcome', row.outcome as InterventionOutcome | null),
    embedding: embeddingOfRow(row),
  };
}

/** One episode's values in COLUMNS order. */
function episodeValues(episode: Episode): unknown[] {
  return [
    episode.namespace,
    episode.id,
    episode.userId ?? null,
    episode.agentId ?? null,
    episode.sessionId ?? null,
    episode.kind,
    episode.role ?? null,
    episode.content,
    timeParam(episode.occurredAt, 'occurredAt'),
    timeParam(episode.createdAt, 'createdAt'),
    JSON.stringify(episode.metadata ?? {}),
    episode.task ?? null,
    episode.context ?? null,
    episode.outcome ?? null,
    ...embeddingValues(episode.embedding),
  ];
}
