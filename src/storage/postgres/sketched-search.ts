// Vector ranking on the exact path (PostgreSQL without pgvector), through the sketches of
// vector-sketch.ts: PostgreSQL picks the candidates, memOS ranks them. (Near-duplicate checks
// through the band keys are nearest-memories.ts's, for a whole batch.)
// - A search takes the scope's POOL_FACTOR x `candidates` nearest vectors by Hamming distance
//   from the vectors table alone (a pass over the scope's rows of that narrow table, ~0.2 µs each
//   for `bit_count`), then keeps up to RANKED_FACTOR x `candidates` nearest of those passing the
//   filter (400 ranked: recall@10 0.95 against exact at 16k, 200: 0.92). When the filter rejects so
//   many that fewer than `candidates` remain while the scope holds more, the search runs again
//   with the filter applied to every vector of the scope (a lookup per vector): slower, as many as wanted.
// The filter is a lateral subquery per vector that reads its record by seq (OFFSET 0 keeps the
// planner from flattening it or pushing the filter into the lookup), so that every plan is one pass
// over the vectors read with one unique-index lookup per row, whatever the statistics say (without
// them, a lookup by a user's index was seen to read the user's whole scope for each vector). The
// candidates come back as their seq and vector (binary, `array_send`), memOS ranks them by exact
// cosine (~40 µs a vector for `memos_cosine` in SQL, well under 1 µs here), then reads only the
// best `limit` whole.

import type { Tier } from '../../core/types.js';
import type { ExactScopeWatch } from './exact-scope-watch.js';
import type { PgDatabase } from './pg-database.js';
import { SqlParams } from './pg-filter-sql.js';
import type { TenantScope } from './row-security.js';
import { partitionPredicate } from './vector-sql.js';
import { SKETCH_BITS, sketchParams } from './vector-sketch.js';

/** A near-duplicate check ranks exactly this many band-sharing candidates, nearest by sketch. */
export const NEAR_DUPLICATE_CANDIDATES = 50;
/**
 * A search takes at least this many candidates, nearest by sketch, and CANDIDATES_PER_RESULT per
 * result wanted: hybrid's 100 (at 10k: recall@100 0.968 against exact in 37 ms; with 20 per
 * result, 0.999 in 119 ms).
 */
const SEARCH_CANDIDATES = 200;
const CANDIDATES_PER_RESULT = 5;
/** Vectors read by sketch per candidate, before the filter. */
const POOL_FACTOR = 4;
/** Of the pool, up to RANKED_FACTOR x `candidates` passing the filter are ranked exactly (fewer than `candidates` passing read the scope again). */
const RANKED_FACTOR = 2;

export interface SketchedQuery {
  tier: Tier;
  table: string;
  /** The column of `vectors` that references the tier's records. */
  seq: string;
  /** The record columns to return, over alias `t`. */
  columns: string;
  scope: TenantScope;
  model: string;
  vector: Float32Array;
  limit: number;
  /** The filter, over the record alias `t`. */
  restrict: (params: SqlParams) => string;
}

type Row = Record<string, unknown> & { score: number };
type Candidate = { seq: string | null; packed: Buffer | null; pooled?: string; passed?: string };

/** The best `limit` records by cosine, best first, equal scores in id order (a zero vector scores NULL, last). */
export async function sketchedRank(db: PgDatabase, query: SketchedQuery, watch?: ExactScopeWatch): Promise<Row[]> {
  const candidates = Math.max(SEARCH_CANDIDATES, query.limit * CANDIDATES_PER_RESULT);
  const pooled = candidatesSql(query, 'pool', candidates);
  let rows = await db.tenantQuery<Candidate>(query.scope, 'vectors.search', pooled.sql, pooled.params);
  const first = rows[0];
  const [pool, passed] = [Number(first?.pooled ?? 0), Number(first?.passed ?? 0)];
  // Not awaited: the count runs beside the answer.
  if (pool === candidates * POOL_FACTOR) void watch?.sawFullPool({ ...query, namespace: query.scope.namespace, userId: query.scope.userId, dimensions: query.vector.length });
  if (passed < candidates && pool === candidates * POOL_FACTOR) {
    const full = candidatesSql(query, 'scope', candidates);
    rows = await db.tenantQuery<Candidate>(query.scope, 'vectors.search', full.sql, full.params);
  }
  return readBest(db, query, rows);
}

/**
 * The best `limit` candidates by exact cosine, read whole: those scoring at least the `limit`-th
 * score (ties included, which the id order settles) or, when fewer score, every candidate.
 */
async function readBest(db: PgDatabase, query: SketchedQuery, rows: Candidate[]): Promise<Row[]> {
  const scoreOf = scorer(query.vector);
  const scored = rows.flatMap(({ seq, packed }) => (packed === null ? [] : [{ seq: String(seq), score: scoreOf(packed) }]));
  if (scored.length === 0) return [];
  scored.sort((a, b) => (b.score ?? -Infinity) - (a.score ?? -Infinity));
  const last = scored[Math.min(query.limit, scored.length) - 1]!.score;
  const wanted = last === null ? scored : scored.filter((c) => c.score !== null && c.score >= last);
  const read = await db.tenantQuery<Record<string, unknown> & { seq: string }>(
    query.scope,
    'vectors.search',
    `SELECT t.seq::text AS seq, ${query.columns} FROM ${query.table} t WHERE t.seq = ANY($1::bigint[])`,
    [wanted.map((c) => c.seq)],
  );
  const bySeq = new Map(read.map(({ seq, ...record }) => [seq, record]));
  const best = wanted.flatMap(({ seq, score }) => (bySeq.has(seq) ? [{ ...bySeq.get(seq)!, score } as Row] : []));
  return best.sort(bestFirst).slice(0, query.limit);
}

function candidatesSql(query: SketchedQuery, source: 'pool' | 'scope', candidates: number): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const { sketch } = sketchParams(query.vector);
  const user = query.scope.userId === undefined ? '' : ` AND v.user_id = ${params.add(query.scope.userId)}`;
  const inScope = `v.tier = '${query.tier}' AND v.namespace = ${params.add(query.scope.namespace)} AND ${partitionPredicate(query.model, query.vector.length, 'v.')}${user}`;
  // A vector not yet signed (vector-sketch-backfill.ts) comes first, so that it is ranked exactly.
  const distance = `coalesce(bit_count(v.sketch # ${params.add(sketch)}::bit(${SKETCH_BITS})), -1)`;
  // The record is read by its seq alone (the inner OFFSET 0 keeps the filter out of that scan), so
  // that the planner cannot take an index of the filter's columns and scan the scope for each vector.
  const passes = (seq: string) =>
    `CROSS JOIN LATERAL (SELECT 1 FROM (SELECT * FROM ${query.table} r WHERE r.seq = ${seq} OFFSET 0) AS t WHERE ${query.restrict(params)} OFFSET 0) AS passes`;
  // The candidates come back as their seq and vector alone; only the best are read whole (readBest).
  const joined = `candidates c JOIN vectors e ON e.${query.seq} = c.seq`;
  const columns = `c.seq::text AS seq, array_send(e.embedding) AS packed`;
  if (source !== 'pool') {
    const sql = `
      WITH candidates AS MATERIALIZED (
        SELECT v.${query.seq} AS seq FROM vectors v ${passes(`v.${query.seq}`)}
        WHERE ${inScope} ORDER BY ${distance}, v.${query.seq} LIMIT ${candidates * RANKED_FACTOR}
      )
      SELECT ${columns} FROM ${joined}`;
    return { sql, params: params.values };
  }
  const sql = `
    WITH pool AS MATERIALIZED (
      SELECT v.${query.seq} AS seq, ${distance} AS distance FROM vectors v
      WHERE ${inScope} ORDER BY 2, 1 LIMIT ${candidates * POOL_FACTOR}
    ),
    -- The pool in order, so that the filter's lookups stop once enough have passed.
    candidates AS MATERIALIZED (
      SELECT p.seq FROM (SELECT * FROM pool ORDER BY distance, seq) p ${passes('p.seq')} ORDER BY p.distance, p.seq LIMIT ${candidates * RANKED_FACTOR}
    )
    -- One row even when no candidate passed, for the counts.
    SELECT ${columns}, counts.pooled, counts.passed
    FROM (SELECT (SELECT count(*) FROM pool) AS pooled, (SELECT count(*) FROM candidates) AS passed) counts
      LEFT JOIN (${joined}) ON true`;
  return { sql, params: params.values };
}

/** Best first (a NULL score last), equal scores in id order. */
export function bestFirst(a: Row, b: Row): number {
  const [x, y] = [a.score ?? -Infinity, b.score ?? -Infinity];
  if (x !== y) return y - x;
  const [i, j] = [String(a.id), String(b.id)];
  return i < j ? -1 : i > j ? 1 : 0;
}

/** The exact cosine of a packed vector (`array_send`) with `query`, as `memos_cosine` computes it; null for a zero vector. */
export function scorer(query: Float32Array): (packed: Buffer) => number {
  let queryNorm = 0;
  for (const value of query) queryNorm += value * value;
  return (packed) => cosine(packed, query, queryNorm);
}

/**
 * Cosine of a `real[]` in PostgreSQL's binary array form (`array_send`: dimensions, flags, element
 * type, then per dimension its length and lower bound, then per element its length and
 * big-endian bytes) with `query`, in doubles as `memos_cosine` sums; null when either is all zeros.
 */
function cosine(packed: Buffer, query: Float32Array, queryNorm: number): number {
  const dimensions = packed.readInt32BE(0);
  let offset = 12 + 8 * dimensions;
  let [dot, norm] = [0, 0];
  for (let i = 0; i < query.length && offset < packed.length; i++) {
    const length = packed.readInt32BE(offset);
    const value = packed.readFloatBE(offset + 4);
    offset += 4 + length;
    dot += value * query[i]!;
    norm += value * value;
  }
  const denominator = Math.sqrt(norm) * Math.sqrt(queryNorm);
  return denominator === 0 ? (null as unknown as number) : dot / denominator;
}
