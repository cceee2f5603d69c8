// The TransferStore port on PostgreSQL: pages of a namespace's records in export order, with their
// history and stored vectors (the `vectors` table), and batches of imported records written in one
// transaction in the namespace's tenant scope. Imported rows go in through the stores' own batch
// inserts (insertEpisodes, insertMemories), so the triggers keep the search fields and the keyword
// counts per scope; they are written `pending`, and vectors follow through VectorStore.put.
// Ids are unique per namespace here, so an id of another namespace never collides.

import { noteAuditRecords } from '../../core/audit-scope.js';
import type { StoredVector, TransferBatch, TransferBatchResult, TransferEpisode, TransferMemory, TransferPageQuery, TransferStore } from '../../core/ports.js';
import type { CursorPosition, MemoryVersion, Page } from '../../core/types.js';
import { episodeColumns, insertEpisodes, rowToEpisode, type EpisodeRow } from './episode-rows.js';
import { insertMemories, memoryColumns, rowToMemory, rowToVersion, type HistoryRow, type MemoryRow } from './memory-rows.js';
import type { PgDatabase } from './pg-database.js';
import { SqlParams, timeParam } from './pg-filter-sql.js';
import type { SqlExecutor } from './sql-engine.js';

type VectorColumns = { vector: number[] | null };

const TIERS = {
  episodes: { table: 'episodes', time: 'occurred_at', seq: 'episode_seq', columns: episodeColumns('r') },
  memories: { table: 'memories', time: 'created_at', seq: 'memory_seq', columns: memoryColumns('r') },
} as const;

/** A page of a tier in (time, id) order within the query's namespace, user and time bounds. */
function pageSql(tier: keyof typeof TIERS, query: TransferPageQuery): { sql: string; params: unknown[] } {
  const { table, time, seq, columns } = TIERS[tier];
  const params = new SqlParams();
  const clauses = [`r.namespace = ${params.add(query.namespace)}`];
  if (query.userId !== undefined) clauses.push(`r.user_id = ${params.add(query.userId)}`);
  if (query.from !== undefined) clauses.push(`r.${time} >= ${params.add(timeParam(query.from, 'from'))}::timestamptz`);
  if (query.to !== undefined) clauses.push(`r.${time} < ${params.add(timeParam(query.to, 'to'))}::timestamptz`);
  if (query.after !== undefined) {
    clauses.push(`(r.${time}, r.id) > (${params.add(timeParam(query.after.time, 'after'))}::timestamptz, ${params.add(query.after.id)})`);
  }
  const vector = query.withVectors
    ? `, CASE WHEN r.embedding_status = 'ready' THEN (SELECT v.embedding::real[] FROM vectors v WHERE v.${seq} = r.seq) END AS vector`
    : '';
  const limit = params.add(query.limit + 1);
  return { sql: `SELECT ${columns}${vector} FROM ${table} r WHERE ${clauses.join(' AND ')} ORDER BY r.${time}, r.id LIMIT ${limit}`, params: params.values };
}

function vectorOf(row: EpisodeRow | MemoryRow, vector: number[] | null): StoredVector | undefined {
  if (vector === null || row.embedding_model === null || row.embedding_dim === null) return undefined;
  return { model: row.embedding_model, dimensions: row.embedding_dim, truncated: row.embedding_truncated === true, vector: Float32Array.from(vector.map(Number)) };
}

/** The first `limit` items, with the position of the last when more follow. */
function toPage<T>(items: T[], limit: number, position: (item: T) => CursorPosition): Page<T> {
  const page = items.slice(0, limit);
  return items.length > limit && page.length > 0 ? { items: page, next: position(page[page.length - 1]!) } : { items: page };
}

const INSERT_HISTORY = `INSERT INTO memory_history (namespace, memory_id, user_id, version, content, kind, importance, metadata,
    expires_at, source_episode_ids, valid_from, valid_to, reason)
  SELECT namespace, memory_id, user_id, version, content, kind, importance, metadata, expires_at,
    ARRAY(SELECT jsonb_array_elements_text(source_episode_ids)), valid_from, valid_to, reason
  FROM unnest($1::text[], $2::text[], $3::text[], $4::integer[], $5::text[], $6::text[], $7::float8[], $8::jsonb[],
    $9::timestamptz[], $10::jsonb[], $11::timestamptz[], $12::timestamptz[], $13::text[])
    AS h(namespace, memory_id, user_id, version, content, kind, importance, metadata, expires_at, source_episode_ids, valid_from, valid_to, reason)`;

export class PgTransferStore implements TransferStore {
  readonly #db: PgDatabase;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async episodes(query: TransferPageQuery): Promise<Page<TransferEpisode>> {
    const { sql, params } = pageSql('episodes', query);
    const rows = await this.#db.tenantQuery<EpisodeRow & VectorColumns>(query, 'transfer.episodes', sql, params);
    const items = rows.map((row) => {
      const vector = vectorOf(row, row.vector ?? null);
      return { episode: rowToEpisode(row), ...(vector === undefined ? {} : { vector }) };
    });
    return toPage(items, query.limit, (item) => ({ time: item.episode.occurredAt, id: item.episode.id }));
  }

  async memories(query: TransferPageQuery): Promise<Page<TransferMemory>> {
    const { sql, params } = pageSql('memories', query);
    return this.#db.tenant(query, 'transfer.memories', async (tx) => {
      const rows = await tx.query<MemoryRow & VectorColumns>(sql, params);
      const ids = rows.slice(0, query.limit).map((row) => row.id);
      const history = new Map<string, MemoryVersion[]>();
      if (ids.length > 0) {
        const versions = await tx.query<HistoryRow>(
          'SELECT * FROM memory_history WHERE namespace = $1 AND memory_id = ANY($2::text[]) ORDER BY memory_id, version',
          [query.namespace, ids],
        );
        for (const row of versions) history.set(row.memory_id, [...(history.get(row.memory_id) ?? []), rowToVersion(row)]);
      }
      const items = rows.map((row) => {
        const vector = vectorOf(row, row.vector ?? null);
        return { memory: rowToMemory(row), history: history.get(row.id) ?? [], ...(vector === undefined ? {} : { vector }) };
      });
      return toPage(items, query.limit, (item) => ({ time: item.memory.createdAt, id: item.memory.id }));
    });
  }

  async importBatch(batch: TransferBatch): Promise<TransferBatchResult> {
    const result = await this.#db.tenant({ namespace: batch.namespace }, 'transfer.import', async (tx) => {
      const episodes = await existing(tx, 'episodes', batch.namespace, batch.episodes.map((episode) => episode.id));
      const memories = await existing(tx, 'memories', batch.namespace, batch.memories.map(({ memory }) => memory.id));
      const newEpisodes = batch.episodes.filter((episode) => !episodes.has(episode.id));
      const newMemories = batch.memories.filter(({ memory }) => !memories.has(memory.id));
      await insertEpisodes(tx, newEpisodes.map((episode) => ({ ...episode, embedding: { status: 'pending' } })));
      await insertMemories(tx, newMemories.map(({ memory, contentKey }) => ({ memory: { ...memory, embedding: { status: 'pending' } }, contentKey })));
      await insertHistory(tx, newMemories);
      noteAuditRecords([...newEpisodes.map((episode) => episode.id), ...newMemories.map(({ memory }) => memory.id)]);
      return {
        episodes: batch.episodes.map((episode) => (episodes.has(episode.id) ? 'unchanged' : 'created')),
        memories: batch.memories.map(({ memory }) => (memories.has(memory.id) ? 'unchanged' : 'created')),
      } satisfies TransferBatchResult;
    });
    this.#db.wrote();
    return result;
  }
}

/** The ids of `ids` already stored in `namespace`. */
async function existing(tx: SqlExecutor, table: 'episodes' | 'memories', namespace: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx.query<{ id: string }>(`SELECT id FROM ${table} WHERE namespace = $1 AND id = ANY($2::text[])`, [namespace, ids]);
  return new Set(rows.map((row) => row.id));
}

/** Every version of the memories' histories, in one statement. */
async function insertHistory(tx: SqlExecutor, memories: TransferBatch['memories']): Promise<void> {
  const rows = memories.flatMap(({ memory, history }) => history.map((version) => ({ memory, version })));
  if (rows.length === 0) return;
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  await tx.query(INSERT_HISTORY, [
    column(({ memory }) => memory.namespace),
    column(({ memory }) => memory.id),
    column(({ memory }) => memory.userId ?? null),
    column(({ version }) => version.version),
    column(({ version }) => version.content),
    column(({ version }) => version.kind),
    column(({ version }) => version.importance),
    column(({ version }) => JSON.stringify(version.metadata)),
    column(({ version }) => (version.expiresAt === undefined ? null : timeParam(version.expiresAt, 'history.expiresAt'))),
    column(({ version }) => JSON.stringify(version.sourceEpisodeIds)),
    column(({ version }) => timeParam(version.validFrom, 'history.validFrom')),
    column(({ version }) => timeParam(version.validTo, 'history.validTo')),
    column(({ version }) => version.reason),
  ]);
}
