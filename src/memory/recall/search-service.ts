import type { MemoryStore } from '../../core/ports.js';
import { keywordTerms } from '../../core/text.js';
import type { Episode, Memory, MetadataValue, RecordFilter } from '../../core/types.js';

export const SEARCH_MODES = ['hybrid', 'vector', 'keyword'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];
export const SEARCH_TYPES = ['memories', 'episodes'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export interface SearchInput {
  namespace: string;
  query: string;
  userId?: string;
  agentId?: string;
  sessionId?: string;
  types: SearchType[];
  limit: number;
  mode: SearchMode;
  minScore?: number;
  filters: { kinds?: string[]; from?: string; to?: string; metadata?: Record<string, MetadataValue> };
}

/** How much each signal contributed to a hit; null where a signal did not take part. */
export interface ScoreParts {
  keyword: number | null;
  vector: number | null;
  recency: number | null;
}

export type SearchHit =
  | { type: 'memory'; id: string; score: number; parts: ScoreParts; item: Memory }
  | { type: 'episode'; id: string; score: number; parts: ScoreParts; item: Episode };

export interface SearchResult {
  /** The mode that produced the hits; differs from the requested one when a signal is unavailable. */
  mode: SearchMode;
  requestedMode: SearchMode;
  hits: SearchHit[];
  notices: string[];
}

export const KEYWORD_ONLY_NOTICE = 'vector search is unavailable (no embedder is configured); results are keyword-only';

/** Recall across tiers. Keyword (BM25) only for now: with no embedder, every mode answers from keywords and says so. */
export function createSearchService({ store }: { store: MemoryStore }) {
  return {
    async search(input: SearchInput): Promise<SearchResult> {
      const filter: RecordFilter = {
        namespace: input.namespace,
        ...pick(input, ['userId', 'agentId', 'sessionId']),
        ...pick(input.filters, ['kinds', 'from', 'to', 'metadata']),
      };
      const terms = keywordTerms(input.query);
      const query = { filter, terms, limit: input.limit };
      const [memories, episodes] = await Promise.all([
        input.types.includes('memories') ? store.memories.search(query) : [],
        input.types.includes('episodes') ? store.episodes.search(query) : [],
      ]);
      const parts = (score: number): ScoreParts => ({ keyword: score, vector: null, recency: null });
      const hits: SearchHit[] = [
        ...memories.map(({ item, score }) => ({ type: 'memory' as const, id: item.id, score, parts: parts(score), item })),
        ...episodes.map(({ item, score }) => ({ type: 'episode' as const, id: item.id, score, parts: parts(score), item })),
      ]
        .filter((hit) => input.minScore === undefined || hit.score >= input.minScore)
        .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
        .slice(0, input.limit);
      return {
        mode: 'keyword',
        requestedMode: input.mode,
        hits,
        notices: input.mode === 'keyword' ? [] : [KEYWORD_ONLY_NOTICE],
      };
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;

function pick<T extends object, K extends keyof T>(source: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
