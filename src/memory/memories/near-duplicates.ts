import type { MemoryDraft, VectorStore } from '../../core/ports.js';
import { sameStatement } from '../../core/same-statement.js';
import type { Scope } from '../../core/types.js';
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
 * first, so the head carries most of a vector and the tail's norm is small: the head's dot product
 * plus the product of the tails' norms (Cauchy–Schwarz) bounds the cosine from above, and most pairs
 * of a batch fall below the threshold on that bound alone. Pairs that may reach it are compared in
 * full with `dot`, so the outcome is exactly that of comparing every pair in full.
 */
const HEAD = 16;
/** Slack for rounding in the bound: a pair is skipped only when it is clearly below the threshold. */
const BOUND_SLACK = 1e-6;

/** Drafts of one batch compared pairwise by cosine, with the bound above to skip most full dot products. */
export class BatchCosines {
  readonly #units: Array<Float32Array | undefined>;
  readonly #tails: Float64Array;

  constructor(units: Array<Float32Array | undefined>) {
    this.#units = units;
    this.#tails = new Float64Array(units.length);
    units.forEach((unit, index) => {
      if (unit === undefined) return;
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
      let head = 0;
      for (let k = 0; k < HEAD; k++) head += a[k]! * b[k]!;
      if (head + this.#tails[i]! * this.#tails[j]! < threshold - BOUND_SLACK) return false;
    }
    return dot(a, b) >= threshold;
  }
}

/**
 * How many stored near-duplicates are judged, most similar first. More than one, as the nearest may
 * say something else while the next restates the draft: a static model gives "Alice prefers tea
 * over cocoa" and "Alice prefers cocoa over tea" the same vector.
 */
export const NEAR_DUPLICATE_CANDIDATES = 5;

/** Drafts in the same scope share this key (an unset id differs from every set one). */
const scopeKey = ({ namespace, userId, agentId, sessionId }: Scope) => JSON.stringify([namespace, userId ?? null, agentId ?? null, sessionId ?? null]);

/**
 * Marks each draft to merge into a memory in exactly its scope (`mergeInto`), stored or earlier in
 * the same batch, when that memory is a near-duplicate (its vector within `threshold` cosine) and
 * states the same thing (`sameStatement`). A near-duplicate that says something else (a negation,
 * another number, name, date or word) is left alone: when none of the earlier drafts and none of the
 * NEAR_DUPLICATE_CANDIDATES nearest stored memories states the same thing, the draft is not merged
 * by vector, and the store's exact-duplicate rule still applies.
 */
export async function markNearDuplicates(
  drafts: MemoryDraft[],
  vectors: Array<Float32Array | undefined>,
  store: VectorStore,
  model: string,
  threshold: number,
): Promise<void> {
  // Unit copies once, so that comparing two drafts of the batch is one dot product.
  const units = vectors.map((vector) => (vector === undefined ? undefined : toUnit(vector)));
  const cosines = new BatchCosines(units);
  // Earlier drafts with a unit vector, by scope, in batch order: a draft is compared with its own scope's only.
  const earlierInScope = new Map<string, number[]>();
  for (const [index, draft] of drafts.entries()) {
    const vector = vectors[index];
    const mine = units[index];
    if (vector === undefined || mine === undefined) continue;
    const key = scopeKey(draft.memory);
    const inScope = earlierInScope.get(key) ?? [];
    earlierInScope.set(key, inScope);
    const j = inScope.find((other) => cosines.atLeast(other, index, threshold) && sameStatement(drafts[other]!.memory.content, draft.memory.content));
    inScope.push(index);
    const earlier = j === undefined ? undefined : drafts[j]!;
    if (earlier !== undefined) {
      // Once the earlier draft is written, its memory (new, or the one it merged into) has its wording.
      draft.mergeInto = { id: earlier.mergeInto?.id ?? earlier.memory.id, contentKey: earlier.contentKey };
      continue;
    }
    const { namespace, userId, agentId, sessionId } = draft.memory;
    const scope: Scope = { namespace, ...(userId === undefined ? {} : { userId }), ...(agentId === undefined ? {} : { agentId }), ...(sessionId === undefined ? {} : { sessionId }) };
    const candidates = await store.nearestMemories({ scope, model, vector, threshold, limit: NEAR_DUPLICATE_CANDIDATES });
    const same = candidates.find(({ item }) => sameStatement(item.content, draft.memory.content));
    if (same !== undefined) draft.mergeInto = { id: same.item.id, contentKey: contentKey(same.item.content) };
  }
}
