// Near-duplicate checks of a whole write batch in one statement per (namespace, model, dimensions,
// limit): the drafts travel as parallel arrays, and each is answered by a lateral subquery that is
// exactly the check it would get alone, with its scope read from its own row of the input.
// - exact path (no pgvector), a threshold high enough for the band keys: each draft's candidates
//   are the vectors sharing one of its band keys (the GIN index), nearest by Hamming distance,
//   ranked by exact cosine in memOS (sketched-search.ts).
// - pgvector: each draft's nearest memories in the HNSW order; the drafts that got fewer than
//   `limit` rows (the filter rejected what the scan reached) are asked again, together, with an exact
//   ordering.
// Other checks (a low threshold without pgvector, vectors too long for HNSW) run one at a time.

import type { NearestQuery } from '../../core/ports.js';
import type { Memory, Scored } from '../../core/types.js';
import { memoryColumns, rowToMemory, type MemoryRow } from './memory-rows.js';
import type { PgDatabase } from './pg-database.js';
import { SqlParams } from './pg-filter-sql.js';
import { VECTOR_CANDIDATES_FUNCTION, type TenantScope } from './row-security.js';
import { bestFirst, NEAR_DUPLICATE_CANDIDATES, scorer } from './sketched-search.js';
import { BANDED_THRESHOLD, scopedBandKeys, SKETCH_BITS, sketchParams } from './vector-sketch.js';
import { distance, HNSW_MAX_DIMENSIONS, partitionPredicate, similarity, sqlLiteral, vectorParam, type VectorDialect } from './vector-sql.js';

/** Queries answered by one statement: the indexes of the batch's queries that share these. */
export interface NearestGroup {
  namespace: string;
  model: string;
  dimensions: number;
  limit: number;
  indexes: number[];
  /** Whether the group is answered in one statement (else one query at a time). */
  batched: boolean;
}

/** The batch's queries with a positive limit, by (namespace, model, dimensions, limit), in order of first appearance. */
export function nearestGroups(queries: NearestQuery[], d: VectorDialect): NearestGroup[] {
  const groups = new Map<string, NearestGroup>();
  queries.forEach((query, index) => {
    if (query.limit <= 0) return;
    const batched = d.backend === 'exact' ? query.threshold >= BANDED_THRESHOLD : query.vector.length <= HNSW_MAX_DIMENSIONS;
    const key = JSON.stringify([query.scope.namespace, query.model, query.vector.length, query.limit, batched]);
    let group = groups.get(key);
    if (group === undefined) {
      group = { namespace: query.scope.namespace, model: query.model, dimensions: query.vector.length, limit: query.limit, indexes: [], batched };
      groups.set(key, group);
    }
    group.indexes.push(index);
  });
  return [...groups.values()];
}

/**
 * The tenant scope of a group: its namespace, narrowed to the user when every query names the
 * same one (as a check alone would be); each query's SQL still matches its exact scope.
 */
function tenantOf(group: NearestGroup, queries: NearestQuery[]): TenantScope {
  const users = new Set(group.indexes.map((i) => queries[i]!.scope.userId));
  const [only] = users;
  return users.size === 1 && only !== undefined ? { namespace: group.namespace, userId: only } : { namespace: group.namespace };
}

type Row = Record<string, unknown> & { score: number };
type Numbered<R> = R & { i: number };

/** The input table `q` of a group's statement: each query's position in the batch, scope, and the columns `extra` adds. */
function inputOf(params: SqlParams, queries: NearestQuery[], group: NearestGroup, extra: { name: string; type: string; value: (index: number) => unknown }[], alias = 'q'): string {
  const picked = group.indexes.map((i) => queries[i]!);
  const columns = [
    { name: 'i', type: 'integer[]', values: group.indexes },
    { name: 'user_id', type: 'text[]', values: picked.map((q) => q.scope.userId ?? null) },
    { name: 'agent_id', type: 'text[]', values: picked.map((q) => q.scope.agentId ?? null) },
    ...extra.map(({ name, type, value }) => ({ name, type, values: group.indexes.map(value) })),
  ];
  return `unnest(${columns.map((c) => `${params.add(c.values)}::${c.type}`).join(', ')}) AS ${alias}(${columns.map((c) => c.name).join(', ')})`;
}

/**
 * Exactly the query's identity (unset ids match only unset ones; never the session), current and
 * live at `now`, over the record alias `t` and the input row `q`.
 */
function exactScope(params: SqlParams, namespace: string, now: string): string {
  return [
    `t.namespace = ${params.add(namespace)}`,
    't.user_id IS NOT DISTINCT FROM q.user_id',
    't.agent_id IS NOT DISTINCT FROM q.agent_id',
    't.valid_to IS NULL',
    `(t.expires_at IS NULL OR t.expires_at > ${params.add(now)}::timestamptz)`,
  ].join(' AND ');
}

/** Each query's answer from its ranked rows: the first `limit`, those reaching its threshold. */
function answer(query: NearestQuery, ranked: Row[]): Scored<Memory>[] {
  return ranked
    .slice(0, query.limit)
    .filter((row) => row.score >= query.threshold)
    .map((row) => ({ item: rowToMemory(row as unknown as MemoryRow), score: row.score }));
}

/** Rows by the query they answer. */
function byQuery<R extends { i: number }>(rows: R[]): Map<number, Omit<R, 'i'>[]> {
  const found = new Map<number, Omit<R, 'i'>[]>();
  for (const { i, ...row } of rows) {
    const list = found.get(i) ?? [];
    list.push(row);
    found.set(i, list);
  }
  return found;
}

/**
 * The exact path's checks of one group through the band keys (a threshold of at least
 * BANDED_THRESHOLD): each draft's keys are salted with its exact scope in SQL, as its memory's
 * would be (vector-sketch.ts), so the band lookup reads only that scope's buckets.
 */
export async function bandedNearest(db: PgDatabase, queries: NearestQuery[], group: NearestGroup, now: string): Promise<Map<number, Scored<Memory>[]>> {
  const params = new SqlParams();
  const sketches = new Map(group.indexes.map((i) => [i, sketchParams(queries[i]!.vector)]));
  const input = inputOf(
    params,
    queries,
    group,
    [
      { name: 'raw', type: 'text[]', value: (i) => sketches.get(i)!.raw },
      { name: 'sketch', type: 'text[]', value: (i) => sketches.get(i)!.sketch },
    ],
    'u',
  );
  const keys = scopedBandKeys('u.raw::integer[]', {
    namespace: `${params.add(group.namespace)}::text`,
    userId: 'u.user_id',
    agentId: 'u.agent_id',
    sessionId: 'NULL::text',
    model: `${sqlLiteral(group.model)}::text`,
    dims: String(Math.trunc(group.dimensions)),
  });
  // Under row-level security the lookup function, else the band index with sequential scans off;
  // each record read by its seq with the filter kept apart (as sketched-search.ts reads a scope).
  const from = db.rowSecurity ? `${VECTOR_CANDIDATES_FUNCTION}(q.keys) v` : '(SELECT * FROM vectors WHERE bands && q.keys OFFSET 0) v';
  const restrict = exactScope(params, group.namespace, now);
  // The candidates come back as their seq and vector alone: most score under the threshold, and
  // only those reaching it are read whole, in a second statement.
  const sql = `
    WITH q AS MATERIALIZED (SELECT u.*, ${keys} AS keys FROM ${input})
    SELECT q.i, c.seq::text AS seq, array_send(c.embedding) AS packed FROM q CROSS JOIN LATERAL (
      SELECT v.memory_seq AS seq, v.embedding FROM ${from}
        CROSS JOIN LATERAL (SELECT 1 FROM (SELECT * FROM memories r WHERE r.seq = v.memory_seq OFFSET 0) AS t WHERE ${restrict} OFFSET 0) AS passes
      WHERE v.tier = 'memories' AND v.namespace = ${params.add(group.namespace)} AND ${partitionPredicate(group.model, group.dimensions, 'v.')}
        AND (q.user_id IS NULL OR v.user_id = q.user_id)
      ORDER BY bit_count(v.sketch # q.sketch::bit(${SKETCH_BITS})), v.memory_seq LIMIT ${NEAR_DUPLICATE_CANDIDATES}
    ) c`;
  const tenant = tenantOf(group, queries);
  const candidates = await db.tenantQuery<{ i: number; seq: string; packed: Buffer }>(tenant, 'vectors.nearest', sql, params.values, db.rowSecurity ? undefined : 'SET LOCAL enable_seqscan = off');
  const scorers = new Map(group.indexes.map((i) => [i, scorer(queries[i]!.vector)]));
  const reaching = candidates.flatMap(({ i, seq, packed }) => {
    const score = scorers.get(i)!(packed);
    return score !== null && score >= queries[i]!.threshold ? [{ i, seq, score }] : [];
  });
  const rows = reaching.length === 0 ? [] : await db.tenantQuery<MemoryRow & { seq: string }>(tenant, 'vectors.nearest', READ_BY_SEQ, [[...new Set(reaching.map((hit) => hit.seq))]]);
  const bySeq = new Map(rows.map((row) => [row.seq, row]));
  const found = byQuery(reaching.flatMap(({ i, seq, score }) => (bySeq.has(seq) ? [{ i, ...bySeq.get(seq)!, score }] : [])));
  return new Map(group.indexes.map((i) => [i, answer(queries[i]!, ((found.get(i) ?? []) as Row[]).sort(bestFirst))]));
}

/** Memories by seq, whole (a candidate reaching its threshold). */
const READ_BY_SEQ = `SELECT t.seq::text AS seq, ${memoryColumns('t')} FROM memories t WHERE t.seq = ANY($1::bigint[])`;

/** Candidates the HNSW scan visits per result wanted (within pgvector's 40..1000), as for a search. */
const EF_PER_RESULT = 10;

/** pgvector's checks of one group: by the HNSW index, then exactly for the queries it answered short. */
export async function indexedNearest(db: PgDatabase, d: VectorDialect, queries: NearestQuery[], group: NearestGroup, now: string): Promise<Map<number, Scored<Memory>[]>> {
  const tenant = tenantOf(group, queries);
  const ef = Math.min(1000, Math.max(40, group.limit * EF_PER_RESULT));
  const settings = [`SET LOCAL hnsw.ef_search = ${ef}`, ...(d.iterativeScan ? ['SET LOCAL hnsw.iterative_scan = strict_order'] : [])].join('; ');
  const indexed = lateralSql(d, queries, group, now, true);
  const rows = byQuery(await db.tenantQuery<Numbered<Row>>(tenant, 'vectors.search', indexed.sql, indexed.params, settings));
  const answers = new Map<number, Scored<Memory>[]>();
  const short: number[] = [];
  for (const i of group.indexes) {
    const found = (rows.get(i) ?? []) as Row[];
    if (found.length >= group.limit) answers.set(i, answer(queries[i]!, found.sort(byScore)));
    else short.push(i);
  }
  if (short.length > 0) {
    const exact = lateralSql(d, queries, { ...group, indexes: short }, now, false);
    const again = byQuery(await db.tenantQuery<Numbered<Row>>(tenantOf({ ...group, indexes: short }, queries), 'vectors.search', exact.sql, exact.params));
    for (const i of short) answers.set(i, answer(queries[i]!, (again.get(i) ?? []) as Row[]));
  }
  return answers;
}

/** Each query's `limit` nearest memories of its exact scope, in the HNSW order (`indexed`) or exactly, as vector-store.ts ranks one. */
function lateralSql(d: VectorDialect, queries: NearestQuery[], group: NearestGroup, now: string, indexed: boolean): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  const input = inputOf(params, queries, group, [{ name: 'embedding', type: 'text[]', value: (i) => vectorParam(d, queries[i]!.vector) }]);
  const score = similarity(d, 'v.embedding', 'q.embedding', group.dimensions, indexed);
  const order = distance(d, 'v.embedding', 'q.embedding', group.dimensions, indexed);
  const restrict = exactScope(params, group.namespace, now);
  const namespace = params.add(group.namespace);
  const limit = params.add(group.limit);
  // The single check's shapes (vector-store.ts `#rankedSql`), with the query read from `q`.
  const ranked = indexed
    ? `SELECT ${memoryColumns('t')}, ${score} AS score
        FROM vectors v CROSS JOIN LATERAL (
          SELECT * FROM (SELECT * FROM memories r WHERE r.seq = v.memory_seq OFFSET 0) AS t WHERE ${restrict} OFFSET 0
        ) AS t
        WHERE (v.tier = 'memories') IS TRUE AND v.namespace = ${namespace} AND ${partitionPredicate(group.model, group.dimensions, 'v.')}
        ORDER BY ${order} LIMIT ${limit}`
    : `SELECT ${memoryColumns('t')}, ${score} AS score
        FROM vectors v JOIN memories t ON t.seq = v.memory_seq
        WHERE v.tier = 'memories' AND v.namespace = ${namespace} AND ${partitionPredicate(group.model, group.dimensions, 'v.')} AND ${restrict}
        ORDER BY ${order}, t.id LIMIT ${limit}`;
  return { sql: `SELECT q.i, hit.* FROM ${input} CROSS JOIN LATERAL (${ranked}) AS hit`, params: params.values };
}

/** Best first; equal scores in id order. */
function byScore(a: Row, b: Row): number {
  const [x, y] = [String(a.id), String(b.id)];
  return b.score - a.score || (x < y ? -1 : x > y ? 1 : 0);
}
