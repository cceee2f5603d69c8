// Fusing keyword and vector evidence into one score per record. Both strategies are kept
// because both are measured (bench/locomo); `score` is the default because it measured better.

import type { Scored } from '../../core/types.js';

export const FUSIONS = ['score', 'rrf'] as const;
export type Fusion = (typeof FUSIONS)[number];

/** How much each signal counts in hybrid ranking. */
export interface FusionWeights {
  fusion: Fusion;
  keyword: number;
  vector: number;
  /** The RRF constant: larger flattens the advantage of the top ranks. */
  k: number;
}

export const DEFAULT_FUSION: FusionWeights = { fusion: 'score', keyword: 0.7, vector: 0.3, k: 60 };

/** Signals as the stores return them: best first, each list one signal's candidates. */
export interface Signals {
  keyword: Scored<{ id: string }>[];
  vector: Scored<{ id: string }>[];
}

export function fuse(signals: Signals, weights: FusionWeights): Map<string, number> {
  return weights.fusion === 'rrf' ? fuseRanks(signals, weights) : fuseScores(signals, weights);
}

/**
 * Calibrated score fusion: BM25 is divided by the best BM25 among the candidates, and cosine is
 * stretched so that the best candidate gets 1 and the weakest candidate of the list gets 0 (cosines
 * of a static embedder crowd into a narrow band, so raw cosine would swamp nothing and mean little).
 * A record missing from a list gets 0 from that signal.
 */
export function fuseScores(signals: Signals, weights: FusionWeights): Map<string, number> {
  const scores = new Map<string, number>();
  const add = (list: Scored<{ id: string }>[], weight: number, floor: number) => {
    const top = list[0]?.score ?? 0;
    const span = top - floor;
    for (const { item, score } of list) {
      const normalised = span > 0 ? (score - floor) / span : 1;
      scores.set(item.id, (scores.get(item.id) ?? 0) + weight * normalised);
    }
  };
  add(signals.keyword, weights.keyword, 0);
  add(signals.vector, weights.vector, signals.vector.length > 1 ? signals.vector[signals.vector.length - 1]!.score : 0);
  return scores;
}

/**
 * Weighted reciprocal rank fusion: each list adds `weight / (k + rank)` (rank from 1) for every
 * id it holds, scaled so that the best possible score is 1.
 */
export function fuseRanks(signals: Signals, weights: FusionWeights): Map<string, number> {
  const scores = new Map<string, number>();
  const best = (weights.keyword + weights.vector) / (weights.k + 1) || 1;
  const add = (list: Scored<{ id: string }>[], weight: number) => {
    list.forEach(({ item }, index) => scores.set(item.id, (scores.get(item.id) ?? 0) + weight / (weights.k + index + 1) / best));
  };
  add(signals.keyword, weights.keyword);
  add(signals.vector, weights.vector);
  return scores;
}
