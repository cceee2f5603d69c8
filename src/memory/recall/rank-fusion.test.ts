import { describe, expect, it } from 'vitest';
import type { Scored } from '../../core/types.js';
import { DEFAULT_FUSION, fuse, fuseRanks, fuseScores, type FusionWeights } from './rank-fusion.js';

/** A signal's candidate list, best first, from [id, score] pairs. */
const list = (...pairs: [string, number][]): Scored<{ id: string }>[] => pairs.map(([id, score]) => ({ item: { id }, score }));
const weights = (overrides: Partial<FusionWeights> = {}): FusionWeights => ({ ...DEFAULT_FUSION, ...overrides });
const entries = (scores: Map<string, number>) => Object.fromEntries(scores);

describe('fuseScores', () => {
  it('divides BM25 by the best keyword candidate, so the best gets 1 and the rest keep their ratio', () => {
    const scores = fuseScores({ keyword: list(['a', 8], ['b', 4], ['c', 2]), vector: [] }, weights({ keyword: 1 }));
    expect(entries(scores)).toEqual({ a: 1, b: 0.5, c: 0.25 });
  });

  it('stretches cosine so the best vector candidate gets 1 and the weakest of the list gets 0', () => {
    const scores = fuseScores({ keyword: [], vector: list(['a', 0.84], ['b', 0.82], ['c', 0.8]) }, weights({ vector: 1 }));
    expect(scores.get('a')).toBeCloseTo(1, 12);
    expect(scores.get('b')).toBeCloseTo(0.5, 12);
    expect(scores.get('c')).toBe(0);
  });

  it('gives a record nothing from a list it is missing from, and adds the signals of a record in both', () => {
    const scores = fuseScores({ keyword: list(['both', 10], ['words', 5]), vector: list(['both', 0.9], ['meaning', 0.7]) }, weights({ keyword: 0.7, vector: 0.3 }));
    expect(scores.get('both')).toBeCloseTo(0.7 + 0.3, 12);
    expect(scores.get('words')).toBeCloseTo(0.7 * 0.5, 12);
    expect(scores.get('meaning')).toBe(0);
  });

  it('scales each signal by its weight', () => {
    const signals = { keyword: list(['k', 3]), vector: list(['v', 0.9], ['w', 0.1]) };
    expect(entries(fuseScores(signals, weights({ keyword: 2, vector: 0.25 })))).toEqual({ k: 2, v: 0.25, w: 0 });
    expect(entries(fuseScores(signals, weights({ keyword: 0, vector: 1 })))).toEqual({ k: 0, v: 1, w: 0 });
  });

  it('gives 1 to the only candidate of a vector list, however low its cosine', () => {
    expect(entries(fuseScores({ keyword: [], vector: list(['alone', 0.12]) }, weights({ vector: 1 })))).toEqual({ alone: 1 });
  });

  it('gives 1 to every vector candidate when all share one cosine', () => {
    expect(entries(fuseScores({ keyword: [], vector: list(['a', 0.5], ['b', 0.5]) }, weights({ vector: 1 })))).toEqual({ a: 1, b: 1 });
  });

  it('returns nothing for no candidates', () => {
    expect(fuseScores({ keyword: [], vector: [] }, DEFAULT_FUSION).size).toBe(0);
  });
});

describe('fuseRanks', () => {
  it('gives 1 to a record first in both lists', () => {
    for (const k of [0, 1, 60, 1000]) {
      const scores = fuseRanks({ keyword: list(['top', 9], ['next', 3]), vector: list(['top', 0.9], ['next', 0.2]) }, weights({ fusion: 'rrf', k }));
      expect(scores.get('top')).toBeCloseTo(1, 12);
      expect(scores.get('next')).toBeLessThan(1);
    }
  });

  it('adds weight / (k + rank) per list, scaled by the best possible score', () => {
    const scores = fuseRanks({ keyword: list(['a', 9], ['b', 3]), vector: list(['b', 0.9]) }, weights({ fusion: 'rrf', keyword: 0.7, vector: 0.3, k: 60 }));
    const best = 1 / 61;
    expect(scores.get('a')).toBeCloseTo(0.7 / 61 / best, 12);
    expect(scores.get('b')).toBeCloseTo((0.7 / 62 + 0.3 / 61) / best, 12);
  });

  it('is scale-free: only the order within each list counts, not the scores', () => {
    const signals = { keyword: list(['a', 9], ['b', 3], ['c', 1]), vector: list(['c', 0.9], ['a', 0.5]) };
    const rescaled = { keyword: list(['a', 9000], ['b', 8999], ['c', 0.001]), vector: list(['c', 0.31], ['a', 0.3]) };
    const rrf = weights({ fusion: 'rrf' });
    expect(entries(fuseRanks(rescaled, rrf))).toEqual(entries(fuseRanks(signals, rrf)));
    expect(entries(fuseScores(rescaled, rrf))).not.toEqual(entries(fuseScores(signals, rrf)));
  });
});

describe('fuse', () => {
  it('runs the fusion the weights name', () => {
    const signals = { keyword: list(['a', 9], ['b', 3]), vector: list(['b', 0.9], ['a', 0.1]) };
    expect(fuse(signals, weights({ fusion: 'score' }))).toEqual(fuseScores(signals, weights()));
    expect(fuse(signals, weights({ fusion: 'rrf' }))).toEqual(fuseRanks(signals, weights()));
  });
});
