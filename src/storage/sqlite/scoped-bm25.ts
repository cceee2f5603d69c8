// BM25 with the statistics of the scope being searched. FTS5's bm25() takes its document
// frequencies from the whole table, so one namespace's ranking would shift with what other
// namespaces store (and would hint at their vocabulary). Here each query term is ranked on its own
// by FTS5, and its global IDF is swapped for the IDF within the filter: for one term FTS5 returns
// idf_table(t) × tf-part(t, d), so tf-part is that divided by idf_table(t). Known limit: the tf-part
// keeps FTS5's table-wide average document length, so when other scopes hold documents of a very
// different length, the length normalisation (and at the margin the order) within a scope moves.

import type { KeywordQuery } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { compileFilter, matchExpression, type SqlFragment, type TableSpec } from './filter-sql.js';

/** Rows read per term, best first; a term matching more rows in the scope is common and weighs little. */
const ROWS_PER_TERM = 2000;

/** FTS5's IDF: ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6 for terms in more than half the rows. */
function idf(rows: number, matching: number): number {
  return Math.max(1e-6, Math.log((rows - matching + 0.5) / (matching + 0.5)));
}

/**
 * The best `query.limit` rows of `spec.table` for the OR of `query.terms` within the filter (and
 * `extra`), as row sequence numbers with their BM25 scores, best first.
 */
export function scopedBm25(db: SqliteDatabase, spec: TableSpec, query: KeywordQuery, extra?: SqlFragment): { seq: number; score: number }[] {
  const terms = [...new Set(query.terms.filter((term) => term.trim() !== ''))];
  if (terms.length === 0 || query.limit <= 0) return [];
  const filter = compileFilter(query.filter, spec.timeColumn, 't');
  const where = [filter.sql, ...(extra ? [extra.sql] : [])].join(' AND ');
  const params = [...filter.params, ...(extra ? extra.params : [])];

  const count = (sql: string, ...args: unknown[]) => (db.statement(sql).get(...args) as { n: number }).n;
  const tableRows = count(`SELECT count(*) AS n FROM ${spec.table}`);
  const scopeRows = count(`SELECT count(*) AS n FROM ${spec.table} t WHERE ${where}`, ...params);
  const scores = new Map<number, number>();

  for (const term of terms) {
    const match = matchExpression([term])!;
    const tableMatches = count(`SELECT count(*) AS n FROM ${spec.fts} WHERE ${spec.fts} MATCH ?`, match);
    if (tableMatches === 0) continue;
    const rows = db
      .statement(
        `SELECT t.seq AS seq, bm25(${spec.fts}) AS rank FROM ${spec.fts} JOIN ${spec.table} t ON t.seq = ${spec.fts}.rowid
         WHERE ${spec.fts} MATCH ? AND ${where} ORDER BY rank ASC LIMIT ?`,
      )
      .all(match, ...params, ROWS_PER_TERM) as { seq: number; rank: number }[];
    if (rows.length === 0) continue;
    const scopeMatches =
      rows.length < ROWS_PER_TERM
        ? rows.length
        : count(`SELECT count(*) AS n FROM ${spec.fts} JOIN ${spec.table} t ON t.seq = ${spec.fts}.rowid WHERE ${spec.fts} MATCH ? AND ${where}`, match, ...params);
    const reweight = idf(scopeRows, scopeMatches) / idf(tableRows, tableMatches);
    for (const { seq, rank } of rows) scores.set(seq, (scores.get(seq) ?? 0) - rank * reweight);
  }
  return [...scores]
    .map(([seq, score]) => ({ seq, score }))
    .sort((a, b) => b.score - a.score || a.seq - b.seq)
    .slice(0, query.limit);
}

/** The rows behind `scopedBm25` hits, in hit order, each with its score. */
export function scoredRows<Row>(db: SqliteDatabase, table: TableSpec['table'], hits: { seq: number; score: number }[]): { row: Row; score: number }[] {
  if (hits.length === 0) return [];
  const rows = db.statement(`SELECT * FROM ${table} WHERE seq IN (${hits.map(() => '?').join(', ')})`).all(...hits.map((hit) => hit.seq)) as (Row & { seq: number })[];
  const bySeq = new Map(rows.map((row) => [row.seq, row as Row]));
  return hits.flatMap((hit) => {
    const row = bySeq.get(hit.seq);
    return row ? [{ row, score: hit.score }] : [];
  });
}
