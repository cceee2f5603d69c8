// The TransferStore port on SQLite: pages of a namespace's records in export order, with their
// history and stored vectors, and batches of imported records written in one transaction. Imported
// rows go in through plain INSERTs on the record tables, whose triggers keep the keyword index and
// its per-scope statistics (keyword-stats-schema.ts), as every write path does; they are written
// `pending`, and their vectors follow through VectorStore.put, which also fills the in-process index.

import { endianness } from 'node:os';
import { noteAuditRecords } from '../../core/audit-scope.js';
import { MemosError } from '../../core/errors.js';
import type { StoredVector, TransferBatch, TransferBatchResult, TransferEpisode, TransferMemory, TransferPageQuery, TransferStore } from '../../core/ports.js';
import type { CursorPosition, Memory, MemoryVersion, Page } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { insertEpisodes } from './episode-store.js';
import { scopeFilter, type SqlParam } from './filter-sql.js';
import { episodeColumns, insertMemorySql, memoryColumns, memoryParams, rowToEpisode, rowToMemory, rowToVersion, toMs, type EpisodeRow, type HistoryRow, type MemoryRow } from './rows.js';

const LITTLE_ENDIAN = endianness() === 'LE';

const INSERT_MEMORY = insertMemorySql();
const INSERT_VERSION = `INSERT INTO memory_history (memory_id, version, content, kind, importance, metadata, expires_at,
  source_episode_ids, valid_from, valid_to, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

/** The first `limit` items, with the position of the last when more follow. */
function toPage<T>(items: T[], limit: number, position: (item: T) => CursorPosition): Page<T> {
  const page = items.slice(0, limit);
  return items.length > limit && page.length > 0 ? { items: page, next: position(page[page.length - 1]!) } : { items: page };
}

type VectorColumns = { vector_blob: Uint8Array | null; embedding_truncated: number | null };

/** A page of `table` in (time, id) order within the query's namespace, user and time bounds. */
function pageSql(table: 'episodes' | 'memories', query: TransferPageQuery): { sql: string; params: SqlParam[] } {
  const time = table === 'episodes' ? 'occurred_at' : 'created_at';
  const scope = scopeFilter({ namespace: query.namespace, userId: query.userId });
  const clauses = [scope.sql];
  const params: SqlParam[] = [...scope.params];
  if (query.from !== undefined) clauses.push(`${time} >= ?`), params.push(toMs(query.from, 'from'));
  if (query.to !== undefined) clauses.push(`${time} < ?`), params.push(toMs(query.to, 'to'));
  if (query.after !== undefined) clauses.push(`(${time}, id) > (?, ?)`), params.push(toMs(query.after.time, 'after'), query.after.id);
  const columns = table === 'episodes' ? episodeColumns() : memoryColumns();
  const vector = query.withVectors ? `, CASE WHEN embedding_status = 'ready' THEN embedding END AS vector_blob` : '';
  return { sql: `SELECT ${columns}${vector} FROM ${table} WHERE ${clauses.join(' AND ')} ORDER BY ${time}, id LIMIT ?`, params: [...params, query.limit + 1] };
}

/** The stored vector of a row read with `vector_blob`, when it has one. */
function vectorOf(row: EpisodeRow | MemoryRow, columns: VectorColumns): StoredVector | undefined {
  const blob = columns.vector_blob;
  if (blob === null || blob === undefined || row.embedding_model === null || row.embedding_dim === null) return undefined;
  const vector = new Float32Array(blob.byteLength / 4);
  if (LITTLE_ENDIAN) new Uint8Array(vector.buffer).set(blob);
  else for (let j = 0; j < vector.length; j += 1) vector[j] = Buffer.from(blob).readFloatLE(j * 4);
  return { model: row.embedding_model, dimensions: row.embedding_dim, truncated: Boolean(columns.embedding_truncated), vector };
}

export class SqliteTransferStore implements TransferStore {
  readonly #db: SqliteDatabase;

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  async episodes(query: TransferPageQuery): Promise<Page<TransferEpisode>> {
    return this.#db.run('transfer.episodes', () => {
      const { sql, params } = pageSql('episodes', query);
      const rows = this.#db.statement(sql).all(...params) as Array<EpisodeRow & VectorColumns>;
      const items = rows.map((row) => {
        const vector = query.withVectors ? vectorOf(row, row) : undefined;
        return { episode: rowToEpisode(row), ...(vector === undefined ? {} : { vector }) };
      });
      return toPage(items, query.limit, (item) => ({ time: item.episode.occurredAt, id: item.episode.id }));
    });
  }

  async memories(query: TransferPageQuery): Promise<Page<TransferMemory>> {
    return this.#db.run('transfer.memories', () => {
      const { sql, params } = pageSql('memories', query);
      const rows = this.#db.statement(sql).all(...params) as Array<MemoryRow & VectorColumns>;
      const history = this.#history(query.namespace, rows.slice(0, query.limit).map((row) => row.id));
      const items = rows.map((row) => {
        const vector = query.withVectors ? vectorOf(row, row) : undefined;
        return { memory: rowToMemory(row), history: history.get(row.id) ?? [], ...(vector === undefined ? {} : { vector }) };
      });
      return toPage(items, query.limit, (item) => ({ time: item.memory.createdAt, id: item.memory.id }));
    });
  }

  async importBatch(batch: TransferBatch): Promise<TransferBatchResult> {
    return this.#db.transaction('transfer.import', () => {
      const episodes = this.#existing('episodes', batch.namespace, batch.episodes.map((episode) => episode.id));
      const memories = this.#existing('memories', batch.namespace, batch.memories.map(({ memory }) => memory.id));
      const newEpisodes = batch.episodes.filter((episode) => !episodes.has(episode.id));
      insertEpisodes(this.#db, newEpisodes.map((episode) => ({ ...episode, embedding: { status: 'pending' } })));
      const insert = this.#db.statement(INSERT_MEMORY);
      for (const { memory, contentKey, history } of batch.memories) {
        if (memories.has(memory.id)) continue;
        insert.run(memoryParams({ ...memory, embedding: { status: 'pending' } }, contentKey));
        for (const version of history) this.#archive(memory, version);
      }
      noteAuditRecords([...newEpisodes.map((episode) => episode.id), ...batch.memories.filter(({ memory }) => !memories.has(memory.id)).map(({ memory }) => memory.id)]);
      return {
        episodes: batch.episodes.map((episode) => (episodes.has(episode.id) ? 'unchanged' : 'created')),
        memories: batch.memories.map(({ memory }) => (memories.has(memory.id) ? 'unchanged' : 'created')),
      };
    });
  }

  /**
   * The ids of `ids` already stored in `namespace`. Ids are unique across every namespace here
   * (a UNIQUE column), so an id that another namespace holds is an E_CONFLICT that names the id only.
   * This read is by id alone, on purpose: it looks for the id in every namespace.
   */
  #existing(table: 'episodes' | 'memories', namespace: string, ids: string[]): Set<string> {
    if (ids.length === 0) return new Set();
    const rows = this.#db.statement(`SELECT id, namespace FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as Array<{ id: string; namespace: string }>;
    const elsewhere = rows.find(({ namespace: holder }) => holder !== namespace);
    if (elsewhere) {
      const what = table === 'episodes' ? 'episode' : 'memory';
      throw new MemosError('E_CONFLICT', `${what} id '${elsewhere.id}' is taken by a record of another namespace (ids are unique across namespaces in SQLite)`, {
        details: { field: `${what}.id` },
      });
    }
    return new Set(rows.map((row) => row.id));
  }

  /** Every history row of these memories (of `namespace`), oldest version first. */
  #history(namespace: string, ids: string[]): Map<string, MemoryVersion[]> {
    const found = new Map<string, MemoryVersion[]>();
    if (ids.length === 0) return found;
    const scope = scopeFilter({ namespace }, 'm');
    const rows = this.#db
      .statement(`SELECT h.* FROM memory_history h JOIN memories m ON m.id = h.memory_id
        WHERE ${scope.sql} AND h.memory_id IN (SELECT value FROM json_each(?)) ORDER BY h.memory_id, h.version`)
      .all(...scope.params, JSON.stringify(ids)) as HistoryRow[];
    for (const row of rows) found.set(row.memory_id, [...(found.get(row.memory_id) ?? []), rowToVersion(row)]);
    return found;
  }

  #archive(memory: Memory, version: MemoryVersion): void {
    this.#db
      .statement(INSERT_VERSION)
      .run(
        memory.id,
        version.version,
        version.content,
        version.kind,
        version.importance,
        JSON.stringify(version.metadata),
        version.expiresAt === undefined ? null : toMs(version.expiresAt, 'history.expiresAt'),
        JSON.stringify(version.sourceEpisodeIds),
        toMs(version.validFrom, 'history.validFrom'),
        toMs(version.validTo, 'history.validTo'),
        version.reason,
      );
  }
}
