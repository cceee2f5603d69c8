import type { MemoryDraft, VectorStore } from '../../core/ports.js';
import type { Scope } from '../../core/types.js';

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

const sameScope = (a: Scope, b: Scope) =>
  a.namespace === b.namespace && a.userId === b.userId && a.agentId === b.agentId && a.sessionId === b.sessionId;

/**
 * Marks each draft whose vector is within `threshold` cosine of a memory in exactly its scope,
 * stored or earlier in the same batch, to merge into that memory (`mergeInto`).
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
    const earlier = drafts.findIndex((other, j) => j < index && units[j] !== undefined && sameScope(other.memory, draft.memory) && dot(units[j]!, mine) >= threshold);
    if (earlier >= 0) {
      const target = drafts[earlier]!;
      draft.mergeInto = target.mergeInto ?? target.memory.id;
      continue;
    }
    const { namespace, userId, agentId, sessionId } = draft.memory;
    const scope: Scope = { namespace, ...(userId === undefined ? {} : { userId }), ...(agentId === undefined ? {} : { agentId }), ...(sessionId === undefined ? {} : { sessionId }) };
    const nearest = await store.nearestMemory({ scope, model, vector, threshold });
    if (nearest !== null) draft.mergeInto = nearest.item.id;
  }
}
