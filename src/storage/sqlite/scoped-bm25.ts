// BM25 with the statistics of the scope being searched (DESIGN §5), at a cost that follows the
// scope, not the table. FTS5's bm25() takes its record count, average length and document
// frequencies from the whole table, so one namespace's ranking would shift with what other
// namespaces store (and would hint at their vocabulary); and ranking every match of a common
// term costs microseconds per match. So:
// 1. the query terms are read by FTS5's tokenizer, and the scope's statistics looked up
//    (keyword-stats.ts: record count, total length, each term's document frequency);
// 2. candidates: terms that no record of the scope holds are dropped; the others, rarest first,
//    give their matches within the scope (FTS5 intersects the scope's tokens in the MATCH itself,
//    keyword-stats-schema.ts, unless the scope is the whole table), each match credited with the
//    term's IDF, until MATCH_BUDGET
//    matches are read (the term that reaches it gives its first matches in storage order). Common terms past the
//    budget still count in the scores below; they only nominate no candidates;
// 3. the CANDIDATES records with the most IDF credit that pass the rest of the filter are scored
//    with exact BM25: the scope's statistics, and their term frequencies and lengths as FTS5
//    tokenizes them (term-probe.ts), the filter checked as their text is loaded for it.
// A record outside the candidates is not ranked in.

import type { KeywordQuery } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { compileFilter, matchExpression, scopeFilter, type SqlFragment, type StoreScope, type TableSpec } from './filter-sql.js';
import { scopeMatch } from './keyword-stats-schema.js';
import { scopeStatistics } from './keyword-stats.js';
import { probeRecords, tokenizeTerms, type Probe, type Sql } from './term-probe.js';
import { recordColumns } from './rows.js';

/** Records scored exactly: more than asked for, so that the exact scores can reorder them. */
const candidates = (limit: number) => Math.max(200, limit * 2);
/** Matches within the scope read to nominate candidates, summed over the terms read. */
export const MATCH_BUDGET = 4_000;
/** A list of sequence numbers bound as one JSON array: one statement text whatever the list's length, so the statement cache keeps it. */
const SEQS = '(SELECT value FROM json_each(?))';
/** FTS5's bm25() parameters. */
const K1 = 1.2;
const B = 0.75;

/** FTS5's IDF: ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6 for terms in more than half the rows. */
function idf(rows: number, matching: number): number {
  return Math.max(1e-6, Math.log((rows - matching + 0.5) / (matching + 0.5)));
}

interface Term {
  text: string;
  tokens: string[];
  frequency: number;
  weight: number;
}

/**
 * The best `query.limit` rows of `spec.table` for the OR of `query.terms` within the filter (and
 * `extra`), as row sequence numbers with their BM25 scores, best first.
 */
export function scopedBm25(db: SqliteDatabase, spec: TableSpec, query: KeywordQuery, extra?: SqlFragment): { seq: number; score: number }[] {
  const texts = [...new Set(query.terms.filter((term) => term.trim() !== ''))];
  if (texts.length === 0 || query.limit <= 0) return [];
  return db.run(`${spec.table}.search`, (connection) => {
    const sql: Sql = { connection, statement: (text) => db.statement(text) };
    const tokens = tokenizeTerms(sql, texts);
    const words = [...new Set(tokens.filter((t) => t.length === 1).map((t) => t[0]!))];
    // The scope the statistics and the scope tokens know: a memory's session is provenance, not
    // scope (its session column is NULL), so a memory filter's session is left to the filter below.
    const { namespace, userId, agentId, sessionId } = query.filter;
    const scope = { namespace, userId, agentId, sessionId: spec.table === 'episodes' ? sessionId : undefined };
    const stats = scopeStatistics(db, spec.table, scope, words);
    if (stats.docs === 0) return [];
    // A scope that is the whole table needs no scope token: its terms' doclists are the scope's.
    const inScope = wholeTable(db, spec, scope, stats.docs) ? '' : ` AND ${scopeMatch(scope)}`;
    const terms: Term[] = texts
      .map((text, n) => {
        const phrase = tokens[n]!;
        const frequency = phrase.length === 0 ? 0 : phrase.length === 1 ? (stats.frequency.get(phrase[0]!) ?? 0) : countMatches(db, spec, `content : ${matchExpression([text])}${inScope}`);
        return { text, tokens: phrase, frequency, weight: idf(stats.docs, frequency) };
      })
      .filter((term) => term.frequency > 0)
      .sort((a, b) => a.frequency - b.frequency);
    if (terms.length === 0) return [];

    const lists: number[][] = [];
    let budget = MATCH_BUDGET;
    for (const term of terms) {
      if (budget <= 0) break;
      const matches = matchesOf(db, spec, `content : ${matchExpression([term.text])}${inScope}`, budget);
      budget -= matches.length;
      lists.push(matches);
    }
    const ranked = rankByCredit(lists, terms.map((term) => term.weight));
    if (ranked.length === 0) return [];

    // The candidates are the first `count` of `ranked` that pass the filter (and `extra`): the
    // probe loads them in order, slice by slice, through the filter.
    const count = candidates(query.limit);
    const filter = compileFilter(query.filter, spec.table, 't');
    const where = [filter.sql, ...(extra ? [extra.sql] : [])].join(' AND ');
    const params = [...filter.params, ...(extra ? extra.params : [])];
    const load = db.statement(`INSERT INTO temp.keyword_probe (rowid, content) SELECT t.seq, t.content FROM ${spec.table} t NOT INDEXED WHERE ${where} AND t.seq IN ${SEQS}`);
    let read = 0;
    const probe = probeRecords(sql, [...new Set(terms.flatMap((term) => term.tokens))], () => {
      // The first slice is as many as are wanted, as when every one passes; then as many as the share
      // passing so far says are missing (at most twice the candidates), so that few are tokenized in vain.
      for (let loaded = 0; read < ranked.length && loaded < count; ) {
        const size = read === 0 ? count : Math.min(count * 2, Math.ceil(((count - loaded) * read) / Math.max(loaded, 1)));
        const slice = ranked.slice(read, read + size);
        read += slice.length;
        loaded += load.run(...params, JSON.stringify(slice)).changes;
      }
    });
    const pool: number[] = [];
    for (let at = 0; at < read && pool.length < count; at++) if (probe.lengths.has(ranked[at]!)) pool.push(ranked[at]!);
    return pool
      .map((seq) => ({ seq, score: score(probe, seq, terms, stats.averageLength) }))
      .sort((a, b) => b.score - a.score || a.seq - b.seq)
      .slice(0, query.limit);
  });
}

/** BM25 of one record: per term, its IDF in the scope times its saturated, length-normalised frequency. */
function score(probe: Probe, seq: number, terms: Term[], averageLength: number): number {
  const length = probe.lengths.get(seq) ?? 0;
  const norm = K1 * (1 - B + (B * length) / (averageLength || 1));
  let total = 0;
  for (const term of terms) {
    const tf = probe.frequency(seq, term.tokens);
    if (tf > 0) total += (term.weight * tf * (K1 + 1)) / (tf + norm);
  }
  return total;
}

/**
 * The records of `lists` (each term's matches read, in storage order), ranked by their IDF credit,
 * the sum of the `weights` of the terms they were read with, most first, then latest first. The
 * lists are merged, each record's credit summed in term order; records of equal credit are grouped.
 */
function rankByCredit(lists: number[][], weights: number[]): number[] {
  const at = lists.map(() => 0);
  const byCredit = new Map<number, number[]>();
  for (;;) {
    let low = Infinity;
    for (const [n, list] of lists.entries()) if (at[n]! < list.length && list[at[n]!]! < low) low = list[at[n]!]!;
    if (low === Infinity) break;
    let credit = 0;
    for (const [n, list] of lists.entries()) {
      if (list[at[n]!] === low) {
        credit += weights[n]!;
        at[n]!++;
      }
    }
    const group = byCredit.get(credit);
    if (group) group.push(low);
    else byCredit.set(credit, [low]);
  }
  const ranked: number[] = [];
  for (const credit of [...byCredit.keys()].sort((a, b) => b - a)) {
    const group = byCredit.get(credit)!;
    for (let i = group.length - 1; i >= 0; i--) ranked.push(group[i]!);
  }
  return ranked;
}

/** Integers of a comma-separated list (group_concat's), without a string per number; sorted, should they not come in order. */
function parseSeqs(list: string): number[] {
  const out: number[] = [];
  let value = 0;
  let sign = 1;
  let ordered = true;
  for (let i = 0; i <= list.length; i++) {
    const c = i < list.length ? list.charCodeAt(i) : 44;
    if (c === 44) {
      const seq = sign * value;
      if (out.length > 0 && seq <= out[out.length - 1]!) ordered = false;
      out.push(seq);
      value = 0;
      sign = 1;
    } else if (c === 45) sign = -1;
    else value = value * 10 + (c - 48);
  }
  return ordered ? out : [...new Set(out)].sort((a, b) => a - b);
}

/**
 * Sequence numbers of the first `count` records matching `match` (which carries the scope's tokens),
 * in storage order: FTS5 reads a doclist backwards only after loading it whole, the scope token's included.
 */
function matchesOf(db: SqliteDatabase, spec: TableSpec, match: string, count: number): number[] {
  const list = (
    db.statement(`SELECT group_concat(rowid) AS seqs FROM (SELECT rowid FROM ${spec.fts} WHERE ${spec.fts} MATCH ? LIMIT ?)`).get(match, count) as {
      seqs: string | null;
    }
  ).seqs;
  return list === null ? [] : parseSeqs(list);
}

/** How many records match `match`: a term FTS5 reads as a phrase of several tokens, which the statistics do not count. */
function countMatches(db: SqliteDatabase, spec: TableSpec, match: string): number {
  return (db.statement(`SELECT count(*) AS n FROM ${spec.fts} WHERE ${spec.fts} MATCH ?`).get(match) as { n: number }).n;
}

/** Scope rows of a tier summed to tell whether one user's scope is the whole table; past this many, it is taken not to be. */
const SCOPE_ROWS_SUMMED = 256;

/**
 * Whether the filter's scope (of `docs` records) is the whole table. A namespace alone: the only
 * one stored, by two index seeks (min and max in one SELECT would walk the whole index). One user
 * of a namespace: the statistics of every scope of the table (a few rows when it is one user's)
 * add up to the user's own. Either way the records read back are the scope's only (the probe and
 * `scoredRows` read through the scope filter), so the answer speeds the search and bounds nothing.
 */
function wholeTable(db: SqliteDatabase, spec: TableSpec, filter: KeywordQuery['filter'], docs: number): boolean {
  if (filter.agentId !== undefined || filter.sessionId !== undefined) return false;
  const range = db.statement(`SELECT (SELECT min(namespace) FROM ${spec.table}) AS low, (SELECT max(namespace) FROM ${spec.table}) AS high`).get() as {
    low: string | null;
    high: string | null;
  };
  if (range.low !== filter.namespace || range.high !== filter.namespace) return false;
  if (filter.userId === undefined) return true;
  const total = db
    .statement('SELECT count(*) AS rows, ifnull(sum(docs), 0) AS docs FROM (SELECT docs FROM keyword_scopes WHERE tier = ? LIMIT ?)')
    .get(spec.table, SCOPE_ROWS_SUMMED + 1) as { rows: number; docs: number };
  return total.rows <= SCOPE_ROWS_SUMMED && total.docs === docs;
}

/** The rows behind `scopedBm25` hits (found within `scope`), in hit order, each with its score. */
export function scoredRows<Row>(db: SqliteDatabase, table: TableSpec['table'], scope: StoreScope, hits: { seq: number; score: number }[]): { row: Row; score: number }[] {
  if (hits.length === 0) return [];
  const where = scopeFilter({ namespace: scope.namespace, userId: scope.userId }, 't');
  // NOT INDEXED: by sequence number, never by walking the namespace's index (which the planner picks from five ids up).
  const rows = db
    .statement(`SELECT ${recordColumns(table, 't')} FROM ${table} t NOT INDEXED WHERE ${where.sql} AND t.seq IN ${SEQS}`)
    .all(...where.params, JSON.stringify(hits.map((hit) => hit.seq))) as (Row & { seq: number })[];
  const bySeq = new Map(rows.map((row) => [row.seq, row as Row]));
  return hits.flatMap((hit) => {
    const row = bySeq.get(hit.seq);
    return row ? [{ row, score: hit.score }] : [];
  });
}
