import { joinAudit } from '../../core/audit-scope.js';
import { toIso } from '../../core/clock.js';
import { toPage } from '../../core/cursor.js';
import type { AuditQuery, AuditStore } from '../../core/ports.js';
import type { AuditEntry, Page } from '../../core/types.js';
import { AUDIT_INSERT_COLUMNS, auditOfRow, auditValues, type AuditColumns } from '../audit-rows.js';
import type { PgDatabase } from './pg-database.js';
import { SqlParams, timeParam } from './pg-filter-sql.js';
import type { SqlExecutor } from './sql-engine.js';

interface AuditRow extends AuditColumns {
  time: Date;
  record_ids: string[] | null;
}

const COLUMN_COUNT = AUDIT_INSERT_COLUMNS.split(',').length;
/** One row per entry: `$1..$14` for the first, `$15..` for the next. */
const insertSql = (rows: number) =>
  `INSERT INTO audit_log (${AUDIT_INSERT_COLUMNS}) VALUES ${Array.from(
    { length: rows },
    (_, row) => `(${Array.from({ length: COLUMN_COUNT }, (_, column) => `$${row * COLUMN_COUNT + column + 1}`).join(', ')})`,
  ).join(', ')}`;
/**
 * The entry of the request, inserted only when the transaction has written something: a
 * transaction is given an id by its first change (a row inserted, changed, deleted or locked).
 */
const INSERT_IF_WRITTEN = `INSERT INTO audit_log (${AUDIT_INSERT_COLUMNS})
  SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::integer, $10::text, $11::integer, $12::text,
    $13::timestamptz, $14::text[]
  WHERE txid_current_if_assigned() IS NOT NULL RETURNING 1`;
const PRUNE = 'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE time < $1 ORDER BY time, id LIMIT $2)';
/** Entries per INSERT statement: 14 parameters each, well under PostgreSQL's 65535. */
const INSERT_BATCH = 500;

/**
 * The audit log in PostgreSQL. It joins every transaction of `db`: the entry of the request in
 * progress, when not written yet, is inserted last inside the first one that writes, so that the
 * change and its entry are committed together (or neither). A transaction that changed nothing (a
 * delete that found no record) leaves the entry to the answer.
 */
export class PgAuditStore implements AuditStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
    db.joinTransactions(() => {
      const join = joinAudit();
      if (join === undefined) return undefined;
      return {
        beforeCommit: async (tx) => {
          const entry = join.stage();
          if (entry === undefined) return;
          const inserted = await tx.query(INSERT_IF_WRITTEN, [...auditValues(entry), entry.time, entry.recordIds ?? null]);
          if (inserted.length === 0) join.unstage();
        },
        settle: join.settle,
      };
    });
  }

  async append(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // One statement per batch; `run`, not `transaction`, so that nothing joins them.
    await this.#db.run('audit.append', async (db) => {
      for (let at = 0; at < entries.length; at += INSERT_BATCH) await insert(db, entries.slice(at, at + INSERT_BATCH));
    });
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const { filter, after } = query;
    const params = new SqlParams();
    const clauses: string[] = [];
    const equal = (column: string, value: string | undefined) => {
      if (value !== undefined) clauses.push(`${column} = ${params.add(value)}`);
    };
    equal('namespace', filter.namespace);
    equal('key_id', filter.keyId);
    equal('action', filter.action);
    if (filter.from !== undefined) clauses.push(`time >= ${params.add(timeParam(filter.from, 'from'))}::timestamptz`);
    if (filter.to !== undefined) clauses.push(`time < ${params.add(timeParam(filter.to, 'to'))}::timestamptz`);
    if (after !== undefined) clauses.push(`(time, id) < (${params.add(timeParam(after.time, 'cursor'))}::timestamptz, ${params.add(after.id)})`);
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const sql = `SELECT * FROM audit_log ${where} ORDER BY time DESC, id DESC LIMIT ${params.add(query.limit + 1)}`;
    const rows = await this.#db.query<AuditRow>('audit.list', sql, params.values);
    return toPage(
      rows.map((row) => auditOfRow(row, toIso(row.time.getTime()), row.record_ids)),
      query.limit,
      (entry) => entry.time,
    );
  }

  async prune({ before, limit }: { before: string; limit: number }): Promise<number> {
    const rows = await this.#db.query('audit.prune', `${PRUNE} RETURNING 1`, [timeParam(before, 'before'), limit]);
    return rows.length;
  }
}

async function insert(db: SqlExecutor, entries: AuditEntry[]): Promise<void> {
  const values = entries.flatMap((entry) => [...auditValues(entry), entry.time, entry.recordIds ?? null]);
  await db.query(insertSql(entries.length), values);
}
