// Compiles the storage-neutral RecordFilter and list queries into Postgres SQL. Only column names
// chosen here are ever concatenated; every value is a numbered parameter collected in `SqlParams`.

import { nextPrefix } from '../../core/text.js';
import { parseTime } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import type { ListQuery, MetadataValue, RecordFilter } from '../../core/types.js';

/** Collects parameter values and hands out their placeholders (`$1`, `$2`, ...). */
export class SqlParams {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** Where a tier keeps its rows, the columns a record is read from, and which column `from`/`to` bound. */
export interface TableSpec {
  table: 'episodes' | 'memories';
  /** A select list without the search fields, which are never read back. */
  columns: string;
  timeColumn: 'occurred_at' | 'created_at';
}

const METADATA_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/** An ISO time as a timestamptz parameter; a malformed time is the caller's error, never a silent NULL. */
export function timeParam(iso: string, field: string): string {
  return new Date(parseTime(iso, field)).toISOString();
}

/**
 * `namespace = $1 AND ...` for a filter over a tier's table. `alias` qualifies columns when the
 * query joins tables. A memory's sessions are its provenance: the session filter tests membership
 * (through the GIN index of `source_session_ids`), and the validity, slot and conflict filters
 * apply to memories alone (migration 17).
 */
export function compileFilter(filter: RecordFilter, spec: Pick<TableSpec, 'table' | 'timeColumn'>, params: SqlParams, alias?: string): string {
  const col = (name: string) => (alias ? `${alias}.${name}` : name);
  const { timeColumn } = spec;
  const clauses = [`${col('namespace')} = ${params.add(filter.namespace)}`];
  const equal = (column: string, value: string | undefined) => {
    if (value !== undefined) clauses.push(`${col(column)} = ${params.add(value)}`);
  };
  equal('user_id', filter.userId);
  equal('agent_id', filter.agentId);
  if (spec.table === 'memories') clauses.push(...memoryClauses(filter, params, col));
  else equal('session_id', filter.sessionId);
  // An empty kinds list means "no kind filter", the same as an absent one.
  if (filter.kinds && filter.kinds.length > 0) clauses.push(`${col('kind')} = ANY(${params.add(filter.kinds)}::text[])`);
  if (filter.from !== undefined) clauses.push(`${col(timeColumn)} >= ${params.add(timeParam(filter.from, 'from'))}::timestamptz`);
  if (filter.to !== undefined) clauses.push(`${col(timeColumn)} < ${params.add(timeParam(filter.to, 'to'))}::timestamptz`);
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    clauses.push(metadataEquals(col('metadata'), key, value, params));
  }
  return clauses.join(' AND ');
}

/** The memory-only conditions: learned in the session, valid at a time, in a slot, conflicted or not. */
function memoryClauses(filter: RecordFilter, params: SqlParams, col: (name: string) => string): string[] {
  const clauses: string[] = [];
  if (filter.sessionId !== undefined) clauses.push(`${col('source_session_ids')} @> ARRAY[${params.add(filter.sessionId)}::text]`);
  if (filter.validAt !== undefined) {
    const at = params.add(timeParam(filter.validAt, 'validAt'));
    clauses.push(`${col('valid_from')} <= ${at}::timestamptz AND (${col('valid_to')} IS NULL OR ${col('valid_to')} > ${at}::timestamptz)`);
  }
  if (filter.key !== undefined) clauses.push(`${col('slot_key')} = ${params.add(filter.key)}`);
  // A range on the text's bytes (COLLATE "C"), so that no locale's ordering can leave a key out.
  if (filter.keyPrefix !== undefined) clauses.push(`${col('slot_key')} COLLATE "C" >= ${params.add(filter.keyPrefix)} AND ${col('slot_key')} COLLATE "C" < ${params.add(nextPrefix(filter.keyPrefix))}`);
  if (filter.conflicted !== undefined) clauses.push(`${col('conflicts')} ${filter.conflicted ? '<>' : '='} '[]'::jsonb`);
  return clauses;
}

/**
 * Top-level key equality that respects JSON types: jsonb equality never makes the string
 * "true" equal to boolean true, and compares numbers by value (1 = 1.0).
 */
function metadataEquals(column: string, key: string, value: MetadataValue, params: SqlParams): string {
  if (!METADATA_KEY.test(key)) {
    throw new MemosError('E_VALIDATION', 'filters.metadata: keys must be 1-64 of A-Z a-z 0-9 _ . : -', {
      details: { field: 'filters.metadata', issues: [{ field: 'filters.metadata', message: 'invalid key' }] },
    });
  }
  return `${column} -> ${params.add(key)}::text = ${params.add(JSON.stringify(value))}::jsonb`;
}

/** A further condition on a table's rows (e.g. live memories only), its columns qualified by `alias` when given. */
export type ExtraCondition = (params: SqlParams, alias?: string) => string;

/** One page of a time-ordered listing; fetches limit + 1 rows to tell whether more follow. */
export function listSql(spec: TableSpec, query: ListQuery, extra?: ExtraCondition): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const where = [compileFilter(query.filter, spec, params), ...(extra ? [extra(params)] : [])];
  const direction = query.order === 'desc' ? 'DESC' : 'ASC';
  if (query.after) {
    // A row-value comparison, which the (namespace, time, id) index answers.
    const time = params.add(timeParam(query.after.time, 'cursor'));
    where.push(`(${spec.timeColumn}, id) ${query.order === 'desc' ? '<' : '>'} (${time}::timestamptz, ${params.add(query.after.id)}::text)`);
  }
  const limit = params.add(Math.max(0, query.limit) + 1);
  return {
    sql: `SELECT ${spec.columns} FROM ${spec.table} WHERE ${where.join(' AND ')} ORDER BY ${spec.timeColumn} ${direction}, id ${direction} LIMIT ${limit}`,
    params: params.values,
  };
}
