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
 * How many stored near-duplicates are judged, most similar first. More than one, as the nearest may
 * say something else while the next restates the draft: a static model gives "Alice prefers tea
 * over cocoa" and "Alice prefers cocoa over tea" the same vector.
 */
export const NEAR_DUPLICATE_CANDIDATES = 5;

const sameScope = (a: Scope, b: Scope) =>
  a.namespace === b.namespace && a.userId === b.userId && a.agentId === b.agentId && a.sessionId === b.sessionId;

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
  for (const [index, draft] of drafts.entries()) {
    const vector = vectors[index];
    const mine = units[index];
    if (vector === undefined || mine === undefined) continue;
    const earlier = drafts.find(
      (other, j) =>
        j < index &&
        units[j] !== undefined &&
        sameScope(other.memory, draft.memory) &&
        dot(units[j]!, mine) >= threshold &&
        sameStatement(other.memory.content, draft.memory.content),
    );
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
