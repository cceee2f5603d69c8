// Migration 12: truth maintenance (docs/truth.md). Memories gain a slot (`slot_key`), a validity
// window, supersession links, a retraction, conflict marks, and their sessions as provenance
// (`source_session_ids`): a memory's session column is NULL from then on, as the session is no
// longer part of what a memory is. The data migration then makes one memory of the same fact
// stored several times in one identity only because the sessions differed.

import type { Connection } from './database.js';
import { REBUILD_STATEMENTS, rebuildKeywordStats } from './keyword-stats.js';

/**
 * The columns and indexes alone: what today's memory writes need. Tests that build an older schema
 * and write into it with today's store add these (as migration 12) before the earlier migrations.
 */
export const TRUTH_COLUMNS = `
ALTER TABLE memories ADD COLUMN slot_key TEXT;
ALTER TABLE memories ADD COLUMN valid_from INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memories ADD COLUMN valid_to INTEGER;
ALTER TABLE memories ADD COLUMN supersedes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE memories ADD COLUMN superseded_by TEXT;
ALTER TABLE memories ADD COLUMN supersession_reason TEXT;
ALTER TABLE memories ADD COLUMN source_session_ids TEXT NOT NULL DEFAULT '[]';
ALTER TABLE memories ADD COLUMN retracted_at INTEGER;
ALTER TABLE memories ADD COLUMN retraction_reason TEXT;
ALTER TABLE memories ADD COLUMN conflicts TEXT NOT NULL DEFAULT '[]';
CREATE INDEX memories_current_content ON memories (namespace, user_id, agent_id, content_key, created_at, id) WHERE valid_to IS NULL;
CREATE INDEX memories_current_slot ON memories (namespace, user_id, agent_id, slot_key, created_at, id) WHERE valid_to IS NULL;
CREATE INDEX memories_conflicted ON memories (namespace, created_at, id) WHERE conflicts != '[]';
-- Listings of one kind (a context bundle looks for the task reflections of its scope on every call).
CREATE INDEX memories_kind ON memories (namespace, kind, created_at, id);
`;

/**
 * Migration 12's SQL: the columns, then every memory valid from its creation and learned in the
 * session it was written in (the update of session_id journals each memory's keyword scope change,
 * and the FTS triggers move its scope terms), and the vector snapshots of memories, whose rows
 * carried sessions, dropped: their partitions load from the rows again.
 */
export const TRUTH_SCHEMA = `${TRUTH_COLUMNS}
UPDATE memories SET valid_from = created_at;
UPDATE memories SET source_session_ids = json_array(session_id), session_id = NULL WHERE session_id IS NOT NULL;
DELETE FROM vector_snapshots WHERE json_extract(partition, '$[0]') = 'memories';
`;

interface GroupRow {
  id: string;
  namespace: string;
  user_id: string | null;
  agent_id: string | null;
  content_key: string;
  importance: number;
  source_episode_ids: string;
  source_session_ids: string;
  last_confirmed_at: number | null;
  updated_at: number;
}

// The members of every group of live, current memories that share an identity and a content key,
// oldest first. Every memory is current here (the columns were just added). A window partition
// groups unset ids together, as the identity wants.
const DUPLICATES = `SELECT id, namespace, user_id, agent_id, content_key, importance, source_episode_ids, source_session_ids,
  last_confirmed_at, updated_at FROM (
    SELECT *, count(*) OVER (PARTITION BY namespace, user_id, agent_id, content_key) AS copies FROM memories
    WHERE valid_to IS NULL AND (expires_at IS NULL OR expires_at > ?)
  ) WHERE copies > 1 ORDER BY namespace, user_id, agent_id, content_key, created_at, id`;
const KEEP = `UPDATE memories SET importance = ?, source_episode_ids = ?, source_session_ids = ?, last_confirmed_at = ?, supersedes = ?
  WHERE id = ?`;
const RETIRE = `UPDATE memories SET valid_to = ?, superseded_by = ?, supersession_reason = 'duplicate' WHERE id = ?`;

/** Every statement of the data migration: each works across every namespace by design, once, at open. */
export const TRUTH_MIGRATION_STATEMENTS = [DUPLICATES, KEEP, RETIRE, ...REBUILD_STATEMENTS];

const unite = (lists: string[][]) => [...new Set(lists.flat())];

/**
 * Migration 12's data work, after its SQL: each group of duplicates becomes one memory. The oldest
 * (created_at, id) stays current and gains the others' sessions and source episodes (united,
 * oldest first), the highest importance and the latest confirmation, and lists them in
 * `supersedes`; every other one is superseded by it as a `duplicate` at the migration's time. No
 * row is deleted, no version or history row is added. Then the keyword statistics of memories,
 * which were counted per session, are counted again without it; the vector snapshots of memories
 * (whose rows carried sessions) were dropped by the SQL, so their partitions load from the rows.
 */
export function uniteDuplicates(connection: Connection, now: number): void {
  const rows = connection.prepare(DUPLICATES).all(now) as GroupRow[];
  const groups = new Map<string, GroupRow[]>();
  for (const row of rows) {
    const key = JSON.stringify([row.namespace, row.user_id, row.agent_id, row.content_key]);
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const keep = connection.prepare(KEEP);
  const retire = connection.prepare(RETIRE);
  for (const [oldest, ...others] of groups.values()) {
    if (oldest === undefined || others.length === 0) continue;
    const members = [oldest, ...others];
    keep.run(
      Math.max(...members.map((m) => m.importance)),
      JSON.stringify(unite(members.map((m) => JSON.parse(m.source_episode_ids) as string[]))),
      JSON.stringify(unite(members.map((m) => JSON.parse(m.source_session_ids) as string[]))),
      Math.max(...members.map((m) => m.last_confirmed_at ?? m.updated_at)),
      JSON.stringify(others.map((m) => m.id)),
      oldest.id,
    );
    for (const other of others) retire.run(now, oldest.id, other.id);
  }
  rebuildKeywordStats(connection, 'memories');
}
