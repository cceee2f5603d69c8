// The RetentionStore contract on the real PostgreSQL server, its per-scope keyword counts checked
// against a recount from the rows left.
import { describe, it } from 'vitest';
import { runRetentionStoreContract } from '../retention-store.case.test.js';
import { PgEpisodeStore } from './episode-store.js';
import { PgRetentionStore } from './retention-store.js';
import { PgSemanticStore } from './semantic-store.js';
import { postgresReachable, realPostgres, servicesRequired } from './test-databases.js';
import { PgVectorStore } from './vector-store.js';
import { KEYWORD_COUNTS, KEYWORD_RECOUNT } from '../../../test/support/pg-keyword-counts.js';

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
      keywordStats: async () => ({ stored: await db.query('test', KEYWORD_COUNTS), recounted: await db.query('test', KEYWORD_RECOUNT) }),
      async historyRows(memoryId) {
        const [row] = await db.query<{ n: number }>('test', 'SELECT count(*)::int AS n FROM memory_history WHERE memory_id = $1', [memoryId]);
        return row!.n;
      },
      close,
    };
  });
}
