import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchCosines } from './near-duplicates.js';

const DIMS = 128;

/** A unit vector whose variance falls off along its dimensions, as a PCA-reduced model's do, rounded to float32. */
function unit(values: number[]): Float32Array | undefined {
  const scaled = values.map((value, i) => value / (1 + i / 8));
  const norm = Math.sqrt(scaled.reduce((sum, value) => sum + value * value, 0));
  return norm === 0 ? undefined : Float32Array.from(scaled, (value) => value / norm);
}

/** The cosine of two unit vectors exactly as the full comparison sums it. */
function fullDot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Near-copies of a base vector (each dimension nudged by up to `spread`), so that pairs land on both sides of high thresholds. */
const family = fc
  .record({
    base: fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: DIMS, maxLength: DIMS }),
    nudges: fc.array(fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: DIMS, maxLength: DIMS }), { minLength: 2, maxLength: 8 }),
    spread: fc.constantFrom(0, 0.01, 0.05, 0.2, 1),
  })
  .map(({ base, nudges, spread }) => nudges.map((nudge) => unit(base.map((value, i) => value + spread * nudge[i]!))));

describe('BatchCosines', () => {
  it('says a pair is within the threshold exactly when the full dot product says so', () => {
    fc.assert(
      fc.property(family, fc.constantFrom(0.5, 0.8, 0.9, 0.95, 0.99, 0.999), (units, threshold) => {
        const cosines = new BatchCosines(units);
        for (let i = 0; i < units.length; i++) {
          for (let j = 0; j < i; j++) {
            if (units[i] === undefined || units[j] === undefined) continue;
            expect(cosines.atLeast(j, i, threshold)).toBe(fullDot(units[j]!, units[i]!) >= threshold);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('compares vectors shorter than the head in full', () => {
    const a = Float32Array.from([0.6, 0.8]);
    const b = Float32Array.from([0.8, 0.6]);
    const cosines = new BatchCosines([a, b, a]);
    expect(cosines.atLeast(0, 1, 0.96)).toBe(true);
    expect(cosines.atLeast(0, 1, 0.97)).toBe(false);
    expect(cosines.atLeast(0, 2, 1 - 1e-7)).toBe(true);
  });
});
