// The `score` of a recall hit, from 0 to 1 in every mode, so that one `minScore` can be chosen from
// the documentation. Each mode's scale is a monotone function of the score it ranks by, with one
// divisor per search (never per tier); search ranks by the raw scores before scaling them, so
// scaling never changes which hits come first.

import type { SearchMode } from './search-service.js';

/**
 * Rescales ranking scores in place to 0..1:
 * - `vector`: the cosine similarity itself (negative cosines, unrelated texts, count as 0). It is
 *   absolute: 0.5 means the same in every search, and depends only on the embedding model.
 * - `keyword` and `hybrid`: the ranking score divided by the best one of this search, so that the
 *   best hit scores 1 and a hit half as strong 0.5. BM25 and the fused score have no fixed upper
 *   bound (BM25 grows with the query's terms and the scope's statistics), so only a share of the
 *   best is a scale that holds across queries.
 */
export function scaleScores(hits: Array<{ score: number }>, mode: SearchMode): void {
  if (mode === 'vector') {
    for (const hit of hits) hit.score = Math.min(1, Math.max(0, hit.score));
    return;
  }
  const best = hits.reduce((top, hit) => Math.max(top, hit.score), 0);
  if (best <= 0) return;
  for (const hit of hits) hit.score = hit.score / best;
}
