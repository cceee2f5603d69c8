import { joinAudit } from '../../core/audit-scope.js';
import { toIso } from '../../core/clock.js';
import { toPage } from '../../core/cursor.js';
import type { AuditQuery, AuditStore } from '../../core/ports.js';
import type { AuditEntry, Page } from '../../core/types.js';
import { AUDIT_INSERT_COLUMNS, auditOfRow, auditValues, type AuditColumns } from '../audit-rows.js';
import type { SqliteDatabase } from './database.js';
import { toMs } from './rows.js';

interface AuditRow extends AuditColumns {
  time: number;
  record_ids: string | null;
}

const INSERT = `INSERT INTO audit_log (${AUDIT_INSERT_COLUMNS}) VALUES (${AUDIT_INSERT_COLUMNS.split(',').map(() => '?').join(', ')})`;
const PRUNE = 'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE time < ? ORDER BY time, id LIMIT ?)';

/**
 * The audit log in SQLite. It joins every outermost write transaction of `db`: the entry of the
 * request in progress, when not written yet, is inserted last inside the first one that changes a
 * row, so that the change and its entry are committed together (or neither). A transaction that
 * changed nothing (a delete that found no record) leaves the entry to the answer.
 */
export class SqliteAuditStore implements AuditStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
    db.joinTransactions(() => {
      const join = joinAudit();
      if (join === undefined) return undefined;
      const before = this.#totalChanges();
      return {
        beforeCommit: () => {
          if (this.#totalChanges() === before) return;
          const entry = join.stage();
          if (entry !== undefined) this.#insert(entry);
        },
        settle: join.settle,
      };
    });
  }

  async append(entries: AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    // Not through `transaction`: these entries are written on their own, never joined by another.
    this.#db.run('audit.append', (connection) => connection.transaction(() => entries.forEach((entry) => this.#insert(entry))).immediate());
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const { filter, after } = query;
    const clauses: string[] = [];
    const params: unknown[] = [];
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      clauses.push(`${column} = ?`);
      params.push(value);
    };
    equal('namespace', filter.namespace);
    equal('key_id', filter.keyId);
    equal('action', filter.action);
    if (filter.from !== undefined) {
      clauses.push('time >= ?');
      params.push(toMs(filter.from, 'from'));
    }
    if (filter.to !== undefined) {
      clauses.push('time < ?');
      params.push(toMs(filter.to, 'to'));
    }
    if (after !== undefined) {
      clauses.push('(time, id) < (?, ?)');
      params.push(toMs(after.time, 'cursor'), after.id);
    }
    const where = clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
    const sql = `SELECT * FROM audit_log ${where} ORDER BY time DESC, id DESC LIMIT ?`;
    return this.#db.run('audit.list', () => {
      const rows = this.#db.statement(sql).all(...params, query.limit + 1) as AuditRow[];
      const entries = rows.map((row) => auditOfRow(row, toIso(row.time), row.record_ids === null ? null : (JSON.parse(row.record_ids) as string[])));
      return toPage(entries, query.limit, (entry) => entry.time);
    });
  }

  async prune({ before, limit }: { before: string; limit: number }): Promise<number> {
    return this.#db.run('audit.prune', () => this.#db.statement(PRUNE).run(toMs(before, 'before'), limit).changes);
  }

  /** Rows inserted, changed or deleted on this connection since it opened. */
  #totalChanges(): number {
    return (this.#db.statement('SELECT total_changes() AS n').get() as { n: number }).n;
  }

  #insert(entry: AuditEntry): void {
    const recordIds = entry.recordIds === undefined ? null : JSON.stringify(entry.recordIds);
    this.#db.statement(INSERT).run(...auditValues(entry), toMs(entry.time, 'time'), recordIds);
  }
}
