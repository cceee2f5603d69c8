// Migration 17, truth maintenance (docs/truth.md): each memory gains its validity window (current
// while `valid_to` is NULL), its slot (`slot_key`), what it superseded and what superseded it, its
// retraction and its conflict marks, and the sessions it was learned in become provenance
// (`source_session_ids`) instead of part of its scope: `session_id` is NULL on every memory from
// now on. Then the same fact stored several times in one identity only because the sessions differed
// becomes one memory: the oldest stays current with the others' sessions and sources, and the others
// are superseded by it as 'duplicate' (no row is deleted, history stays). Whatever was keyed by a
// memory's session is rebuilt in the same transaction: its band keys (vector-sketch.ts) and the
// keyword counts of its scope (keyword-scope-counts.ts).

import { unite } from '../../core/validity.js';
import type { MigrationContext } from './migrations.js';
import type { SqlExecutor } from './sql-engine.js';
import { scopedBandKeys } from './vector-sketch.js';

/** Times are timestamptz as the table's others; id lists text[] as `source_episode_ids`; conflict marks one jsonb array. */
const COLUMNS = `
ALTER TABLE memories
  ADD COLUMN slot_key text COLLATE "C",
  ADD COLUMN valid_from timestamptz,
  ADD COLUMN valid_to timestamptz,
  ADD COLUMN supersedes text[] NOT NULL DEFAULT '{}',
  ADD COLUMN superseded_by text COLLATE "C",
  ADD COLUMN supersession_reason text,
  ADD COLUMN source_session_ids text[] NOT NULL DEFAULT '{}',
  ADD COLUMN retracted_at timestamptz,
  ADD COLUMN retraction_reason text,
  ADD COLUMN conflicts jsonb NOT NULL DEFAULT '[]';`;

// The lookups of a write among current memories: duplicates by identity and content key, the
// slot's holder by identity and key; a session's memories through the GIN index of their
// sessions; and the few conflicted ones, listed by time.
const INDEXES = `
CREATE INDEX memories_current_content_key ON memories (namespace, content_key, user_id, agent_id) WHERE valid_to IS NULL;
CREATE INDEX memories_current_slot ON memories (namespace, slot_key, user_id, agent_id) WHERE valid_to IS NULL AND slot_key IS NOT NULL;
CREATE INDEX memories_sessions ON memories USING gin (source_session_ids);
CREATE INDEX memories_conflicted ON memories (namespace, created_at, id) WHERE conflicts <> '[]'::jsonb;
-- Listings of one kind (a context bundle looks for the task reflections of its scope on every call).
CREATE INDEX memories_kind ON memories (namespace, kind, created_at, id);`;

// Every memory valid since it was written; its session, if any, its first source session. No
// trigger fires: none watches these columns (the search fields and keyword counts follow `content`).
const PROVENANCE = `
UPDATE memories SET valid_from = created_at,
  source_session_ids = CASE WHEN session_id IS NULL THEN '{}'::text[] ELSE ARRAY[session_id] END, session_id = NULL;
ALTER TABLE memories ALTER COLUMN valid_from SET NOT NULL;`;

/** The rows of every duplicate group: same identity and content key, live at the migration, oldest first. */
const DUPLICATE_ROWS = `
SELECT namespace, id, importance, last_confirmed_at, source_session_ids, source_episode_ids,
  dense_rank() OVER (ORDER BY namespace, user_id, agent_id, content_key) AS grp
FROM (
  SELECT m.*, count(*) OVER (PARTITION BY m.namespace, m.user_id, m.agent_id, m.content_key) AS size
  FROM memories m WHERE m.expires_at IS NULL OR m.expires_at > $1::timestamptz
) AS live
WHERE size > 1
ORDER BY grp, created_at, id`;

/** The oldest of each group, with the united values. */
const KEEP = `
UPDATE memories m SET importance = k.importance, last_confirmed_at = k.last_confirmed_at,
  source_session_ids = ARRAY(SELECT jsonb_array_elements_text(k.sessions)),
  source_episode_ids = ARRAY(SELECT jsonb_array_elements_text(k.episodes)),
  supersedes = ARRAY(SELECT jsonb_array_elements_text(k.supersedes))
FROM unnest($1::text[], $2::text[], $3::float8[], $4::timestamptz[], $5::jsonb[], $6::jsonb[], $7::jsonb[])
  AS k(namespace, id, importance, last_confirmed_at, sessions, episodes, supersedes)
WHERE m.namespace = k.namespace AND m.id = k.id`;

/** The others, superseded by the oldest at the migration's time. */
const SUPERSEDE = `
UPDATE memories m SET valid_to = $3::timestamptz, superseded_by = s.keeper, supersession_reason = 'duplicate'
FROM unnest($1::text[], $2::text[], $4::text[]) AS s(namespace, id, keeper)
WHERE m.namespace = s.namespace AND m.id = s.id`;

type DuplicateRow = {
  namespace: string;
  id: string;
  importance: number;
  last_confirmed_at: Date;
  source_session_ids: string[];
  source_episode_ids: string[];
  grp: string;
};

export async function truthMigration(tx: SqlExecutor, context: MigrationContext): Promise<void> {
  await tx.exec(COLUMNS + INDEXES);
  await resaltBandKeys(tx);
  await tx.exec(PROVENANCE);
  await uniteDuplicates(tx, context.now);
  await recountKeywordScopes(tx);
}

/**
 * Migration 12 salted each memory's band keys with its exact scope, session included; keys are now
 * salted without it (the session is no part of a memory's scope). XOR with the old salt takes it
 * off, XOR with the new one puts that on. Before migration 12 (a schema that applies it after this
 * one) the keys are still salted by partition, and migration 12 then salts them from the NULL session.
 */
async function resaltBandKeys(tx: SqlExecutor): Promise<void> {
  const [scoped] = await tx.query<{ applied: boolean }>('SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = 12) AS applied');
  if (!scoped?.applied) return;
  const scope = { namespace: 'v.namespace', userId: 'm.user_id', agentId: 'm.agent_id', model: 'v.model', dims: 'v.dims' };
  const unsalted = scopedBandKeys('v.bands', { ...scope, sessionId: 'm.session_id' });
  await tx.query(`UPDATE vectors v SET bands = ${scopedBandKeys(unsalted, { ...scope, sessionId: 'NULL::text' })} FROM memories m
    WHERE m.seq = v.memory_seq AND v.tier = 'memories' AND v.bands IS NOT NULL AND m.session_id IS NOT NULL`);
}

/**
 * Each duplicate group made one memory: the oldest (created_at, id) keeps its row and gains the
 * others' sessions and source episodes (united, oldest first), the highest importance and the latest
 * confirmation; the others end at the migration and name it. The union is core/validity.ts's.
 */
async function uniteDuplicates(tx: SqlExecutor, now: Date): Promise<void> {
  const rows = await tx.query<DuplicateRow>(DUPLICATE_ROWS, [now.toISOString()]);
  const groups = new Map<string, DuplicateRow[]>();
  for (const row of rows) groups.set(row.grp, [...(groups.get(row.grp) ?? []), row]);
  const kept: { namespace: string; id: string; importance: number; confirmed: Date; sessions: string[]; episodes: string[]; supersedes: string[] }[] = [];
  const superseded: { namespace: string; id: string; keeper: string }[] = [];
  for (const [oldest, ...others] of groups.values()) {
    if (oldest === undefined) continue;
    kept.push({
      namespace: oldest.namespace,
      id: oldest.id,
      importance: Math.max(...[oldest, ...others].map((row) => row.importance)),
      confirmed: new Date(Math.max(...[oldest, ...others].map((row) => row.last_confirmed_at.getTime()))),
      sessions: [oldest, ...others].reduce<string[]>((all, row) => unite(all, row.source_session_ids), []),
      episodes: [oldest, ...others].reduce<string[]>((all, row) => unite(all, row.source_episode_ids), []),
      supersedes: others.map((row) => row.id),
    });
    for (const other of others) superseded.push({ namespace: other.namespace, id: other.id, keeper: oldest.id });
  }
  if (kept.length === 0) return;
  await tx.query(KEEP, [
    kept.map((k) => k.namespace),
    kept.map((k) => k.id),
    kept.map((k) => k.importance),
    kept.map((k) => k.confirmed.toISOString()),
    kept.map((k) => JSON.stringify(k.sessions)),
    kept.map((k) => JSON.stringify(k.episodes)),
    kept.map((k) => JSON.stringify(k.supersedes)),
  ]);
  await tx.query(SUPERSEDE, [superseded.map((s) => s.namespace), superseded.map((s) => s.id), now.toISOString(), superseded.map((s) => s.keeper)]);
}

/**
 * The memories' keyword counts were kept per scope tuple, session included: counted again per
 * identity (namespace, user, agent), as the triggers now record them with the NULL session. A
 * schema that applies migration 11 after this one counts them then.
 */
async function recountKeywordScopes(tx: SqlExecutor): Promise<void> {
  const [counts] = await tx.query<{ present: boolean }>(`SELECT to_regclass('keyword_scope_counts') IS NOT NULL AS present`);
  if (!counts?.present) return;
  await tx.exec(`
DELETE FROM keyword_scope_counts WHERE tier = 'memories';
INSERT INTO keyword_scope_counts (tier, scope_key, namespace, user_id, agent_id, session_id, docs, tokens)
  SELECT 'memories', jsonb_build_array(r.namespace, r.user_id, r.agent_id, NULL::text)::text, r.namespace, r.user_id, r.agent_id, NULL, count(*), sum(r.search_length)
  FROM memories r GROUP BY r.namespace, r.user_id, r.agent_id;`);
}
