// A batch upsert of memories in few round trips. Row by row, each draft would cost a duplicate
// lookup and a write; here the rows any draft can merge into are read (and locked) up front in at
// most two statements, the drafts are resolved in order against those rows and the ones the batch
// itself writes, new memories go in one multi-row INSERT, and only merges write row by row.
// Each draft's outcome is what resolving the drafts one at a time against the table would give.

import { parseTime } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import { mergeMemory } from '../../core/memory-merge.js';
import type { MemoryDraft, UpsertOutcome } from '../../core/ports.js';
import type { Memory } from '../../core/types.js';
import { ARCHIVE_AND_UPDATE, archiveAndUpdateValues, CONFIRM, insertMemories, MEMORIES, memoryColumns, rowToMemory, type MemoryRow } from './memory-rows.js';
import type { SqlExecutor } from './sql-engine.js';

// Unset scope ids must match unset ones: IS NOT DISTINCT FROM is SQLite's `IS`. Every live memory
// with a draft's exact scope and content key, not only the oldest: a rewording earlier in the
// batch may move the oldest to another key.
const FIND_DUPLICATES = `SELECT ${memoryColumns('m')}
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS k(namespace, user_id, agent_id, session_id, content_key)
  JOIN memories m ON m.namespace = k.namespace AND m.content_key = k.content_key AND m.user_id IS NOT DISTINCT FROM k.user_id
    AND m.agent_id IS NOT DISTINCT FROM k.agent_id AND m.session_id IS NOT DISTINCT FROM k.session_id
  WHERE m.expires_at IS NULL OR m.expires_at > $6::timestamptz
  FOR UPDATE OF m`;
const FIND_TARGETS = `SELECT ${MEMORIES.columns} FROM memories
  WHERE (namespace, id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND (expires_at IS NULL OR expires_at > $3::timestamptz)
  FOR UPDATE`;

/** What the batch knows of a memory: its stored row, or only its values while its insert is pending. */
interface Known {
  scope: [string, string | null, string | null, string | null];
  id: string;
  contentKey: string;
  createdAt: number;
  expiresAt: number | null;
  row?: MemoryRow;
}

const rowKey = (namespace: string, id: string) => `${namespace}\u0000${id}`;
const scopeKeyOf = (known: Pick<Known, 'scope' | 'contentKey'>) => JSON.stringify([...known.scope, known.contentKey]);
const scopeOf = (memory: Memory): Known['scope'] => [memory.namespace, memory.userId ?? null, memory.agentId ?? null, memory.sessionId ?? null];
const fromRow = (row: MemoryRow): Known => ({
  scope: [row.namespace, row.user_id, row.agent_id, row.session_id],
  id: row.id,
  contentKey: row.content_key,
  createdAt: row.created_at.getTime(),
  expiresAt: row.expires_at === null ? null : row.expires_at.getTime(),
  row,
});
/** The duplicate order of the table: created_at, then id bytewise (ids are COLLATE "C"). */
const older = (a: Known, b: Known) => a.createdAt - b.createdAt || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));

/**
 * Creates or merges every draft, in order, with the caller's transaction, which already holds the
 * drafts' exact-duplicate locks. A draft merges into its `mergeInto` when that memory is live, in
 * exactly the draft's scope and still worded as it was judged (taking the draft's wording when it
 * differs), else into the oldest live memory of the same scope and content key (earlier drafts
 * included, keeping the stored wording), else is inserted: with its vector when the draft has one
 * and `withVectors` (the exact path), so that no `VectorStore.put` updates the row afterwards.
 */
export async function upsertMemories(tx: SqlExecutor, drafts: MemoryDraft[], now: string, withVectors = false): Promise<UpsertOutcome[]> {
  const nowMs = parseTime(now, 'now');
  const byId = new Map<string, Known>();
  const byScopeKey = new Map<string, Set<Known>>();
  // Replaces what was known of the same memory, which may have changed key (a rewording).
  const remember = (known: Known) => {
    const previous = byId.get(rowKey(known.scope[0], known.id));
    if (previous) byScopeKey.get(scopeKeyOf(previous))?.delete(previous);
    byId.set(rowKey(known.scope[0], known.id), known);
    const bucket = byScopeKey.get(scopeKeyOf(known)) ?? new Set();
    byScopeKey.set(scopeKeyOf(known), bucket.add(known));
  };
  for (const row of await lockedCandidates(tx, drafts, now)) remember(fromRow(row));

  const live = (known: Known) => known.expiresAt === null || known.expiresAt > nowMs;
  const outcomes: UpsertOutcome[] = new Array(drafts.length);
  let pending: { index: number; draft: MemoryDraft }[] = [];
  // Writes the pending inserts; their outcomes are the rows as stored, as a later get would read them.
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = new Map((await insertMemories(tx, pending.map(({ draft }) => draft), withVectors)).map((row) => [rowKey(row.namespace, row.id), row]));
    for (const { index, draft } of pending) {
      const row = rows.get(rowKey(draft.memory.namespace, draft.memory.id));
      if (!row) throw new MemosError('E_INTERNAL', 'postgres: a memory just written could not be read back');
      remember(fromRow(row));
      outcomes[index] = { memory: rowToMemory(row), action: 'created' };
    }
    pending = [];
  };

  for (const [index, draft] of drafts.entries()) {
    const incoming = draft.memory;
    const scope = scopeOf(incoming);
    const wanted = draft.mergeInto === undefined ? undefined : byId.get(rowKey(incoming.namespace, draft.mergeInto.id));
    const target = wanted && live(wanted) && JSON.stringify(wanted.scope) === JSON.stringify(scope) && wanted.contentKey === draft.mergeInto?.contentKey ? wanted : undefined;
    const found = target ?? [...(byScopeKey.get(scopeKeyOf({ scope, contentKey: draft.contentKey })) ?? [])].filter(live).sort(older)[0];
    if (!found) {
      pending.push({ index, draft });
      remember({ scope, id: incoming.id, contentKey: draft.contentKey, createdAt: parseTime(incoming.createdAt, 'createdAt'), expiresAt: incoming.expiresAt === undefined ? null : parseTime(incoming.expiresAt, 'expiresAt') });
      continue;
    }
    // The merge reads the memory as stored: one inserted by this batch is written first.
    if (!found.row) await flush();
    const row = byId.get(rowKey(found.scope[0], found.id))!.row!;
    const existing = rowToMemory(row);
    const rewording = target !== undefined && row.content_key !== draft.contentKey;
    const outcome = mergeMemory(existing, incoming, now, rewording ? 'incoming' : 'stored');
    if (outcome.action !== 'merged') {
      // The same fact stated again: only its confirmation moves (no version, no history row).
      const [confirmed] = Date.parse(existing.lastConfirmedAt) < nowMs ? await tx.query<MemoryRow>(CONFIRM, [row.namespace, [row.id], null, now]) : [];
      if (confirmed) remember(fromRow(confirmed));
      outcomes[index] = { memory: confirmed ? rowToMemory(confirmed) : existing, action: outcome.action };
      continue;
    }
    const key = rewording ? draft.contentKey : row.content_key;
    const [merged] = await tx.query<MemoryRow>(ARCHIVE_AND_UPDATE, archiveAndUpdateValues(outcome.memory, key, now, 'merge', rewording));
    if (!merged) throw new MemosError('E_INTERNAL', 'postgres: a memory just written could not be read back');
    remember(fromRow(merged));
    outcomes[index] = { memory: rowToMemory(merged), action: 'merged' };
  }
  await flush();
  return outcomes;
}

/** The live memories any draft may merge into, locked: its exact duplicates and its `mergeInto`. */
async function lockedCandidates(tx: SqlExecutor, drafts: MemoryDraft[], now: string): Promise<MemoryRow[]> {
  const keys = new Map(drafts.map((draft) => [scopeKeyOf({ scope: scopeOf(draft.memory), contentKey: draft.contentKey }), draft]));
  const column = (pick: (draft: MemoryDraft) => string | null) => [...keys.values()].map(pick);
  const duplicates = await tx.query<MemoryRow>(FIND_DUPLICATES, [
    column((draft) => draft.memory.namespace),
    column((draft) => draft.memory.userId ?? null),
    column((draft) => draft.memory.agentId ?? null),
    column((draft) => draft.memory.sessionId ?? null),
    column((draft) => draft.contentKey),
    now,
  ]);
  const merging = drafts.filter((draft) => draft.mergeInto !== undefined);
  if (merging.length === 0) return duplicates;
  const targets = await tx.query<MemoryRow>(FIND_TARGETS, [merging.map((draft) => draft.memory.namespace), merging.map((draft) => draft.mergeInto!.id), now]);
  return [...duplicates, ...targets];
}
