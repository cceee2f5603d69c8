// Per-scope keyword statistics: the document count, total length and document frequencies that
// BM25 takes from the scope searched (DESIGN §5), kept by the write path instead of counted at
// search time. Triggers journal every document added or removed (keyword-stats-schema.ts); before
// each write transaction commits, `foldKeywordJournal` adds the journal into keyword_scopes and
// keyword_terms with two aggregated statements and empties it, so a batch of 500 records costs one
// upsert per distinct (scope, term) of the batch, not one per term per record.
//
// A scope here is the namespace and the user, agent and session ids the filter names: a search
// sums the exact scope tuples its filter covers. Kinds, time ranges and metadata narrow the
// results, not the statistics. Every stored record counts, expired memories included until they
// are deleted, as in FTS5's own statistics.

import type { RecordFilter } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { compileFilter } from './filter-sql.js';

/** Folds the journal into the statistics; the scope rows first, so that the term rows find their ids. */
export const FOLD_JOURNAL = `
INSERT INTO keyword_scopes (tier, scope_key, namespace, user_id, agent_id, session_id, docs, tokens)
  SELECT j.tier, json_array(j.namespace, j.user_id, j.agent_id, j.session_id), j.namespace, j.user_id, j.agent_id, j.session_id,
    sum(j.sign), sum(j.sign * ifnull(l.n, 0))
  FROM keyword_journal j LEFT JOIN (SELECT doc, count(*) AS n FROM keyword_journal_terms GROUP BY doc) l ON l.doc = j.id
  WHERE true GROUP BY j.tier, json_array(j.namespace, j.user_id, j.agent_id, j.session_id)
  ON CONFLICT (tier, scope_key) DO UPDATE SET docs = docs + excluded.docs, tokens = tokens + excluded.tokens;
INSERT INTO keyword_terms (scope, term, docs)
  SELECT s.id, v.term, sum(j.sign)
  FROM (SELECT DISTINCT doc, term FROM keyword_journal_terms) v
  JOIN keyword_journal j ON j.id = v.doc
  JOIN keyword_scopes s ON s.tier = j.tier AND s.scope_key = json_array(j.namespace, j.user_id, j.agent_id, j.session_id)
  WHERE true GROUP BY s.id, v.term
  ON CONFLICT (scope, term) DO UPDATE SET docs = docs + excluded.docs;
`;
/** After removals: the rows they brought to zero go (only those the journal names). */
const DROP_EMPTY = [
  `DELETE FROM keyword_terms WHERE docs = 0 AND (scope, term) IN (
    SELECT s.id, v.term FROM keyword_journal j JOIN keyword_journal_terms v ON v.doc = j.id
    JOIN keyword_scopes s ON s.tier = j.tier AND s.scope_key = json_array(j.namespace, j.user_id, j.agent_id, j.session_id) WHERE j.sign < 0)`,
  `DELETE FROM keyword_scopes WHERE docs = 0 AND id IN (
    SELECT s.id FROM keyword_journal j JOIN keyword_scopes s ON s.tier = j.tier AND s.scope_key = json_array(j.namespace, j.user_id, j.agent_id, j.session_id) WHERE j.sign < 0)`,
];
export const CLEAR_JOURNAL = `DELETE FROM keyword_journal; INSERT INTO keyword_journal_fts (keyword_journal_fts) VALUES ('delete-all');`;

/** Folds what the current transaction journaled, if anything; called last inside each write transaction. */
export function foldKeywordJournal(db: SqliteDatabase): void {
  const pending = db.statement('SELECT EXISTS (SELECT 1 FROM keyword_journal) AS pending, EXISTS (SELECT 1 FROM keyword_journal WHERE sign < 0) AS removed').get() as {
    pending: number;
    removed: number;
  };
  if (!pending.pending) return;
  db.run('keywordStats.fold', (connection) => {
    connection.exec(FOLD_JOURNAL);
    if (pending.removed) for (const sql of DROP_EMPTY) db.statement(sql).run();
    connection.exec(CLEAR_JOURNAL);
  });
}

/** BM25's statistics of a scope: documents, their average length, and per term how many hold it. */
export interface ScopeStatistics {
  docs: number;
  averageLength: number;
  frequency: Map<string, number>;
}

/** The statistics of the scope `filter` names (its namespace and the user, agent and session ids it sets), for `terms` (FTS5 tokens). */
export function scopeStatistics(db: SqliteDatabase, tier: 'episodes' | 'memories', filter: RecordFilter, terms: string[]): ScopeStatistics {
  const { namespace, userId, agentId, sessionId } = filter;
  const scope = compileFilter({ namespace, userId, agentId, sessionId }, 'namespace', 's');
  const totals = db
    .statement(`SELECT ifnull(sum(s.docs), 0) AS docs, ifnull(sum(s.tokens), 0) AS tokens FROM keyword_scopes s WHERE ${scope.sql} AND s.tier = ?`)
    .get(...scope.params, tier) as { docs: number; tokens: number };
  const frequency = new Map<string, number>();
  if (terms.length > 0) {
    const rows = db
      .statement(
        `SELECT k.term AS term, sum(k.docs) AS docs FROM keyword_scopes s JOIN keyword_terms k ON k.scope = s.id
         WHERE ${scope.sql} AND s.tier = ? AND k.term IN (${terms.map(() => '?').join(', ')}) GROUP BY k.term`,
      )
      .all(...scope.params, tier, ...terms) as { term: string; docs: number }[];
    for (const row of rows) frequency.set(row.term, row.docs);
  }
  return { docs: totals.docs, averageLength: totals.docs > 0 ? totals.tokens / totals.docs : 0, frequency };
}
