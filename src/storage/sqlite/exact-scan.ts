// Exact scoring over a vector partition's rows: cosines of unit vectors held in one Float32Array,
// a scan that ranks every row in a query's scope, and a duplicate check's scan that passes over
// rows certainly below its threshold. The graph's answers are scored again here too.

import { ANY } from './scope-codes.js';
import type { Plan } from './query-plan.js';
import { EXCLUDED, topK } from './top-k.js';

export interface Candidate {
  id: string;
  score: number;
}

/** Candidates of one query, best first; ask again with a larger `k` to widen. */
export interface Ranking {
  /** Rows that matched the scope, so `top(k)` can return at most this many. */
  readonly eligible: number;
  top(k: number): Candidate[];
}

/** A partition's rows as parallel arrays (views valid until its next write). */
export interface RowTable {
  dimensions: number;
  /** Rows ever used, live or free. */
  size: number;
  /** `size` unit vectors, one after another. */
  matrix: Float32Array;
  alive: Uint8Array;
  /** Per row, the norm of its unit vector beyond the first HEAD dimensions. */
  tails: Float32Array;
  /** Scope codes per field (user, agent, session). */
  fields: [Int32Array, Int32Array, Int32Array];
  ids: Array<string | undefined>;
}

/**
 * Leading dimensions a duplicate check compares first (as the batch check in near-duplicates.ts
 * does): the head's dot product plus the product of the tails' norms bounds the cosine of two unit
 * vectors from above (Cauchy–Schwarz), so rows clearly below the threshold are passed over on
 * HEAD multiplications; those that may reach it are scored in full, and the outcome is exact.
 */
const HEAD = 16;
/** Slack for rounding in the bound: a row is skipped only when it is clearly below the threshold. */
const BOUND_SLACK = 1e-6;

export function inScope(fields: RowTable['fields'], row: number, codes: [number, number, number], skip = -1): boolean {
  for (let f = 0; f < 3; f += 1) {
    if (f !== skip && codes[f] !== ANY && fields[f]![row] !== codes[f]) return false;
  }
  return true;
}

/** The dot product of `q` and row `row` of `matrix`. */
export function dot(matrix: Float32Array, dimensions: number, q: Float64Array, row: number): number {
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = row * dimensions;
  let j = 0;
  for (const tail = dimensions - (dimensions % 4); j < tail; j += 4, i += 4) {
    a += matrix[i]! * q[j]!;
    b += matrix[i + 1]! * q[j + 1]!;
    c += matrix[i + 2]! * q[j + 2]!;
    d += matrix[i + 3]! * q[j + 3]!;
  }
  for (; j < dimensions; j += 1, i += 1) a += matrix[i]! * q[j]!;
  return a + b + c + d;
}

/** The norm of `row`'s unit vector beyond its head (0 when the vector is no longer than the head). */
export function tailNorm(matrix: Float32Array, dimensions: number, row: number): number {
  if (dimensions <= HEAD) return 0;
  let norm = 0;
  for (let i = row * dimensions + HEAD, end = (row + 1) * dimensions; i < end; i += 1) norm += matrix[i]! * matrix[i]!;
  return Math.sqrt(norm);
}

/** The query's tail norm, for `mayReach`. */
export function queryTail(q: Float64Array, dimensions: number): number {
  let norm = 0;
  for (let j = HEAD; j < dimensions; j += 1) norm += q[j]! * q[j]!;
  return Math.sqrt(norm);
}

/** False only when `row` is certainly below `threshold` cosine of `q` (head dot plus tail norms). */
export function mayReach(table: RowTable, q: Float64Array, qTail: number, row: number, threshold: number): boolean {
  const { dimensions, matrix } = table;
  if (dimensions <= HEAD) return true;
  let head = 0;
  for (let j = 0, i = row * dimensions; j < HEAD; j += 1, i += 1) head += matrix[i]! * q[j]!;
  return head + qTail * table.tails[row]! >= threshold - BOUND_SLACK;
}

/** Rows in scope, exactly: O(the rarest code's rows) when other fields restrict too. */
export function countInScope(table: RowTable, plan: Plan): number {
  if (!plan.mixed || plan.rows === undefined) return plan.bound;
  let eligible = 0;
  for (const row of plan.rows) if (inScope(table.fields, row, plan.codes, plan.rarest)) eligible += 1;
  return eligible;
}

/** Scores every row in scope: those of the plan's rarest code, or every live row. */
export function scanRanking(table: RowTable, plan: Plan): Ranking {
  const { alive, fields, matrix, dimensions, ids } = table;
  const count = plan.rows?.length ?? table.size;
  const scores = new Float64Array(count).fill(EXCLUDED);
  const rowAt = plan.rows ?? undefined;
  let eligible = 0;
  for (let i = 0; i < count; i += 1) {
    const row = rowAt ? rowAt[i]! : i;
    if (alive[row] === 0 || !inScope(fields, row, plan.codes)) continue;
    scores[i] = dot(matrix, dimensions, plan.q, row);
    eligible += 1;
  }
  const rows = rowAt ? Int32Array.from(rowAt) : undefined;
  return {
    eligible,
    top: (k) => topK(scores, count, Math.min(k, eligible)).map((i) => ({ id: ids[rows ? rows[i]! : i]!, score: scores[i]! })),
  };
}

/** Up to `limit` rows in scope reaching `threshold`, best first, found by an exact scan that bounds each row before scoring it. */
export function reachingRows(table: RowTable, plan: Plan, threshold: number, limit: number): Candidate[] {
  if (limit <= 0) return [];
  const count = plan.rows?.length ?? table.size;
  const rowAt = plan.rows;
  const qTail = queryTail(plan.q, table.dimensions);
  // The best `limit` so far, best first (ties in row order). Once it is full, a row must beat its
  // worst to enter, so the bound rises as better rows turn up: with a low threshold (the related
  // memories of a write, at 0.4) most rows are then skipped on the head bound alone.
  const best: { row: number; score: number }[] = [];
  let bound = threshold;
  for (let i = 0; i < count; i += 1) {
    const row = rowAt ? rowAt[i]! : i;
    if (table.alive[row] === 0 || !mayReach(table, plan.q, qTail, row, bound) || !inScope(table.fields, row, plan.codes)) continue;
    const score = dot(table.matrix, table.dimensions, plan.q, row);
    if (score < threshold || (best.length === limit && score <= best[limit - 1]!.score)) continue;
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < score) at -= 1;
    best.splice(at, 0, { row, score });
    if (best.length > limit) best.pop();
    if (best.length === limit) bound = Math.max(threshold, best[limit - 1]!.score);
  }
  return best.map(({ row, score }) => ({ id: table.ids[row]!, score }));
}

/** The best `limit` of scored rows as candidates, ties in row order. */
export function bestOf(table: RowTable, found: { row: number; score: number }[], limit: number): Candidate[] {
  found.sort((x, y) => y.score - x.score || x.row - y.row);
  return found.slice(0, limit).map(({ row, score }) => ({ id: table.ids[row]!, score }));
}
