import type { WorkingMemoryStore } from '../core/ports.js';
import { sessionKeyOf, type ContextBundle, type ContextInput, type ContextService } from '../memory/context/context-service.js';
import type { SearchInput, SearchResult } from '../memory/recall/search-service.js';
import { nextStaleAt, type ReviewDays } from '../memory/freshness/staleness.js';
import { earliest, type ResponseCache } from './response-cache.js';

/** Whether vector search should be working now; a keyword-only answer is then a passing failure, not cached. */
type VectorsReady = () => boolean;

/**
 * Search through the response cache: the same `search(input)`, each answer saying whether it was
 * cached. An answer is kept no longer than until a memory in it expires, or until a memory it
 * calls fresh goes stale (its `stale` flag is never wrong in a cached answer); `freshness` gives
 * the review periods and the clock.
 */
export function createCachedSearch(
  search: { search(input: SearchInput): Promise<SearchResult> },
  responses: ResponseCache,
  vectorsReady: VectorsReady,
  freshness: { reviewDays: ReviewDays; now: () => number } = { reviewDays: {}, now: Date.now },
) {
  return {
    async search(input: SearchInput): Promise<SearchResult & { cached: boolean }> {
      const { value, cached } = await responses.through('search', input.namespace, input, async () => {
        const result = await search.search(input);
        const memories = result.hits.flatMap((hit) => (hit.type === 'memory' ? [hit] : []));
        const expiry = earliest(memories.map((hit) => hit.item.expiresAt));
        const staleAt = nextStaleAt(memories.filter((hit) => !hit.stale).map((hit) => hit.item), freshness.now(), freshness.reviewDays);
        return {
          value: result,
          expiresAt: expiry === undefined ? staleAt : staleAt === undefined ? expiry : Math.min(expiry, staleAt),
          cacheable: result.mode === result.requestedMode || !vectorsReady(),
        };
      });
      return { ...value, cached };
    },
  };
}

/**
 * Context bundles through the response cache; an entry never outlives the session or a memory in
 * it. A bundle served from the cache still counts as a use of its session: the session is read, so
 * that its idle TTL is refreshed as a bundle built afresh would. A session store failing that read
 * is reported to `onSessionError` and the cached bundle served all the same.
 */
export function createCachedContext(
  context: ContextService,
  responses: ResponseCache,
  vectorsReady: VectorsReady,
  sessions: Pick<WorkingMemoryStore, 'get'>,
  onSessionError?: (error: unknown) => void,
) {
  return {
    async build(input: ContextInput): Promise<ContextBundle & { cached: boolean }> {
      const { value, cached } = await responses.through('context', input.namespace, input, async () => {
        const { bundle, expiresAt, keywordOnly } = await context.assemble(input);
        return { value: bundle, expiresAt, cacheable: !keywordOnly || !vectorsReady() };
      });
      if (cached && input.sessionId !== undefined) {
        await sessions.get(sessionKeyOf(input, input.sessionId)).catch((error: unknown) => onSessionError?.(error));
      }
      return { ...value, cached };
    },
  };
}

export type CachedSearch = ReturnType<typeof createCachedSearch>;
export type CachedContext = ReturnType<typeof createCachedContext>;
