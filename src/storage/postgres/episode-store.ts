import { noteAuditRecords } from '../../core/audit-scope.js';
import { toPage } from '../../core/cursor.js';
import type { EpisodeStore, RecordRef } from '../../core/ports.js';
import type { Episode, EpisodeNeighbours, KeywordQuery, ListQuery, NeighbourQuery, Page, Scored } from '../../core/types.js';
import { EPISODES, episodeColumns, insertEpisodes, rowToEpisode, type EpisodeRow } from './episode-rows.js';
import type { PgDatabase } from './pg-database.js';
import { compileFilter, listSql, SqlParams } from './pg-filter-sql.js';
import { scopedBm25Sql } from './scoped-bm25.js';

const GET = `SELECT ${EPISODES.columns} FROM episodes WHERE namespace = $1 AND id = $2`;
const DELETE = 'DELETE FROM episodes WHERE namespace = $1 AND id = $2';

/** Episodes in Postgres: one table, keyword search over a trigger-kept tsvector with scoped BM25. */
export class PgEpisodeStore implements EpisodeStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async append(episodes: Episode[]): Promise<void> {
    if (episodes.length === 0) return;
    await this.#db.transaction('episodes.append', async (tx) => {
      await insertEpisodes(tx, episodes);
      noteAuditRecords(episodes.map((episode) => episode.id));
    });
  }

  async get(ref: RecordRef): Promise<Episode | null> {
    const [row] = await this.#db.query<EpisodeRow>('episodes.get', GET, [ref.namespace, ref.id]);
    return row ? rowToEpisode(row) : null;
  }

  async list(query: ListQuery): Promise<Page<Episode>> {
    const { sql, params } = listSql(EPISODES, query);
    const rows = await this.#db.query<EpisodeRow>('episodes.list', sql, params);
    return toPage(rows.map(rowToEpisode), query.limit, (episode) => episode.occurredAt);
  }

  async delete(ref: RecordRef): Promise<boolean> {
    const rows = await this.#db.transaction('episodes.delete', (tx) => tx.query(`${DELETE} RETURNING 1`, [ref.namespace, ref.id]));
    return rows.length > 0;
  }

  async search(query: KeywordQuery): Promise<Scored<Episode>[]> {
    const statement = scopedBm25Sql(EPISODES, query, episodeColumns('r'));
    if (!statement) return [];
    const rows = await this.#db.query<EpisodeRow & { score: number }>('episodes.search', statement.sql, statement.params);
    return rows.map((row) => ({ item: rowToEpisode(row), score: row.score }));
  }

  /**
   * One statement: the anchors that match the filter and have a session, then for each a LATERAL
   * walk of the (namespace, session_id, occurred_at, id) index on either side, `width` rows each.
   */
  async neighbours(query: NeighbourQuery): Promise<EpisodeNeighbours[]> {
    if (query.width <= 0 || query.ids.length === 0) return [];
    const params = new SqlParams();
    const anchorFilter = compileFilter(query.filter, EPISODES.timeColumn, params);
    const sideFilter = compileFilter(query.filter, EPISODES.timeColumn, params, 'e');
    const [ids, width] = [params.add(query.ids), params.add(query.width)];
    const side = (name: 'before' | 'after') => {
      const [compare, order] = name === 'before' ? ['<', 'DESC'] : ['>', 'ASC'];
      return `(SELECT '${name}' AS side, row_number() OVER (ORDER BY e.occurred_at ${order}, e.id ${order}) AS ord, ${episodeColumns('e')}
        FROM episodes e
        WHERE ${sideFilter} AND e.session_id = a.session_id AND (e.occurred_at, e.id) ${compare} (a.occurred_at, a.id)
        ORDER BY e.occurred_at ${order}, e.id ${order} LIMIT ${width})`;
    };
    const sql = `
      WITH anchors AS (
        SELECT id, session_id, occurred_at FROM episodes
        WHERE ${anchorFilter} AND session_id IS NOT NULL AND id = ANY(${ids}::text[])
      )
      SELECT a.id AS anchor_id, n.*
      FROM anchors a LEFT JOIN LATERAL (${side('before')} UNION ALL ${side('after')}) n ON true
      ORDER BY a.id, n.side, n.ord`;
    type NeighbourRow = EpisodeRow & { anchor_id: string; side: 'before' | 'after' | null };
    const rows = await this.#db.query<NeighbourRow>('episodes.neighbours', sql, params.values);
    const answers = new Map<string, EpisodeNeighbours>();
    for (const row of rows) {
      let answer = answers.get(row.anchor_id);
      if (!answer) answers.set(row.anchor_id, (answer = { id: row.anchor_id, before: [], after: [] }));
      if (row.side !== null) answer[row.side].push(rowToEpisode(row));
    }
    return [...answers.values()];
  }
}
