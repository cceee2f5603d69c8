import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { embeddingListJson, vectorJson } from './vector-json.js';

const vector = fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 64 }).map((values) => Float32Array.from(values));

/** What the route answered before: the object, serialised whole. */
const expected = (vectors: Float32Array[], format: 'float' | 'base64', model: string, promptTokens: number) =>
  JSON.stringify({
    object: 'list',
    data: vectors.map((v, index) => ({
      object: 'embedding',
      index,
      embedding: format === 'base64' ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') : Array.from(v),
    })),
    model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });

describe('embeddingListJson', () => {
  it('writes exactly what JSON.stringify writes for the whole answer, in both encodings', () => {
    fc.assert(
      fc.property(fc.array(vector, { minLength: 1, maxLength: 4 }), fc.constantFrom('float' as const, 'base64' as const), fc.string(), fc.nat(), (vectors, format, model, tokens) => {
        // Twice: the second answer reuses the remembered JSON of each vector.
        expect(embeddingListJson(vectors, format, model, tokens)).toBe(expected(vectors, format, model, tokens));
        expect(embeddingListJson(vectors, format, model, tokens)).toBe(expected(vectors, format, model, tokens));
      }),
      { numRuns: 300 },
    );
  });

  it('tells vectors apart by every byte, -0 from 0 included, and reads a vector inside a larger buffer', () => {
    expect(vectorJson(Float32Array.from([0, 1]))).toBe('[0,1]');
    expect(vectorJson(Float32Array.from([-0, 1]))).toBe('[0,1]');
    const shared = Float32Array.from([9, 0.5, 0.25, 7]);
    expect(vectorJson(shared.subarray(1, 3))).toBe('[0.5,0.25]');
    expect(vectorJson(Float32Array.from([0.5, 0.25 + 2 ** -20]))).toBe(JSON.stringify([0.5, Math.fround(0.25 + 2 ** -20)]));
  });
});
