// Counts for operators on the embedded driver. Namespaces and users are read from the keyword
// statistics (keyword_scopes: one row per tier and exact scope, with its record count, kept by
// every write), so that listing them never walks the records; expired memories, which those rows
// still count until the sweep removes them, are taken off through the expiry index. A scope's
// stats group its records once per tier (a pass over the scope's rows through the namespace's
// index). Bytes are the files' sizes: the database, its WAL and the vector snapshots beside it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Clock } from '../../core/clock.js';
import type { InspectScope, InspectStore, NamespaceCounts, StorageBytes, StoredStats, UserCounts, UserPageQuery } from '../../core/ports.js';
import { tierCensus, type CensusRow } from '../inspect-census.js';
import type { SqliteDatabase } from './database.js';
import { scopeFilter } from './filter-sql.js';

const NAMESPACES = `SELECT namespace, sum(CASE WHEN tier = 'episodes' THEN docs ELSE 0 END) AS episodes,
  sum(CASE WHEN tier = 'memories' THEN docs ELSE 0 END) AS memories, count(DISTINCT user_id) AS users
  FROM keyword_scopes WHERE docs > 0 GROUP BY namespace ORDER BY namespace`;
const EXPIRED_BY_NAMESPACE = 'SELECT namespace, count(*) AS n FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ? GROUP BY namespace';

const census = (table: 'episodes' | 'memories', where: string) => `SELECT kind, embedding_status AS status, embedding_model AS model,
  embedding_dim AS dims, count(*) AS n, min(created_at) AS oldest, max(created_at) AS newest
  FROM ${table} WHERE ${where} GROUP BY kind, embedding_status, embedding_model, embedding_dim`;

export class SqliteInspectStore implements InspectStore {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #path: string;

  constructor(db: SqliteDatabase, clock: Clock, path: string) {
    this.#db = db;
    this.#clock = clock;
    this.#path = path;
  }

  async namespaces(): Promise<NamespaceCounts[]> {
    return this.#db.run('inspect.namespaces', () => {
      const rows = this.#db.statement(NAMESPACES).all() as NamespaceCounts[];
      const expired = this.#db.statement(EXPIRED_BY_NAMESPACE).all(this.#clock.now()) as Array<{ namespace: string; n: number }>;
      const gone = new Map(expired.map((row) => [row.namespace, row.n]));
      return rows.map((row) => ({ ...row, memories: row.memories - (gone.get(row.namespace) ?? 0) }));
    });
  }

  async users(query: UserPageQuery): Promise<{ items: UserCounts[]; next?: string }> {
    const clauses = ["tier IN ('episodes', 'memories')", 'namespace = ?', 'user_id IS NOT NULL'];
    const params: Array<string | number> = [query.namespace];
    if (query.after !== undefined) {
      clauses.push('user_id > ?');
      params.push(query.after);
    }
    if (query.userId !== undefined) {
      clauses.push('user_id = ?');
      params.push(query.userId);
    }
    const sql = `SELECT user_id AS userId, sum(CASE WHEN tier = 'episodes' THEN docs ELSE 0 END) AS episodes,
      sum(CASE WHEN tier = 'memories' THEN docs ELSE 0 END) AS memories
      FROM keyword_scopes WHERE ${clauses.join(' AND ')} GROUP BY user_id HAVING sum(docs) > 0 ORDER BY user_id LIMIT ?`;
    return this.#db.run('inspect.users', () => {
      const rows = this.#db.statement(sql).all(...params, query.limit + 1) as UserCounts[];
      const page = rows.slice(0, query.limit);
      const marks = page.map(() => '?').join(', ');
      const expired =
        page.length === 0
          ? []
          : (this.#db
              .statement(`SELECT user_id AS userId, count(*) AS n FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ? AND +namespace = ? AND user_id IN (${marks}) GROUP BY user_id`)
              .all(this.#clock.now(), query.namespace, ...page.map((row) => row.userId)) as Array<{ userId: string; n: number }>);
      const gone = new Map(expired.map((row) => [row.userId, row.n]));
      const items = page.map((row) => ({ ...row, memories: row.memories - (gone.get(row.userId) ?? 0) }));
      return rows.length > query.limit ? { items, next: page.at(-1)!.userId } : { items };
    });
  }

  async stats(scope: InspectScope): Promise<StoredStats> {
    const where = scopeFilter(scope);
    const memoryScope = scopeFilter(scope, 'm');
    const now = this.#clock.now();
    // One synchronous call: no write of this process lands between the counts.
    return this.#db.run('inspect.stats', () => {
      const episodes = this.#db.statement(census('episodes', where.sql)).all(...where.params) as CensusRow[];
      const memories = this.#db.statement(census('memories', `${where.sql} AND (expires_at IS NULL OR expires_at > ?)`)).all(...where.params, now) as CensusRow[];
      // Through the expiry index (`+` keeps the namespace's from being chosen): expired memories are few.
      const expired = this.#db.statement(`SELECT count(*) AS n FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ? AND +${where.sql}`).get(now, ...where.params) as { n: number };
      const history = this.#db.statement(`SELECT count(*) AS n FROM memory_history h JOIN memories m ON m.id = h.memory_id WHERE ${memoryScope.sql}`).get(...memoryScope.params) as { n: number };
      return { episodes: tierCensus(episodes), memories: tierCensus(memories), expiredMemories: expired.n, historyVersions: history.n };
    });
  }

  async bytes(): Promise<StorageBytes | undefined> {
    if (this.#path === ':memory:') return undefined;
    const size = (file: string) => (existsSync(file) ? statSync(file).size : 0);
    const snapshots = `${this.#path}-vectors`;
    const parts: Record<string, number> = {
      database: size(this.#path),
      wal: size(`${this.#path}-wal`),
      vectorSnapshots: existsSync(snapshots) ? readdirSync(snapshots).reduce((total, file) => total + size(`${snapshots}/${file}`), 0) : 0,
    };
    return { engine: 'sqlite', total: Object.values(parts).reduce((total, bytes) => total + bytes, 0), parts };
  }
}
