import { noteAuditRecords } from '../../core/audit-scope.js';
import type { EpisodeStore, RecordRef } from '../../core/ports.js';
import type { Episode, EpisodeNeighbours, KeywordQuery, ListQuery, NeighbourQuery, Page, RecordFilter, Scored } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { toPage } from '../../core/cursor.js';
import { compileFilter, listSql, scopeFilter, type SqlParam, type TableSpec } from './filter-sql.js';
import { INSERT_EPISODE, episodeColumns, episodeParams, rowToEpisode, type EpisodeRow } from './rows.js';
import { scopedBm25, scoredRows } from './scoped-bm25.js';
import type { VectorIndex } from './vector-index.js';

const EPISODES: TableSpec = { table: 'episodes', fts: 'episodes_fts', timeColumn: 'occurred_at' };

/** The episode `ref` names, within its scope (its namespace, and its user when it names one). */
const byRef = (verb: 'SELECT' | 'DELETE', ref: RecordRef) => {
  const scope = scopeFilter(ref);
  return { sql: `${verb === 'SELECT' ? `SELECT ${episodeColumns()}` : verb} FROM episodes WHERE ${scope.sql} AND id = ?`, params: [...scope.params, ref.id] };
};
const [BEFORE, AFTER, ANCHOR] = [0, 1, 2];

/**
 * Every anchor's neighbours in one statement: the anchors (those of `ids` that match the filter and
 * have a session) come from a JSON list, and each side is a correlated subquery walking the
 * (namespace, session_id, occurred_at, id) index for `width` rows; each anchor also yields one row
 * of its own (side ANCHOR), so that an anchor without neighbours is still answered.
 */
function neighboursSql(filter: RecordFilter): string {
  const anchors = compileFilter(filter, 'episodes', 't');
  const near = compileFilter(filter, 'episodes', 'x');
  const scope = scopeFilter(filter, 'e');
  const side = (code: number, compare: '<' | '>', order: 'ASC' | 'DESC') =>
    `SELECT ${code} AS side, a.id AS anchor, ${episodeColumns('e')} FROM a CROSS JOIN episodes e NOT INDEXED WHERE ${scope.sql} AND e.seq IN (
       SELECT x.seq FROM episodes x WHERE ${near.sql} AND x.session_id = a.session_id AND (x.occurred_at, x.id) ${compare} (a.occurred_at, a.id)
       ORDER BY x.occurred_at ${order}, x.id ${order} LIMIT ?)`;
  return `WITH a AS (SELECT t.id, t.session_id, t.occurred_at FROM json_each(?) AS j CROSS JOIN episodes AS t ON t.id = j.value
      WHERE ${anchors.sql} AND t.session_id IS NOT NULL)
    ${side(BEFORE, '<', 'DESC')}
    UNION ALL ${side(AFTER, '>', 'ASC')}
    UNION ALL SELECT ${ANCHOR} AS side, a.id AS anchor, ${episodeColumns('a').replace(/a\.(\w+)/g, 'NULL AS $1')} FROM a`;
}

/** The parameters of `neighboursSql`, in its order. */
function neighboursParams(filter: RecordFilter, ids: string[], width: number): SqlParam[] {
  const { params } = compileFilter(filter, 'episodes');
  const side = [...scopeFilter(filter).params, ...params, width];
  return [JSON.stringify([...new Set(ids)]), ...params, ...side, ...side];
}

/** Inserts episodes with the caller's transaction; shared with the session store's promotion. */
export function insertEpisodes(db: SqliteDatabase, episodes: Episode[]): void {
  const insert = db.statement(INSERT_EPISODE);
  for (const episode of episodes) insert.run(episodeParams(episode));
}

export class SqliteEpisodeStore implements EpisodeStore {
  readonly #db: SqliteDatabase;
  readonly #vectors: VectorIndex;

  /** `vectors` is the adapter's shared vector index, which a delete keeps current. */
  constructor(db: SqliteDatabase, vectors: VectorIndex) {
    this.#db = db;
    this.#vectors = vectors;
  }

  async append(episodes: Episode[]): Promise<void> {
    if (episodes.length === 0) return;
    this.#db.transaction('episodes.append', () => {
      insertEpisodes(this.#db, episodes);
      noteAuditRecords(episodes.map((episode) => episode.id));
    });
  }

  async get(ref: RecordRef): Promise<Episode | null> {
    return this.#db.run('episodes.get', () => {
      const { sql, params } = byRef('SELECT', ref);
      const row = this.#db.statement(sql).get(...params) as EpisodeRow | undefined;
      return row ? rowToEpisode(row) : null;
    });
  }

  async list(query: ListQuery): Promise<Page<Episode>> {
    return this.#db.run('episodes.list', () => {
      const { sql, params } = listSql(EPISODES, query);
      const rows = this.#db.statement(sql).all(...params) as EpisodeRow[];
      return toPage(rows.map(rowToEpisode), query.limit, (episode) => episode.occurredAt);
    });
  }

  async delete(ref: RecordRef): Promise<boolean> {
    const { sql, params } = byRef('DELETE', ref);
    const deleted = this.#db.transaction('episodes.delete', () => this.#db.statement(sql).run(...params).changes > 0);
    if (deleted) this.#vectors.remove('episodes', ref.namespace, ref.id);
    return deleted;
  }

  async search(query: KeywordQuery): Promise<Scored<Episode>[]> {
    return this.#db.run('episodes.search', () => {
      const hits = scopedBm25(this.#db, EPISODES, query);
      return scoredRows<EpisodeRow>(this.#db, EPISODES.table, query.filter, hits).map(({ row, score }) => ({ item: rowToEpisode(row), score }));
    });
  }

  async neighbours(query: NeighbourQuery): Promise<EpisodeNeighbours[]> {
    if (query.width <= 0 || query.ids.length === 0) return [];
    return this.#db.run('episodes.neighbours', () => {
      const rows = this.#db
        .statement(neighboursSql(query.filter))
        .all(...neighboursParams(query.filter, query.ids, query.width)) as (EpisodeRow & { side: number; anchor: string })[];
      const byAnchor = new Map<string, EpisodeNeighbours>();
      for (const { side, anchor, ...row } of rows) {
        const found = byAnchor.get(anchor) ?? { id: anchor, before: [], after: [] };
        byAnchor.set(anchor, found);
        if (side !== ANCHOR) (side === BEFORE ? found.before : found.after).push(rowToEpisode(row as EpisodeRow));
      }
      // Nearest first on each side; anchors in id order.
      const time = (episode: Episode) => Date.parse(episode.occurredAt);
      const ascending = (a: Episode, b: Episode) => time(a) - time(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
      return [...byAnchor.values()]
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
        .map(({ id, before, after }) => ({ id, before: before.sort((a, b) => ascending(b, a)), after: after.sort(ascending) }));
    });
  }

}
