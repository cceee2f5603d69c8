// What is left to embed for a model: records not yet ready, and records ready with another model
// or length. Expired memories are neither pending nor counted; deleted records are gone. The
// `_pending` partial indexes (migrations 2 and 4) keep the not-yet-ready part cheap.

import type { EmbeddingProgress, PendingEmbedding, Tier } from '../../core/types.js';
import type { SqlExecutor } from './sql-engine.js';

export interface ModelQuery {
  model: string;
  dimensions: number;
}

const NOT_READY = `(embedding_status <> 'ready' OR embedding_model IS DISTINCT FROM $1 OR embedding_dim IS DISTINCT FROM $2)`;
const READY = `embedding_status = 'ready' AND embedding_model = $1 AND embedding_dim = $2`;
const LIVE = '(expires_at IS NULL OR expires_at > $3::timestamptz)';

// Each tier's oldest first, then both merged: at most `limit` rows are read from each.
const PENDING = `
  (SELECT 'memories' AS tier, namespace, id, content, created_at FROM memories
    WHERE ${NOT_READY} AND ${LIVE} ORDER BY created_at, id LIMIT $4)
  UNION ALL
  (SELECT 'episodes' AS tier, namespace, id, content, created_at FROM episodes
    WHERE ${NOT_READY} ORDER BY created_at, id LIMIT $4)
  ORDER BY created_at, id LIMIT $4`;

const PROGRESS = `SELECT
  ((SELECT count(*) FROM memories WHERE ${LIVE}) + (SELECT count(*) FROM episodes))::integer AS total,
  ((SELECT count(*) FROM memories WHERE ${READY} AND ${LIVE}) + (SELECT count(*) FROM episodes WHERE ${READY}))::integer AS ready`;

interface PendingRow {
  tier: Tier;
  namespace: string;
  id: string;
  content: string;
}

/** Records without a vector of `model` and `dimensions`, oldest first by (created_at, id) across both tiers. */
export async function listPending(db: SqlExecutor, query: ModelQuery & { limit: number }, now: string): Promise<PendingEmbedding[]> {
  if (query.limit <= 0) return [];
  const rows = await db.query<PendingRow>(PENDING, [query.model, query.dimensions, now, query.limit]);
  return rows.map(({ tier, namespace, id, content }) => ({ tier, namespace, id, content }));
}

/** Counts over both tiers (live memories only); `ready` means a vector of exactly this model and length. */
export async function countProgress(db: SqlExecutor, query: ModelQuery, now: string): Promise<EmbeddingProgress> {
  const [row] = await db.query<{ total: number; ready: number }>(PROGRESS, [query.model, query.dimensions, now]);
  const total = row?.total ?? 0;
  const ready = row?.ready ?? 0;
  return { model: query.model, dimensions: query.dimensions, ready, pending: total - ready, total };
}
