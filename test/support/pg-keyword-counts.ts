// The per-scope keyword counts of PostgreSQL (keyword_scope_counts, summed per scope tuple) and the
// same figures recounted from the stored records: tests compare the two after writes and removals.

export const KEYWORD_COUNTS = `SELECT tier, scope_key, sum(docs)::int AS docs, sum(tokens)::int AS tokens FROM keyword_scope_counts
  GROUP BY tier, scope_key HAVING sum(docs) <> 0 OR sum(tokens) <> 0 ORDER BY 1, 2`;

export const KEYWORD_RECOUNT = ['episodes', 'memories']
  .map((table) => `SELECT '${table}' AS tier, jsonb_build_array(namespace, user_id, agent_id, session_id)::text AS scope_key, count(*)::int AS docs, sum(search_length)::int AS tokens FROM ${table} GROUP BY 1, 2`)
  .join(' UNION ALL ')
  .concat(' ORDER BY 1, 2');
