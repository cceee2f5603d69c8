// The schema of the per-scope keyword statistics (migration 6): what BM25 needs about a scope,
// kept as records are written, so that a keyword search reads a few numbers instead of counting
// matches over the whole table.
//
// - keyword_scopes: one row per tier and exact scope tuple (namespace, user, agent, session): how
//   many documents it holds and their total length in tokens. `scope_key` is the tuple as a JSON
//   array, unique where NULLs in a UNIQUE index would not be.
// - keyword_terms: per scope row and term, how many of its documents hold the term.
// - keyword_journal (+ keyword_journal_fts, keyword_journal_terms): what the triggers saw change
//   in the current write transaction, one row per document added (+1) or removed (−1), its text
//   tokenized by an FTS5 table with the very tokenizer of memories_fts and episodes_fts, so that a
//   term here is exactly a term there. keyword-stats.ts folds it into the two tables above before
//   the transaction commits, one aggregated statement each, and empties it.
// Terms are FTS5's own tokens (stemmed, folded), read back through fts5vocab.

const TOKENIZER = `tokenize = 'porter unicode61 remove_diacritics 2'`;

const journalTriggers = (table: 'episodes' | 'memories') => {
  const add = (row: 'new' | 'old', sign: 1 | -1) => `
  INSERT INTO keyword_journal (tier, sign, namespace, user_id, agent_id, session_id)
    VALUES ('${table}', ${sign}, ${row}.namespace, ${row}.user_id, ${row}.agent_id, ${row}.session_id);
  INSERT INTO keyword_journal_fts (rowid, content) VALUES (last_insert_rowid(), ${row}.content);`;
  return `
CREATE TRIGGER ${table}_keyword_insert AFTER INSERT ON ${table} BEGIN${add('new', 1)}
END;
CREATE TRIGGER ${table}_keyword_delete AFTER DELETE ON ${table} BEGIN${add('old', -1)}
END;
CREATE TRIGGER ${table}_keyword_update AFTER UPDATE OF content, namespace, user_id, agent_id, session_id ON ${table}
  WHEN old.content IS NOT new.content OR old.namespace IS NOT new.namespace OR old.user_id IS NOT new.user_id
    OR old.agent_id IS NOT new.agent_id OR old.session_id IS NOT new.session_id BEGIN${add('old', -1)}${add('new', 1)}
END;`;
};

/** Every stored row, as if just written: the backfill of an existing data folder. */
const backfill = (table: 'episodes' | 'memories') => `
INSERT INTO keyword_journal (id, tier, sign, namespace, user_id, agent_id, session_id)
  SELECT seq, '${table}', 1, namespace, user_id, agent_id, session_id FROM ${table};
INSERT INTO keyword_journal_fts (rowid, content) SELECT seq, content FROM ${table};`;

export const KEYWORD_STATS_TABLES = `
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
  sign INTEGER NOT NULL,
  namespace TEXT NOT NULL,
  user_id TEXT,
  agent_id TEXT,
  session_id TEXT
);
CREATE VIRTUAL TABLE keyword_journal_fts USING fts5(content, content = '', ${TOKENIZER});
CREATE VIRTUAL TABLE keyword_journal_terms USING fts5vocab(keyword_journal_fts, instance);
`;

/** Migration 6: the tables, the triggers, and the statistics of every row already stored. */
export const KEYWORD_STATS = (fold: string) =>
  KEYWORD_STATS_TABLES +
  journalTriggers('episodes') +
  journalTriggers('memories') +
  backfill('episodes') +
  fold +
  backfill('memories') +
  fold;
