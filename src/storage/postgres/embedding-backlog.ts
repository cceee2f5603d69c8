// What is left to embed for a model: records not yet ready, records ready with another model or
// length, and records that another model's provider refused. Expired memories are neither pending
// nor counted; deleted records are gone. The `_pending` partial indexes (migrations 2 and 4) keep
// the not-yet-ready part cheap, and `_failed` (migration 6) the failed part. Refusals are counted
// here too (`recordFailures`), and failed records made pending again.

import type { EmbeddingFailure, EmbeddingProgress, FailedEmbedding, PendingEmbedding, Tier } from '../../core/types.js';
import type { SqlExecutor } from './sql-engine.js';

export interface ModelQuery {
  model: string;
  dimensions: number;
}

/** Rows without a vector of ($1, $2), and not refused by that model's provider either. */
export const NOT_SETTLED = `NOT (embedding_status IN ('ready', 'failed') AND embedding_model IS NOT DISTINCT FROM $1 AND embedding_dim IS NOT DISTINCT FROM $2)`;
const IN_GROUP = (status: 'ready' | 'failed') => `embedding_status = '${status}' AND embedding_model = $1 AND embedding_dim = $2`;
export const LIVE = '(expires_at IS NULL OR expires_at > $3::timestamptz)';

// Each tier's oldest first, then both merged: at most `limit` rows are read from each.
const PENDING = `
  (SELECT 'memories' AS tier, namespace, id, content, created_at FROM memories
    WHERE ${NOT_SETTLED} AND ${LIVE} ORDER BY created_at, id LIMIT $4)
  UNION ALL
  (SELECT 'episodes' AS tier, namespace, id, content, created_at FROM episodes
    WHERE ${NOT_SETTLED} ORDER BY created_at, id LIMIT $4)
  ORDER BY created_at, id LIMIT $4`;

const PROGRESS = `SELECT
  ((SELECT count(*) FROM memories WHERE ${LIVE}) + (SELECT count(*) FROM episodes))::integer AS total,
  ((SELECT count(*) FROM memories WHERE ${IN_GROUP('ready')} AND ${LIVE}) + (SELECT count(*) FROM episodes WHERE ${IN_GROUP('ready')}))::integer AS ready,
  ((SELECT count(*) FROM memories WHERE ${IN_GROUP('failed')} AND ${LIVE}) + (SELECT count(*) FROM episodes WHERE ${IN_GROUP('failed')}))::integer AS failed`;

const FAILED = `
  (SELECT 'memories' AS tier, namespace, id, created_at, embedding_attempts AS attempts, embedding_error AS error FROM memories
    WHERE ${IN_GROUP('failed')} AND ${LIVE} ORDER BY created_at, id LIMIT $4)
  UNION ALL
  (SELECT 'episodes' AS tier, namespace, id, created_at, embedding_attempts AS attempts, embedding_error AS error FROM episodes
    WHERE ${IN_GROUP('failed')} ORDER BY created_at, id LIMIT $4)
  ORDER BY created_at, id LIMIT $4`;

interface PendingRow {
  tier: Tier;
  namespace: string;
  id: string;
  content: string;
}

/** Records without a vector of `model` and `dimensions`, oldest first by (created_at, id) across both tiers; those failed with it left out. */
export async function listPending(db: SqlExecutor, query: ModelQuery & { limit: number }, now: string): Promise<PendingEmbedding[]> {
  if (query.limit <= 0) return [];
  const rows = await db.query<PendingRow>(PENDING, [query.model, query.dimensions, now, query.limit]);
  return rows.map(({ tier, namespace, id, content }) => ({ tier, namespace, id, content }));
}

/** Counts over both tiers (live memories only): `ready` a vector of exactly this model and length, `failed` a refusal by its provider. */
export async function countProgress(db: SqlExecutor, query: ModelQuery & { failures?: number }, now: string): Promise<EmbeddingProgress> {
  const [row] = await db.query<{ total: number; ready: number; failed: number }>(PROGRESS, [query.model, query.dimensions, now]);
  const total = row?.total ?? 0;
  const ready = row?.ready ?? 0;
  const failed = row?.failed ?? 0;
  const progress: EmbeddingProgress = { model: query.model, dimensions: query.dimensions, ready, pending: total - ready - failed, failed, total };
  if (query.failures !== undefined && query.failures > 0) {
    const rows = await db.query<FailedEmbedding & { error: string | null }>(FAILED, [query.model, query.dimensions, now, query.failures]);
    progress.failures = rows.map(({ tier, namespace, id, attempts, error }) => ({ tier, namespace, id, attempts, error: error ?? '' }));
  } else if (query.failures !== undefined) progress.failures = [];
  return progress;
}

// One more refusal; at $7 refusals the record is failed for the refusing model. Every expression of
// SET reads the row as it was, so `embedding_attempts + 1` is the new count throughout.
const failSql = (table: string) => `UPDATE ${table} SET
  embedding_attempts = embedding_attempts + 1,
  embedding_error = $6,
  embedding_status = CASE WHEN embedding_attempts + 1 >= $7 THEN 'failed' ELSE embedding_status END,
  embedding_model = CASE WHEN embedding_attempts + 1 >= $7 THEN $1 ELSE embedding_model END,
  embedding_dim = CASE WHEN embedding_attempts + 1 >= $7 THEN $2::integer ELSE embedding_dim END
  WHERE namespace = $3 AND id = $4 AND content = $5 AND ${NOT_SETTLED}
  RETURNING embedding_status`;

const TABLES: Record<Tier, string> = { memories: 'memories', episodes: 'episodes' };

/** Counts one refusal per record, with the caller's transaction; returns how many records it marked failed. */
export async function recordFailures(tx: SqlExecutor, failures: EmbeddingFailure[], failAfter: number): Promise<number> {
  let failed = 0;
  for (const f of failures) {
    const rows = await tx.query<{ embedding_status: string }>(failSql(TABLES[f.tier]), [f.model, f.dimensions, f.namespace, f.id, f.content, f.error, failAfter]);
    if (rows[0]?.embedding_status === 'failed') failed += 1;
  }
  return failed;
}

/** Every failed record pending again, its refusals forgotten, with the caller's transaction; returns how many. */
export async function retryFailed(tx: SqlExecutor): Promise<number> {
  let retried = 0;
  for (const table of Object.values(TABLES)) {
    const rows = await tx.query(
      `UPDATE ${table} SET embedding_status = 'pending', embedding_model = NULL, embedding_dim = NULL, embedding_attempts = 0,
        embedding_error = NULL WHERE embedding_status = 'failed' RETURNING 1`,
    );
    retried += rows.length;
  }
  return retried;
}
