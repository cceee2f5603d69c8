// The sketch is a function of the vector and its dimensions alone, and its bands find a vector's
// near-duplicates: what the exact path's index relies on (vector-sketch.ts).
import { describe, expect, it } from 'vitest';
import { bandKeys, SKETCH_BITS, sketchBits, sketchOf } from './vector-sketch.js';
import { cosine, seededVectors } from '../../../test/support/seeded-vectors.js';

const generator = seededVectors;

/** A vector at exactly `target` cosine from `v` (v's direction mixed with an orthogonal one). */
function atCosine(v: Float32Array, noise: Float32Array, target: number): Float32Array {
  const unit = (x: Float32Array) => {
    const n = Math.hypot(...x);
    return x.map((value) => value / n);
  };
  const u = unit(v);
  const along = noise.reduce((sum, value, i) => sum + value * u[i]!, 0);
  const orthogonal = unit(noise.map((value, i) => value - along * u[i]!));
  return u.map((value, i) => target * value + Math.sqrt(1 - target * target) * orthogonal[i]!);
}

describe('vector sketches', () => {
  const partition = { tier: 'memories', namespace: 'ns', model: 'm' };

  it('depend on the vector alone: the same vector, the same sketch and keys; its length sets the hyperplanes', () => {
    const next = generator(1);
    const v = next(128);
    expect(sketchOf(v, partition)).toEqual(sketchOf(Float32Array.from(v), partition));
    expect(sketchOf(v, partition).sketch).toHaveLength(SKETCH_BITS);
    expect(sketchOf(v, partition).sketch).toMatch(/^[01]+$/);
    // Scaling does not move a vector to the other side of any hyperplane.
    expect(sketchOf(v.map((x) => x * 3), partition).sketch).toBe(sketchOf(v, partition).sketch);
    // The opposite vector flips every bit.
    const flipped = sketchBits(v.map((x) => -x));
    expect(sketchBits(v).every((bit, i) => bit + flipped[i]! === 1)).toBe(true);
  });

  it('give band keys that differ between partitions, so that one namespace never reads another through the index', () => {
    const bits = sketchBits(generator(2)(64));
    const a = bandKeys(bits, { ...partition, dimensions: 64 });
    const b = bandKeys(bits, { ...partition, namespace: 'other', dimensions: 64 });
    expect(a).toHaveLength(24);
    expect(new Set(a).size).toBe(24);
    expect(a.filter((key) => b.includes(key))).toEqual([]);
    for (const key of a) expect(Number.isInteger(key) && key >= -(2 ** 31) && key < 2 ** 31).toBe(true);
  });

  it('share a band with nearly every vector at the default threshold (cosine 0.95) and above, and rarely with an unrelated one', () => {
    const next = generator(3);
    const trials = 400;
    const sharing = (target: number | undefined) => {
      let shared = 0;
      for (let i = 0; i < trials; i++) {
        const v = next(128);
        const w = target === undefined ? next(128) : atCosine(v, next(128), target);
        if (target !== undefined) expect(cosine(v, w)).toBeCloseTo(target, 4);
        const a = new Set(sketchOf(v, partition).bands);
        if (sketchOf(w, partition).bands.some((key) => a.has(key))) shared += 1;
      }
      return shared / trials;
    };
    expect(sharing(0.95)).toBeGreaterThanOrEqual(0.97);
    expect(sharing(0.98)).toBeGreaterThanOrEqual(0.995);
    expect(sharing(undefined)).toBeLessThanOrEqual(0.02);
  });
});
