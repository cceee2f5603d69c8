// The VectorStore port on Postgres. Vectors live in the `vectors` table (migration 5), one per
// record, beside the record's embedding state; both change in one statement. Search joins each
// vector to its record and applies the full filter in SQL.
// - pgvector: the query first orders by the HNSW index of its (model, dimensions) (the same cast
//   and partial predicate as the index), with a wider `hnsw.ef_search` (and, on pgvector 0.8+, an
//   iterative scan). HNSW may still stop before `limit` rows pass the filter; then the same query
//   runs again with an exact ordering (no cast, so no index): correct whatever the filter rejects.
// - exact (no pgvector): candidates by sketch (band keys for near-duplicate checks, Hamming
//   distance for searches), ranked by exact cosine in memOS (sketched-search.ts).

import { toIso, type Clock } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import type { NearestQuery, VectorStore } from '../../core/ports.js';
import type { EmbeddingFailure, EmbeddingProgress, Memory, PendingEmbedding, Scored, Tier, TierRecord, VectorQuery, VectorWrite } from '../../core/types.js';
import { countProgress, listPending, recordFailures, retryFailed, type ModelQuery } from './embedding-backlog.js';
import { episodeColumns, rowToEpisode, type EpisodeRow } from './episode-rows.js';
import { memoryColumns, rowToMemory, type MemoryRow } from './memory-rows.js';
import type { PgDatabase } from './pg-database.js';
import { compileFilter, SqlParams } from './pg-filter-sql.js';
import { byNamespace, type TenantScope } from './row-security.js';
import {
  distance,
  ensureHnswIndex,
  HNSW_MAX_DIMENSIONS,
  indexName,
  partitionPredicate,
  readDialect,
  similarity,
  vectorParam,
  vectorValue,
  type VectorDialect,
} from './vector-sql.js';
import { scopedBandKeys, SKETCH_BITS, sketchParams } from './vector-sketch.js';
import { sketchedRank } from './sketched-search.js';
import { ExactScopeWatch } from './exact-scope-watch.js';
import { bandedNearest, indexedNearest, nearestGroups } from './nearest-memories.js';

const TIERS = {
  memories: { table: 'memories', seq: 'memory_seq', timeColumn: 'created_at', columns: memoryColumns('t'), toRecord: (row: unknown) => rowToMemory(row as MemoryRow) },
  episodes: { table: 'episodes', seq: 'episode_seq', timeColumn: 'occurred_at', columns: episodeColumns('t'), toRecord: (row: unknown) => rowToEpisode(row as EpisodeRow) },
} as const;

/**
 * Stores each vector whose record still holds the embedded text, and marks the record ready: one
 * statement for a batch of one tier (records named once each), the writes as parallel arrays.
 * A memory's band keys are salted with its exact scope, read from its row (vector-sketch.ts);
 * an episode stores none.
 */
const putSql = (d: VectorDialect, tier: Tier) => {
  const bands =
    tier === 'memories'
      ? `CASE WHEN bands IS NULL THEN NULL ELSE ${scopedBandKeys('bands::integer[]', { namespace: 'namespace', userId: 'user_id', agentId: 'agent_id', sessionId: 'NULL::text', model: 'model', dims: 'dims' })} END`
      : 'NULL::integer[]';
  return `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::boolean[], $8::text[], $9::text[])
      AS i(namespace, id, content, model, dims, embedding, truncated, sketch, bands)
  ),
  target AS (
    UPDATE ${TIERS[tier].table} r SET embedding_status = 'ready', embedding_model = i.model, embedding_dim = i.dims,
      embedding_truncated = i.truncated, embedding_attempts = 0, embedding_error = NULL
    FROM input i WHERE r.namespace = i.namespace AND r.id = i.id AND r.content = i.content
    RETURNING r.seq, r.user_id, ${tier === 'memories' ? 'r.agent_id, ' : ''}r.namespace, i.model, i.dims, i.embedding, i.sketch, i.bands
  )
  INSERT INTO vectors (tier, namespace, user_id, ${TIERS[tier].seq}, model, dims, embedding, sketch, bands)
  SELECT '${tier}', namespace, user_id, seq, model, dims, ${vectorValue(d, 'embedding')}, sketch::bit(${SKETCH_BITS}), ${bands} FROM target
  ON CONFLICT (${TIERS[tier].seq}) DO UPDATE
    SET model = EXCLUDED.model, dims = EXCLUDED.dims, embedding = EXCLUDED.embedding, sketch = EXCLUDED.sketch, bands = EXCLUDED.bands
  RETURNING 1`;
};

/** The parameters of `putSql` for writes of one tier. */
function putParams(d: VectorDialect, writes: VectorWrite[]): unknown[] {
  const sketches = writes.map((w) => (d.backend === 'exact' ? sketchParams(w.vector) : undefined));
  return [
    writes.map((w) => w.namespace),
    writes.map((w) => w.id),
    writes.map((w) => w.content),
    writes.map((w) => w.model),
    writes.map((w) => w.vector.length),
    writes.map((w) => vectorParam(d, w.vector)),
    writes.map((w) => w.truncated === true),
    sketches.map((s) => s?.sketch ?? null),
    sketches.map((s, i) => (s && writes[i]!.tier === 'memories' ? s.raw : null)),
  ];
}

/** Writes in runs that name each record once: a later write of the same record starts a new run (it must see the earlier one stored). */
function runsOfDistinct(writes: VectorWrite[]): VectorWrite[][] {
  const runs: VectorWrite[][] = [];
  let run: VectorWrite[] = [];
  let seen = new Set<string>();
  for (const w of writes) {
    const key = `${w.tier}\u0000${w.id}`;
    if (seen.has(key) || (run.length > 0 && run[0]!.tier !== w.tier)) {
      runs.push(run);
      run = [];
      seen = new Set();
    }
    run.push(w);
    seen.add(key);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Candidates the HNSW scan visits per result wanted (within pgvector's 40..1000). */
const EF_PER_RESULT = 10;

/** How a ranked query restricts its rows: a filter compiled against the record alias `t`. */
type Restrict = (params: SqlParams) => string;

interface Ranked {
  tier: Tier;
  /** The tenant scope the search runs in: the namespace, and the user the filter names. */
  scope: TenantScope;
  model: string;
  vector: Float32Array;
  limit: number;
  restrict: Restrict;
  /** A near-duplicate check's threshold (a high one on the exact path is batched through the band keys instead). */
  threshold?: number;
}


export class PgVectorStore implements VectorStore {
  readonly #db: PgDatabase;
  readonly #clock: Clock;
  #dialect: VectorDialect | undefined;
  /** HNSW indexes known to exist, by name. */
  readonly #indexed = new Set<string>();
  /** The largest scope the exact path has read whole (no pgvector). */
  readonly #watch: ExactScopeWatch;

  constructor(db: PgDatabase, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    this.#watch = new ExactScopeWatch(db);
  }

  /** Standing notices for operators: a scope too large for the exact path, once one was searched. */
  warnings(): string[] {
    const warning = this.#watch.warning();
    return warning === undefined ? [] : [warning];
  }

  async search<T extends Tier>(query: VectorQuery<T>): Promise<Scored<TierRecord[T]>[]> {
    checkVector(query.vector, 'vector');
    if (query.limit <= 0) return [];
    const { filter, tier } = query;
    const now = this.#now();
    const restrict: Restrict = (params) => {
      const where = compileFilter(filter, TIERS[tier], params, 't');
      return tier === 'memories' ? `${where} AND ${live(params, now)}` : where;
    };
    const scope = { namespace: filter.namespace, userId: filter.userId };
    const rows = await this.#rank({ tier, scope, model: query.model, vector: query.vector, limit: query.limit, restrict });
    return rows.map((row) => ({ item: TIERS[tier].toRecord(row) as TierRecord[T], score: row.score }));
  }

  async nearestMemories(queries: NearestQuery[]): Promise<Scored<Memory>[][]> {
    queries.forEach((query, i) => checkVector(query.vector, `queries[${i}].vector`));
    const answers: Scored<Memory>[][] = queries.map(() => []);
    if (queries.every((query) => query.limit <= 0)) return answers;
    const d = await this.#dialectOf();
    const now = this.#now();
    // One statement per (namespace, model, dimensions, limit) where the path allows (nearest-memories.ts).
    for (const group of nearestGroups(queries, d)) {
      if (!group.batched) {
        for (const i of group.indexes) answers[i] = await this.#nearestOne(queries[i]!, now);
        continue;
      }
      const found = d.backend === 'exact' ? await bandedNearest(this.#db, queries, group, now) : await indexedNearest(this.#db, d, queries, group, now);
      for (const [i, hits] of found) answers[i] = hits;
    }
    return answers;
  }

  /** One near-duplicate check through `#rank`, for what a batch statement does not cover. */
  async #nearestOne(query: NearestQuery, now: string): Promise<Scored<Memory>[]> {
    const { scope } = query;
    // Exactly the identity (unset ids match only unset ones), current memories only.
    const restrict: Restrict = (params) =>
      [
        `t.namespace = ${params.add(scope.namespace)}`,
        `t.user_id IS NOT DISTINCT FROM ${params.add(scope.userId ?? null)}::text`,
        `t.agent_id IS NOT DISTINCT FROM ${params.add(scope.agentId ?? null)}::text`,
        't.valid_to IS NULL',
        live(params, now),
      ].join(' AND ');
    // The tenant scope is the namespace, narrowed to the user when the scope names one (memories
    // without a user, which a scope without one matches, are no tenant scope of their own).
    const tenant = { namespace: scope.namespace, userId: scope.userId };
    const ranked = await this.#rank({ tier: 'memories', scope: tenant, model: query.model, vector: query.vector, limit: query.limit, restrict, threshold: query.threshold });
    return ranked.filter((row) => row.score >= query.threshold).map((row) => ({ item: rowToMemory(row as unknown as MemoryRow), score: row.score }));
  }

  async put(writes: VectorWrite[]): Promise<number> {
    writes.forEach((write, i) => checkVector(write.vector, `writes[${i}].vector`));
    if (writes.length === 0) return 0;
    const d = await this.#dialectOf();
    for (const write of writes) await this.#ensureIndex(d, write.model, write.vector.length);
    // One transaction; each namespace's vectors are written in its own scope (the backfill's writes span namespaces).
    const groups = byNamespace(writes, (write) => write.namespace);
    const stored = await this.#db.tenant({ namespace: groups[0]![0] }, 'vectors.put', async (tx) => {
      let count = 0;
      for (const [namespace, group] of groups) {
        await tx.enter({ namespace });
        for (const run of runsOfDistinct(group)) count += (await tx.query(putSql(d, run[0]!.tier), putParams(d, run))).length;
      }
      return count;
    });
    this.#db.wrote();
    return stored;
  }

  async pending(query: ModelQuery & { limit: number }): Promise<PendingEmbedding[]> {
    return this.#db.run('vectors.pending', (db) => listPending(db, query, this.#now()));
  }

  async progress(query: ModelQuery & { failures?: number }): Promise<EmbeddingProgress> {
    return this.#db.run('vectors.progress', (db) => countProgress(db, query, this.#now()));
  }

  async fail(failures: EmbeddingFailure[], policy: { failAfter: number }): Promise<number> {
    if (failures.length === 0) return 0;
    return this.#db.transaction('vectors.fail', (tx) => recordFailures(tx, failures, policy.failAfter));
  }

  async retryFailed(): Promise<number> {
    return this.#db.transaction('vectors.retryFailed', (tx) => retryFailed(tx));
  }

  /**
   * The best `limit` records of a tier by cosine, with the restriction applied, best first and
   * equal scores in id order. On pgvector the HNSW index answers first; exact ordering follows
   * when it returns fewer than `limit`.
   */
  async #rank(ranked: Ranked): Promise<(Record<string, unknown> & { score: number })[]> {
    const d = await this.#dialectOf();
    const dimensions = ranked.vector.length;
    if (d.backend === 'exact') {
      const spec = TIERS[ranked.tier];
      return sketchedRank(this.#db, { ...ranked, table: spec.table, seq: spec.seq, columns: spec.columns }, this.#watch);
    }
    if (dimensions > HNSW_MAX_DIMENSIONS) {
      const { sql, params } = this.#rankedSql(d, ranked, false);
      return this.#db.tenantQuery<Record<string, unknown> & { score: number }>(ranked.scope, 'vectors.search', sql, params);
    }
    // SET LOCAL lasts until the transaction ends, so the settings never leak to a pooled connection;
    // they travel with BEGIN and the scope, in the same round trip as the query where the engine can.
    const ef = Math.min(1000, Math.max(40, ranked.limit * EF_PER_RESULT));
    const settings = [`SET LOCAL hnsw.ef_search = ${ef}`, ...(d.iterativeScan ? ['SET LOCAL hnsw.iterative_scan = strict_order'] : [])].join('; ');
    const indexed = this.#rankedSql(d, ranked, true);
    const rows = await this.#db.tenantQuery<Record<string, unknown> & { score: number }>(ranked.scope, 'vectors.search', indexed.sql, indexed.params, settings);
    if (rows.length >= ranked.limit) return rows.sort(byScore);
    const exact = this.#rankedSql(d, ranked, false);
    return this.#db.tenantQuery<Record<string, unknown> & { score: number }>(ranked.scope, 'vectors.search', exact.sql, exact.params);
  }

  #rankedSql(d: VectorDialect, ranked: Ranked, indexed: boolean): { sql: string; params: unknown[] } {
    const spec = TIERS[ranked.tier];
    const dimensions = ranked.vector.length;
    const params = new SqlParams();
    const q = params.add(vectorParam(d, ranked.vector));
    const score = similarity(d, 'v.embedding', q, dimensions, indexed);
    // The indexed order is the index's expression alone; exact orders break ties by id.
    const order = d.backend === 'pgvector' ? distance(d, 'v.embedding', q, dimensions, indexed) : `${score} DESC NULLS LAST`;
    if (indexed) {
      // Shaped so that the HNSW index is the only ordered way in, statistics or not: the tier is
      // compared in a form no btree serves (the scope index leads with it), and each vector's record
      // is read by seq in a lateral subquery (OFFSET 0: not flattened, the filter not pushed into the
      // lookup), so the planner can neither start from the records nor sort a btree range instead.
      const sql = `SELECT ${spec.columns}, ${score} AS score
        FROM vectors v CROSS JOIN LATERAL (
          SELECT * FROM (SELECT * FROM ${spec.table} r WHERE r.seq = v.${spec.seq} OFFSET 0) AS t WHERE ${ranked.restrict(params)} OFFSET 0
        ) AS t
        WHERE (v.tier = '${ranked.tier}') IS TRUE AND v.namespace = ${params.add(ranked.scope.namespace)} AND ${partitionPredicate(ranked.model, dimensions, 'v.')}
        ORDER BY ${order} LIMIT ${params.add(ranked.limit)}`;
      return { sql, params: params.values };
    }
    const sql = `SELECT ${spec.columns}, ${score} AS score
      FROM vectors v JOIN ${spec.table} t ON t.seq = v.${spec.seq}
      WHERE v.tier = '${ranked.tier}' AND v.namespace = ${params.add(ranked.scope.namespace)} AND ${partitionPredicate(ranked.model, dimensions, 'v.')}
        AND ${ranked.restrict(params)}
      ORDER BY ${order}, t.id LIMIT ${params.add(ranked.limit)}`;
    return { sql, params: params.values };
  }

  async #dialectOf(): Promise<VectorDialect> {
    this.#dialect ??= await this.#db.run('vectors.dialect', readDialect);
    return this.#dialect;
  }

  /** The HNSW index of (model, dimensions), created in its own transaction the first time it is missing. */
  async #ensureIndex(d: VectorDialect, model: string, dimensions: number): Promise<void> {
    if (d.backend !== 'pgvector' || dimensions > HNSW_MAX_DIMENSIONS) return;
    const name = indexName(model, dimensions);
    if (this.#indexed.has(name)) return;
    const schema = this.#db.schema;
    const [found] = await this.#db.query('vectors.index', 'SELECT 1 FROM pg_indexes WHERE schemaname = $1 AND indexname = $2', [schema, name]);
    if (!found) await this.#db.transaction('vectors.index', (tx) => ensureHnswIndex(tx, d, schema, model, dimensions));
    this.#indexed.add(name);
  }

  #now(): string {
    return toIso(this.#clock.now());
  }
}

/** Only memories whose expiry is after `now`. */
const live = (params: SqlParams, now: string) => `(t.expires_at IS NULL OR t.expires_at > ${params.add(now)}::timestamptz)`;

/** Best first; equal scores in id order. */
function byScore(a: { score: number; id?: unknown }, b: { score: number; id?: unknown }): number {
  const [x, y] = [String(a.id), String(b.id)];
  return b.score - a.score || (x < y ? -1 : x > y ? 1 : 0);
}

/** Checks a vector can be stored or searched with: at least one number, all finite. */
function checkVector(vector: Float32Array, field: string): void {
  let finite = vector.length > 0;
  for (let j = 0; finite && j < vector.length; j += 1) finite = Number.isFinite(vector[j]);
  if (!finite) throw new MemosError('E_DIMENSION_MISMATCH', `${field}: must hold at least one number, all finite`);
}
