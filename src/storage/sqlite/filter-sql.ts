// Compiles the storage-neutral RecordFilter, list and keyword queries into SQLite SQL.
// Only column names chosen here are ever concatenated; every value is a bound parameter.

import { MemosError } from '../../core/errors.js';
import type { CursorPosition, ListQuery, MetadataValue, RecordFilter } from '../../core/types.js';
import { recordColumns, toMs } from './rows.js';
import { nextPrefix } from '../../core/text.js';

export type SqlParam = string | number | null;

export interface SqlFragment {
  sql: string;
  params: SqlParam[];
}

/** Where a tier keeps its rows: the table, its FTS5 index and the column `from`/`to` bound. */
export interface TableSpec {
  table: 'episodes' | 'memories';
  fts: 'episodes_fts' | 'memories_fts';
  timeColumn: 'occurred_at' | 'created_at';
}

const METADATA_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Whose rows a statement may touch: those of one namespace, and of one user when `userId` is set. */
export interface StoreScope {
  namespace: string;
  userId?: string | undefined;
}

/**
 * The scope filter: a condition on the namespace column, and on the user column when the scope
 * names a user, over the table aliased `alias` when given. Every statement the SQLite stores run on a tenant table puts
 * this fragment in its WHERE (ANDed with the rest), and no other code writes a namespace or user
 * condition: scope-filter.test.ts records every statement the store contracts run and checks both.
 */
export function scopeFilter(scope: StoreScope, alias?: string): SqlFragment {
  const col = (name: string) => (alias ? `${alias}.${name}` : name);
  if (scope.userId === undefined) return { sql: `${col('namespace')} = ?`, params: [scope.namespace] };
  return { sql: `${col('namespace')} = ? AND ${col('user_id')} = ?`, params: [scope.namespace, scope.userId] };
}

const TIME_COLUMN = { episodes: 'occurred_at', memories: 'created_at' } as const;

/**
 * The scope filter for a filter's namespace and user, then its other conditions, for the records of
 * `tier`. `alias` qualifies columns when the query joins tables. A memory's session is provenance:
 * a memory filter's `sessionId` asks that `source_session_ids` hold it; `validAt`, `key` and
 * `conflicted` apply to memories only (an episode filter never sets them).
 */
export function compileFilter(filter: RecordFilter, tier: 'episodes' | 'memories', alias?: string): SqlFragment {
  const col = (name: string) => (alias ? `${alias}.${name}` : name);
  const timeColumn = TIME_COLUMN[tier];
  const scope = scopeFilter({ namespace: filter.namespace, userId: filter.userId }, alias);
  const clauses: string[] = [scope.sql];
  const params: SqlParam[] = [...scope.params];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    clauses.push(`${col(column)} = ?`);
    params.push(value);
  };
  equal('agent_id', filter.agentId);
  if (tier === 'episodes') equal('session_id', filter.sessionId);
  else {
    if (filter.sessionId !== undefined) {
      clauses.push(`EXISTS (SELECT 1 FROM json_each(${col('source_session_ids')}) WHERE value = ?)`);
      params.push(filter.sessionId);
    }
    if (filter.validAt !== undefined) {
      const at = toMs(filter.validAt, 'validAt');
      clauses.push(`${col('valid_from')} <= ? AND (${col('valid_to')} IS NULL OR ${col('valid_to')} > ?)`);
      params.push(at, at);
    }
    equal('slot_key', filter.key);
    if (filter.keyPrefix !== undefined) {
      // A range, which an index on the slot can answer: every key from the prefix up to the next prefix.
      clauses.push(`${col('slot_key')} >= ? AND ${col('slot_key')} < ?`);
      params.push(filter.keyPrefix, nextPrefix(filter.keyPrefix));
    }
    // The very term of the partial index memories_conflicted, so that the planner can use it.
    if (filter.conflicted !== undefined) clauses.push(filter.conflicted ? `${col('conflicts')} != '[]'` : `${col('conflicts')} = '[]'`);
  }
  // An empty kinds list means "no kind filter", the same as an absent one.
  if (filter.kinds && filter.kinds.length > 0) {
    clauses.push(`${col('kind')} IN (${filter.kinds.map(() => '?').join(', ')})`);
    params.push(...filter.kinds);
  }
  if (filter.from !== undefined) {
    clauses.push(`${col(timeColumn)} >= ?`);
    params.push(toMs(filter.from, 'from'));
  }
  if (filter.to !== undefined) {
    clauses.push(`${col(timeColumn)} < ?`);
    params.push(toMs(filter.to, 'to'));
  }
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    const fragment = metadataEquals(col('metadata'), key, value);
    clauses.push(fragment.sql);
    params.push(...fragment.params);
  }
  return { sql: clauses.join(' AND '), params };
}

/**
 * Top-level key equality that respects JSON types: json_extract alone would make the
 * string 'true' equal to boolean true (both come back as text/integer), so the JSON type is checked too.
 */
function metadataEquals(column: string, key: string, value: MetadataValue): SqlFragment {
  if (!METADATA_KEY.test(key)) {
    throw new MemosError('E_VALIDATION', 'filters.metadata: keys must be 1-64 of A-Z a-z 0-9 _ . : -', {
      details: { field: 'filters.metadata', issues: [{ field: 'filters.metadata', message: 'invalid key' }] },
    });
  }
  const path = `$."${key}"`;
  if (typeof value === 'boolean') {
    return { sql: `json_type(${column}, ?) = ?`, params: [path, value ? 'true' : 'false'] };
  }
  if (typeof value === 'number') {
    return {
      sql: `(json_type(${column}, ?) IN ('integer', 'real') AND json_extract(${column}, ?) = ?)`,
      params: [path, path, value],
    };
  }
  return { sql: `(json_type(${column}, ?) = 'text' AND json_extract(${column}, ?) = ?)`, params: [path, path, value] };
}

/** Strictly after `after` in the chosen (time, id) order. */
function cursorClause(after: CursorPosition, order: 'asc' | 'desc', timeColumn: string): SqlFragment {
  const op = order === 'asc' ? '>' : '<';
  const time = toMs(after.time, 'cursor');
  // A row-value comparison, which SQLite can answer from the (namespace, time, id) index.
  return { sql: `(${timeColumn}, id) ${op} (?, ?)`, params: [time, after.id] };
}

/** One page of a time-ordered listing; fetches limit + 1 rows to tell whether more follow. */
export function listSql(spec: TableSpec, query: ListQuery, extra?: SqlFragment): SqlFragment {
  const parts = [compileFilter(query.filter, spec.table)];
  if (query.after) parts.push(cursorClause(query.after, query.order, spec.timeColumn));
  if (extra) parts.push(extra);
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  return {
    sql: `SELECT ${recordColumns(spec.table)} FROM ${spec.table} WHERE ${parts.map((p) => p.sql).join(' AND ')}
      ORDER BY ${spec.timeColumn} ${direction}, id ${direction} LIMIT ?`,
    params: [...parts.flatMap((p) => p.params), Math.max(0, query.limit) + 1],
  };
}

/** `"a" OR "b"`: each term a quoted FTS5 string (quotes doubled), so no term is read as syntax. */
export function matchExpression(terms: string[]): string | null {
  const quoted = terms.filter((term) => term.trim() !== '').map((term) => `"${term.replaceAll('"', '""')}"`);
  return quoted.length === 0 ? null : quoted.join(' OR ');
}
