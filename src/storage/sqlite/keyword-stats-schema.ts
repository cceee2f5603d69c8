// The schema of keyword search per scope (migration 6).
//
// Scope terms: episodes and memories get a generated column `scope_terms`, one token per scope id
// the record has (namespace; namespace + user, + agent, + session), indexed by FTS5 in a second
// column of episodes_fts and memories_fts beside `content`. A search then ANDs its scope's tokens
// into the MATCH, so that FTS5 intersects the scope itself instead of the table's matches being
// filtered row by row. A token spells its ids' UTF-8 bytes in hex over 16 consonants (never a
// vowel, `s` or `y`, so that the porter stemmer leaves it as it is), behind a two-letter marker.
// User text is matched in `content` only, so it can never meet a scope token.
//
// Statistics: what BM25 needs about a scope, kept as records are written.
// - keyword_scopes: one row per tier and exact scope tuple (namespace, user, agent, session): how
//   many records it holds and their total length in tokens. `scope_key` is the tuple as a JSON
//   array, unique where NULLs in a UNIQUE index would not be.
// - keyword_terms: per scope row and term, how many of its records hold the term.
// - keyword_journal: what the triggers saw change in the current write transaction, a row per
//   record added (+1) or removed (−1) with its scope and text. keyword-stats.ts folds it into the
//   two tables above before the transaction commits, and empties it; terms are counted by FTS5
//   itself, with the very tokenizer of the search tables (term-probe.ts).

export const TOKENIZER = `tokenize = 'porter unicode61 remove_diacritics 2'`;

/** Hex digit → consonant, in the order 0-9 A-F (as SQLite's hex() and scope-terms.ts spell them). */
export const SCOPE_ALPHABET = 'bcdfghjklmnpqrtv';
const HEX = '0123456789ABCDEF';
const spelled = (column: string) => [...HEX].reduce((sql, digit, n) => `replace(${sql}, '${digit}', '${SCOPE_ALPHABET[n]}')`, `hex(${column})`);
const optional = (marker: string, column: string) =>
  `CASE WHEN ${column} IS NULL THEN '' ELSE ' ${marker}' || ${spelled('namespace')} || 'w' || ${spelled(column)} END`;
const SCOPE_TERMS = `'zn' || ${spelled('namespace')} || ${optional('zk', 'user_id')} || ${optional('zg', 'agent_id')} || ${optional('zt', 'session_id')}`;

/** The search table of `table`, rebuilt with the scope terms, and its triggers. */
const searchTable = (table: 'episodes' | 'memories') => `
ALTER TABLE ${table} ADD COLUMN scope_terms TEXT GENERATED ALWAYS AS (${SCOPE_TERMS}) VIRTUAL;
DROP TRIGGER ${table}_fts_insert;
DROP TRIGGER ${table}_fts_delete;
DROP TRIGGER ${table}_fts_update;
DROP TABLE ${table}_fts;
CREATE VIRTUAL TABLE ${table}_fts USING fts5(
  content, scope_terms, content = '${table}', content_rowid = 'seq', ${TOKENIZER}
);
CREATE TRIGGER ${table}_fts_insert AFTER INSERT ON ${table} BEGIN
  INSERT INTO ${table}_fts (rowid, content, scope_terms) VALUES (new.seq, new.content, new.scope_terms);
END;
CREATE TRIGGER ${table}_fts_delete AFTER DELETE ON ${table} BEGIN
  INSERT INTO ${table}_fts (${table}_fts, rowid, content, scope_terms) VALUES ('delete', old.seq, old.content, old.scope_terms);
END;
CREATE TRIGGER ${table}_fts_update AFTER UPDATE OF content, namespace, user_id, agent_id, session_id ON ${table} BEGIN
  INSERT INTO ${table}_fts (${table}_fts, rowid, content, scope_terms) VALUES ('delete', old.seq, old.content, old.scope_terms);
  INSERT INTO ${table}_fts (rowid, content, scope_terms) VALUES (new.seq, new.content, new.scope_terms);
END;
INSERT INTO ${table}_fts (${table}_fts) VALUES ('rebuild');
`;

const journalTriggers = (table: 'episodes' | 'memories') => {
  const add = (row: 'new' | 'old', sign: 1 | -1) => `
  INSERT INTO keyword_journal (tier, scope_key, sign, namespace, user_id, agent_id, session_id, content)
    VALUES ('${table}', json_array(${row}.namespace, ${row}.user_id, ${row}.agent_id, ${row}.session_id), ${sign},
      ${row}.namespace, ${row}.user_id, ${row}.agent_id, ${row}.session_id, ${row}.content);`;
  return `
CREATE TRIGGER ${table}_keyword_insert AFTER INSERT ON ${table} BEGIN${add('new', 1)}
END;
CREATE TRIGGER ${table}_keyword_delete AFTER DELETE ON ${table} BEGIN${add('old', -1)}
END;
CREATE TRIGGER ${table}_keyword_update AFTER UPDATE OF content, namespace, user_id, agent_id, session_id ON ${table}
  WHEN old.content IS NOT new.content OR old.scope_terms IS NOT new.scope_terms BEGIN${add('old', -1)}${add('new', 1)}
END;`;
};

const STATISTICS = `
CREATE TABLE keyword_scopes (
  id INTEGER PRIMARY KEY,
  tier TEXT NOT NULL,
  scope_key TEXT NOT NULL,
  namespace TEXT NOT NULL,
  user_id TEXT,
  agent_id TEXT,
  session_id TEXT,
  docs INTEGER NOT NULL,
  tokens INTEGER NOT NULL,
  UNIQUE (tier, scope_key)
);
CREATE INDEX keyword_scopes_user ON keyword_scopes (tier, namespace, user_id, agent_id, session_id);
CREATE INDEX keyword_scopes_session ON keyword_scopes (tier, namespace, session_id);
CREATE TABLE keyword_terms (
  scope INTEGER NOT NULL,
  term TEXT NOT NULL,
  docs INTEGER NOT NULL,
  PRIMARY KEY (scope, term)
) WITHOUT ROWID;
CREATE TABLE keyword_journal (
  id INTEGER PRIMARY KEY,
  tier TEXT NOT NULL,
  scope_key TEXT NOT NULL,
  sign INTEGER NOT NULL,
  namespace TEXT NOT NULL,
  user_id TEXT,
  agent_id TEXT,
  session_id TEXT,
  content TEXT NOT NULL
);
`;

/** Migration 6's SQL: the scope terms, the statistics' tables and their triggers (the backfill runs after it, keyword-stats.ts). */
export const KEYWORD_SCOPES = searchTable('episodes') + searchTable('memories') + STATISTICS + journalTriggers('episodes') + journalTriggers('memories');

/** An id's UTF-8 bytes in hex over SCOPE_ALPHABET, as the generated column spells it. */
const spell = (id: string) => [...Buffer.from(id, 'utf8').toString('hex').toUpperCase()].map((digit) => SCOPE_ALPHABET[HEX.indexOf(digit)]).join('');

/**
 * The FTS5 condition that keeps a MATCH within the scope `filter` names: the scope tokens of each
 * of its user, agent and session ids, ANDed, in the `scope_terms` column; the namespace's token
 * only when it sets none of them. A user, agent or session token spells its namespace too (and `w`,
 * outside the alphabet, ends the namespace's part), so it implies the namespace's token, and
 * leaving that out spares FTS5 intersecting the namespace's doclist, which holds every record of
 * the namespace.
 */
export function scopeMatch(filter: { namespace: string; userId?: string | undefined; agentId?: string | undefined; sessionId?: string | undefined }): string {
  const ns = spell(filter.namespace);
  const tokens: string[] = [];
  if (filter.userId !== undefined) tokens.push(`zk${ns}w${spell(filter.userId)}`);
  if (filter.agentId !== undefined) tokens.push(`zg${ns}w${spell(filter.agentId)}`);
  if (filter.sessionId !== undefined) tokens.push(`zt${ns}w${spell(filter.sessionId)}`);
  if (tokens.length === 0) tokens.push(`zn${ns}`);
  return tokens.map((token) => `scope_terms : "${token}"`).join(' AND ');
}
