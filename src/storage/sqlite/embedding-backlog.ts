// What is left to embed for a model: records not yet ready, records ready with another model or
// dimension, and records that another model's provider refused. All are answered from partial
// indexes (migrations 2 and 3), so that asking when nothing is pending reads a handful of index
// pages rather than every row:
// - `<table>_unembedded (created_at, id) WHERE embedding_status NOT IN ('ready', 'failed')` lists new records in order;
// - `<table>_embedded (embedding_model, embedding_dim, created_at, id[, expires_at]) WHERE embedding_status = 'ready'`
//   and `<table>_failed (…the same) WHERE embedding_status = 'failed'` let us skip from one (model,
//   dimensions) group to the next, and list each group in order.
// Refusals are counted here too (`recordFailures`), and failed records made pending again.

import type { EmbeddingFailure, EmbeddingProgress, FailedEmbedding, PendingEmbedding, Tier } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { scopeFilter } from './filter-sql.js';

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
const TABLE_OF: Record<Tier, TierTable> = { memories: TABLES[0]!, episodes: TABLES[1]! };

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

/** Statuses kept per (model, dimensions) group, each with its own partial index. */
type GroupedStatus = 'ready' | 'failed';

const liveClause = (t: TierTable) => (t.expires ? ' AND (expires_at IS NULL OR expires_at > ?)' : '');
const liveParams = (t: TierTable, now: number) => (t.expires ? [now] : []);
const COLUMNS = 'id, namespace, content, created_at';
const UNEMBEDDED = `embedding_status NOT IN ('ready', 'failed')`;

/**
 * Records without a vector of `model` and `dimensions`, oldest first by (created_at, id) across
 * both tiers (memories and episodes interleaved), at most `limit`. Records failed with this model
 * are left out; those failed with another are pending for this one.
 */
export function listPending(db: SqliteDatabase, query: ModelQuery & { limit: number }, now: number): PendingEmbedding[] {
  if (query.limit <= 0) return [];
  const found: (BacklogRow & { tier: Tier })[] = [];
  for (const t of TABLES) {
    const unembedded = db
      .statement(`SELECT ${COLUMNS} FROM ${t.table} WHERE ${UNEMBEDDED}${liveClause(t)} ORDER BY created_at, id LIMIT ?`)
      .all(...liveParams(t, now), query.limit) as BacklogRow[];
    for (const row of unembedded) found.push({ ...row, tier: t.tier });
    for (const status of ['ready', 'failed'] as const) {
      for (const group of groupsOf(db, t, status)) {
        if (group.embedding_model === query.model && group.embedding_dim === query.dimensions) continue;
        const stale = db
          .statement(
            `SELECT ${COLUMNS} FROM ${t.table} WHERE embedding_status = '${status}' AND embedding_model = ? AND embedding_dim = ?${liveClause(t)}
              ORDER BY created_at, id LIMIT ?`,
          )
          .all(group.embedding_model, group.embedding_dim, ...liveParams(t, now), query.limit) as BacklogRow[];
        for (const row of stale) found.push({ ...row, tier: t.tier });
      }
    }
  }
  found.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return found.slice(0, query.limit).map(({ tier, namespace, id, content }) => ({ tier, namespace, id, content }));
}

/**
 * The distinct (model, dimensions) of rows in `status`: a skip scan over that status's index, a few
 * seeks per group. (A row-value `(model, dim) > (?, ?)` would seek on the model alone and then
 * walk every row of that model, so the step is split into "same model, longer" and "next model".)
 */
function groupsOf(db: SqliteDatabase, t: TierTable, status: GroupedStatus): Group[] {
  const rows = `SELECT embedding_model, embedding_dim FROM ${t.table} WHERE embedding_status = '${status}'`;
  const first = db.statement(`${rows} ORDER BY embedding_model, embedding_dim LIMIT 1`);
  const longer = db.statement(`${rows} AND embedding_model = ? AND embedding_dim > ? ORDER BY embedding_dim LIMIT 1`);
  const nextModel = db.statement(`${rows} AND embedding_model > ? ORDER BY embedding_model, embedding_dim LIMIT 1`);
  const groups: Group[] = [];
  let group = first.get() as Group | undefined;
  while (group) {
    groups.push(group);
    const { embedding_model: model, embedding_dim: dim } = group;
    group = (longer.get(model, dim) ?? nextModel.get(model)) as Group | undefined;
  }
  return groups;
}

/**
 * Counts over both tiers (live memories only): `ready` means a vector of exactly this model and
 * length, `failed` a refusal by this model's provider; the rest is pending.
 */
export function countProgress(db: SqliteDatabase, query: ModelQuery & { failures?: number }, now: number): EmbeddingProgress {
  let total = 0;
  let ready = 0;
  let failed = 0;
  const inGroup = (t: TierTable, status: GroupedStatus) =>
    db
      .statement(`SELECT count(*) FROM ${t.table} WHERE embedding_status = '${status}' AND embedding_model = ? AND embedding_dim = ?${liveClause(t)}`)
      .pluck()
      .get(query.model, query.dimensions, ...liveParams(t, now)) as number;
  for (const t of TABLES) {
    // count(*) walks the smallest index; expired memories come off through the expiry index.
    total += db.statement(`SELECT count(*) FROM ${t.table}`).pluck().get() as number;
    if (t.expires) total -= db.statement(`SELECT count(*) FROM ${t.table} WHERE expires_at <= ?`).pluck().get(now) as number;
    ready += inGroup(t, 'ready');
    failed += inGroup(t, 'failed');
  }
  const progress: EmbeddingProgress = { model: query.model, dimensions: query.dimensions, ready, pending: total - ready - failed, failed, total };
  if (query.failures !== undefined) progress.failures = listFailed(db, { ...query, limit: query.failures }, now);
  return progress;
}

interface FailedRow {
  id: string;
  namespace: string;
  created_at: number;
  embedding_attempts: number;
  embedding_error: string | null;
}

/** Records failed with this model, oldest first across both tiers. */
function listFailed(db: SqliteDatabase, query: ModelQuery & { limit: number }, now: number): FailedEmbedding[] {
  if (query.limit <= 0) return [];
  const found: (FailedRow & { tier: Tier })[] = [];
  for (const t of TABLES) {
    const rows = db
      .statement(
        `SELECT id, namespace, created_at, embedding_attempts, embedding_error FROM ${t.table}
          WHERE embedding_status = 'failed' AND embedding_model = ? AND embedding_dim = ?${liveClause(t)} ORDER BY created_at, id LIMIT ?`,
      )
      .all(query.model, query.dimensions, ...liveParams(t, now), query.limit) as FailedRow[];
    for (const row of rows) found.push({ ...row, tier: t.tier });
  }
  found.sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return found.slice(0, query.limit).map((row) => ({
    tier: row.tier,
    namespace: row.namespace,
    id: row.id,
    attempts: row.embedding_attempts,
    error: row.embedding_error ?? '',
  }));
}

// One more refusal; at `failAfter`, the record is failed for the refusing model. Every expression
// of SET reads the row as it was, so `embedding_attempts + 1` is the new count throughout. The
// record is looked up within its namespace (the scope filter's positional parameter; the rest are named).
const failSql = (table: string, scope: string) => `UPDATE ${table} SET
  embedding_attempts = embedding_attempts + 1,
  embedding_error = @error,
  embedding_status = CASE WHEN embedding_attempts + 1 >= @failAfter THEN 'failed' ELSE embedding_status END,
  embedding_model = CASE WHEN embedding_attempts + 1 >= @failAfter THEN @model ELSE embedding_model END,
  embedding_dim = CASE WHEN embedding_attempts + 1 >= @failAfter THEN @dimensions ELSE embedding_dim END
  WHERE ${scope} AND id = @id AND content = @content
    AND NOT (embedding_status IN ('ready', 'failed') AND embedding_model IS @model AND embedding_dim IS @dimensions)
  RETURNING embedding_status`;

/** Counts one refusal per record (run inside a transaction); returns how many records it marked failed. */
export function recordFailures(db: SqliteDatabase, failures: EmbeddingFailure[], failAfter: number): number {
  let failed = 0;
  for (const f of failures) {
    const scope = scopeFilter({ namespace: f.namespace });
    const row = db.statement(failSql(TABLE_OF[f.tier].table, scope.sql)).get(...scope.params, {
      error: f.error,
      failAfter,
      model: f.model,
      dimensions: f.dimensions,
      id: f.id,
      content: f.content,
    }) as { embedding_status: string } | undefined;
    if (row?.embedding_status === 'failed') failed += 1;
  }
  return failed;
}

/** Every failed record pending again, its refusals forgotten (run inside a transaction); returns how many. */
export function retryFailed(db: SqliteDatabase): number {
  let retried = 0;
  for (const t of TABLES) {
    retried += db
      .statement(
        `UPDATE ${t.table} SET embedding_status = 'pending', embedding_model = NULL, embedding_dim = NULL, embedding_attempts = 0,
          embedding_error = NULL WHERE embedding_status = 'failed'`,
      )
      .run().changes;
  }
  return retried;
}
