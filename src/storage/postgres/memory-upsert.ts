// A batch upsert of memories in few round trips. Row by row, each draft would cost a duplicate
// lookup and a write; here the rows any draft can merge into, take the slot of or supersede are
// read (and locked) up front in at most three statements, the drafts are resolved in order against
// those rows and the ones the batch itself writes, new memories go in one multi-row INSERT, and only
// merges, slot updates and supersessions write draft by draft. Each draft's outcome is what
// resolving the drafts one at a time against the table would give.

import { parseTime } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import { mergeMemory } from '../../core/memory-merge.js';
import type { MemoryDraft, UpsertOutcome } from '../../core/ports.js';
import type { Memory } from '../../core/types.js';
import { isCurrent, slotsAgree, supersede, takeSlot, unknownSuperseded } from '../../core/validity.js';
import { ARCHIVE_AND_UPDATE, archiveAndUpdateValues, CONFIRM, insertMemories, MEMORIES, memoryColumns, rowToMemory, type MemoryRow } from './memory-rows.js';
import { writeValidity } from './memory-supersession.js';
import type { SqlExecutor } from './sql-engine.js';

// Unset identity ids must match unset ones: IS NOT DISTINCT FROM is SQLite's `IS`. Every live,
// current memory with a draft's identity (namespace, user, agent: never the session) and content
// key, not only the oldest: a rewording earlier in the batch may move the oldest to another key.
const FIND_DUPLICATES = `SELECT ${memoryColumns('m')}
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(namespace, user_id, agent_id, content_key)
  JOIN memories m ON m.namespace = k.namespace AND m.content_key = k.content_key AND m.user_id IS NOT DISTINCT FROM k.user_id
    AND m.agent_id IS NOT DISTINCT FROM k.agent_id
  WHERE m.valid_to IS NULL AND (m.expires_at IS NULL OR m.expires_at > $5::timestamptz)
  FOR UPDATE OF m`;
/** The current memories holding a draft's slot in its identity. */
const FIND_SLOT_HOLDERS = `SELECT ${memoryColumns('m')}
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(namespace, user_id, agent_id, slot_key)
  JOIN memories m ON m.namespace = k.namespace AND m.slot_key = k.slot_key AND m.user_id IS NOT DISTINCT FROM k.user_id
    AND m.agent_id IS NOT DISTINCT FROM k.agent_id
  WHERE m.valid_to IS NULL AND (m.expires_at IS NULL OR m.expires_at > $5::timestamptz)
  FOR UPDATE OF m`;
/** The memories drafts name (`mergeInto`, `supersedes`), live, current or not: whether they qualify is decided in order. */
const FIND_TARGETS = `SELECT ${MEMORIES.columns} FROM memories
  WHERE (namespace, id) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND (expires_at IS NULL OR expires_at > $3::timestamptz)
  FOR UPDATE`;

/** What the batch knows of a memory: its stored row, or only its values while its insert is pending. */
interface Known {
  identity: [string, string | null, string | null];
  id: string;
  contentKey: string;
  slotKey: string | null;
  current: boolean;
  createdAt: number;
  expiresAt: number | null;
  row?: MemoryRow;
}

const rowKey = (namespace: string, id: string) => `${namespace}\u0000${id}`;
const scopeKeyOf = (known: Pick<Known, 'identity' | 'contentKey'>) => JSON.stringify([...known.identity, known.contentKey]);
const identityOf = (memory: Memory): Known['identity'] => [memory.namespace, memory.userId ?? null, memory.agentId ?? null];
const sameIdentity = (a: Known['identity'], b: Known['identity']) => a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
const fromRow = (row: MemoryRow): Known => ({
  identity: [row.namespace, row.user_id, row.agent_id],
  id: row.id,
  contentKey: row.content_key,
  slotKey: row.slot_key,
  current: row.valid_to === null,
  createdAt: row.created_at.getTime(),
  expiresAt: row.expires_at === null ? null : row.expires_at.getTime(),
  row,
});
/** The duplicate order of the table: created_at, then id bytewise (ids are COLLATE "C"). */
const older = (a: Known, b: Known) => a.createdAt - b.createdAt || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id));

/**
 * Creates or merges every draft, in order, with the caller's transaction, which already holds the
 * drafts' identity locks (content keys and slots). A draft merges into its `mergeInto` when that
 * memory is live, current, of the draft's identity and still worded as it was judged (taking the
 * draft's wording when it differs), else into the oldest live current memory of the same identity
 * and content key (earlier drafts included, keeping the stored wording), else is inserted: with its
 * vector when the draft has one and `withVectors` (the exact path), so that no `VectorStore.put`
 * updates the row afterwards. Then a draft with a key takes its slot, and one naming `supersedes`
 * supersedes those memories (memory-supersession.ts writes them). `positions` are the drafts'
 * indexes in the whole write, which a refusal names.
 */
export async function upsertMemories(tx: SqlExecutor, drafts: MemoryDraft[], now: string, withVectors = false, positions = drafts.map((_, i) => i)): Promise<UpsertOutcome[]> {
  const nowMs = parseTime(now, 'now');
  const byId = new Map<string, Known>();
  const byScopeKey = new Map<string, Set<Known>>();
  // Replaces what was known of the same memory, which may have changed key (a rewording).
  const remember = (known: Known) => {
    const previous = byId.get(rowKey(known.identity[0], known.id));
    if (previous) byScopeKey.get(scopeKeyOf(previous))?.delete(previous);
    byId.set(rowKey(known.identity[0], known.id), known);
    const bucket = byScopeKey.get(scopeKeyOf(known)) ?? new Set();
    byScopeKey.set(scopeKeyOf(known), bucket.add(known));
  };
  for (const row of await lockedCandidates(tx, drafts, now)) remember(fromRow(row));

  const live = (known: Known) => known.expiresAt === null || known.expiresAt > nowMs;
  const eligible = (known: Known) => live(known) && known.current;
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

  /** The slot update and the supersessions by request of draft `index`, whose result is stored (`result`). */
  const settle = async (index: number, draft: MemoryDraft, result: MemoryRow) => {
    let memory = rowToMemory(result);
    const identity = identityOf(memory);
    const changed: Memory[] = [];
    const slot = draft.memory.key;
    if (slot !== undefined) {
      const holders = [...byId.values()].filter((k) => k.slotKey === slot && k.id !== memory.id && sameIdentity(k.identity, identity) && eligible(k) && k.row);
      for (const holder of holders.sort(older)) {
        if (!isCurrent(memory)) break;
        const taken = takeSlot(rowToMemory(holder.row!), memory);
        changed.push(taken.current);
        memory = taken.incoming;
      }
    }
    for (const [j, id] of (draft.supersedes ?? []).entries()) {
      if (id === memory.id || changed.some((m) => m.id === id && m.supersededBy === memory.id)) continue;
      const named = byId.get(rowKey(memory.namespace, id));
      if (!named?.row || !eligible(named) || !sameIdentity(named.identity, identity)) throw unknownSuperseded(`memories[${positions[index]}].supersedes[${j}]`, id);
      const pair = supersede(rowToMemory(named.row), memory, 'request');
      changed.push(pair.older);
      memory = pair.newer;
    }
    if (changed.length === 0) return;
    const written = await writeValidity(tx, [...changed, memory]);
    for (const row of written.values()) remember(fromRow(row));
    const superseded = [...new Set(changed.filter((m) => m.supersededBy === memory.id).map((m) => m.id))];
    outcomes[index] = { ...outcomes[index]!, memory: rowToMemory(written.get(memory.id)!), superseded: superseded.map((id) => rowToMemory(written.get(id)!)) };
  };

  for (const [index, draft] of drafts.entries()) {
    const incoming = draft.memory;
    const identity = identityOf(incoming);
    const settles = incoming.key !== undefined || (draft.supersedes?.length ?? 0) > 0;
    const wanted = draft.mergeInto === undefined ? undefined : byId.get(rowKey(incoming.namespace, draft.mergeInto.id));
    const mergeable = (known: Known) => eligible(known) && slotsAgree(known.slotKey, incoming.key);
    const target = wanted && mergeable(wanted) && sameIdentity(wanted.identity, identity) && wanted.contentKey === draft.mergeInto?.contentKey ? wanted : undefined;
    const found = target ?? [...(byScopeKey.get(scopeKeyOf({ identity, contentKey: draft.contentKey })) ?? [])].filter(mergeable).sort(older)[0];
    if (!found) {
      pending.push({ index, draft });
      remember({
        identity,
        id: incoming.id,
        contentKey: draft.contentKey,
        slotKey: incoming.key ?? null,
        current: incoming.validTo === undefined,
        createdAt: parseTime(incoming.createdAt, 'createdAt'),
        expiresAt: incoming.expiresAt === undefined ? null : parseTime(incoming.expiresAt, 'expiresAt'),
      });
      // A slot or a supersession reads and writes stored rows: the batch's inserts go first.
      if (settles) {
        await flush();
        await settle(index, draft, byId.get(rowKey(incoming.namespace, incoming.id))!.row!);
      }
      continue;
    }
    // The merge reads the memory as stored: one inserted by this batch is written first.
    if (!found.row) await flush();
    const row = byId.get(rowKey(found.identity[0], found.id))!.row!;
    const existing = rowToMemory(row);
    const rewording = target !== undefined && row.content_key !== draft.contentKey;
    const outcome = mergeMemory(existing, incoming, now, rewording ? 'incoming' : 'stored');
    let stored = row;
    if (outcome.action !== 'merged') {
      // The same fact stated again: only its confirmation moves (no version, no history row).
      const [confirmed] = Date.parse(existing.lastConfirmedAt) < nowMs ? await tx.query<MemoryRow>(CONFIRM, [row.namespace, [row.id], null, now]) : [];
      if (confirmed) remember(fromRow(confirmed));
      stored = confirmed ?? row;
      outcomes[index] = { memory: rowToMemory(stored), action: outcome.action };
    } else {
      const key = rewording ? draft.contentKey : row.content_key;
      const [merged] = await tx.query<MemoryRow>(ARCHIVE_AND_UPDATE, archiveAndUpdateValues(outcome.memory, key, now, 'merge', rewording));
      if (!merged) throw new MemosError('E_INTERNAL', 'postgres: a memory just written could not be read back');
      remember(fromRow(merged));
      stored = merged;
      outcomes[index] = { memory: rowToMemory(merged), action: 'merged' };
    }
    if (settles) {
      await flush();
      await settle(index, draft, stored);
    }
  }
  await flush();
  return outcomes;
}

/** The live memories any draft may merge into or supersede, locked: its exact duplicates, its slot's holders and the memories it names. */
async function lockedCandidates(tx: SqlExecutor, drafts: MemoryDraft[], now: string): Promise<MemoryRow[]> {
  const keys = new Map(drafts.map((draft) => [scopeKeyOf({ identity: identityOf(draft.memory), contentKey: draft.contentKey }), draft]));
  const byKey = (list: MemoryDraft[], last: (draft: MemoryDraft) => string) => [
    list.map((draft) => draft.memory.namespace),
    list.map((draft) => draft.memory.userId ?? null),
    list.map((draft) => draft.memory.agentId ?? null),
    list.map(last),
    now,
  ];
  const rows = await tx.query<MemoryRow>(FIND_DUPLICATES, byKey([...keys.values()], (draft) => draft.contentKey));
  const keyed = drafts.filter((draft) => draft.memory.key !== undefined);
  if (keyed.length > 0) rows.push(...(await tx.query<MemoryRow>(FIND_SLOT_HOLDERS, byKey(keyed, (draft) => draft.memory.key!))));
  const named = drafts.flatMap((draft) => [
    ...(draft.mergeInto === undefined ? [] : [{ namespace: draft.memory.namespace, id: draft.mergeInto.id }]),
    ...(draft.supersedes ?? []).map((id) => ({ namespace: draft.memory.namespace, id })),
  ]);
  if (named.length > 0) rows.push(...(await tx.query<MemoryRow>(FIND_TARGETS, [named.map((n) => n.namespace), named.map((n) => n.id), now])));
  return rows;
}
