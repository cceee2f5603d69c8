// Slots and supersession on SQLite (docs/truth.md): the part of a memory write that ends other
// memories' validity, and the reads it needs, all within the caller's write transaction. The rules
// themselves are core/validity.ts; this module finds the memories they apply to and writes the
// result. A change of validity is no new version: it writes the validity and supersession columns
// only, and adds no history row.

import type { MemoryDraft } from '../../core/ports.js';
import type { Memory, MemoryIdentity } from '../../core/types.js';
import { supersede, takeSlot, unknownSuperseded, type SupersessionReason } from '../../core/validity.js';
import type { SqliteDatabase } from './database.js';
import { scopeFilter } from './filter-sql.js';
import { memoryColumns, rowToMemory, validityParams, type MemoryRow } from './rows.js';

const LIVE = '(expires_at IS NULL OR expires_at > ?)';
const IDENTITY = 'user_id IS ? AND agent_id IS ?';
/** A live, current memory by id within an identity. */
const CURRENT_OF = (namespace: string) =>
  `SELECT ${memoryColumns()} FROM memories WHERE ${scopeFilter({ namespace }).sql} AND ${IDENTITY} AND id = ? AND valid_to IS NULL AND ${LIVE}`;
/** The live, current memories of a slot within an identity, oldest first (index memories_current_slot). */
const SLOT = (namespace: string) =>
  `SELECT ${memoryColumns()} FROM memories WHERE ${scopeFilter({ namespace }).sql} AND ${IDENTITY} AND slot_key = ? AND valid_to IS NULL
  AND id != ? AND ${LIVE} ORDER BY created_at, id`;
const WRITE_VALIDITY = (namespace: string) => `UPDATE memories SET valid_from = @valid_from, valid_to = @valid_to, supersedes = @supersedes,
  superseded_by = @superseded_by, supersession_reason = @supersession_reason, retracted_at = @retracted_at,
  retraction_reason = @retraction_reason WHERE ${scopeFilter({ namespace }).sql} AND id = @id`;

const identityParams = ({ namespace, userId, agentId }: MemoryIdentity) => [...scopeFilter({ namespace }).params, userId ?? null, agentId ?? null];

export class MemorySupersession {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  /**
   * Steps 4 and 5 of an upsert (SemanticStore.upsert) for the draft at `index`, whose write gave
   * `result`: the slot update when the draft has a key, then the supersessions it names. Returns
   * the result, the memories it superseded, as they now stand, and the ids of every other memory
   * written (a slot's current memory that a fact learned late was placed before).
   */
  settle(draft: MemoryDraft, index: number, result: Memory, now: number): { memory: Memory; superseded: Memory[]; touched: string[] } {
    let memory = result;
    const superseded: Memory[] = [];
    const touched: string[] = [];
    if (draft.memory.key !== undefined) {
      for (const holder of this.slotHolders(memory, draft.memory.key, now)) {
        // A fact learned late is placed before the slot's current memory, and is over: it takes no more.
        if (memory.validTo !== undefined) break;
        const { current, incoming } = takeSlot(holder, memory);
        this.write(current);
        this.write(incoming);
        memory = incoming;
        touched.push(current.id);
        if (current.supersededBy === memory.id) superseded.push(current);
      }
    }
    for (const [j, id] of (draft.supersedes ?? []).entries()) {
      if (id === memory.id) continue;
      const older = this.currentOf(memory, id, now);
      if (older === undefined) throw unknownSuperseded(`memories[${index}].supersedes[${j}]`, id);
      const pair = supersede(older, memory, 'request');
      this.write(pair.older);
      this.write(pair.newer);
      memory = pair.newer;
      superseded.push(pair.older);
      touched.push(older.id);
    }
    return { memory, superseded, touched };
  }

  /**
   * `newer` supersedes each of `ids` that is a live, current memory of its identity (other ids are
   * skipped), for `reason`. Returns `newer` and the memories it superseded, as they now stand.
   */
  supersedeAll(newer: Memory, ids: string[], reason: SupersessionReason, now: number): { memory: Memory; superseded: Memory[] } {
    let memory = newer;
    const superseded: Memory[] = [];
    for (const id of ids) {
      if (id === memory.id) continue;
      const older = this.currentOf(memory, id, now);
      if (older === undefined) continue;
      const pair = supersede(older, memory, reason);
      this.write(pair.older);
      this.write(pair.newer);
      memory = pair.newer;
      superseded.push(pair.older);
    }
    return { memory, superseded };
  }

  /** The live, current memory `id` of `identity`'s identity, if any. */
  currentOf(identity: MemoryIdentity, id: string, now: number): Memory | undefined {
    const row = this.#db.statement(CURRENT_OF(identity.namespace)).get(...identityParams(identity), id, now) as MemoryRow | undefined;
    return row === undefined ? undefined : rowToMemory(row);
  }

  /** The live, current memories of `key` in `memory`'s identity, other than `memory`. */
  slotHolders(memory: Memory, key: string, now: number): Memory[] {
    const rows = this.#db.statement(SLOT(memory.namespace)).all(...identityParams(memory), key, memory.id, now) as MemoryRow[];
    return rows.map(rowToMemory);
  }

  /** Writes a memory's validity window, supersession links and retraction (no version, no history row). */
  write(memory: Memory): void {
    this.#db.statement(WRITE_VALIDITY(memory.namespace)).run(...scopeFilter({ namespace: memory.namespace }).params, { id: memory.id, ...validityParams(memory) });
  }
}
