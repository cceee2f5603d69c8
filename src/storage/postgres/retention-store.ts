// Retention in server mode: records past their retention are removed in bounded batches, each one
// short transaction. A batch is `DELETE … WHERE (namespace, id) IN (SELECT … LIMIT n FOR UPDATE
// SKIP LOCKED)`, so that replicas sweeping at once take disjoint batches and never wait on each
// other (nor on a writer holding one of the rows). Deleting the rows is all PostgreSQL needs:
// vectors and memory history go with their record (ON DELETE CASCADE), the keyword index is the
// row's own `search` column, and the statement triggers of keyword-scope-counts.ts subtract the
// removed records from their scopes' counts. The sweep spans namespaces by design, so it is system
// work (the connecting role, as the embedding backlog's claims are), not a tenant transaction.

import type { RemovedRecord, RetentionStore, RetentionTarget } from '../../core/ports.js';
import type { Tier } from '../../core/types.js';
import type { PgDatabase } from './pg-database.js';

/** The time a record ages by: when an episode happened, when a memory was last written. */
const AGE_COLUMN: Record<Tier, string> = { episodes: 'occurred_at', memories: 'updated_at' };

/** The conditions of `target`, its parameters from $1. */
function targetWhere(target: RetentionTarget): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const clauses = [`${AGE_COLUMN[target.tier]} < ${param(target.before)}::timestamptz`];
  if (target.namespace !== undefined) clauses.push(`namespace = ${param(target.namespace)}`);
  if (target.kind !== undefined) clauses.push(`kind = ${param(target.kind)}`);
  if (target.exceptNamespaces?.length) clauses.push(`namespace <> ALL (${param(target.exceptNamespaces)}::text[])`);
  if (target.exceptKinds?.length) clauses.push(`kind <> ALL (${param(target.exceptKinds)}::text[])`);
  if (target.exceptPairs?.length) {
    const namespaces = param(target.exceptPairs.map((pair) => pair.namespace));
    const kinds = param(target.exceptPairs.map((pair) => pair.kind));
    clauses.push(`NOT EXISTS (SELECT 1 FROM unnest(${namespaces}::text[], ${kinds}::text[]) AS p (namespace, kind) WHERE p.namespace = r.namespace AND p.kind = r.kind)`);
  }
  return { sql: clauses.join(' AND '), params };
}

/** Deletes the first `limit` rows (`$limit`) of `table` that `where` selects and no other transaction holds, oldest by `order` first. */
const batchDelete = (table: Tier, where: string, order: string, limit: string) => `
  DELETE FROM ${table} WHERE (namespace, id) IN (
    SELECT namespace, id FROM ${table} r WHERE ${where} ORDER BY ${order} LIMIT ${limit} FOR UPDATE SKIP LOCKED)
  RETURNING namespace, id`;

export class PgRetentionStore implements RetentionStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async removeAged({ target, limit }: { target: RetentionTarget; limit: number }): Promise<RemovedRecord[]> {
    const { sql, params } = targetWhere(target);
    return this.#remove(target.tier, batchDelete(target.tier, sql, AGE_COLUMN[target.tier], `$${params.length + 1}`), [...params, limit]);
  }

  async removeExpired({ now, limit }: { now: string; limit: number }): Promise<RemovedRecord[]> {
    return this.#remove('memories', batchDelete('memories', 'expires_at <= $1::timestamptz', 'expires_at', '$2'), [now, limit]);
  }

  async #remove(tier: Tier, sql: string, params: unknown[]): Promise<RemovedRecord[]> {
    if (params[params.length - 1] === 0) return [];
    const removed = await this.#db.transaction(`retention.${tier}`, (tx) => tx.query<RemovedRecord>(sql, params));
    // The planner's statistics follow large removals as they follow large writes.
    if (removed.length > 0) this.#db.wrote();
    return removed.map(({ namespace, id }) => ({ namespace, id }));
  }
}
