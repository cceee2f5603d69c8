// Per-scope keyword statistics: the record count, total length and document frequencies that BM25
// takes from the scope searched (DESIGN §5), kept by the write path instead of counted at search
// time. Triggers journal every record added or removed (keyword-stats-schema.ts); before each
// write transaction commits, `foldKeywordJournal` counts the journal's terms with FTS5 itself, one
// scope at a time (a scratch FTS5 table read back through fts5vocab), adds them with one upsert
// statement per scope, and empties the journal. A batch of 500 records in one scope thus costs one
// tokenization per record and one row written per distinct term of the batch.
//
// A scope here is an exact tuple (namespace, user, agent, session); a search sums the tuples its
// filter covers. Kinds, time ranges and metadata narrow the results, not the statistics. Every
// stored record counts, expired memories included until they are deleted, as in FTS5's own
// statistics (reads pass over an expired memory until the retention sweep deletes it).

import type { RecordFilter } from '../../core/types.js';
import type { Connection, SqliteDatabase } from './database.js';
import { compileFilter } from './filter-sql.js';
import { clearProbe, ensureProbe, probeLength, type Sql } from './term-probe.js';

interface Group {
  tier: string;
  scope_key: string;
  namespace: string;
  user_id: string | null;
  agent_id: string | null;
  session_id: string | null;
  docs: number;
  added: number;
  removed: number;
}

const GROUPS = `SELECT tier, scope_key, namespace, user_id, agent_id, session_id, sum(sign) AS docs,
  sum(sign > 0) AS added, sum(sign < 0) AS removed FROM keyword_journal GROUP BY tier, scope_key`;
const UPSERT_SCOPE = `INSERT INTO keyword_scopes (tier, scope_key, namespace, user_id, agent_id, session_id, docs, tokens)
  VALUES (?, ?, ?, ?, ?, ?, 0, 0) ON CONFLICT (tier, scope_key) DO UPDATE SET docs = docs RETURNING id`;
const LOAD = 'INSERT INTO temp.keyword_probe (rowid, content) SELECT id, content FROM keyword_journal WHERE tier = ? AND scope_key = ? AND sign = ?';
const ADD_TERMS = `INSERT INTO keyword_terms (scope, term, docs) SELECT ?, term, ? * doc FROM temp.keyword_probe_rows WHERE true
  ON CONFLICT (scope, term) DO UPDATE SET docs = docs + excluded.docs`;
const DROP_TERMS = 'DELETE FROM keyword_terms WHERE scope = ? AND docs <= 0 AND term IN (SELECT term FROM temp.keyword_probe_rows)';
const ADD_TOTALS = 'UPDATE keyword_scopes SET docs = docs + ?, tokens = tokens + ? WHERE id = ? RETURNING docs';
const DROP_SCOPE = 'DELETE FROM keyword_scopes WHERE id = ?';
const DROP_SCOPE_TERMS = 'DELETE FROM keyword_terms WHERE scope = ?';
const CLEAR_JOURNAL = 'DELETE FROM keyword_journal';
const PENDING = 'SELECT EXISTS (SELECT 1 FROM keyword_journal) AS pending';
/** Every statement of the fold: each works on the journal of the transaction (every namespace it wrote) or on rows it names by id. */
export const FOLD_STATEMENTS = [PENDING, GROUPS, UPSERT_SCOPE, LOAD, ADD_TERMS, DROP_TERMS, ADD_TOTALS, DROP_SCOPE, DROP_SCOPE_TERMS, CLEAR_JOURNAL];

/** Folds what the current transaction journaled, if anything; runs last inside each write transaction. */
export function foldKeywordJournal(db: SqliteDatabase): void {
  db.run('keywordStats.fold', (connection) => {
    const sql: Sql = { connection, statement: (text) => db.statement(text) };
    if ((sql.statement(PENDING).get() as { pending: number }).pending) fold(sql);
  });
}

/** Migration 6's backfill: every stored record, journaled as if just written, then folded. */
export function backfillKeywordStats(connection: Connection): void {
  const sql: Sql = { connection, statement: (text) => connection.prepare(text) };
  for (const table of ['episodes', 'memories']) {
    journalAll(connection, table);
    fold(sql);
  }
}

function journalAll(connection: Connection, table: string): void {
  connection.exec(`INSERT INTO keyword_journal (tier, scope_key, sign, namespace, user_id, agent_id, session_id, content)
    SELECT '${table}', json_array(namespace, user_id, agent_id, session_id), 1, namespace, user_id, agent_id, session_id, content FROM ${table}`);
}

/**
 * A tier's statistics counted again from its records (a migration that changed the scopes they
 * are counted by): whatever was journaled or counted for the tier is dropped first.
 */
export function rebuildKeywordStats(connection: Connection, table: 'episodes' | 'memories'): void {
  const sql: Sql = { connection, statement: (text) => connection.prepare(text) };
  for (const statement of REBUILD_STATEMENTS) connection.prepare(statement).run(table);
  journalAll(connection, table);
  fold(sql);
}
/** What a rebuild drops first, a tier at a time (in every namespace: a migration's work). */
export const REBUILD_STATEMENTS = [
  'DELETE FROM keyword_journal WHERE tier = ?',
  'DELETE FROM keyword_terms WHERE scope IN (SELECT id FROM keyword_scopes WHERE tier = ?)',
  'DELETE FROM keyword_scopes WHERE tier = ?',
];

function fold(sql: Sql): void {
  ensureProbe(sql);
  for (const group of sql.statement(GROUPS).all() as Group[]) {
    const { id } = sql.statement(UPSERT_SCOPE).get(group.tier, group.scope_key, group.namespace, group.user_id, group.agent_id, group.session_id) as { id: number };
    let tokens = 0;
    for (const sign of [1, -1]) {
      if ((sign > 0 ? group.added : group.removed) === 0) continue;
      sql.statement(LOAD).run(group.tier, group.scope_key, sign);
      try {
        tokens += sign * probeLength(sql);
        sql.statement(ADD_TERMS).run(id, sign);
        if (sign < 0) sql.statement(DROP_TERMS).run(id);
      } finally {
        clearProbe(sql);
      }
    }
    const { docs } = sql.statement(ADD_TOTALS).get(group.docs, tokens, id) as { docs: number };
    if (docs <= 0) {
      sql.statement(DROP_SCOPE_TERMS).run(id);
      sql.statement(DROP_SCOPE).run(id);
    }
  }
  sql.statement(CLEAR_JOURNAL).run();
}

/** BM25's statistics of a scope: records, their average length, and per term how many hold it. */
export interface ScopeStatistics {
  docs: number;
  averageLength: number;
  frequency: Map<string, number>;
}

/**
 * The statistics of the scope `filter` names (its namespace and the user, agent and session ids it
 * sets), for `terms` (FTS5 tokens). Memories are counted without their sessions (a memory's session
 * column is NULL; its sessions are provenance), so a memory filter's session narrows the results only.
 */
export function scopeStatistics(db: SqliteDatabase, tier: 'episodes' | 'memories', filter: RecordFilter, terms: string[]): ScopeStatistics {
  const { namespace, userId, agentId, sessionId } = filter;
  // The episode tier's filter compiles the scope ids as equalities on the keyword_scopes columns.
  const scope = compileFilter({ namespace, userId, agentId, sessionId: tier === 'episodes' ? sessionId : undefined }, 'episodes', 's');
  const totals = db
    .statement(`SELECT ifnull(sum(s.docs), 0) AS docs, ifnull(sum(s.tokens), 0) AS tokens FROM keyword_scopes s WHERE ${scope.sql} AND s.tier = ?`)
    .get(...scope.params, tier) as { docs: number; tokens: number };
  const frequency = new Map<string, number>();
  if (terms.length > 0 && totals.docs > 0) {
    const rows = db
      .statement(
        `SELECT k.term AS term, sum(k.docs) AS docs FROM keyword_scopes s JOIN keyword_terms k ON s.id = k.scope
         WHERE ${scope.sql} AND s.tier = ? AND k.term IN (${terms.map(() => '?').join(', ')}) GROUP BY k.term`,
      )
      .all(...scope.params, tier, ...terms) as { term: string; docs: number }[];
    for (const row of rows) frequency.set(row.term, row.docs);
  }
  return { docs: totals.docs, averageLength: totals.docs > 0 ? totals.tokens / totals.docs : 0, frequency };
}
