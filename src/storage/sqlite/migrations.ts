import type Database from 'better-sqlite3';
import { KEYWORD_SCOPES } from './keyword-stats-schema.js';
import { backfillKeywordStats } from './keyword-stats.js';
import { TRUTH_SCHEMA, uniteDuplicates } from './truth-schema.js';
import { ERASURE_FENCE_MESSAGE } from '../erasure-fence.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** Work that follows `sql` in the same transaction, for what SQL alone cannot do (a backfill); `now` is the migration's time. */
  after?: (db: Database.Database, now: number) => void;
}

// Times are INTEGER epoch milliseconds. Episodes and memories carry an explicit
// `seq INTEGER PRIMARY KEY` so the FTS5 external-content tables have a stable rowid
// (an implicit rowid may change on VACUUM); the public id is a UNIQUE text column.
const INITIAL = `
CREATE TABLE episodes (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  namespace TEXT NOT NULL,
  user_id TEXT,
  agent_id TEXT,
  session_id TEXT,
  kind TEXT NOT NULL,
  role TEXT,
  content TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  task TEXT,
  context TEXT,
  outcome TEXT,
  embedding BLOB,
  embedding_model TEXT,
  embedding_dim INTEGER,
  embedding_status TEXT NOT NULL DEFAULT 'none'
);
CREATE INDEX episodes_timeline ON episodes (namespace, occurred_at, id);
CREATE INDEX episodes_session ON episodes (namespace, session_id, occurred_at, id);
CREATE INDEX episodes_user ON episodes (namespace, user_id, occurred_at, id);

CREATE VIRTUAL TABLE episodes_fts USING fts5(
  content, content = 'episodes', content_rowid = 'seq',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER episodes_fts_insert AFTER INSERT ON episodes BEGIN
  INSERT INTO episodes_fts (rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER episodes_fts_delete AFTER DELETE ON episodes BEGIN
  INSERT INTO episodes_fts (episodes_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER episodes_fts_update AFTER UPDATE OF content ON episodes BEGIN
  INSERT INTO episodes_fts (episodes_fts, rowid, content) VALUES ('delete', old.seq, old.content);
  INSERT INTO episodes_fts (rowid, content) VALUES (new.seq, new.content);
END;

CREATE TABLE memories (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  namespace TEXT NOT NULL,
  user_id TEXT,
  agent_id TEXT,
  session_id TEXT,
  kind TEXT NOT NULL,
  content TEXT NOT NULL,
  content_key TEXT NOT NULL,
  importance REAL NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  source_episode_ids TEXT NOT NULL DEFAULT '[]',
  version INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER,
  embedding BLOB,
  embedding_model TEXT,
  embedding_dim INTEGER,
  embedding_status TEXT NOT NULL DEFAULT 'none'
);
CREATE INDEX memories_content_key ON memories (namespace, content_key, created_at, id);
CREATE INDEX memories_timeline ON memories (namespace, created_at, id);
CREATE INDEX memories_expiry ON memories (expires_at) WHERE expires_at IS NOT NULL;

CREATE VIRTUAL TABLE memories_fts USING fts5(
  content, content = 'memories', content_rowid = 'seq',
  tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER memories_fts_insert AFTER INSERT ON memories BEGIN
  INSERT INTO memories_fts (rowid, content) VALUES (new.seq, new.content);
END;
CREATE TRIGGER memories_fts_delete AFTER DELETE ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, content) VALUES ('delete', old.seq, old.content);
END;
CREATE TRIGGER memories_fts_update AFTER UPDATE OF content ON memories BEGIN
  INSERT INTO memories_fts (memories_fts, rowid, content) VALUES ('delete', old.seq, old.content);
  INSERT INTO memories_fts (rowid, content) VALUES (new.seq, new.content);
END;

CREATE TABLE memory_history (
  memory_id TEXT NOT NULL REFERENCES memories (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  content TEXT NOT NULL,
  kind TEXT NOT NULL,
  importance REAL NOT NULL,
  metadata TEXT NOT NULL,
  expires_at INTEGER,
  source_episode_ids TEXT NOT NULL,
  valid_from INTEGER NOT NULL,
  valid_to INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('update', 'merge')),
  PRIMARY KEY (memory_id, version)
);

CREATE TABLE sessions (
  namespace TEXT NOT NULL,
  session_id TEXT NOT NULL,
  user_id TEXT,
  agent_id TEXT,
  messages TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL DEFAULT '{}',
  summary TEXT,
  ttl_seconds INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (namespace, session_id)
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
`;

// Vectors: partial indexes so that finding what is left to embed reads only the rows concerned
// (see embedding-backlog.ts), and a clean-up so that 'ready' always means a vector is stored.
const VECTOR_BACKLOG = `
CREATE INDEX episodes_unembedded ON episodes (created_at, id) WHERE embedding_status != 'ready';
CREATE INDEX episodes_embedded ON episodes (embedding_model, embedding_dim, created_at, id)
  WHERE embedding_status = 'ready';
CREATE INDEX memories_unembedded ON memories (created_at, id) WHERE embedding_status != 'ready';
CREATE INDEX memories_embedded ON memories (embedding_model, embedding_dim, created_at, id, expires_at)
  WHERE embedding_status = 'ready';
UPDATE episodes SET embedding_status = 'pending', embedding_model = NULL, embedding_dim = NULL
  WHERE embedding_status = 'ready' AND (embedding IS NULL OR embedding_model IS NULL OR embedding_dim IS NULL);
UPDATE memories SET embedding_status = 'pending', embedding_model = NULL, embedding_dim = NULL
  WHERE embedding_status = 'ready' AND (embedding IS NULL OR embedding_model IS NULL OR embedding_dim IS NULL);
`;

// Refusals of a record's text by the embedding provider: a count and the last reason, and the
// `failed` status after a few. Failed records leave the `_unembedded` index (so that listing what
// is pending never walks them) for `_failed` ones grouped by model like `_embedded`. A new wording
// starts the count again. Only columns, indexes and triggers are added: existing rows keep every
// value, and start with no refusal.
const embeddingFailures = (table: 'episodes' | 'memories', extra: string) => `
ALTER TABLE ${table} ADD COLUMN embedding_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ${table} ADD COLUMN embedding_error TEXT;
ALTER TABLE ${table} ADD COLUMN embedding_truncated INTEGER NOT NULL DEFAULT 0;
DROP INDEX ${table}_unembedded;
CREATE INDEX ${table}_unembedded ON ${table} (created_at, id) WHERE embedding_status NOT IN ('ready', 'failed');
CREATE INDEX ${table}_failed ON ${table} (embedding_model, embedding_dim, created_at, id${extra}) WHERE embedding_status = 'failed';
CREATE TRIGGER ${table}_embedding_reset AFTER UPDATE OF content ON ${table} WHEN old.content IS NOT new.content BEGIN
  UPDATE ${table} SET embedding_attempts = 0, embedding_error = NULL, embedding_truncated = 0 WHERE seq = new.seq;
END;
`;

// API keys: hashes only (src/auth/api-key.ts). Not tenant data: one table serves every namespace.
const API_KEYS = `
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  name TEXT,
  role TEXT NOT NULL,
  namespaces TEXT NOT NULL,
  user_id TEXT,
  rate_limit TEXT,
  expires_at INTEGER,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
`;

// Who changed what (src/audit): one row per audited request, never any text. Listed newest first
// by (time, id), overall, per namespace or per key; `time` also bounds retention.
const AUDIT_LOG = `
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  time INTEGER NOT NULL,
  key_id TEXT,
  role TEXT,
  action TEXT NOT NULL,
  method TEXT NOT NULL,
  route TEXT NOT NULL,
  namespace TEXT,
  user_id TEXT,
  record_ids TEXT,
  record_count INTEGER,
  outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
  status INTEGER,
  request_id TEXT NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (time, id);
CREATE INDEX audit_log_namespace ON audit_log (namespace, time, id);
CREATE INDEX audit_log_key ON audit_log (key_id, time, id);
`;

/**
 * The vector index snapshots written beside the database at close (vector-snapshot.ts): one token
 * per partition, recorded once its files are on disk and taken out again at open.
 */
const VECTOR_SNAPSHOTS = `
CREATE TABLE vector_snapshots (
  partition TEXT PRIMARY KEY,
  token TEXT NOT NULL
);
`;

/**
 * Verified erasure (erasure-store.ts): a fence per erasure in progress, whose subject (a namespace,
 * and a user unless NULL; `scope` is the two as a JSON array, the one key the triggers look up) no
 * insert of an episode or memory may name until it is lifted (`until`,
 * epoch ms of the real clock: NULL while the erasure runs, then the end of a short grace); and the
 * receipts, beside the audit log, as JSON that holds counts and ids, never text.
 */
const fenceTrigger = (table: 'episodes' | 'memories') => `
CREATE TRIGGER ${table}_erasure_fence BEFORE INSERT ON ${table}
  WHEN EXISTS (SELECT 1 FROM erasure_fences f WHERE f.scope IN (json_array(new.namespace, NULL), json_array(new.namespace, new.user_id))
    AND (f.until IS NULL OR f.until > CAST(unixepoch('subsec') * 1000 AS INTEGER)))
BEGIN
  SELECT RAISE(ABORT, '${ERASURE_FENCE_MESSAGE}');
END;`;
const ERASURE = `
CREATE TABLE erasure_fences (
  receipt_id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  user_id TEXT,
  scope TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  until INTEGER
);
CREATE INDEX erasure_fences_scope ON erasure_fences (scope);
${fenceTrigger('episodes')}
${fenceTrigger('memories')}
CREATE TABLE erasure_receipts (
  id TEXT PRIMARY KEY,
  namespace TEXT NOT NULL,
  user_id TEXT,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  receipt TEXT NOT NULL
);
CREATE INDEX erasure_receipts_namespace ON erasure_receipts (namespace, started_at);
`;

/**
 * Retention (storage/sqlite/retention-store.ts): the oldest records of every namespace by the time
 * they age by (episodes: occurred_at, memories: updated_at), with namespace and kind in the index
 * so that rules for `*` skip the records other rules govern without reading them; memories by
 * namespace too (episodes have that index already, episodes_timeline).
 */
const RETENTION = `
CREATE INDEX episodes_age ON episodes (occurred_at, namespace, kind);
CREATE INDEX memories_age ON memories (updated_at, namespace, kind);
CREATE INDEX memories_namespace_age ON memories (namespace, updated_at, kind);
`;

/**
 * Freshness (docs/truth.md): when each fact was last stated or confirmed. A memory from before
 * this column was last confirmed, as far as anyone knows, when it was last written.
 */
const LAST_CONFIRMED = `
ALTER TABLE memories ADD COLUMN last_confirmed_at INTEGER;
UPDATE memories SET last_confirmed_at = coalesce(updated_at, created_at);
`;

/**
 * Applied in order of version; never edit a released migration, append a new one. Versions need
 * not be contiguous: a missing one is applied whenever it is added, even to a database that
 * already has later ones.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: INITIAL },
  { version: 2, name: 'vector_backlog', sql: VECTOR_BACKLOG },
  { version: 3, name: 'embedding_failures', sql: embeddingFailures('episodes', '') + embeddingFailures('memories', ', expires_at') },
  { version: 4, name: 'api_keys', sql: API_KEYS },
  { version: 5, name: 'audit_log', sql: AUDIT_LOG },
  { version: 6, name: 'keyword_scopes', sql: KEYWORD_SCOPES, after: backfillKeywordStats },
  { version: 7, name: 'vector_snapshots', sql: VECTOR_SNAPSHOTS },
  { version: 8, name: 'erasure', sql: ERASURE },
  { version: 10, name: 'retention', sql: RETENTION },
  { version: 11, name: 'last_confirmed', sql: LAST_CONFIRMED },
  { version: 12, name: 'truth', sql: TRUTH_SCHEMA, after: uniteDuplicates },
];

/**
 * Applies every pending migration, each in its own transaction. Returns the versions applied.
 * Another process may open the same file at the same moment (`memos keys` beside `memos serve`):
 * each migration is checked again under the write lock, so that only one of them applies it.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[], now: number): number[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const applied = new Set(
    db
      .prepare<[], number>('SELECT version FROM schema_migrations')
      .pluck()
      .all(),
  );
  const isApplied = db.prepare<[number], number>('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const done: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    const ran = db
      .transaction(() => {
        if (isApplied.get(migration.version) !== undefined) return false;
        db.exec(migration.sql);
        migration.after?.(db, now);
        record.run(migration.version, migration.name, now);
        return true;
      })
      .immediate();
    if (ran) done.push(migration.version);
  }
  return done;
}
