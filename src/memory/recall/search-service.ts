import type { Clock } from '../../core/clock.js';
import type { Embedder, MemoryStore } from '../../core/ports.js';
import { keywordTerms } from '../../core/text.js';
import type { Episode, Memory, MetadataValue, RecordFilter, Scored, Tier } from '../../core/types.js';
import { isStale, type ReviewDays } from '../freshness/staleness.js';
import { expandNeighbours, type NeighbourOptions } from './neighbour-expansion.js';
import { priorFactor, recency, type PriorOptions } from './priors.js';
import { fuse, type FusionWeights } from './rank-fusion.js';
import { scaleScores } from './score-scale.js';
import { speakerPrior, type SpeakerPriorOptions } from './speaker-priors.js';
import { timePrior, type TimePriorOptions } from './time-priors.js';
import { attachSources, settleConflicts } from './truth-in-recall.js';
import { validityFilter, type ValidityAsk } from '../truth/validity-filter.js';

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
  /** Hits whose (scaled, 0..1) score is below this are left out. */
  minScore?: number;
  filters: { kinds?: string[]; from?: string; to?: string; metadata?: Record<string, MetadataValue> };
  /** Which memories by validity: current by default, as of a time, or every version (docs/truth.md). */
  validity?: ValidityAsk;
  /** `sources`: each memory hit carries its source sessions and episodes. */
  include?: SearchInclude[];
}

export const SEARCH_INCLUDES = ['sources'] as const;
export type SearchInclude = (typeof SEARCH_INCLUDES)[number];

/** A memory hit's provenance, when asked for (`include: ["sources"]`). */
export interface HitSources {
  sessionIds: string[];
  /** The source episodes still stored (within the search's reach), in the memory's order. */
  episodes: Episode[];
}

/** How much each signal contributed to a hit, each on its own raw scale; null where a signal did not take part. */
export interface ScoreParts {
  /** BM25 score of the keyword match, with the statistics of the searched scope (unbounded, > 0). */
  keyword: number | null;
  /** Cosine similarity to the query (-1..1). */
  vector: number | null;
  /** 1 for a record of this instant, halving every `search.recencyHalfLifeDays` (hybrid mode). */
  recency: number | null;
  /** What adjacent episodes of the same session and the session's best hit added to the fused score, before scaling (hybrid mode, episodes). */
  neighbours: number | null;
  /** What the time priors multiplied the score by (hybrid mode, when the query names a time or asks "when"). */
  time: number | null;
  /** What the speaker and question priors multiplied the score by: below 1 for what someone other than the person asked about said, or for a record that only asks (hybrid mode). */
  speaker: number | null;
}

/**
 * `score` is 0..1 in every mode (see score-scale.ts): the cosine in vector mode, else a share of the
 * search's best hit. A memory hit is `stale` when it is past its kind's review period at the search's clock.
 */
export type SearchHit =
  | { type: 'memory'; id: string; score: number; parts: ScoreParts; item: Memory; stale: boolean; conflictsWith?: string[]; sources?: HitSources }
  | { type: 'episode'; id: string; score: number; parts: ScoreParts; item: Episode };

export interface SearchResult {
  /** The mode that produced the hits; keyword when vectors could not take part. */
  mode: SearchMode;
  requestedMode: SearchMode;
  hits: SearchHit[];
  notices: string[];
}

/** The text a query vector is made from, and the namespace whose embedding cache serves it. */
export type QueryText = Pick<SearchInput, 'namespace' | 'query'>;

/** A query's vector, or the notice saying why vectors cannot take part. */
export interface QueryEmbedding {
  vector?: Float32Array;
  notice?: string | undefined;
}

export interface SearchServiceOptions {
  store: MemoryStore;
  embedder: Embedder;
  /** Why vectors cannot take part right now (the embedder's state), or undefined when they can. */
  vectorUnavailable: () => string | undefined;
  weights: FusionWeights;
  neighbours: NeighbourOptions;
  priors: PriorOptions;
  /** Time priors (time-priors.ts); absent or zero weights leave them out. */
  time?: TimePriorOptions;
  /** Speaker and question priors (speaker-priors.ts); absent or zero weights leave them out. */
  speakers?: SpeakerPriorOptions;
  /** Review periods by kind (truth.reviewDays): which memory hits are `stale`. */
  reviewDays?: ReviewDays;
  clock: Clock;
}

type Record_ = Memory | Episode;
/**
 * In hybrid mode each signal is asked for more candidates than the answer holds, so that fusion has
 * room to reorder, and the best `limit` candidates (at least 10) lend their scores to their neighbours.
 */
const candidatePool = (limit: number) => Math.min(1000, Math.max(100, limit * 5));
const neighbourAnchors = (limit: number) => Math.max(10, limit);

/**
 * Recall across tiers. `keyword` and `vector` rank by one signal; `hybrid` fuses both
 * (rank-fusion.ts), lets episodes borrow from their session neighbours (neighbour-expansion.ts),
 * then applies recency and importance priors (priors.ts), time priors (time-priors.ts) and speaker
 * priors (speaker-priors.ts). Every hit's `score` is then scaled to 0..1 (score-scale.ts) without
 * changing the order, and `parts` keep each signal's raw value. Without vectors (no embedder,
 * loading, down) hybrid runs on keywords alone and every response says why; records not embedded
 * yet are still found by keywords.
 */
export function createSearchService({ store, embedder, vectorUnavailable, weights, neighbours, priors, time, speakers, reviewDays = {}, clock }: SearchServiceOptions) {
  // A memory hit says whether it is past its review period; an episode hit has no such flag.
  const hitOf = (tier: Tier, id: string, score: number, parts: ScoreParts, item: Record_, now: number): SearchHit =>
    tier === 'memories' ? { type: 'memory', id, score, parts, item: item as Memory, stale: isStale(item as Memory, now, reviewDays) } : { type: 'episode', id, score, parts, item: item as Episode };

  const keyword = async (tier: Tier, filter: RecordFilter, query: string, limit: number): Promise<Scored<Record_>[]> => {
    const request = { filter, terms: keywordTerms(query), limit };
    return tier === 'memories' ? store.memories.search(request) : store.episodes.search(request);
  };

  const queryVector = async (input: QueryText): Promise<QueryEmbedding> => {
    const reason = vectorUnavailable();
    if (reason !== undefined) return { notice: reason };
    try {
      const [vector] = await embedder.embed({ texts: [input.query], purpose: 'query', namespace: input.namespace });
      return { vector: vector! };
    } catch (error) {
      return { notice: `the query could not be embedded (${(error as Error).message})` };
    }
  };

  return {
    /**
     * The query's vector (or why there is none), to hand to several searches of the same query
     * and namespace (the context bundle searches each tier apart) so that it is embedded once.
     */
    embedQuery: queryVector,

    /** `embedded`: the query's vector from `embedQuery` for this very query and namespace, else the search embeds it. */
    async search(input: SearchInput, embedded?: QueryEmbedding): Promise<SearchResult> {
      const filter: RecordFilter = {
        namespace: input.namespace,
        ...pick(input, ['userId', 'agentId', 'sessionId']),
        ...pick(input.filters, ['kinds', 'from', 'to', 'metadata']),
        ...validityFilter(input.validity, clock.now()),
      };
      // Even a keyword search says when vectors are unavailable, so that callers always know.
      const { vector, notice } = input.mode === 'keyword' ? { notice: vectorUnavailable() } : (embedded ?? (await queryVector(input)));
      const mode: SearchMode = vector === undefined ? 'keyword' : input.mode;
      const fusing = input.mode === 'hybrid';
      const pool = fusing ? candidatePool(input.limit) : input.limit;

      const perTier = await Promise.all(
        input.types.map(async (tier) => {
          const [byKeyword, byVector] = await Promise.all([
            mode === 'vector' ? [] : keyword(tier, filter, input.query, pool),
            vector === undefined ? [] : store.vectors.search({ tier, filter, model: embedder.model, vector, limit: pool }),
          ]);
          return { tier, byKeyword: byKeyword as Scored<Record_>[], byVector: byVector as Scored<Record_>[] };
        }),
      );

      const now = clock.now();
      const hits: SearchHit[] = [];
      for (const { tier, byKeyword, byVector } of perTier) {
        const keywordScore = new Map(byKeyword.map(({ item, score }) => [item.id, score]));
        const vectorScore = new Map(byVector.map(({ item, score }) => [item.id, score]));
        const items = new Map<string, Record_>([...byKeyword, ...byVector].map(({ item }) => [item.id, item]));
        if (!fusing) {
          for (const [id, item] of items) {
            const parts: ScoreParts = { keyword: keywordScore.get(id) ?? null, vector: vectorScore.get(id) ?? null, recency: null, neighbours: null, time: null, speaker: null };
            hits.push(hitOf(tier, id, (mode === 'vector' ? parts.vector : parts.keyword) ?? 0, parts, item, now));
          }
          continue;
        }
        let scores = fuse({ keyword: byKeyword, vector: byVector }, weights);
        let gains = new Map<string, number>();
        if (tier === 'episodes') {
          const expansion = await expandNeighbours({
            store: store.episodes,
            filter,
            fused: scores,
            items: items as Map<string, Episode>,
            anchors: neighbourAnchors(input.limit),
            options: neighbours,
          });
          for (const [id, episode] of expansion.added) items.set(id, episode);
          ({ scores, gains } = expansion);
        }
        const timeFactor = time === undefined ? undefined : timePrior(input.query, items.values(), now, time);
        const speakerFactor = speakers === undefined ? undefined : speakerPrior(input.query, items.values(), speakers);
        for (const [id, item] of items) {
          const recencyValue = recency(item, now, priors.recencyHalfLifeDays);
          const timeValue = timeFactor?.(item) ?? null;
          const speakerValue = speakerFactor?.(item) ?? null;
          const parts: ScoreParts = {
            keyword: keywordScore.get(id) ?? null,
            vector: vectorScore.get(id) ?? null,
            recency: recencyValue,
            neighbours: tier === 'episodes' ? (gains.get(id) ?? 0) : null,
            time: timeValue,
            speaker: speakerValue,
          };
          const score = (scores.get(id) ?? 0) * priorFactor(item, recencyValue, priors) * (timeValue ?? 1) * (speakerValue ?? 1);
          hits.push(hitOf(tier, id, score, parts, item, now));
        }
      }
      // Ranked by the raw scores, then scaled: rounding in the scaling can never reorder hits.
      hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
      settleConflicts(hits, fusing);
      scaleScores(hits, fusing ? 'hybrid' : mode);
      const ranked = hits.filter((hit) => input.minScore === undefined || hit.score >= input.minScore).slice(0, input.limit);
      if (input.include?.includes('sources')) await attachSources(store.episodes, ranked, filter);

      return {
        mode,
        requestedMode: input.mode,
        hits: ranked,
        notices: notice === undefined ? [] : [`results are keyword-only: vector search is unavailable (${notice})`],
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
