import type { MemoryDraft, SemanticStore } from '../../core/ports.js';
import { keywordTerms } from '../../core/text.js';
import type { Memory } from '../../core/types.js';

/** Current memories of a draft's identity found by its words, most relevant first, when no vector could find them. */
export const KEYWORD_CANDIDATES = 5;

/**
 * For each draft, the current memories of exactly its identity (namespace, user and agent) that
 * keyword search ranks highest for its text: the contradiction candidates of a write made while no
 * embedder is ready (keyword-only), which vectors cannot give. One search per draft, so only then.
 */
export async function relatedByKeywords(drafts: MemoryDraft[], store: SemanticStore, validAt: string): Promise<Memory[][]> {
  return Promise.all(
    drafts.map(async ({ memory }) => {
      const terms = keywordTerms(memory.content);
      if (terms.length === 0) return [];
      const filter = { namespace: memory.namespace, validAt, ...(memory.userId === undefined ? {} : { userId: memory.userId }), ...(memory.agentId === undefined ? {} : { agentId: memory.agentId }) };
      const hits = await store.search({ filter, terms, limit: KEYWORD_CANDIDATES * 2 });
      // A filter without an id matches every value of it; the identity is exact, unset ids included.
      return hits
        .map((hit) => hit.item)
        .filter((item) => item.userId === memory.userId && item.agentId === memory.agentId)
        .slice(0, KEYWORD_CANDIDATES);
    }),
  );
}
