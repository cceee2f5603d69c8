// The audit_log columns every SQL adapter shares, and their mapping to AuditEntry. Each engine
// stores `time` and `record_ids` its own way and converts them before and after.

import type { AuditEntry, AuditOutcome } from '../core/types.js';
import { optional } from './row-fields.js';

export interface AuditColumns {
  id: string;
  key_id: string | null;
  role: string | null;
  action: string;
  method: string;
  route: string;
  namespace: string | null;
  user_id: string | null;
  record_count: number | null;
  outcome: string;
  status: number | null;
  request_id: string;
}

/** The columns as they are listed in INSERT statements, `time` and `record_ids` last. */
export const AUDIT_INSERT_COLUMNS =
  'id, key_id, role, action, method, route, namespace, user_id, record_count, outcome, status, request_id, time, record_ids';

/** The shared column values of an entry, in AUDIT_INSERT_COLUMNS order (without `time` and `record_ids`). */
export function auditValues(entry: AuditEntry): unknown[] {
  return [
    entry.id,
    entry.keyId ?? null,
    entry.role ?? null,
    entry.action,
    entry.method,
    entry.route,
    entry.namespace ?? null,
    entry.userId ?? null,
    entry.recordCount ?? null,
    entry.outcome,
    entry.status ?? null,
    entry.requestId,
  ];
}

/** An entry from its row, given its time (ISO) and record ids as the engine read them. */
export function auditOfRow(row: AuditColumns, time: string, recordIds: string[] | null): AuditEntry {
  return {
    id: row.id,
    time,
    ...optional('keyId', row.key_id),
    ...optional('role', row.role),
    action: row.action,
    method: row.method,
    route: row.route,
    ...optional('namespace', row.namespace),
    ...optional('userId', row.user_id),
    ...optional('recordIds', recordIds),
    ...optional('recordCount', row.record_count === null ? null : Number(row.record_count)),
    outcome: row.outcome as AuditOutcome,
    ...optional('status', row.status),
    requestId: row.request_id,
  };
}
