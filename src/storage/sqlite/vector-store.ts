// The VectorStore port on SQLite. Vectors live in the records' `embedding` BLOB columns
// (float32, little-endian); search runs in process over the VectorIndex, which this store loads
// lazily per (tier, namespace, model, dimensions) (from a snapshot after a restart, else from the
// rows) and which every write path keeps current.
// A query ranks the index rows in scope, then reads the best candidates back from SQLite with
// the full filter applied, widening the candidate set until `limit` records survive it.

import { endianness } from 'node:os';
import type { Clock } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import type { NearestQuery, VectorStore } from '../../core/ports.js';
import type {
  EmbeddingFailure,
  EmbeddingProgress,
  Memory,
  PendingEmbedding,
  RecordFilter,
  Scored,
  Tier,
  TierRecord,
  VectorQuery,
  VectorWrite,
} from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { countProgress, listPending, recordFailures, retryFailed, type ModelQuery } from './embedding-backlog.js';
import { compileFilter, scopeFilter, type SqlParam, type StoreScope } from './filter-sql.js';
import { scopeOfRow, type ScopeColumns } from '../row-fields.js';
import { recordColumns, rowToEpisode, rowToMemory, type EpisodeRow, type MemoryRow } from './rows.js';
import type { Candidate, IndexedVector, PartitionKey, Ranking, ScopeMatch, VectorIndex } from './vector-index.js';

const TABLES = {
  memories: { table: 'memories', timeColumn: 'created_at', toRecord: (row: unknown) => rowToMemory(row as MemoryRow) },
  episodes: { table: 'episodes', timeColumn: 'occurred_at', toRecord: (row: unknown) => rowToEpisode(row as EpisodeRow) },
} as const;

/** Stores a record's vector when the record (within its namespace) still holds the embedded text; the SET values come first. */
function putSql(table: string, write: VectorWrite): { sql: string; params: SqlParam[] } {
  const scope = scopeFilter({ namespace: write.namespace });
  return {
    sql: `UPDATE ${table} SET embedding = ?, embedding_model = ?, embedding_dim = ?,
  embedding_status = 'ready', embedding_truncated = ?, embedding_attempts = 0, embedding_error = NULL
  WHERE ${scope.sql} AND id = ? AND content = ? RETURNING user_id, agent_id, session_id`,
    params: [...scope.params, write.id, write.content],
  };
}
/** The stored vectors of one partition (within its namespace). */
function loadSql(table: string, key: PartitionKey): { sql: string; params: SqlParam[] } {
  const scope = scopeFilter({ namespace: key.namespace });
  return {
    sql: `SELECT id, user_id, agent_id, session_id, embedding FROM ${table}
  WHERE ${scope.sql} AND embedding_status = 'ready' AND embedding_model = ? AND embedding_dim = ?`,
    params: [...scope.params, key.model, key.dimensions],
  };
}

type LoadRow = [id: string, userId: string | null, agentId: string | null, sessionId: string | null, embedding: Uint8Array | null];

/** Stored vectors are little-endian; on such a host (nearly all) they decode by copying bytes. */
const LITTLE_ENDIAN = endianness() === 'LE';

/** Candidates a search reads back first, per result wanted; more are read while the filter rejects them. */
const OVERSAMPLE = 8;
const WIDEN = 4;

/**
 * Candidates to read back first. A filter of scope ids alone is the index's own match, so only
 * expired memories and rows the index is behind on fail it: a few spare candidates are enough.
 * The ranking's order does not depend on how many are asked for (the graph searches as wide either
 * way), so the answer is the same; only fewer rows are looked up. A memory's sessions, slot and
 * conflict marks are checked by the SQL filter, as kinds are; `validAt` (nearly always now) passes
 * nearly every memory, and the widening covers the few superseded ones.
 */
function firstAsk(tier: Tier, filter: RecordFilter, limit: number): number {
  const memoryOnly = tier === 'memories' && (filter.sessionId !== undefined || filter.key !== undefined || filter.conflicted !== undefined);
  const scopeOnly = !memoryOnly && filter.kinds === undefined && filter.from === undefined && filter.to === undefined && filter.metadata === undefined;
  return scopeOnly ? limit * 2 + 8 : limit * OVERSAMPLE + 32;
}

export class SqliteVectorStore implements VectorStore {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #index: VectorIndex;

  constructor(db: SqliteDatabase, clock: Clock, index: VectorIndex) {
    this.#db = db;
    this.#clock = clock;
    this.#index = index;
  }

  async search<T extends Tier>(query: VectorQuery<T>): Promise<Scored<TierRecord[T]>[]> {
    const dimensions = checkVector(query.vector, 'vector');
    if (query.limit <= 0) return [];
    return this.#db.run('vectors.search', () => {
      const { filter, tier, limit } = query;
      // A memory's sessions are not in the index (its session column is NULL): any, then the SQL filter.
      const match: ScopeMatch = { userId: filter.userId, agentId: filter.agentId, sessionId: tier === 'memories' ? undefined : filter.sessionId };
      const ranking = this.#rank({ tier, namespace: filter.namespace, model: query.model, dimensions }, query.vector, match);
      const now = this.#clock.now();
      const admitted: Candidate[] = [];
      // An ANN ranking asked for more need not extend its first answer: candidates are checked once each.
      const checked = new Set<string>();
      for (let k = firstAsk(tier, filter, limit); ; k *= WIDEN) {
        const candidates = ranking.top(k);
        const fresh = candidates.filter((c) => !checked.has(c.id));
        for (const c of fresh) checked.add(c.id);
        admitted.push(...this.#admit(tier, filter, query.model, fresh, now));
        if (admitted.length >= limit || candidates.length >= ranking.eligible) break;
      }
      return this.#records(tier, filter, admitted.sort(byScore).slice(0, limit));
    });
  }

  async nearestMemories(queries: NearestQuery[]): Promise<Scored<Memory>[][]> {
    const dimensions = queries.map((query, i) => checkVector(query.vector, `queries[${i}].vector`));
    if (queries.length === 0) return [];
    // In process, one query after another: the batch saves only the calls.
    return this.#db.run('vectors.nearestMemories', () => queries.map((query, i) => this.#nearest(query, dimensions[i]!)));
  }

  async put(writes: VectorWrite[]): Promise<number> {
    const blobs = writes.map((write, i) => toBlob(write.vector, `writes[${i}].vector`));
    if (writes.length === 0) return 0;
    const stored = this.#db.transaction('vectors.put', () =>
      writes.flatMap((write, i) => {
        const { sql, params } = putSql(TABLES[write.tier].table, write);
        const row = this.#db.statement(sql).get(blobs[i], write.model, write.vector.length, write.truncated ? 1 : 0, ...params) as ScopeColumns | undefined;
        return row ? [{ write, row }] : [];
      }),
    );
    // Only now that the transaction has committed does the index learn of the vectors.
    for (const { write, row } of stored) {
      const key = { tier: write.tier, namespace: write.namespace, model: write.model, dimensions: write.vector.length };
      this.#index.set(key, write.id, scopeOfRow({ ...row, namespace: write.namespace }), write.vector);
    }
    return stored.length;
  }

  async pending(query: ModelQuery & { limit: number }): Promise<PendingEmbedding[]> {
    return this.#db.run('vectors.pending', () => listPending(this.#db, query, this.#clock.now()));
  }

  async progress(query: ModelQuery & { failures?: number }): Promise<EmbeddingProgress> {
    return this.#db.run('vectors.progress', () => countProgress(this.#db, query, this.#clock.now()));
  }

  async fail(failures: EmbeddingFailure[], policy: { failAfter: number }): Promise<number> {
    if (failures.length === 0) return 0;
    return this.#db.transaction('vectors.fail', () => recordFailures(this.#db, failures, policy.failAfter));
  }

  async retryFailed(): Promise<number> {
    return this.#db.transaction('vectors.retryFailed', () => retryFailed(this.#db));
  }

  /** One near-duplicate check (`nearestMemories`), inside the caller's run. */
  #nearest(query: NearestQuery, dimensions: number): Scored<Memory>[] {
    if (query.limit <= 0) return [];
    const { scope } = query;
    // The identity: user and agent exactly, unset ones included; a memory's session is provenance.
    const match: ScopeMatch = { userId: scope.userId ?? null, agentId: scope.agentId ?? null, sessionId: undefined };
    const partition = this.#partition({ tier: 'memories', namespace: scope.namespace, model: query.model, dimensions });
    // Exact identity is the index's match; admitting adds liveness (expired memories stay indexed)
    // and currency (superseded and retracted memories stay indexed too, and are never merged into).
    // The nearest few are asked for first; more only while expired ones take their places.
    // The rows are read as they are admitted (one statement per round, not two): a write batch
    // makes one check per memory, and most find their few candidates in the first round.
    const now = this.#clock.now();
    const admitted: Candidate[] = [];
    const rows = new Map<string, MemoryRow>();
    const checked = new Set<string>();
    for (let k = query.limit + 2; ; k *= WIDEN) {
      const reaching = partition.nearest(query.vector, match, query.threshold, k);
      const fresh = reaching.filter((c) => !checked.has(c.id));
      for (const c of fresh) checked.add(c.id);
      for (const row of this.#currentRows(scope.namespace, query.model, fresh, now)) rows.set(row.id, row);
      admitted.push(...fresh.filter((c) => rows.has(c.id)));
      if (admitted.length >= query.limit || reaching.length < k) break;
    }
    return admitted
      .sort(byScore)
      .slice(0, query.limit)
      .map((c) => ({ item: rowToMemory(rows.get(c.id)!), score: c.score }));
  }

  /** The rows of candidate memories of `namespace` that are live, current and hold a vector of `model`. */
  #currentRows(namespace: string, model: string, candidates: Candidate[], now: number): MemoryRow[] {
    if (candidates.length === 0) return [];
    const where = scopeFilter({ namespace }, 't');
    return this.#db
      .statement(
        `SELECT ${recordColumns('memories', 't')} FROM json_each(?) AS j CROSS JOIN memories AS t ON t.id = j.value
          WHERE t.embedding_status = 'ready' AND t.embedding_model = ? AND ${where.sql} AND (t.expires_at IS NULL OR t.expires_at > ?) AND t.valid_to IS NULL`,
      )
      .all(JSON.stringify(candidates.map((c) => c.id)), model, ...where.params, now) as MemoryRow[];
  }

  /** Ranks the partition's rows, loading the partition from SQLite on its first use. */
  #rank(key: PartitionKey, vector: Float32Array, match: ScopeMatch): Ranking {
    return this.#partition(key).rank(vector, match);
  }

  /** The index partition of `key`, on first use read from its snapshot, else loaded from SQLite. */
  #partition(key: PartitionKey) {
    return this.#index.get(key) ?? this.#index.restore(key) ?? this.#index.load(key, this.#stored(key));
  }

  /** Every stored vector of a partition, decoded into one reused buffer (the index copies it). */
  *#stored(key: PartitionKey): Generator<IndexedVector> {
    const vector = new Float32Array(key.dimensions);
    const bytes = new Uint8Array(vector.buffer);
    // Rows as arrays rather than objects: a partition can be 100k rows, and this is its load time.
    const { sql, params } = loadSql(TABLES[key.tier].table, key);
    const rows = this.#db
      .statement(sql)
      .raw(true)
      .iterate(...params) as IterableIterator<LoadRow>;
    for (const [id, userId, agentId, sessionId, blob] of rows) {
      if (!blob || blob.byteLength !== bytes.byteLength) continue;
      if (LITTLE_ENDIAN) bytes.set(blob);
      else {
        const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
        for (let j = 0; j < key.dimensions; j += 1) vector[j] = view.getFloat32(j * 4, true);
      }
      yield { id, scope: scopeOfRow({ namespace: key.namespace, user_id: userId, agent_id: agentId, session_id: sessionId }), vector };
    }
  }

  /**
   * The candidates that pass the full filter (and, for memories, are live). The row must still
   * hold a vector of `model`, so that the index can never return a record it is behind on.
   * Only ids are read here: when the filter rejects most candidates, many are checked.
   */
  #admit(tier: Tier, filter: RecordFilter, model: string, candidates: Candidate[], now: number): Candidate[] {
    if (candidates.length === 0) return [];
    const spec = TABLES[tier];
    const where = compileFilter(filter, tier, 't');
    const live = tier === 'memories' ? ' AND (t.expires_at IS NULL OR t.expires_at > ?)' : '';
    // CROSS JOIN keeps json_each as the outer loop: one id lookup per candidate, whatever the filter.
    const ids = this.#db
      .statement(
        `SELECT t.id FROM json_each(?) AS j CROSS JOIN ${spec.table} AS t ON t.id = j.value
          WHERE t.embedding_status = 'ready' AND t.embedding_model = ? AND ${where.sql}${live}`,
      )
      .pluck()
      .all(JSON.stringify(candidates.map((c) => c.id)), model, ...where.params, ...(live ? [now] : []));
    const passed = new Set(ids);
    return candidates.filter((c) => passed.has(c.id));
  }

  /** The records of admitted candidates (admitted within `scope`), in the order given. */
  #records<T extends Tier>(tier: T, scope: StoreScope, admitted: Candidate[]): Scored<TierRecord[T]>[] {
    if (admitted.length === 0) return [];
    const spec = TABLES[tier];
    const where = scopeFilter({ namespace: scope.namespace, userId: scope.userId }, 't');
    const rows = this.#db
      .statement(`SELECT ${recordColumns(spec.table, 't')} FROM json_each(?) AS j CROSS JOIN ${spec.table} AS t ON t.id = j.value WHERE ${where.sql}`)
      .all(JSON.stringify(admitted.map((c) => c.id)), ...where.params) as { id: string }[];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return admitted.map((c) => ({ item: spec.toRecord(byId.get(c.id)) as TierRecord[T], score: c.score }));
  }
}

/** Best first; equal scores in id order. */
function byScore(a: Candidate, b: Candidate): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The vector's length, after checking it can be stored or searched with. */
function checkVector(vector: Float32Array, field: string): number {
  let finite = vector.length > 0;
  for (let j = 0; finite && j < vector.length; j += 1) finite = Number.isFinite(vector[j]);
  if (!finite) throw new MemosError('E_DIMENSION_MISMATCH', `${field}: must hold at least one number, all finite`);
  return vector.length;
}

/** Float32, little-endian, whatever the host's byte order. */
function toBlob(vector: Float32Array, field: string): Buffer {
  checkVector(vector, field);
  if (LITTLE_ENDIAN) return Buffer.from(vector.buffer.slice(vector.byteOffset, vector.byteOffset + vector.byteLength));
  const blob = Buffer.alloc(vector.length * 4);
  for (let j = 0; j < vector.length; j += 1) blob.writeFloatLE(vector[j]!, j * 4);
  return blob;
}
