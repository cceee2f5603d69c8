import type { MemoryDraft, NearestQuery, VectorStore } from '../../core/ports.js';
import { sameStatement } from '../../core/same-statement.js';
import { slotsAgree } from '../../core/validity.js';
import type { Memory, MemoryIdentity, Scored } from '../../core/types.js';
import { contentKey } from '../../core/text.js';

function toUnit(vector: Float32Array): Float32Array | undefined {
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) return undefined;
  const scale = 1 / Math.sqrt(norm);
  return vector.map((value) => value * scale);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/**
 * Leading dimensions compared first. Model2Vec's dimensions come from a PCA, largest variance
 * first, so the head holds a large share of each vector: the head's dot product plus the product of
 * the tails' norms (Cauchy–Schwarz) bounds the cosine from above, and at near-duplicate thresholds
 * most pairs of a batch fall below it on that bound alone (about 99 % of pairs of distinct texts with
 * potion-base-4M and 16 dimensions). Pairs that may reach it are compared in full with `dot`, so
 * the outcome is exactly that of comparing every pair in full.
 */
const HEAD = 16;
/** Slack for rounding in the bound: a pair is skipped only when it is clearly below the threshold. */
const BOUND_SLACK = 1e-6;

/** Drafts of one batch compared pairwise by cosine, with the bound above to skip most full dot products. */
export class BatchCosines {
  readonly #units: Array<Float32Array | undefined>;
  /** The first HEAD values of every unit vector longer than HEAD, side by side (0 for others). */
  readonly #heads: Float64Array;
  readonly #tails: Float64Array;

  constructor(units: Array<Float32Array | undefined>) {
    this.#units = units;
    this.#heads = new Float64Array(units.length * HEAD);
    this.#tails = new Float64Array(units.length);
    units.forEach((unit, index) => {
      if (unit === undefined || unit.length <= HEAD) return;
      for (let k = 0; k < HEAD; k++) this.#heads[index * HEAD + k] = unit[k]!;
      let norm = 0;
      for (let i = HEAD; i < unit.length; i++) norm += unit[i]! * unit[i]!;
      this.#tails[index] = Math.sqrt(norm);
    });
  }

  /** Whether drafts `i` and `j` (both with a unit vector) are within `threshold` cosine. */
  atLeast(i: number, j: number, threshold: number): boolean {
    const a = this.#units[i]!;
    const b = this.#units[j]!;
    if (a.length === b.length && a.length > HEAD) {
      const heads = this.#heads;
      const x = i * HEAD;
      const y = j * HEAD;
      let head = 0;
      for (let k = 0; k < HEAD; k++) head += heads[x + k]! * heads[y + k]!;
      if (head + this.#tails[i]! * this.#tails[j]! < threshold - BOUND_SLACK) return false;
    }
    return dot(a, b) >= threshold;
  }

  /** The first of `candidates` (draft indexes, in order) within `threshold` cosine of draft `index` for which `same` holds. */
  firstNear(candidates: readonly number[], index: number, threshold: number, same: (other: number) => boolean): number | undefined {
    for (const other of candidates) if (this.atLeast(other, index, threshold) && same(other)) return other;
    return undefined;
  }
}

/**
 * How many stored near-duplicates are judged, most similar first. More than one, as the nearest may
 * say something else while the next restates the draft: a static model gives "Alice prefers tea
 * over cocoa" and "Alice prefers cocoa over tea" the same vector.
 */
export const NEAR_DUPLICATE_CANDIDATES = 5;

/** Drafts of the same identity (namespace, user, agent; never the session) share this key: ids hold no NUL, and an unset id (`\u0001`) differs from every set one. */
const scopeKey = ({ namespace, userId, agentId }: MemoryIdentity) => `${namespace}\0${userId ?? '\u0001'}\0${agentId ?? '\u0001'}`;

/**
 * Marks each draft to merge into a memory of exactly its identity (`mergeInto`), stored or earlier in
 * the same batch, when that memory is a near-duplicate (its vector within `threshold` cosine) and
 * states the same thing (`sameStatement`). A near-duplicate that says something else (a negation,
 * another number, name, date or word) is left alone: when none of the earlier drafts and none of the
 * NEAR_DUPLICATE_CANDIDATES nearest stored memories states the same thing, the draft is not merged
 * by vector, and the store's exact-duplicate rule still applies.
 *
 * The same store call also finds each draft's related memories: the stored current memories of its
 * identity within `relatedThreshold` cosine (at most NEAR_DUPLICATE_CANDIDATES, most similar first),
 * returned per draft (empty for a draft merged into an earlier one of the batch, or without a vector).
 */
export async function markNearDuplicates(
  drafts: MemoryDraft[],
  vectors: Array<Float32Array | undefined>,
  store: VectorStore,
  model: string,
  threshold: number,
  relatedThreshold: number = threshold,
): Promise<Array<Scored<Memory>[]>> {
  // Unit copies once, so that comparing two drafts of the batch is one dot product.
  const units = vectors.map((vector) => (vector === undefined ? undefined : toUnit(vector)));
  const cosines = new BatchCosines(units);
  // First the batch against itself (which needs no store): the earlier draft each draft merges
  // into, or, when none states the same thing, a check against the stored memories.
  const earlierOf = new Map<number, number>();
  const checked: number[] = [];
  const queries: NearestQuery[] = [];
  // Earlier drafts with a unit vector, by scope, in batch order: a draft is compared with its own scope's only.
  const earlierInScope = new Map<string, number[]>();
  for (const [index, draft] of drafts.entries()) {
    const vector = vectors[index];
    if (vector === undefined || units[index] === undefined) continue;
    const key = scopeKey(draft.memory);
    const inScope = earlierInScope.get(key) ?? [];
    earlierInScope.set(key, inScope);
    const j = cosines.firstNear(inScope, index, threshold, (other) => sameStatement(drafts[other]!.memory.content, draft.memory.content) && slotsAgree(drafts[other]!.memory.key, draft.memory.key));
    inScope.push(index);
    if (j !== undefined) {
      earlierOf.set(index, j);
      continue;
    }
    const { namespace, userId, agentId } = draft.memory;
    const scope: MemoryIdentity = { namespace, ...(userId === undefined ? {} : { userId }), ...(agentId === undefined ? {} : { agentId }) };
    checked.push(index);
    queries.push({ scope, model, vector, threshold: Math.min(threshold, relatedThreshold), limit: NEAR_DUPLICATE_CANDIDATES });
  }
  // Then every stored check in one store call: none sees the batch, which is not written yet.
  const found = queries.length === 0 ? [] : await store.nearestMemories(queries);
  const stored = new Map(checked.map((index, k) => [index, found[k] ?? []]));
  // Last, in batch order, so that an earlier draft's target is known when a later one follows it.
  for (const [index, draft] of drafts.entries()) {
    const j = earlierOf.get(index);
    if (j !== undefined) {
      const earlier = drafts[j]!;
      // Once the earlier draft is written, its memory (new, or the one it merged into) has its wording.
      draft.mergeInto = { id: earlier.mergeInto?.id ?? earlier.memory.id, contentKey: earlier.contentKey };
      continue;
    }
    const same = stored.get(index)?.find(({ item, score }) => score >= threshold && slotsAgree(item.key, draft.memory.key) && sameStatement(item.content, draft.memory.content));
    if (same !== undefined) draft.mergeInto = { id: same.item.id, contentKey: contentKey(same.item.content) };
  }
  return drafts.map((_, index) => (stored.get(index) ?? []).filter(({ score }) => score >= relatedThreshold));
}
