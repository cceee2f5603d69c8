// The RetentionStore contract on the real PostgreSQL server, its per-scope keyword counts checked
// against a recount from the rows left.
import { describe, it } from 'vitest';
import { runRetentionStoreContract } from '../retention-store.case.test.js';
import { PgEpisodeStore } from './episode-store.js';
import { PgRetentionStore } from './retention-store.js';
import { PgSemanticStore } from './semantic-store.js';
import { postgresReachable, realPostgres, servicesRequired } from './test-databases.js';
import { PgVectorStore } from './vector-store.js';

const COUNTS = `SELECT tier, scope_key, sum(docs)::int AS docs, sum(tokens)::int AS tokens FROM keyword_scope_counts
  GROUP BY tier, scope_key HAVING sum(docs) <> 0 OR sum(tokens) <> 0 ORDER BY 1, 2`;
const RECOUNT = ['episodes', 'memories']
  .map((table) => `SELECT '${table}' AS tier, jsonb_build_array(namespace, user_id, agent_id, session_id)::text AS scope_key, count(*)::int AS docs, sum(search_length)::int AS tokens FROM ${table} GROUP BY 1, 2`)
  .join(' UNION ALL ')
  .concat(' ORDER BY 1, 2');

const reachable = await postgresReachable();
describe.runIf(servicesRequired && !reachable)('postgres retention (server required)', () => {
  it('reaches PostgreSQL', () => {
    throw new Error('MEMOS_REQUIRE_SERVICES=1 but PostgreSQL is not reachable');
  });
});

if (reachable) {
  runRetentionStoreContract('postgres', async () => {
    const { db, clock, close } = await realPostgres();
    return {
      stores: { episodes: new PgEpisodeStore(db), memories: new PgSemanticStore(db, clock), vectors: new PgVectorStore(db, clock), retention: new PgRetentionStore(db) },
      clock,
      keywordStats: async () => ({ stored: await db.query('test', COUNTS), recounted: await db.query('test', RECOUNT) }),
      async historyRows(memoryId) {
        const [row] = await db.query<{ n: number }>('test', 'SELECT count(*)::int AS n FROM memory_history WHERE memory_id = $1', [memoryId]);
        return row!.n;
      },
      close,
    };
  });
}
