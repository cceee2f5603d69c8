import type { EpisodeStore, RecordRef } from '../../core/ports.js';
import type { Episode, KeywordQuery, ListQuery, Page, Scored } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { listSql, searchSql, toPage, type TableSpec } from './filter-sql.js';
import { INSERT_EPISODE, episodeParams, rowToEpisode, type EpisodeRow } from './rows.js';
import type { VectorIndex } from './vector-index.js';

const EPISODES: TableSpec = { table: 'episodes', fts: 'episodes_fts', timeColumn: 'occurred_at' };

const GET = 'SELECT * FROM episodes WHERE namespace = ? AND id = ?';
const DELETE = 'DELETE FROM episodes WHERE namespace = ? AND id = ?';

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
    this.#db.transaction('episodes.append', () => insertEpisodes(this.#db, episodes));
  }

  async get(ref: RecordRef): Promise<Episode | null> {
    return this.#db.run('episodes.get', () => {
      const row = this.#db.statement(GET).get(ref.namespace, ref.id) as EpisodeRow | undefined;
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
    const deleted = this.#db.run('episodes.delete', () => this.#db.statement(DELETE).run(ref.namespace, ref.id).changes > 0);
    if (deleted) this.#vectors.remove('episodes', ref.namespace, ref.id);
    return deleted;
  }

  async search(query: KeywordQuery): Promise<Scored<Episode>[]> {
    return this.#db.run('episodes.search', () => {
      const compiled = searchSql(EPISODES, query);
      if (!compiled) return [];
      const rows = this.#db.statement(compiled.sql).all(...compiled.params) as (EpisodeRow & { rank: number })[];
      return rows.map((row) => ({ item: rowToEpisode(row), score: -row.rank }));
    });
  }
}
