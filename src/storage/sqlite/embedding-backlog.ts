// What is left to embed for a model: records not yet ready, and records ready with another
// model or dimension. Both are answered from partial indexes (migration 2), so that asking when
// nothing is pending reads a handful of index pages rather than every row:
// - `<table>_unembedded (created_at, id) WHERE embedding_status != 'ready'` lists new records in order;
// - `<table>_embedded (embedding_model, embedding_dim, created_at, id[, expires_at]) WHERE embedding_status = 'ready'`
//   lets us skip from one (model, dimensions) group to the next, and lists each group in order.

import type { EmbeddingProgress, PendingEmbedding, Tier } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';

interface TierTable {
  tier: Tier;
  table: 'episodes' | 'memories';
  /** Memories expire; an expired memory is neither pending nor counted. */
  expires: boolean;
}

const TABLES: readonly TierTable[] = [
  { tier: 'memories', table: 'memories', expires: true },
  { tier: 'episodes', table: 'episodes', expires: false },
];

interface BacklogRow {
  id: string;
  namespace: string;
  content: string;
  created_at: number;
}

interface Group {
  embedding_model: string;
  embedding_dim: number;
}

export interface ModelQuery {
  model: string;
  dimensions: number;
}

const liveClause = (t: TierTable) => (t.expires ? ' AND (expires_at IS NULL OR expires_at > ?)' : '');
const liveParams = (t: TierTable, now: number) => (t.expires ? [now] : []);
const COLUMNS = 'id, namespace, content, created_at';

/**
 * Records without a vector of `model` and `dimensions`, oldest first by (created_at, id) across
 * both tiers (memories and episodes interleaved), at most `limit`.
 */
export function listPending(db: SqliteDatabase, query: ModelQuery & { limit: number }, now: number): PendingEmbedding[] {
  if (query.limit <= 0) return [];
  const found: (BacklogRow & { tier: Tier })[] = [];
  for (const t of TABLES) {
    const unembedded = db
      .statement(`SELECT ${COLUMNS} FROM ${t.table} WHERE embedding_status != 'ready'${liveClause(t)} ORDER BY created_at, id LIMIT ?`)
      .all(...liveParams(t, now), query.limit) as BacklogRow[];
    for (const row of unembedded) found.push({ ...row, tier: t.tier });
    for (const group of readyGroups(db, t)) {
      if (group.embedding_model === query.model && group.embedding_dim === query.dimensions) continue;
      const stale = db
        .statement(
          `SELECT ${COLUMNS} FROM ${t.table} WHERE embedding_status = 'ready' AND embedding_model = ? AND embedding_dim = ?${liveClause(t)}
            ORDER BY created_at, id LIMIT ?`,
        )
        .all(group.embedding_model, group.embedding_dim, ...liveParams(t, now), query.limit) as BacklogRow[];
      for (const row of stale) found.push({ ...row, tier: t.tier });
    }
  }
  found.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return found.slice(0, query.limit).map(({ tier, namespace, id, content }) => ({ tier, namespace, id, content }));
}

/**
 * The distinct (model, dimensions) of ready rows: a skip scan over the `_embedded` index, a few
 * seeks per group. (A row-value `(model, dim) > (?, ?)` would seek on the model alone and then
 * walk every row of that model, so the step is split into "same model, longer" and "next model".)
 */
function readyGroups(db: SqliteDatabase, t: TierTable): Group[] {
  const ready = `SELECT embedding_model, embedding_dim FROM ${t.table} WHERE embedding_status = 'ready'`;
  const first = db.statement(`${ready} ORDER BY embedding_model, embedding_dim LIMIT 1`);
  const longer = db.statement(`${ready} AND embedding_model = ? AND embedding_dim > ? ORDER BY embedding_dim LIMIT 1`);
  const nextModel = db.statement(`${ready} AND embedding_model > ? ORDER BY embedding_model, embedding_dim LIMIT 1`);
  const groups: Group[] = [];
  let group = first.get() as Group | undefined;
  while (group) {
    groups.push(group);
    const { embedding_model: model, embedding_dim: dim } = group;
    group = (longer.get(model, dim) ?? nextModel.get(model)) as Group | undefined;
  }
  return groups;
}

/** Counts over both tiers (live memories only); `ready` means a vector of exactly this model and length. */
export function countProgress(db: SqliteDatabase, query: ModelQuery, now: number): EmbeddingProgress {
  let total = 0;
  let ready = 0;
  for (const t of TABLES) {
    // count(*) walks the smallest index; expired memories come off through the expiry index.
    total += db.statement(`SELECT count(*) FROM ${t.table}`).pluck().get() as number;
    if (t.expires) total -= db.statement(`SELECT count(*) FROM ${t.table} WHERE expires_at <= ?`).pluck().get(now) as number;
    ready += db
      .statement(
        `SELECT count(*) FROM ${t.table} WHERE embedding_status = 'ready' AND embedding_model = ? AND embedding_dim = ?${liveClause(t)}`,
      )
      .pluck()
      .get(query.model, query.dimensions, ...liveParams(t, now)) as number;
  }
  return { model: query.model, dimensions: query.dimensions, ready, pending: total - ready, total };
}
