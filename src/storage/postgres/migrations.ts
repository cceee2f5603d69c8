// Versioned schema migrations, applied in one transaction under a transaction-level advisory lock
// keyed by the schema, so that several replicas starting at once apply each version exactly once
// (the others wait for the lock, then find nothing left to do). PGlite has one connection, where
// the lock is simply granted.

import { erasureMigration } from './erasure-schema.js';
import { KEYWORD_SCOPE_COUNTS } from './keyword-scope-counts.js';
import { protectTable, ROW_SECURITY_VERSION, rowSecurityMigration } from './row-security.js';
import { scopedBandKeysMigration } from './scoped-band-keys-migration.js';
import { unsignedVectorsIndex, vectorSketchMigration } from './vector-sketch-migration.js';
import type { SqlExecutor } from './sql-engine.js';
import { truthMigration } from './truth-schema.js';
import { columnType, EXACT_COSINE, readDialect } from './vector-sql.js';

export interface Migration {
  version: number;
  name: string;
  up(tx: SqlExecutor, context: MigrationContext): Promise<void>;
}

export interface MigrationContext {
  /** The schema being migrated (already created, first on the search path). */
  schema: string;
  now: Date;
}

/** Which path vector search takes: pgvector's HNSW, or an exact scan over `real[]`. */
export type VectorBackend = 'pgvector' | 'exact';

const sql = (script: string) => (tx: SqlExecutor) => tx.exec(script);

/**
 * Accents are folded before tokenising (`café` finds `cafe`): NFD splits letters from their
 * combining marks, which are then dropped. Pure SQL, so it needs no `unaccent` extension.
 */
export const FOLD_ACCENTS = (expression: string) => `regexp_replace(normalize(${expression}, NFD), '[\\u0300-\\u036f]', '', 'g')`;

// `memos_english` is Postgres's English configuration (Snowball stemmer) without its stopword
// list: FTS5 keeps every word too, so document lengths match and a query for "not" still finds
// "not". The search fields are kept by a trigger: `search` (the tsvector, GIN-indexed) and
// `search_length`, the token count BM25 normalises by (`length(tsvector)` counts distinct lexemes).
const SEARCH = `
CREATE TEXT SEARCH DICTIONARY memos_english_stem (TEMPLATE = snowball, LANGUAGE = english);
CREATE TEXT SEARCH CONFIGURATION memos_english (COPY = english);
ALTER TEXT SEARCH CONFIGURATION memos_english
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part WITH memos_english_stem;

CREATE FUNCTION memos_search_fields() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  NEW.search := to_tsvector('memos_english', ${FOLD_ACCENTS('NEW.content')});
  NEW.search_length := (SELECT coalesce(sum(cardinality(positions)), 0) FROM unnest(NEW.search));
  RETURN NEW;
END $$;`;

// Every record table (episodes, memories) starts with its scope and identity and ends with its
// embedding state and the search fields the trigger keeps; its search, backlog and trigger follow.
const RECORD_KEYS = `  namespace text COLLATE "C" NOT NULL,
  id text COLLATE "C" NOT NULL,
  seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
  user_id text COLLATE "C",
  agent_id text COLLATE "C",
  session_id text COLLATE "C",`;
const RECORD_STATE = `  embedding_status text NOT NULL DEFAULT 'none',
  embedding_model text,
  embedding_dim integer,
  search tsvector NOT NULL,
  search_length integer NOT NULL,
  PRIMARY KEY (namespace, id)
);`;
const recordIndexes = (table: 'episodes' | 'memories') => `CREATE INDEX ${table}_search ON ${table} USING gin (search);
CREATE INDEX ${table}_pending ON ${table} (embedding_status, seq) WHERE embedding_status <> 'ready';
CREATE TRIGGER ${table}_search_fields BEFORE INSERT OR UPDATE OF content ON ${table}
  FOR EACH ROW EXECUTE FUNCTION memos_search_fields();`;

// Times are timestamptz; ids compare bytewise (COLLATE "C"), as in SQLite, so that cursor order
// never depends on the server's locale. `seq` is the insertion order that breaks score ties, and
// the key later tables (vectors) can reference cheaply.
const EPISODES = `
CREATE TABLE episodes (
${RECORD_KEYS}
  kind text NOT NULL,
  role text,
  content text NOT NULL,
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  task text,
  context text,
  outcome text,
${RECORD_STATE}
CREATE INDEX episodes_timeline ON episodes (namespace, occurred_at, id) INCLUDE (search_length);
CREATE INDEX episodes_session ON episodes (namespace, session_id, occurred_at, id) WHERE session_id IS NOT NULL;
CREATE INDEX episodes_user ON episodes (namespace, user_id, occurred_at, id);
${recordIndexes('episodes')}`;

// Semantic memories mirror episodes (ids COLLATE "C", `seq`, the search trigger, the embedding
// state) plus what merging needs: `content_key` (the normalised text's hash) looked up within a
// namespace, and `expires_at`, which every read compares with the clock. History rows are keyed by
// the memory and its version, and go with the memory (ON DELETE CASCADE).
const MEMORIES = `
CREATE TABLE memories (
${RECORD_KEYS}
  kind text NOT NULL,
  content text NOT NULL,
  content_key text COLLATE "C" NOT NULL,
  importance double precision NOT NULL,
  metadata jsonb NOT NULL DEFAULT '{}',
  source_episode_ids text[] NOT NULL DEFAULT '{}',
  version integer NOT NULL DEFAULT 1,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  expires_at timestamptz,
${RECORD_STATE}
CREATE INDEX memories_content_key ON memories (namespace, content_key, created_at, id);
CREATE INDEX memories_timeline ON memories (namespace, created_at, id) INCLUDE (search_length, expires_at);
CREATE INDEX memories_expiry ON memories (expires_at) WHERE expires_at IS NOT NULL;
${recordIndexes('memories')}

CREATE TABLE memory_history (
  namespace text COLLATE "C" NOT NULL,
  memory_id text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  content text NOT NULL,
  kind text NOT NULL,
  importance double precision NOT NULL,
  metadata jsonb NOT NULL,
  expires_at timestamptz,
  source_episode_ids text[] NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to timestamptz NOT NULL,
  reason text NOT NULL CHECK (reason IN ('update', 'merge')),
  PRIMARY KEY (namespace, memory_id, version),
  FOREIGN KEY (namespace, memory_id) REFERENCES memories (namespace, id) ON DELETE CASCADE
);`;

/**
 * Tries pgvector in a savepoint (its absence, or a role that may not create extensions, must not
 * abort the migration) and records the outcome; the vector tables of a later migration read it.
 */
async function detectVectorBackend(tx: SqlExecutor): Promise<void> {
  await tx.query('CREATE TABLE storage_settings (key text PRIMARY KEY, value text NOT NULL)');
  let backend: VectorBackend = 'pgvector';
  await tx.query('SAVEPOINT vector_extension');
  try {
    await tx.query('CREATE EXTENSION IF NOT EXISTS vector');
    await tx.query('RELEASE SAVEPOINT vector_extension');
  } catch {
    await tx.query('ROLLBACK TO SAVEPOINT vector_extension');
    backend = 'exact';
  }
  await tx.query(`INSERT INTO storage_settings (key, value) VALUES ('vector_backend', $1)`, [backend]);
}

/**
 * One vector per record, keyed by the record's `seq` in the column of its tier, so that it goes
 * with its record (ON DELETE CASCADE); a rewording deletes it in the same statement. The column
 * type follows the backend recorded by migration 3.
 */
async function createVectors(tx: SqlExecutor): Promise<void> {
  const dialect = await readDialect(tx);
  if (dialect.backend === 'exact') await tx.exec(EXACT_COSINE);
  await tx.exec(`
CREATE TABLE vectors (
  tier text NOT NULL CHECK (tier IN ('memories', 'episodes')),
  namespace text COLLATE "C" NOT NULL,
  memory_seq bigint UNIQUE REFERENCES memories (seq) ON DELETE CASCADE,
  episode_seq bigint UNIQUE REFERENCES episodes (seq) ON DELETE CASCADE,
  model text NOT NULL,
  dims integer NOT NULL,
  embedding ${columnType(dialect)} NOT NULL,
  CHECK (CASE tier WHEN 'memories' THEN memory_seq IS NOT NULL AND episode_seq IS NULL ELSE episode_seq IS NOT NULL AND memory_seq IS NULL END)
);
CREATE INDEX vectors_partition ON vectors (tier, namespace, model, dims);`);
}

// Refusals of a record's text by the embedding provider (a count, the last reason, `failed` after
// a few, with `failed` rows indexed by model like the HNSW partitions), whether the stored vector
// covers only the start of the text, and the lease by which one replica at a time owns a record
// while it embeds it. A new wording starts the count again. Columns with constant defaults are
// added without rewriting the table; existing rows keep every value and start with no refusal.
const embeddingState = (table: 'episodes' | 'memories') => `
ALTER TABLE ${table}
  ADD COLUMN embedding_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN embedding_error text,
  ADD COLUMN embedding_truncated boolean NOT NULL DEFAULT false,
  ADD COLUMN embedding_lease_owner text,
  ADD COLUMN embedding_lease_until timestamptz;
CREATE INDEX ${table}_failed ON ${table} (embedding_model, embedding_dim, created_at, id) WHERE embedding_status = 'failed';
CREATE TRIGGER ${table}_embedding_reset BEFORE UPDATE OF content ON ${table}
  FOR EACH ROW WHEN (OLD.content IS DISTINCT FROM NEW.content) EXECUTE FUNCTION memos_embedding_reset();`;
const EMBEDDING_STATE = `
CREATE FUNCTION memos_embedding_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.embedding_attempts := 0;
  NEW.embedding_error := NULL;
  NEW.embedding_truncated := false;
  RETURN NEW;
END $$;
${embeddingState('episodes')}
${embeddingState('memories')}`;

// API keys: hashes only (src/auth/api-key.ts). Not tenant data: one table serves every namespace.
const API_KEYS = `
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  hash text NOT NULL,
  name text,
  role text NOT NULL,
  namespaces jsonb NOT NULL,
  user_id text,
  rate_limit jsonb,
  expires_at timestamptz,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);`;

// Who changed what (src/audit): one row per audited request, never any text. Listed newest first
// by (time, id), overall, per namespace or per key; `time` also bounds retention.
const AUDIT_LOG = `
CREATE TABLE audit_log (
  id text COLLATE "C" PRIMARY KEY,
  time timestamptz NOT NULL,
  key_id text COLLATE "C",
  role text,
  action text NOT NULL,
  method text NOT NULL,
  route text NOT NULL,
  namespace text COLLATE "C",
  user_id text COLLATE "C",
  record_ids text[],
  record_count integer,
  outcome text NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
  status integer,
  request_id text NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (time, id);
CREATE INDEX audit_log_namespace ON audit_log (namespace, time, id);
CREATE INDEX audit_log_key ON audit_log (key_id, time, id);`;

// Migration 11: the keyword statistics of each scope, kept by the writes (keyword-scope-counts.ts);
// a user's memories through an index, as their episodes already are, so that keyword search over
// one user's scope reads that user's records, not the namespace's; and on the exact vector path,
// the index of the vectors still without a sketch (vector-sketch-migration.ts).
const MEMORIES_BY_USER = `
CREATE INDEX memories_user ON memories (namespace, user_id, created_at, id) INCLUDE (search_length);`;

async function keywordScopesAndUnsignedVectors(tx: SqlExecutor): Promise<void> {
  await tx.exec(MEMORIES_BY_USER + KEYWORD_SCOPE_COUNTS);
  await protectTable(tx, 'keyword_scope_counts');
  await unsignedVectorsIndex(tx);
}

// Migration 15, retention (retention-store.ts): the oldest records of every namespace by the time
// they age by (episodes: occurred_at, memories: updated_at), with namespace and kind in the index so
// that rules for `*` pass over the records other rules govern without reading them; memories by
// namespace too (episodes have that index already, episodes_timeline).
const RETENTION = `
CREATE INDEX episodes_age ON episodes (occurred_at, namespace, kind);
CREATE INDEX memories_age ON memories (updated_at, namespace, kind);
CREATE INDEX memories_namespace_age ON memories (namespace, updated_at, kind);`;

// Migration 16, freshness (docs/truth.md): when each fact was last stated or confirmed. A memory
// from before it was last confirmed, as far as anyone knows, when it was last written.
const LAST_CONFIRMED = `
ALTER TABLE memories ADD COLUMN last_confirmed_at timestamptz;
UPDATE memories SET last_confirmed_at = coalesce(updated_at, created_at);
ALTER TABLE memories ALTER COLUMN last_confirmed_at SET NOT NULL;`;

/**
 * Applied in order of version. Versions need not be contiguous: a missing one is applied whenever
 * it is added, even to a schema that already has later ones.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'keyword search configuration', up: sql(SEARCH) },
  { version: 2, name: 'episodes', up: sql(EPISODES) },
  { version: 3, name: 'vector backend', up: detectVectorBackend },
  { version: 4, name: 'memories', up: sql(MEMORIES) },
  { version: 5, name: 'vectors', up: createVectors },
  { version: 6, name: 'embedding state', up: sql(EMBEDDING_STATE) },
  { version: 7, name: 'api keys', up: sql(API_KEYS) },
  { version: 8, name: 'audit log', up: sql(AUDIT_LOG) },
  { version: ROW_SECURITY_VERSION, name: 'row-level security', up: rowSecurityMigration },
  { version: 10, name: 'vector sketches', up: vectorSketchMigration },
  { version: 11, name: 'keyword scope counts, memories by user, unsigned vectors', up: keywordScopesAndUnsignedVectors },
  { version: 12, name: 'band keys by scope', up: scopedBandKeysMigration },
  { version: 13, name: 'erasure fences and receipts', up: erasureMigration },
  { version: 15, name: 'retention', up: sql(RETENTION) },
  { version: 16, name: 'last confirmed', up: sql(LAST_CONFIRMED) },
  { version: 17, name: 'truth maintenance', up: truthMigration },
];

/** Applies every migration not yet recorded in `schema_migrations`; returns the versions applied. */
export async function migrate(tx: SqlExecutor, context: MigrationContext, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  // The lock is taken before anything is created, so that even CREATE SCHEMA never races.
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`memos:migrate:${context.schema}`]);
  await tx.query(`CREATE SCHEMA IF NOT EXISTS ${context.schema}`);
  await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)`);
  const done = new Set((await tx.query<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version));
  const applied: number[] = [];
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(migration.version)) continue;
    await migration.up(tx, context);
    await tx.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      context.now.toISOString(),
    ]);
    applied.push(migration.version);
  }
  return applied;
}
