// The keyword ranking as it stood before per-scope statistics were kept (re-weighting FTS5 by
// counting every match of every term in the scope at search time), kept here so that the bench
// times both on the same data in the same run. Not used by memOS itself.

// BM25 with the statistics of the scope being searched. FTS5's bm25() takes its document
// frequencies from the whole table, so one namespace's ranking would shift with what other
// namespaces store (and would hint at their vocabulary). Here FTS5 picks the candidates, then each
// query term's share of a candidate's score has its table-wide IDF swapped for the IDF within the
// filter: for one term FTS5 returns idf_table(t) × tf-part(t, d), so tf-part is that divided by
// idf_table(t). A record outside the candidates is not re-ranked in. Known limit: the tf-part
// keeps FTS5's table-wide average document length, so when other scopes hold documents of a very
// different length, the length normalisation (and at the margin the order) within a scope moves.

import type { KeywordQuery } from '../../src/core/types.js';
import type { SqliteDatabase } from '../../src/storage/sqlite/database.js';
import { compileFilter, matchExpression, scopeFilter, type SqlFragment, type StoreScope, type TableSpec } from '../../src/storage/sqlite/filter-sql.js';

/** Candidates ranked by FTS5 before the re-weighting: more than asked for, so that it can reorder. */
const candidatePool = (limit: number) => Math.max(200, limit * 4);

/** FTS5's IDF: ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6 for terms in more than half the rows. */
function idf(rows: number, matching: number): number {
  return Math.max(1e-6, Math.log((rows - matching + 0.5) / (matching + 0.5)));
}

/**
 * The best `query.limit` rows of `spec.table` for the OR of `query.terms` within the filter (and
 * `extra`), as row sequence numbers with their BM25 scores, best first. FTS5 ranks the candidates;
 * when the scope is not the whole table, each term's share of their scores is then re-weighted
 * from the table's IDF to the scope's.
 */
export function scopedBm25(db: SqliteDatabase, spec: TableSpec, query: KeywordQuery, extra?: SqlFragment): { seq: number; score: number }[] {
  const terms = [...new Set(query.terms.filter((term) => term.trim() !== ''))];
  const match = matchExpression(terms);
  if (match === null || query.limit <= 0) return [];
  const filter = compileFilter(query.filter, spec.table, 't');
  const where = [filter.sql, ...(extra ? [extra.sql] : [])].join(' AND ');
  const params = [...filter.params, ...(extra ? extra.params : [])];
  const fromMatches = `FROM ${spec.fts} JOIN ${spec.table} t ON t.seq = ${spec.fts}.rowid WHERE ${spec.fts} MATCH ? AND ${where}`;

  const candidates = db
    .statement(`SELECT t.seq AS seq, bm25(${spec.fts}) AS rank ${fromMatches} ORDER BY rank ASC, t.seq ASC LIMIT ?`)
    .all(match, ...params, candidatePool(query.limit)) as { seq: number; rank: number }[];
  if (candidates.length === 0) return [];
  if (wholeTable(db, spec, query)) return candidates.slice(0, query.limit).map(({ seq, rank }) => ({ seq, score: -rank }));

  // Row counts follow FTS5 in counting every row of the scope, expired or not (`extra` is left out).
  const count = (sql: string, ...args: unknown[]) => (db.statement(sql).get(...args) as { n: number }).n;
  const tableRows = count(`SELECT count(*) AS n FROM ${spec.table}`);
  const scopeRows = count(`SELECT count(*) AS n FROM ${spec.table} t WHERE ${filter.sql}`, ...filter.params);
  const fromScopeMatches = `FROM ${spec.fts} JOIN ${spec.table} t ON t.seq = ${spec.fts}.rowid WHERE ${spec.fts} MATCH ? AND ${filter.sql}`;
  const seqs = candidates.map(({ seq }) => seq);
  const scores = new Map<number, number>(seqs.map((seq) => [seq, 0]));
  for (const term of terms) {
    const single = matchExpression([term])!;
    const tableMatches = count(`SELECT count(*) AS n FROM ${spec.fts} WHERE ${spec.fts} MATCH ?`, single);
    if (tableMatches === 0) continue;
    // Every match in the scope: their count is the scope's document frequency, and the candidates' rows carry their shares.
    const matches = db.statement(`SELECT t.seq AS seq, bm25(${spec.fts}) AS rank ${fromScopeMatches}`).all(single, ...filter.params) as { seq: number; rank: number }[];
    const reweight = idf(scopeRows, matches.length) / idf(tableRows, tableMatches);
    for (const { seq, rank } of matches) {
      const score = scores.get(seq);
      if (score !== undefined) scores.set(seq, score - rank * reweight);
    }
  }
  return [...scores]
    .map(([seq, score]) => ({ seq, score }))
    .sort((a, b) => b.score - a.score || a.seq - b.seq)
    .slice(0, query.limit);
}

/**
 * Whether the filter's scope is the whole table (a namespace alone, and the only one stored), so
 * that FTS5's statistics are already the scope's; two index seeks.
 */
function wholeTable(db: SqliteDatabase, spec: TableSpec, query: KeywordQuery): boolean {
  const { namespace, ...rest } = query.filter;
  const narrowed = Object.values(rest).some((value) => value !== undefined && !(Array.isArray(value) && value.length === 0) && !(typeof value === 'object' && Object.keys(value).length === 0));
  if (narrowed) return false;
  const range = db.statement(`SELECT min(namespace) AS low, max(namespace) AS high FROM ${spec.table}`).get() as { low: string | null; high: string | null };
  return range.low === namespace && range.high === namespace;
}

/** The rows behind `scopedBm25` hits (found within `scope`), in hit order, each with its score. */
export function scoredRows<Row>(db: SqliteDatabase, table: TableSpec['table'], scope: StoreScope, hits: { seq: number; score: number }[]): { row: Row; score: number }[] {
  if (hits.length === 0) return [];
  const where = scopeFilter({ namespace: scope.namespace, userId: scope.userId });
  const rows = db
    .statement(`SELECT * FROM ${table} WHERE ${where.sql} AND seq IN (${hits.map(() => '?').join(', ')})`)
    .all(...where.params, ...hits.map((hit) => hit.seq)) as (Row & { seq: number })[];
  const bySeq = new Map(rows.map((row) => [row.seq, row as Row]));
  return hits.flatMap((hit) => {
    const row = bySeq.get(hit.seq);
    return row ? [{ row, score: hit.score }] : [];
  });
}
