// Retention in the embedded store: records past their retention are removed in bounded batches,
// each one short write transaction (other writers get the lock between two). Deleting the rows is
// all SQLite needs: triggers take them out of the keyword index (FTS5) and journal them for the
// keyword statistics (folded before the commit), memory history goes with its memory (ON DELETE
// CASCADE), and the vectors are columns of the rows. Only the in-process vector index is kept in
// step by hand after the commit, as SemanticStore.delete and EpisodeStore.delete do. One process
// owns the data folder, so a batch has one owner by construction.

import { toMs } from './rows.js';
import type { RemovedRecord, RetentionStore, RetentionTarget } from '../../core/ports.js';
import type { Tier } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { scopeFilter, type SqlParam } from './filter-sql.js';
import type { VectorIndex } from './vector-index.js';

/** The time a record ages by: when an episode happened, when a memory was last written. */
const AGE_COLUMN: Record<Tier, string> = { episodes: 'occurred_at', memories: 'updated_at' };

/** The conditions of `target`, on the columns of its tier. */
function targetWhere(target: RetentionTarget): { sql: string; params: SqlParam[] } {
  const clauses = [`${AGE_COLUMN[target.tier]} < ?`];
  const params: SqlParam[] = [toMs(target.before, 'before')];
  const add = (sql: string, param: SqlParam) => {
    clauses.push(sql);
    params.push(param);
  };
  if (typeof target.namespace === 'string') {
    const scope = scopeFilter({ namespace: target.namespace });
    clauses.push(scope.sql);
    params.push(...scope.params);
  }
  if (target.kind !== undefined) add('kind = ?', target.kind);
  if (target.exceptNamespaces?.length) add('namespace NOT IN (SELECT value FROM json_each(?))', JSON.stringify(target.exceptNamespaces));
  if (target.exceptKinds?.length) add('kind NOT IN (SELECT value FROM json_each(?))', JSON.stringify(target.exceptKinds));
  if (target.exceptPairs?.length) {
    add(
      'NOT EXISTS (SELECT 1 FROM json_each(?) AS p WHERE p.value ->> 0 = namespace AND p.value ->> 1 = kind)',
      JSON.stringify(target.exceptPairs.map((pair) => [pair.namespace, pair.kind])),
    );
  }
  return { sql: clauses.join(' AND '), params };
}

/** Deletes the first `limit` rows of `table` that `where` selects, oldest by `order` first; returns them. */
const batchDelete = (table: Tier, where: string, order: string) =>
  `DELETE FROM ${table} WHERE seq IN (SELECT seq FROM ${table} WHERE ${where} ORDER BY ${order} LIMIT ?) RETURNING namespace, id`;

export class SqliteRetentionStore implements RetentionStore {
  readonly #db: SqliteDatabase;
  readonly #vectors: VectorIndex;

  /** `vectors` is the adapter's shared vector index, which a removal keeps current. */
  constructor(db: SqliteDatabase, vectors: VectorIndex) {
    this.#db = db;
    this.#vectors = vectors;
  }

  async removeAged({ target, limit }: { target: RetentionTarget; limit: number }): Promise<RemovedRecord[]> {
    const { sql, params } = targetWhere(target);
    return this.#remove(target.tier, batchDelete(target.tier, sql, AGE_COLUMN[target.tier]), [...params, limit]);
  }

  async removeExpired({ now, limit }: { now: string; limit: number }): Promise<RemovedRecord[]> {
    const where = 'expires_at IS NOT NULL AND expires_at <= ?';
    return this.#remove('memories', batchDelete('memories', where, 'expires_at'), [toMs(now, 'now'), limit]);
  }

  #remove(tier: Tier, sql: string, params: SqlParam[]): RemovedRecord[] {
    if (params[params.length - 1] === 0) return [];
    const removed = this.#db.transaction(`retention.${tier}`, () => this.#db.statement(sql).all(...params) as RemovedRecord[]);
    // After the commit, as a delete does: the rows are gone, so are their vectors.
    for (const record of removed) this.#vectors.remove(tier, record.namespace, record.id);
    return removed.map(({ namespace, id }) => ({ namespace, id }));
  }
}
