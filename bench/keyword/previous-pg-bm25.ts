// BM25 in SQL with the statistics of the scope being searched: the row count N, the average
// document length and each term's document frequency are all counted within the filter, so that
// one namespace's ranking never moves with what other namespaces store (nor hints at their
// vocabulary). Same formula and constants as SQLite's FTS5 bm25(): k1 = 1.2, b = 0.75 and
// IDF = ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6 so that a term in more than half the scope
// still scores above zero.
//
// Cost: one pass over the scope's rows for N and the average length (an index-only scan of
// `episodes_timeline` for a namespace-wide search), the GIN index for the rows matching any term,
// and for each matching row its tsvector cut down to the query's lexemes, for their frequencies.

import type { KeywordQuery } from '../../src/core/types.js';
import { FOLD_ACCENTS } from '../../src/storage/postgres/migrations.js';
import { compileFilter, SqlParams, type ExtraCondition, type TableSpec } from '../../src/storage/postgres/pg-filter-sql.js';
import { keywordMatchesFunction } from '../../src/storage/postgres/row-security.js';

const K1 = 1.2;
const B = 0.75;

/**
 * A statement returning the best `query.limit` rows of `spec.table` for the OR of `query.terms`
 * within the filter, each with the columns of `select` (over alias `r`) and its `score`, best
 * first, ties in insertion order. `extra` narrows the scope further (e.g. live memories only).
 * Null when there is nothing to search for.
 */
export function scopedBm25Sql(
  spec: TableSpec,
  query: KeywordQuery,
  select: string,
  extra?: ExtraCondition,
  options: { rowSecurity?: boolean } = {},
): { sql: string; params: unknown[] } | null {
  const terms = [...new Set(query.terms.filter((term) => term.trim() !== ''))];
  if (terms.length === 0 || query.limit <= 0) return null;
  const params = new SqlParams();
  const termsParam = params.add(terms);
  const where = [compileFilter(query.filter, spec, params, 't'), ...(extra ? [extra(params, 't')] : [])].join(' AND ');
  // The rows matching any term, through the GIN index: a condition on the table itself, or under
  // row-level security (where `@@` could not use the index) the table's keyword-match function,
  // which returns the matching rows of the transaction's scope (row-security.ts).
  const matching = options.rowSecurity
    ? `lexemes l CROSS JOIN LATERAL ${keywordMatchesFunction(spec.table)}(l.query) AS t`
    : `lexemes l CROSS JOIN ${spec.table} t`;
  const matches = options.rowSecurity ? '' : ' AND t.search @@ l.query';
  // Each term is tokenised and stemmed as documents are; its lexemes are the units BM25 scores.
  // The tsquery is built from the lexemes' quoted text form, so they are not stemmed a second time.
  // A matching row's term frequencies are read from its tsvector cut down to the query's lexemes
  // (marked with weight A, then filtered on it) rather than from every lexeme it holds, and only
  // the best `limit` rows are joined back for their columns.
  const sql = `
    WITH lexemes AS MATERIALIZED (
      SELECT array_agg(lexeme) AS list, string_agg(array_to_tsvector(ARRAY[lexeme])::text, ' | ')::tsquery AS query
      FROM (
        SELECT DISTINCT lexeme
        FROM unnest(${termsParam}::text[]) AS term,
          unnest(tsvector_to_array(to_tsvector('memos_english', ${FOLD_ACCENTS('term')}))) AS lexeme
      ) AS distinct_lexemes
    ),
    matched AS MATERIALIZED (
      SELECT t.seq, t.search_length::float8 AS dl, hit.lexeme, cardinality(hit.positions)::float8 AS tf
      FROM ${matching}
        CROSS JOIN LATERAL unnest(ts_filter(setweight(t.search, 'A', l.list), '{a}')) AS hit
      WHERE ${where}${matches}
    ),
    -- The scope is counted only when something matched: a query that finds nothing skips the pass.
    scope AS (
      SELECT count(*)::float8 AS n, avg(t.search_length)::float8 AS avgdl FROM ${spec.table} t
      WHERE ${where} AND EXISTS (SELECT FROM matched)
    ),
    df AS (SELECT lexeme, count(*)::float8 AS n FROM matched GROUP BY lexeme),
    best AS (
      SELECT m.seq, sum(
        greatest(1e-6, ln((s.n - df.n + 0.5) / (df.n + 0.5)))
        * m.tf * ${K1 + 1} / (m.tf + ${K1} * (${1 - B} + ${B} * m.dl / s.avgdl))
      ) AS score
      FROM matched m JOIN df USING (lexeme) CROSS JOIN scope s
      GROUP BY m.seq
      ORDER BY score DESC, m.seq ASC
      LIMIT ${params.add(query.limit)}
    )
    SELECT ${select}, best.score
    FROM best JOIN ${spec.table} r ON r.seq = best.seq
    ORDER BY best.score DESC, r.seq ASC`;
  return { sql, params: params.values };
}
