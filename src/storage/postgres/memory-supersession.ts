// Validity writes (docs/truth.md): supersession, retraction and conflict marks change a memory's
// window, links and marks in place, without a new version or a history row. The rules are
// core/validity.ts's; here they are read under a row lock and written back in one statement per
// batch, with the caller's transaction (and its audit note).

import { noteAuditRecords } from '../../core/audit-scope.js';
import { MemosError } from '../../core/errors.js';
import type { MemoryRetraction, MemorySupersession, RecordRef } from '../../core/ports.js';
import type { ConflictMark, Memory } from '../../core/types.js';
import { isCurrent, notCurrent, retract, supersede, uniteConflicts } from '../../core/validity.js';
import { MEMORIES, rowToMemory, type MemoryRow } from './memory-rows.js';
import { timeParam } from './pg-filter-sql.js';
import type { SqlExecutor } from './sql-engine.js';

/** Writes the validity fields of each memory as given (one row per memory named once). */
const WRITE_VALIDITY = `UPDATE memories m SET valid_to = w.valid_to, superseded_by = w.superseded_by,
    supersession_reason = w.supersession_reason, retracted_at = w.retracted_at, retraction_reason = w.retraction_reason,
    supersedes = ARRAY(SELECT jsonb_array_elements_text(w.supersedes)), conflicts = w.conflicts
  FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::timestamptz[], $7::text[], $8::jsonb[], $9::jsonb[])
    AS w(namespace, id, valid_to, superseded_by, supersession_reason, retracted_at, retraction_reason, supersedes, conflicts)
  WHERE m.namespace = w.namespace AND m.id = w.id
  RETURNING ${MEMORIES.columns.split(', ').map((column) => `m.${column}`).join(', ')}`;

/** The live memory `ref` names, locked: $1 namespace, $2 id, $3 its user when named, $4 now. */
const LOCK_REF = `SELECT ${MEMORIES.columns} FROM memories
  WHERE namespace = $1 AND id = $2 AND ($3::text IS NULL OR user_id = $3) AND (expires_at IS NULL OR expires_at > $4::timestamptz)
  FOR UPDATE`;

/** Live, current memories of an identity among ids, locked: $1 namespace, $2 ids, $3 user, $4 agent, $5 now. */
const LOCK_CURRENT_OF_IDENTITY = `SELECT ${MEMORIES.columns} FROM memories
  WHERE namespace = $1 AND id = ANY($2::text[]) AND user_id IS NOT DISTINCT FROM $3::text AND agent_id IS NOT DISTINCT FROM $4::text
    AND valid_to IS NULL AND (expires_at IS NULL OR expires_at > $5::timestamptz)
  ORDER BY id FOR UPDATE`;

/**
 * Writes the validity fields (window, links, retraction, conflict marks) of `memories` in one
 * statement, the last state of a memory named twice winning; returns the rows as stored, by id.
 */
export async function writeValidity(tx: SqlExecutor, memories: Memory[]): Promise<Map<string, MemoryRow>> {
  const last = [...new Map(memories.map((memory) => [`${memory.namespace}\u0000${memory.id}`, memory])).values()];
  if (last.length === 0) return new Map();
  const column = <T>(pick: (memory: Memory) => T) => last.map(pick);
  const rows = await tx.query<MemoryRow>(WRITE_VALIDITY, [
    column((m) => m.namespace),
    column((m) => m.id),
    column((m) => (m.validTo === undefined ? null : timeParam(m.validTo, 'validTo'))),
    column((m) => m.supersededBy ?? null),
    column((m) => m.supersessionReason ?? null),
    column((m) => (m.retractedAt === undefined ? null : timeParam(m.retractedAt, 'retractedAt'))),
    column((m) => m.retractionReason ?? null),
    column((m) => JSON.stringify(m.supersedes)),
    column((m) => JSON.stringify(m.conflicts)),
  ]);
  return new Map(rows.map((row) => [row.id, row]));
}

const refParams = (ref: RecordRef, now: string) => [ref.namespace, ref.id, ref.userId ?? null, now];

/** The memory `ref` names, live and locked; null when missing, expired or outside reach. */
async function lockRef(tx: SqlExecutor, ref: RecordRef, now: string): Promise<Memory | null> {
  const [row] = await tx.query<MemoryRow>(LOCK_REF, refParams(ref, now));
  return row ? rowToMemory(row) : null;
}

/** One memory written back as stored. */
async function writeOne(tx: SqlExecutor, memory: Memory): Promise<Memory> {
  const row = (await writeValidity(tx, [memory])).get(memory.id);
  if (!row) throw new MemosError('E_INTERNAL', 'postgres: a memory just written could not be read back');
  return rowToMemory(row);
}

/** SemanticStore.retract with the caller's transaction. */
export async function retractMemory(tx: SqlExecutor, command: MemoryRetraction, now: string): Promise<Memory | null> {
  const memory = await lockRef(tx, command.ref, now);
  if (!memory) return null;
  if (!isCurrent(memory)) throw notCurrent(memory);
  const written = await writeOne(tx, retract(memory, command.validTo, Date.parse(now), command.reason));
  noteAuditRecords([written.id]);
  return written;
}

/** SemanticStore.supersede with the caller's transaction: the ids that are not current memories of the identity are skipped. */
export async function supersedeMemories(tx: SqlExecutor, command: MemorySupersession, now: string): Promise<Memory | null> {
  let newer = await lockRef(tx, command.ref, now);
  if (!newer) return null;
  if (!isCurrent(newer)) throw notCurrent(newer);
  const ids = command.ids.filter((id) => id !== newer!.id);
  const rows = ids.length === 0 ? [] : await tx.query<MemoryRow>(LOCK_CURRENT_OF_IDENTITY, [newer.namespace, ids, newer.userId ?? null, newer.agentId ?? null, now]);
  const byId = new Map(rows.map((row) => [row.id, rowToMemory(row)]));
  const changed: Memory[] = [];
  for (const id of new Set(ids)) {
    const older = byId.get(id);
    if (!older) continue;
    const pair = supersede(older, newer, command.reason);
    changed.push(pair.older);
    newer = pair.newer;
  }
  if (changed.length === 0) return newer;
  const written = await writeValidity(tx, [...changed, newer]);
  noteAuditRecords([newer.id, ...changed.map((memory) => memory.id)]);
  return rowToMemory(written.get(newer.id)!);
}

/** SemanticStore.noteConflicts with the caller's transaction. */
export async function noteMemoryConflicts(tx: SqlExecutor, ref: RecordRef, marks: ConflictMark[], now: string): Promise<Memory | null> {
  const memory = await lockRef(tx, ref, now);
  if (!memory) return null;
  if (marks.length === 0) return memory;
  const written = await writeOne(tx, { ...memory, conflicts: uniteConflicts(memory.conflicts, marks) });
  noteAuditRecords([written.id]);
  return written;
}
