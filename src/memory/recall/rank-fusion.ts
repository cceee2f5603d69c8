/** How much each signal counts in hybrid ranking. */
export interface FusionWeights {
  keyword: number;
  vector: number;
  /** The RRF constant: larger flattens the advantage of the top ranks. */
  k: number;
}

export const DEFAULT_FUSION: FusionWeights = { keyword: 1, vector: 1, k: 60 };

/**
 * Weighted reciprocal rank fusion: each list adds `weight / (k + rank)` (rank from 1) for every
 * id it holds. Ranks, not raw scores, are fused, because BM25 and cosine are on different scales.
 */
export function fuseRanks(lists: { keyword: string[]; vector: string[] }, weights: FusionWeights): Map<string, number> {
  const scores = new Map<string, number>();
  const add = (ids: string[], weight: number) => {
    ids.forEach((id, index) => scores.set(id, (scores.get(id) ?? 0) + weight / (weights.k + index + 1)));
  };
  add(lists.keyword, weights.keyword);
  add(lists.vector, weights.vector);
  return scores;
}
