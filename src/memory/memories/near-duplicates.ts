import type { MemoryDraft, VectorStore } from '../../core/ports.js';
import type { Scope } from '../../core/types.js';

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
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
  for (const [index, draft] of drafts.entries()) {
    const vector = vectors[index];
    if (vector === undefined) continue;
    const earlier = drafts.findIndex((other, j) => j < index && vectors[j] !== undefined && sameScope(other.memory, draft.memory) && cosine(vectors[j]!, vector) >= threshold);
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
