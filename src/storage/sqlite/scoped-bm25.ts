// BM25 with the statistics of the scope being searched (DESIGN §5). FTS5's bm25() takes its
// document count, average length and document frequencies from the whole table, so one
// namespace's ranking would shift with what other namespaces store (and would hint at their
// vocabulary). Here FTS5 picks the candidates; then each candidate is scored again with the
// scope's statistics, which the write path keeps (keyword-stats.ts): the document count, the
// average length and each term's document frequency of the scope, read with a few index seeks
// whatever the size of the table. A candidate's term frequencies and length are FTS5's own, read
// back by tokenizing its text in a scratch FTS5 table with the same tokenizer (term-probe.ts).
// A record outside the candidates is not ranked in.

import type { KeywordQuery } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { compileFilter, matchExpression, scopeFilter, type SqlFragment, type StoreScope, type TableSpec } from './filter-sql.js';
import { scopeStatistics } from './keyword-stats.js';
import { probeTerms, type Probe } from './term-probe.js';

/** Candidates ranked by FTS5 before scoring them again: more than asked for, so that it can reorder. */
const candidatePool = (limit: number) => Math.max(200, limit * 4);
/** FTS5's bm25() parameters. */
const K1 = 1.2;
const B = 0.75;

/** FTS5's IDF: ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6 for terms in more than half the rows. */
function idf(rows: number, matching: number): number {
  return Math.max(1e-6, Math.log((rows - matching + 0.5) / (matching + 0.5)));
}

/**
 * The best `query.limit` rows of `spec.table` for the OR of `query.terms` within the filter (and
 * `extra`), as row sequence numbers with their BM25 scores, best first. FTS5 ranks the candidates;
 * unless the scope is the whole table, they are scored again with the scope's statistics.
 */
export function scopedBm25(db: SqliteDatabase, spec: TableSpec, query: KeywordQuery, extra?: SqlFragment): { seq: number; score: number }[] {
  const terms = [...new Set(query.terms.filter((term) => term.trim() !== ''))];
  const match = matchExpression(terms);
  if (match === null || query.limit <= 0) return [];
  const filter = compileFilter(query.filter, spec.timeColumn, 't');
  const where = [filter.sql, ...(extra ? [extra.sql] : [])].join(' AND ');
  const params = [...filter.params, ...(extra ? extra.params : [])];
  const candidates = db
    .statement(
      `SELECT t.seq AS seq, bm25(${spec.fts}) AS rank FROM ${spec.fts} JOIN ${spec.table} t ON t.seq = ${spec.fts}.rowid
       WHERE ${spec.fts} MATCH ? AND ${where} ORDER BY rank ASC, t.seq ASC LIMIT ?`,
    )
    .all(match, ...params, candidatePool(query.limit)) as { seq: number; rank: number }[];
  if (candidates.length === 0) return [];
  if (wholeTable(db, spec, query)) return candidates.slice(0, query.limit).map(({ seq, rank }) => ({ seq, score: -rank }));

  const seqs = candidates.map(({ seq }) => seq);
  const probe = probeTerms(db, spec.table, query.filter, terms, seqs);
  const single = [...new Set(probe.tokens.filter((tokens) => tokens.length === 1).map((tokens) => tokens[0]!))];
  const stats = scopeStatistics(db, spec.table, query.filter, single);
  if (stats.docs === 0) return [];
  const frequencyOf = (tokens: string[], term: string) =>
    tokens.length === 1 ? (stats.frequency.get(tokens[0]!) ?? 0) : phraseFrequency(db, spec, query, term);
  const weights = probe.tokens.map((tokens, n) => (tokens.length === 0 ? 0 : idf(stats.docs, frequencyOf(tokens, terms[n]!))));
  return seqs
    .map((seq) => ({ seq, score: score(probe, seq, weights, stats.averageLength) }))
    .sort((a, b) => b.score - a.score || a.seq - b.seq)
    .slice(0, query.limit);
}

/** BM25 of one candidate: per term, its IDF in the scope times its saturated, length-normalised frequency. */
function score(probe: Probe, seq: number, weights: number[], averageLength: number): number {
  const length = probe.lengths.get(seq) ?? 0;
  const norm = K1 * (1 - B + (B * length) / (averageLength || 1));
  let total = 0;
  probe.tokens.forEach((tokens, n) => {
    const tf = probe.frequency(seq, tokens);
    if (tf > 0) total += (weights[n]! * tf * (K1 + 1)) / (tf + norm);
  });
  return total;
}

/**
 * How many records of the scope hold a term that FTS5 reads as a phrase of several tokens (a
 * query term never is one when it comes from keywordTerms): counted over its matches, the one
 * case whose cost follows the table.
 */
function phraseFrequency(db: SqliteDatabase, spec: TableSpec, query: KeywordQuery, term: string): number {
  const { namespace, userId, agentId, sessionId } = query.filter;
  const scope = compileFilter({ namespace, userId, agentId, sessionId }, spec.timeColumn, 't');
  return (
    db
      .statement(`SELECT count(*) AS n FROM ${spec.fts} JOIN ${spec.table} t ON t.seq = ${spec.fts}.rowid WHERE ${spec.fts} MATCH ? AND ${scope.sql}`)
      .get(matchExpression([term]), ...scope.params) as { n: number }
  ).n;
}

/**
 * Whether the filter's scope is the whole table (a namespace alone, and the only one stored), so
 * that FTS5's statistics are already the scope's; two index seeks.
 */
function wholeTable(db: SqliteDatabase, spec: TableSpec, query: KeywordQuery): boolean {
  const { namespace, userId, agentId, sessionId } = query.filter;
  if (userId !== undefined || agentId !== undefined || sessionId !== undefined) return false;
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
