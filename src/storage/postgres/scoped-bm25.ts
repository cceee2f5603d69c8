// BM25 in SQL with the statistics of the scope being searched (DESIGN §5), as embedded SQLite
// counts them (sqlite/keyword-stats.ts): the scope is the namespace and whichever user, agent and
// (for episodes) session ids the filter sets, and its record count N, average document length and each term's
// document frequency are all of that scope, over every stored record of it (expired memories
// included until they are deleted). Kinds, time ranges, metadata, a memory's session (provenance,
// not scope), validity, slot and conflict marks, and `extra` (live memories only) narrow the
// results, never the statistics, so that a narrower filter ranks its records the same.
// One namespace's ranking never moves with what other namespaces or users store (nor hints at their
// vocabulary). Same formula and constants as FTS5's bm25(): k1 = 1.2, b = 0.75 and
// IDF = ln((N − n + 0.5) / (n + 0.5)), floored at 1e-6 so that a term in more than half the scope
// still scores above zero.
//
// Cost: the scope's rows matching any term (through the GIN index, or a user's index), and for each
// its tsvector cut down to the query's lexemes, for their frequencies (and whether it passes the
// filter). N and the average length come from the counts the writes keep per scope tuple
// (keyword-scope-counts.ts), a few index rows, not from a pass over the scope's records.

import type { KeywordQuery } from '../../core/types.js';
import { FOLD_ACCENTS } from './migrations.js';
import { compileFilter, SqlParams, type ExtraCondition, type TableSpec } from './pg-filter-sql.js';
import { keywordMatchesFunction } from './row-security.js';

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
  const { namespace, userId, agentId, sessionId } = query.filter;
  const memories = spec.table === 'memories';
  const scope = compileFilter({ namespace, userId, agentId, ...(memories ? {} : { sessionId }) }, spec, params, 't');
  const narrowed = narrows(query.filter, memories) || extra !== undefined;
  const passes = narrowed ? [compileFilter(query.filter, spec, params, 't'), ...(extra ? [extra(params, 't')] : [])].join(' AND ') : 'true';
  // The rows of the scope matching any term. Without row-level security, a condition on the table
  // itself: the planner intersects the GIN index with the scope's. Under it (where `@@` is applied
  // after the policy, so it could not use the index): for a user's scope, the user's rows through
  // their index, each tested with `@@` (a cost that follows the user's records, not the matches of
  // the whole table); for a namespace, the table's keyword-match function, which returns the
  // matching rows of the transaction's scope through the GIN index (row-security.ts).
  const byFunction = options.rowSecurity === true && userId === undefined;
  const matching = byFunction ? `lexemes l CROSS JOIN LATERAL ${keywordMatchesFunction(spec.table)}(l.query) AS t` : `lexemes l CROSS JOIN ${spec.table} t`;
  const matches = byFunction ? '' : ' AND t.search @@ l.query';
  // Each term is tokenised and stemmed as documents are; its lexemes are the units BM25 scores.
  // The tsquery is built from the lexemes' quoted text form, so they are not stemmed a second time.
  // A matching row's term frequencies are read from its tsvector cut down to the query's lexemes
  // (marked with weight A, then filtered on it) rather than from every lexeme it holds. Every
  // matching row of the scope counts in its terms' document frequencies; only those that pass the
  // filter are ranked, and the best `limit` of them joined back for their columns.
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
      SELECT t.seq, t.search_length::float8 AS dl, hit.lexeme, cardinality(hit.positions)::float8 AS tf, ${passes} AS passes
      FROM ${matching}
        CROSS JOIN LATERAL unnest(ts_filter(setweight(t.search, 'A', l.list), '{a}')) AS hit
      WHERE ${scope}${matches}
    ),
    -- The scope's record count and average length: the sum of its tuples' counts (keyword-scope-counts.ts).
    scope AS (
      SELECT sum(t.docs)::float8 AS n, (sum(t.tokens) / nullif(sum(t.docs), 0))::float8 AS avgdl FROM keyword_scope_counts t
      WHERE t.tier = '${spec.table}' AND ${scope}
    ),
    df AS (SELECT lexeme, count(*)::float8 AS n FROM matched GROUP BY lexeme),
    best AS (
      SELECT m.seq, sum(
        greatest(1e-6, ln((s.n - df.n + 0.5) / (df.n + 0.5)))
        * m.tf * ${K1 + 1} / (m.tf + ${K1} * (${1 - B} + ${B} * m.dl / s.avgdl))
      ) AS score
      FROM matched m JOIN df USING (lexeme) CROSS JOIN scope s
      GROUP BY m.seq
      HAVING bool_and(m.passes)
      ORDER BY score DESC, m.seq ASC
      LIMIT ${params.add(query.limit)}
    )
    SELECT ${select}, best.score
    FROM best JOIN ${spec.table} r ON r.seq = best.seq
    ORDER BY best.score DESC, r.seq ASC`;
  return { sql, params: params.values };
}

/** Whether the filter narrows its scope further (kinds, a time range, metadata; for memories, a session, validity, slot or conflict marks). */
function narrows(filter: KeywordQuery['filter'], memories: boolean): boolean {
  const memoryOnly = memories && (filter.sessionId !== undefined || filter.validAt !== undefined || filter.key !== undefined || filter.conflicted !== undefined);
  return memoryOnly || (filter.kinds?.length ?? 0) > 0 || filter.from !== undefined || filter.to !== undefined || Object.keys(filter.metadata ?? {}).length > 0;
}
