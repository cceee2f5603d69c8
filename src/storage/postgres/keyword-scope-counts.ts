// Per-scope record counts and total lengths for keyword search (migration 11): BM25's N and average
// document length of the scope searched (scoped-bm25.ts) read from a few rows instead of counted
// over the scope's records at every search (a pass over the whole table under row-level security
// once the namespace is a large part of it).
//
// `keyword_scope_counts` holds deltas: triggers on episodes and memories add one row per exact
// scope tuple (namespace, user, agent, session) and statement that inserts or deletes records (+/−
// records, +/− tokens), and one per record whose text an update changes (its length's change). A
// search sums the rows of the tuples its filter covers. Rows are only ever inserted by writers, so
// that concurrent writes of one scope never wait on one another; the sums are exact in every
// snapshot, since each delta commits with its records. Now and then (1 statement in COMPACT_EVERY)
// a writer folds a tuple's deltas into one row: it deletes the rows that no other transaction holds
// (SKIP LOCKED, so it never waits either) and inserts their sum, which keeps the total unchanged.
// The table is a tenant table (row-security.ts): the triggers run as the writer, within its scope.
// A memory's session is provenance, not scope (migration 17): its `session_id` is NULL, so its
// tuple is its identity (namespace, user, agent), and a session filter only narrows keyword results.

/** A statement folds the deltas of the scope tuples it touched once in this many statements, on average. */
const COMPACT_EVERY = 16;
/** The exact scope tuple, as one indexable key (NULL ids kept apart from any string). */
const SCOPE_KEY = (row: string) => `jsonb_build_array(${row}.namespace, ${row}.user_id, ${row}.agent_id, ${row}.session_id)::text`;

const triggers = (table: 'episodes' | 'memories') => `
CREATE FUNCTION memos_keyword_counts_${table}_insert() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO keyword_scope_counts (tier, scope_key, namespace, user_id, agent_id, session_id, docs, tokens)
    SELECT '${table}', ${SCOPE_KEY('n')}, n.namespace, n.user_id, n.agent_id, n.session_id, count(*), sum(n.search_length)
    FROM added n GROUP BY n.namespace, n.user_id, n.agent_id, n.session_id;
  IF random() * ${COMPACT_EVERY} < 1 THEN
    PERFORM memos_keyword_counts_compact('${table}', array_agg(DISTINCT ${SCOPE_KEY('n')})) FROM added n;
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION memos_keyword_counts_${table}_delete() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO keyword_scope_counts (tier, scope_key, namespace, user_id, agent_id, session_id, docs, tokens)
    SELECT '${table}', ${SCOPE_KEY('o')}, o.namespace, o.user_id, o.agent_id, o.session_id, -count(*), -sum(o.search_length)
    FROM removed o GROUP BY o.namespace, o.user_id, o.agent_id, o.session_id;
  RETURN NULL;
END $$;
CREATE FUNCTION memos_keyword_counts_${table}_update() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  INSERT INTO keyword_scope_counts (tier, scope_key, namespace, user_id, agent_id, session_id, docs, tokens)
    VALUES ('${table}', ${SCOPE_KEY('NEW')}, NEW.namespace, NEW.user_id, NEW.agent_id, NEW.session_id, 0, NEW.search_length - OLD.search_length);
  RETURN NULL;
END $$;
CREATE TRIGGER ${table}_keyword_counts_insert AFTER INSERT ON ${table} REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION memos_keyword_counts_${table}_insert();
CREATE TRIGGER ${table}_keyword_counts_delete AFTER DELETE ON ${table} REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION memos_keyword_counts_${table}_delete();
CREATE TRIGGER ${table}_keyword_counts_update AFTER UPDATE OF content ON ${table}
  FOR EACH ROW WHEN (OLD.search_length IS DISTINCT FROM NEW.search_length) EXECUTE FUNCTION memos_keyword_counts_${table}_update();
INSERT INTO keyword_scope_counts (tier, scope_key, namespace, user_id, agent_id, session_id, docs, tokens)
  SELECT '${table}', ${SCOPE_KEY('r')}, r.namespace, r.user_id, r.agent_id, r.session_id, count(*), sum(r.search_length)
  FROM ${table} r GROUP BY r.namespace, r.user_id, r.agent_id, r.session_id;`;

/** Migration 11's keyword part: the table, its indexes, the fold, the triggers, and the counts of the records stored before. */
export const KEYWORD_SCOPE_COUNTS = `
CREATE TABLE keyword_scope_counts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tier text NOT NULL,
  scope_key text COLLATE "C" NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  user_id text COLLATE "C",
  agent_id text COLLATE "C",
  session_id text COLLATE "C",
  docs bigint NOT NULL,
  tokens bigint NOT NULL
);
CREATE INDEX keyword_scope_counts_scope ON keyword_scope_counts (tier, namespace, user_id) INCLUDE (agent_id, session_id, docs, tokens);
CREATE INDEX keyword_scope_counts_key ON keyword_scope_counts (tier, scope_key);
CREATE FUNCTION memos_keyword_counts_compact(fold_tier text, keys text[]) RETURNS void LANGUAGE sql SET search_path FROM CURRENT AS $$
  WITH taken AS (
    SELECT id FROM keyword_scope_counts WHERE tier = fold_tier AND scope_key = ANY(keys) ORDER BY id FOR UPDATE SKIP LOCKED
  ),
  gone AS (
    DELETE FROM keyword_scope_counts c USING taken WHERE c.id = taken.id
    RETURNING c.tier, c.scope_key, c.namespace, c.user_id, c.agent_id, c.session_id, c.docs, c.tokens
  )
  INSERT INTO keyword_scope_counts (tier, scope_key, namespace, user_id, agent_id, session_id, docs, tokens)
    SELECT tier, scope_key, namespace, user_id, agent_id, session_id, sum(docs), sum(tokens) FROM gone
    GROUP BY tier, scope_key, namespace, user_id, agent_id, session_id HAVING sum(docs) <> 0 OR sum(tokens) <> 0
$$;
${triggers('episodes')}
${triggers('memories')}`;
