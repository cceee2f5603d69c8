// Counts for operators on the embedded driver. Namespaces and users are read from the keyword
// statistics (keyword_scopes: one row per tier and exact scope, with its record count, kept by
// every write), so that listing them never walks the records; expired memories, which those rows
// still count until the sweep removes them, are counted through the expiry index and taken off.
// A scope's stats group its records once per tier (a pass over the scope's rows through the
// namespace's index). Bytes are the files' sizes: the database, its WAL and the vector snapshots.
// Every statement on one namespace goes through the scope filter; the two that span namespaces by
// design (`inspect.namespaces`, `inspect.expired`) answer counts only.
import { existsSync, readdirSync, statSync } from 'node:fs';
import type { Clock } from '../../core/clock.js';
import type { InspectScope, InspectStore, NamespaceCounts, StorageBytes, StoredStats, UserCounts, UserPageQuery } from '../../core/ports.js';
import { tierCensus, type CensusRow } from '../inspect-census.js';
import type { SqliteDatabase } from './database.js';
import { scopeFilter } from './filter-sql.js';

const NAMESPACES = `SELECT namespace, sum(CASE WHEN tier = 'episodes' THEN docs ELSE 0 END) AS episodes,
  sum(CASE WHEN tier = 'memories' THEN docs ELSE 0 END) AS memories, count(DISTINCT user_id) AS users
  FROM keyword_scopes WHERE docs > 0 GROUP BY namespace ORDER BY namespace`;
/** Expired memories still stored, by scope, through the expiry index: few, as the sweep removes them. */
const EXPIRED = 'SELECT namespace, user_id AS userId, count(*) AS n FROM memories WHERE expires_at IS NOT NULL AND expires_at <= ? GROUP BY namespace, user_id';

const census = (table: 'episodes' | 'memories', where: string) => `SELECT kind, embedding_status AS status, embedding_model AS model,
  embedding_dim AS dims, count(*) AS n, min(created_at) AS oldest, max(created_at) AS newest
  FROM ${table} WHERE ${where} GROUP BY kind, embedding_status, embedding_model, embedding_dim`;

interface Expired {
  namespace: string;
  userId: string | null;
  n: number;
}

export class SqliteInspectStore implements InspectStore {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #path: string;

  constructor(db: SqliteDatabase, clock: Clock, path: string) {
    this.#db = db;
    this.#clock = clock;
    this.#path = path;
  }

  /** Expired memories of `namespace` (of `userId` when set), in every namespace's count, filtered here. */
  #expired(namespace?: string): Expired[] {
    const rows = this.#db.run('inspect.expired', () => this.#db.statement(EXPIRED).all(this.#clock.now()) as Expired[]);
    return namespace === undefined ? rows : rows.filter((row) => row.namespace === namespace);
  }

  async namespaces(): Promise<NamespaceCounts[]> {
    return this.#db.run('inspect.namespaces', () => {
      const rows = this.#db.statement(NAMESPACES).all() as NamespaceCounts[];
      const gone = new Map<string, number>();
      for (const row of this.#expired()) gone.set(row.namespace, (gone.get(row.namespace) ?? 0) + row.n);
      return rows.map((row) => ({ ...row, memories: row.memories - (gone.get(row.namespace) ?? 0) }));
    });
  }

  async users(query: UserPageQuery): Promise<{ items: UserCounts[]; next?: string }> {
    const scope = scopeFilter({ namespace: query.namespace, userId: query.userId });
    const after = query.after === undefined ? '' : ' AND user_id > ?';
    // The tiers are parameters: the scope check reads a tier's name in SQL as a reference to its table.
    const sql = `SELECT user_id AS userId, sum(CASE WHEN tier = ? THEN docs ELSE 0 END) AS episode_docs,
      sum(CASE WHEN tier = ? THEN docs ELSE 0 END) AS memory_docs
      FROM keyword_scopes WHERE tier IN (?, ?) AND ${scope.sql} AND user_id IS NOT NULL${after}
      GROUP BY user_id HAVING sum(docs) > 0 ORDER BY user_id LIMIT ?`;
    const tiers = ['episodes', 'memories', 'episodes', 'memories'];
    const params = [...tiers, ...scope.params, ...(query.after === undefined ? [] : [query.after]), query.limit + 1];
    return this.#db.run('inspect.users', () => {
      const found = this.#db.statement(sql).all(...params) as Array<{ userId: string; episode_docs: number; memory_docs: number }>;
      const rows = found.map((row): UserCounts => ({ userId: row.userId, episodes: row.episode_docs, memories: row.memory_docs }));
      const page = rows.slice(0, query.limit);
      const gone = new Map(this.#expired(query.namespace).map((row) => [row.userId, row.n]));
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
      const expired = this.#expired(scope.namespace)
        .filter((row) => scope.userId === undefined || row.userId === scope.userId)
        .reduce((total, row) => total + row.n, 0);
      const history = this.#db.statement(`SELECT count(*) AS n FROM memory_history h JOIN memories m ON m.id = h.memory_id WHERE ${memoryScope.sql}`).get(...memoryScope.params) as { n: number };
      return { episodes: tierCensus(episodes), memories: tierCensus(memories), expiredMemories: expired, historyVersions: history.n };
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
