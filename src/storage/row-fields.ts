// Column groups every record table shares, in every SQL adapter (scope, embedding state), and
// their mapping to the domain types. NULL optional fields are left out entirely, never undefined.

import type { EmbeddingInfo } from '../core/types.js';

/** `{ [key]: value }` when value is not NULL, else `{}`: spread it to leave absent fields out. */
export function optional<K extends string, V>(key: K, value: V | null): { [P in K]?: V } {
  return (value === null ? {} : { [key]: value }) as { [P in K]?: V };
}

export interface ScopeColumns {
  namespace: string;
  user_id: string | null;
  agent_id: string | null;
  session_id: string | null;
}

export interface EmbeddingColumns {
  embedding_status: string;
  embedding_model: string | null;
  embedding_dim: number | null;
  /** 0/1 in SQLite, a boolean in PostgreSQL; absent from rows read before migration. */
  embedding_truncated?: number | boolean | null;
  embedding_error?: string | null;
}

/** The scope of a row; unset ids are absent. */
export function scopeOfRow(row: ScopeColumns) {
  return {
    namespace: row.namespace,
    ...optional('userId', row.user_id),
    ...optional('agentId', row.agent_id),
    ...optional('sessionId', row.session_id),
  };
}

/** `truncated` is shown only beside the vector it describes (ready), `error` only on a failed record. */
export function embeddingOfRow(row: EmbeddingColumns): EmbeddingInfo {
  const status = row.embedding_status as EmbeddingInfo['status'];
  return {
    status,
    ...optional('model', row.embedding_model),
    ...optional('dimensions', row.embedding_dim),
    ...(status === 'ready' && row.embedding_truncated ? { truncated: true } : {}),
    ...(status === 'failed' ? optional('error', row.embedding_error ?? null) : {}),
  };
}

/**
 * The embedding columns (status, model, dimensions) of a record being inserted without its vector
 * (which then arrives through the vector store's `put`), so a record claimed `ready` is stored as
 * `pending`: `ready` is kept to mean "a vector is stored" (and `failed`, "refused"). A memory whose
 * vector the write already holds is inserted with it instead (SQLite: semantic-store.ts).
 */
export function embeddingValues(embedding: EmbeddingInfo | undefined): [string, string | null, number | null] {
  // A new record has had no refusal yet, whatever it claims.
  if (embedding?.status === 'ready' || embedding?.status === 'failed') return ['pending', null, null];
  return [embedding?.status ?? 'none', embedding?.model ?? null, embedding?.dimensions ?? null];
}
