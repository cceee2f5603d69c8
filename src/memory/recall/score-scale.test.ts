import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEARCH_MODES } from './search-service.js';
import { scaleScores } from './score-scale.js';

describe('scaled search scores', () => {
  it('run from 0 to 1 and never put a lower raw score above a higher one, in every mode', () => {
    const raw = (mode: string) =>
      mode === 'vector' ? fc.double({ min: 0, max: 1, noNaN: true }) : fc.double({ min: 0, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(
        fc.constantFrom(...SEARCH_MODES).chain((mode) => fc.tuple(fc.constant(mode), fc.array(raw(mode), { maxLength: 60 }))),
        ([mode, scores]) => {
          const hits = scores.map((score) => ({ score }));
          scaleScores(hits, mode);
          const scaled = hits.map((hit) => hit.score);
          expect(scaled.every((score) => score >= 0 && score <= 1)).toBe(true);
          for (let i = 0; i < scores.length; i++) {
            for (let j = 0; j < scores.length; j++) if (scores[i]! < scores[j]!) expect(scaled[i]).toBeLessThanOrEqual(scaled[j]!);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('give the best keyword or hybrid hit 1, and the others their share of it', () => {
    for (const mode of ['keyword', 'hybrid'] as const) {
      const hits = [{ score: 8 }, { score: 2 }, { score: 6 }];
      scaleScores(hits, mode);
      expect(hits.map((hit) => hit.score)).toEqual([1, 0.25, 0.75]);
    }
  });

  it('leave a vector hit its cosine, counting a negative one as 0', () => {
    const hits = [{ score: 0.83 }, { score: 0.2 }, { score: -0.1 }];
    scaleScores(hits, 'vector');
    expect(hits.map((hit) => hit.score)).toEqual([0.83, 0.2, 0]);
  });
});
