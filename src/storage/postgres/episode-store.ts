import { noteAuditRecords } from '../../core/audit-scope.js';
import { toPage } from '../../core/cursor.js';
import type { EpisodeStore, RecordRef } from '../../core/ports.js';
import type { Episode, EpisodeNeighbours, KeywordQuery, ListQuery, NeighbourQuery, Page, RecordFilter, Scored } from '../../core/types.js';
import { EPISODES, episodeColumns, insertEpisodes, rowToEpisode, type EpisodeRow } from './episode-rows.js';
import type { PgDatabase } from './pg-database.js';
import { compileFilter, listSql, SqlParams } from './pg-filter-sql.js';
import { byNamespace, type TenantScope } from './row-security.js';
import { scopedBm25Sql } from './scoped-bm25.js';

/** `head` on the episode `ref` names: in its namespace, and of its user when it names one. */
const byRef = (head: string, ref: RecordRef, tail = '') => ({
  sql: `${head} FROM episodes WHERE namespace = $1 AND id = $2${ref.userId === undefined ? '' : ' AND user_id = $3'}${tail}`,
  params: ref.userId === undefined ? [ref.namespace, ref.id] : [ref.namespace, ref.id, ref.userId],
});
const filterScope = (filter: RecordFilter): TenantScope => ({ namespace: filter.namespace, userId: filter.userId });

/** Episodes in Postgres: one table, keyword search over a trigger-kept tsvector with scoped BM25. */
export class PgEpisodeStore implements EpisodeStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async append(episodes: Episode[]): Promise<void> {
    if (episodes.length === 0) return;
    // One transaction; each namespace's episodes are written in its own scope.
    const groups = byNamespace(episodes, (episode) => episode.namespace);
    await this.#db.tenant({ namespace: groups[0]![0] }, 'episodes.append', async (tx) => {
      for (const [namespace, group] of groups) {
        await tx.enter({ namespace });
        await insertEpisodes(tx, group);
        noteAuditRecords(group.map((episode) => episode.id));
      }
    });
    this.#db.wrote();
  }

  async get(ref: RecordRef): Promise<Episode | null> {
    const { sql, params } = byRef(`SELECT ${EPISODES.columns}`, ref);
    const [row] = await this.#db.tenantQuery<EpisodeRow>(ref, 'episodes.get', sql, params);
    return row ? rowToEpisode(row) : null;
  }

  async list(query: ListQuery): Promise<Page<Episode>> {
    const { sql, params } = listSql(EPISODES, query);
    const rows = await this.#db.tenantQuery<EpisodeRow>(filterScope(query.filter), 'episodes.list', sql, params);
    return toPage(rows.map(rowToEpisode), query.limit, (episode) => episode.occurredAt);
  }

  async delete(ref: RecordRef): Promise<boolean> {
    const { sql, params } = byRef('DELETE', ref, ' RETURNING 1');
    // In a transaction even without row security, so that the request's audit entry commits with it.
    const rows = await this.#db.tenant(ref, 'episodes.delete', (tx) => tx.query(sql, params));
    return rows.length > 0;
  }

  async search(query: KeywordQuery): Promise<Scored<Episode>[]> {
    const statement = scopedBm25Sql(EPISODES, query, episodeColumns('r'), undefined, { rowSecurity: this.#db.rowSecurity });
    if (!statement) return [];
    const rows = await this.#db.tenantQuery<EpisodeRow & { score: number }>(filterScope(query.filter), 'episodes.search', statement.sql, statement.params);
    return rows.map((row) => ({ item: rowToEpisode(row), score: row.score }));
  }

  /**
   * One statement: the anchors that match the filter and have a session, then for each a LATERAL
   * walk of the (namespace, session_id, occurred_at, id) index on either side, `width` rows each.
   */
  async neighbours(query: NeighbourQuery): Promise<EpisodeNeighbours[]> {
    if (query.width <= 0 || query.ids.length === 0) return [];
    const params = new SqlParams();
    const anchorFilter = compileFilter(query.filter, EPISODES, params);
    const sideFilter = compileFilter(query.filter, EPISODES, params, 'e');
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
    const rows = await this.#db.tenantQuery<NeighbourRow>(filterScope(query.filter), 'episodes.neighbours', sql, params.values);
    const answers = new Map<string, EpisodeNeighbours>();
    for (const row of rows) {
      let answer = answers.get(row.anchor_id);
      if (!answer) answers.set(row.anchor_id, (answer = { id: row.anchor_id, before: [], after: [] }));
      if (row.side !== null) answer[row.side].push(rowToEpisode(row));
    }
    return [...answers.values()];
  }
}
