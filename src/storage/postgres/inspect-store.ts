// Counts for operators in server mode. Namespaces and users are read from the keyword statistics
// (keyword_scope_counts: deltas per exact scope, kept by every write, summed here), so that listing
// them never walks the records; expired memories, which those rows still count until the sweep
// removes them, are taken off through the expiry index. Listing namespaces spans them all by design
// and runs as the connecting role, like the metrics' record counts (PgDatabase.query); everything
// else runs in the tenant scope asked for, under row-level security. Bytes are
// pg_total_relation_size of every table of the schema (indexes and TOAST included).
import type { Clock } from '../../core/clock.js';
import type { InspectScope, InspectStore, NamespaceCounts, StorageBytes, StoredStats, UserCounts, UserPageQuery } from '../../core/ports.js';
import { tierCensus, type CensusRow } from '../inspect-census.js';
import type { PgDatabase } from './pg-database.js';

type Count = string | number;

const NAMESPACES = `WITH scopes AS (
    SELECT tier, namespace, user_id, sum(docs) AS docs FROM keyword_scope_counts
    WHERE tier IN ('episodes', 'memories') GROUP BY tier, namespace, user_id HAVING sum(docs) > 0
  )
  SELECT namespace, coalesce(sum(docs) FILTER (WHERE tier = 'episodes'), 0) AS episodes,
    coalesce(sum(docs) FILTER (WHERE tier = 'memories'), 0) AS memories, count(DISTINCT user_id) AS users
  FROM scopes GROUP BY namespace ORDER BY namespace`;
const EXPIRED_BY_NAMESPACE = 'SELECT namespace, count(*) AS n FROM memories WHERE expires_at IS NOT NULL AND expires_at <= $1 GROUP BY namespace';

const census = (table: 'episodes' | 'memories', extra = '') => `SELECT kind, embedding_status AS status, embedding_model AS model,
  embedding_dim AS dims, count(*) AS n, min(created_at) AS oldest, max(created_at) AS newest
  FROM ${table} WHERE namespace = $1 AND ($2::text IS NULL OR user_id = $2)${extra}
  GROUP BY kind, embedding_status, embedding_model, embedding_dim`;

export class PgInspectStore implements InspectStore {
  readonly #db: PgDatabase;
  readonly #clock: Clock;

  constructor(db: PgDatabase, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  async namespaces(): Promise<NamespaceCounts[]> {
    const [rows, expired] = await Promise.all([
      this.#db.query<{ namespace: string; episodes: Count; memories: Count; users: Count }>('inspect.namespaces', NAMESPACES),
      this.#db.query<{ namespace: string; n: Count }>('inspect.namespaces', EXPIRED_BY_NAMESPACE, [new Date(this.#clock.now())]),
    ]);
    const gone = new Map(expired.map((row) => [row.namespace, Number(row.n)]));
    return rows.map((row) => ({
      namespace: row.namespace,
      episodes: Number(row.episodes),
      memories: Number(row.memories) - (gone.get(row.namespace) ?? 0),
      users: Number(row.users),
    }));
  }

  async users(query: UserPageQuery): Promise<{ items: UserCounts[]; next?: string }> {
    const sql = `SELECT user_id AS "userId", coalesce(sum(docs) FILTER (WHERE tier = 'episodes'), 0) AS episodes,
        coalesce(sum(docs) FILTER (WHERE tier = 'memories'), 0) AS memories
      FROM keyword_scope_counts
      WHERE tier IN ('episodes', 'memories') AND namespace = $1 AND user_id IS NOT NULL
        AND ($2::text IS NULL OR user_id > $2) AND ($3::text IS NULL OR user_id = $3)
      GROUP BY user_id HAVING sum(docs) > 0 ORDER BY user_id LIMIT $4`;
    return this.#db.tenant({ namespace: query.namespace, userId: query.userId }, 'inspect.users', async (tx) => {
      const rows = await tx.query<{ userId: string; episodes: Count; memories: Count }>(sql, [query.namespace, query.after ?? null, query.userId ?? null, query.limit + 1]);
      const page = rows.slice(0, query.limit);
      const expired =
        page.length === 0
          ? []
          : await tx.query<{ userId: string; n: Count }>(
              `SELECT user_id AS "userId", count(*) AS n FROM memories
               WHERE namespace = $1 AND expires_at IS NOT NULL AND expires_at <= $2 AND user_id = ANY($3::text[]) GROUP BY user_id`,
              [query.namespace, new Date(this.#clock.now()), page.map((row) => row.userId)],
            );
      const gone = new Map(expired.map((row) => [row.userId, Number(row.n)]));
      const items = page.map((row) => ({ userId: row.userId, episodes: Number(row.episodes), memories: Number(row.memories) - (gone.get(row.userId) ?? 0) }));
      return rows.length > query.limit ? { items, next: page.at(-1)!.userId } : { items };
    });
  }

  async stats(scope: InspectScope): Promise<StoredStats> {
    const params = [scope.namespace, scope.userId ?? null];
    const now = new Date(this.#clock.now());
    // The planner expects few rows from the row-security filter and would sort a whole namespace
    // to group it; hashing the few groups instead takes a third of the time at 25k rows.
    return this.#db.tenant(scope, 'inspect.stats', async (tx) => {
      const episodes = await tx.query<CensusRow>(census('episodes'), params);
      const memories = await tx.query<CensusRow>(census('memories', ' AND (expires_at IS NULL OR expires_at > $3)'), [...params, now]);
      const [counts] = await tx.query<{ expired: Count; history: Count }>(
        `SELECT (SELECT count(*) FROM memories WHERE namespace = $1 AND ($2::text IS NULL OR user_id = $2) AND expires_at IS NOT NULL AND expires_at <= $3) AS expired,
                (SELECT count(*) FROM memory_history WHERE namespace = $1 AND ($2::text IS NULL OR user_id = $2)) AS history`,
        [...params, now],
      );
      return { episodes: tierCensus(episodes), memories: tierCensus(memories), expiredMemories: Number(counts!.expired), historyVersions: Number(counts!.history) };
    }, 'SET LOCAL enable_sort = off');
  }

  async bytes(): Promise<StorageBytes> {
    const rows = await this.#db.query<{ name: string; bytes: Count }>(
      'inspect.bytes',
      `SELECT c.relname AS name, pg_total_relation_size(c.oid) AS bytes FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'm') ORDER BY c.relname`,
      [this.#db.schema],
    );
    const parts = Object.fromEntries(rows.map((row) => [row.name, Number(row.bytes)]));
    return { engine: 'postgres', total: Object.values(parts).reduce((total, bytes) => total + bytes, 0), parts };
  }
}
