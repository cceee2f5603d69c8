// Verified erasure on PostgreSQL (see src/memory/erasure/erasure-service.ts for the procedure).
// The fence is a row of erasure_fences read by a trigger on every insert of an episode or memory
// (erasure-schema.ts). Writing it takes a SHARE ROW EXCLUSIVE lock on both tables for the moment
// of its transaction: inserts already running finish first, and any that follow see the fence, so
// that no insert slips past it on any replica. A pass deletes, in one tenant transaction, the
// subject's history, vectors (sketch and band keys are their columns), memories, episodes (their
// tsvector columns go with the rows) and the keyword statistics rows of its scopes.

import { MemosError } from '../../core/errors.js';
import type { ErasureCounts, ErasurePass, ErasureReceipt, ErasureReceipts, ErasureStore, ErasureSubject } from '../../core/ports.js';
import type { PgDatabase } from './pg-database.js';

/** `$2` is the subject's user, or NULL for the whole namespace. */
const OF_SUBJECT = (alias: string) => `${alias}.namespace = $1 AND ($2::text IS NULL OR ${alias}.user_id = $2)`;

export class PgErasureStore implements ErasureStore {
  readonly #db: PgDatabase;
  readonly receipts: ErasureReceipts;

  constructor(db: PgDatabase) {
    this.#db = db;
    this.receipts = new PgErasureReceipts(db);
  }

  async fence({ receiptId, subject, at }: { receiptId: string; subject: ErasureSubject; at: string }): Promise<void> {
    await this.#db.transaction('erasure.fence', async (tx) => {
      await tx.query('LOCK TABLE episodes, memories IN SHARE ROW EXCLUSIVE MODE');
      await tx.query('DELETE FROM erasure_fences WHERE until IS NOT NULL AND until <= clock_timestamp()');
      const overlap = await tx.query('SELECT 1 FROM erasure_fences WHERE until IS NULL AND namespace = $1 AND (user_id IS NULL OR $2::text IS NULL OR user_id = $2)', [
        subject.namespace,
        subject.userId ?? null,
      ]);
      if (overlap.length > 0) throw new MemosError('E_CONFLICT', 'an erasure of this user, or of its whole namespace, is already in progress');
      await tx.query('INSERT INTO erasure_fences (receipt_id, namespace, user_id, started_at) VALUES ($1, $2, $3, $4)', [receiptId, subject.namespace, subject.userId ?? null, at]);
    });
  }

  async fenced(subject: ErasureSubject): Promise<boolean> {
    const rows = await this.#db.query('erasure.fenced', 'SELECT 1 FROM erasure_fences WHERE namespace = $1 AND (user_id IS NULL OR user_id = $2) AND (until IS NULL OR until > clock_timestamp())', [subject.namespace, subject.userId ?? null]);
    return rows.length > 0;
  }

  async lift(receiptId: string, graceMs: number): Promise<void> {
    await this.#db.query('erasure.lift', "UPDATE erasure_fences SET until = clock_timestamp() + $2 * interval '1 millisecond' WHERE receipt_id = $1", [receiptId, Math.round(graceMs)]);
  }

  async erase(subject: ErasureSubject): Promise<ErasurePass> {
    const params = [subject.namespace, subject.userId ?? null];
    return this.#db.tenant(subject, 'erasure.erase', async (tx) => {
      const history = await tx.query<{ content: string }>(
        `DELETE FROM memory_history h USING memories m WHERE h.namespace = m.namespace AND h.memory_id = m.id AND ${OF_SUBJECT('m')} RETURNING h.content`,
        params,
      );
      const vectors = await tx.query<{ n: string }>(
        `WITH gone AS (DELETE FROM vectors v WHERE v.namespace = $1 AND (
           v.memory_seq IN (SELECT m.seq FROM memories m WHERE ${OF_SUBJECT('m')}) OR v.episode_seq IN (SELECT e.seq FROM episodes e WHERE ${OF_SUBJECT('e')})
         ) RETURNING 1) SELECT count(*) AS n FROM gone`,
        params,
      );
      const memories = await tx.query<{ id: string; content: string }>(`DELETE FROM memories m WHERE ${OF_SUBJECT('m')} RETURNING m.id, m.content`, params);
      const episodes = await tx.query<{ id: string; content: string }>(`DELETE FROM episodes e WHERE ${OF_SUBJECT('e')} RETURNING e.id, e.content`, params);
      // After the records: their delete triggers have just added the (negative) deltas of these scopes.
      const keyword = await tx.query<{ n: string }>(`WITH gone AS (DELETE FROM keyword_scope_counts k WHERE ${OF_SUBJECT('k')} RETURNING 1) SELECT count(*) AS n FROM gone`, params);
      const records = [...memories, ...episodes];
      return {
        removed: {
          episodes: episodes.length,
          memories: memories.length,
          memoryHistory: history.length,
          vectors: Number(vectors[0]!.n),
          keywordIndex: records.length,
          keywordStatistics: Number(keyword[0]!.n),
        },
        texts: [...records.map((row) => row.content), ...history.map((row) => row.content)],
        ids: records.map((row) => row.id),
      };
    });
  }

  /**
   * The audit entries of the namespace lose the erased ids and the user (as the connecting role:
   * the audit log is a system table). Nothing else: a tsvector lives in its row, and the rows
   * deleted are invisible to every query from the commit on; their dead versions stay in the table
   * files until VACUUM (autovacuum) reuses the space, as docs/operations.md says.
   */
  async compact(subject: ErasureSubject, ids: string[]): Promise<ErasureCounts> {
    return this.#db.transaction('erasure.audit', async (tx) => {
      const named = await tx.query<{ n: string }>(
        `WITH changed AS (UPDATE audit_log SET record_ids = ARRAY(SELECT x FROM unnest(record_ids) x WHERE x <> ALL($2::text[]))
           WHERE namespace = $1 AND record_ids && $2::text[] RETURNING 1) SELECT count(*) AS n FROM changed`,
        [subject.namespace, ids],
      );
      const users = await tx.query<{ n: string }>(
        `WITH changed AS (UPDATE audit_log SET user_id = NULL WHERE namespace = $1 AND user_id IS NOT NULL AND ($2::text IS NULL OR user_id = $2) RETURNING 1)
         SELECT count(*) AS n FROM changed`,
        [subject.namespace, subject.userId ?? null],
      );
      return { auditLog: Number(named[0]!.n) + Number(users[0]!.n) };
    });
  }

  async verify(subject: ErasureSubject, ids: string[], before: string): Promise<ErasureCounts> {
    // As the connecting role, past row-level security: it looks at every row of the namespace.
    const params = [subject.namespace, subject.userId ?? null, ids, before];
    const [row] = await this.#db.query<Record<string, string>>(
      'erasure.verify',
      `SELECT
         (SELECT count(*) FROM episodes e WHERE ${OF_SUBJECT('e')} OR (e.namespace = $1 AND e.id = ANY($3::text[]))) AS episodes,
         (SELECT count(*) FROM memories m WHERE ${OF_SUBJECT('m')} OR (m.namespace = $1 AND m.id = ANY($3::text[]))) AS memories,
         (SELECT count(*) FROM memory_history h WHERE ${OF_SUBJECT('h')} OR (h.namespace = $1 AND h.memory_id = ANY($3::text[]))) AS "memoryHistory",
         (SELECT count(*) FROM vectors v WHERE ${OF_SUBJECT('v')}) AS vectors,
         (SELECT count(*) FROM episodes e WHERE e.namespace = $1 AND ($2::text IS NULL OR e.user_id = $2) AND e.search <> ''::tsvector)
           + (SELECT count(*) FROM memories m WHERE m.namespace = $1 AND ($2::text IS NULL OR m.user_id = $2) AND m.search <> ''::tsvector) AS "keywordIndex",
         (SELECT count(*) FROM keyword_scope_counts k WHERE ${OF_SUBJECT('k')}) AS "keywordStatistics",
         (SELECT count(*) FROM audit_log a WHERE a.namespace = $1 AND a.time < $4 AND ((a.user_id IS NOT NULL AND ($2::text IS NULL OR a.user_id = $2)) OR a.record_ids && $3::text[])) AS "auditLog"`,
      params,
    );
    return Object.fromEntries(Object.entries(row!).map(([place, count]) => [place, Number(count)]));
  }
}

class PgErasureReceipts implements ErasureReceipts {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async save(receipt: ErasureReceipt): Promise<void> {
    await this.#db.query(
      'erasure.receipt',
      'INSERT INTO erasure_receipts (id, namespace, user_id, started_at, finished_at, ok, receipt) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [receipt.receiptId, receipt.subject.namespace, receipt.subject.userId ?? null, receipt.startedAt, receipt.finishedAt, receipt.ok, JSON.stringify(receipt)],
    );
  }

  async get(ref: { namespace: string; receiptId: string; userId?: string }): Promise<ErasureReceipt | null> {
    const [row] = await this.#db.query<{ receipt: ErasureReceipt; user_id: string | null }>(
      'erasure.receipt',
      'SELECT receipt, user_id FROM erasure_receipts WHERE id = $1 AND namespace = $2',
      [ref.receiptId, ref.namespace],
    );
    if (row === undefined || (ref.userId !== undefined && row.user_id !== ref.userId)) return null;
    return row.receipt;
  }
}
