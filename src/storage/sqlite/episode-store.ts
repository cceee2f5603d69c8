import { noteAuditRecords } from '../../core/audit-scope.js';
import type { EpisodeStore, RecordRef } from '../../core/ports.js';
import type { Episode, EpisodeNeighbours, KeywordQuery, ListQuery, NeighbourQuery, Page, Scored } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { toPage } from '../../core/cursor.js';
import { compileFilter, listSql, scopeFilter, type TableSpec } from './filter-sql.js';
import { INSERT_EPISODE, episodeColumns, episodeParams, rowToEpisode, type EpisodeRow } from './rows.js';
import { scopedBm25, scoredRows } from './scoped-bm25.js';
import type { VectorIndex } from './vector-index.js';

const EPISODES: TableSpec = { table: 'episodes', fts: 'episodes_fts', timeColumn: 'occurred_at' };

/** The episode `ref` names, within its scope (its namespace, and its user when it names one). */
const byRef = (verb: 'SELECT' | 'DELETE', ref: RecordRef) => {
  const scope = scopeFilter(ref);
  return { sql: `${verb === 'SELECT' ? `SELECT ${episodeColumns()}` : verb} FROM episodes WHERE ${scope.sql} AND id = ?`, params: [...scope.params, ref.id] };
};
/** Largest id list one neighbour lookup takes (well under SQLite's bound-parameter limit). */
const NEIGHBOUR_BATCH = 500;

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
      const filter = compileFilter(query.filter, EPISODES.timeColumn);
      // One statement per side, walking the (namespace, session_id, occurred_at, id) index.
      const side = (direction: 'before' | 'after') => {
        const [compare, order] = direction === 'before' ? ['<', 'DESC'] : ['>', 'ASC'];
        return this.#db.statement(
          `SELECT ${episodeColumns()} FROM episodes WHERE ${filter.sql} AND session_id = ? AND (occurred_at, id) ${compare} (?, ?)
           ORDER BY occurred_at ${order}, id ${order} LIMIT ?`,
        );
      };
      const [before, after] = [side('before'), side('after')];
      const out: EpisodeNeighbours[] = [];
      for (let at = 0; at < query.ids.length; at += NEIGHBOUR_BATCH) {
        const ids = query.ids.slice(at, at + NEIGHBOUR_BATCH);
        const anchors = this.#db
          .statement(`SELECT id, session_id, occurred_at FROM episodes WHERE ${filter.sql} AND session_id IS NOT NULL AND id IN (${ids.map(() => '?').join(', ')})`)
          .all(...filter.params, ...ids) as { id: string; session_id: string; occurred_at: number }[];
        for (const anchor of anchors) {
          const args = [...filter.params, anchor.session_id, anchor.occurred_at, anchor.id, query.width];
          out.push({
            id: anchor.id,
            before: (before.all(...args) as EpisodeRow[]).map(rowToEpisode),
            after: (after.all(...args) as EpisodeRow[]).map(rowToEpisode),
          });
        }
      }
      return out;
    });
  }
}
