import { describe, expect, it } from 'vitest';
import { createHashProvider } from './index.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
const norm = (a: Float32Array) => Math.sqrt(cosine(a, a));

describe('hash embedding provider', () => {
  it('declares its capabilities and embeds in input order', async () => {
    const provider = createHashProvider({ dimensions: 32, maxBatchSize: 8 });
    expect(provider).toMatchObject({ provider: 'fake', model: 'hash-32', dimensions: 32, maxBatchSize: 8 });
    const vectors = await provider.embed({ texts: ['alpha', 'beta'], purpose: 'document' });
    expect(vectors.map((vector) => vector.length)).toEqual([32, 32]);
    expect(vectors[0]).toEqual(provider.vector('alpha'));
    expect(vectors[1]).toEqual(provider.vector('beta'));
    expect(createHashProvider({ model: 'test-model' }).model).toBe('test-model');
  });

  it('is deterministic across instances and ignores case and punctuation', async () => {
    const one = createHashProvider();
    const two = createHashProvider();
    const [a] = await one.embed({ texts: ['Alice likes green tea.'], purpose: 'document' });
    const [b] = await two.embed({ texts: ['alice LIKES green tea'], purpose: 'query' });
    expect(a).toEqual(b);
  });

  it('returns unit vectors, even for text without words', async () => {
    const provider = createHashProvider({ dimensions: 64 });
    const vectors = await provider.embed({
      texts: ['the quick brown fox', 'x', '', '!!!', 'über café 東京 2026'],
      purpose: 'document',
    });
    for (const vector of vectors) expect(norm(vector)).toBeCloseTo(1, 5);
  });

  it('puts texts that share words closer than texts that do not', () => {
    const provider = createHashProvider({ dimensions: 256 });
    const query = provider.vector('what does alice drink in the morning');
    const related = provider.vector('alice drinks green tea every morning');
    const unrelated = provider.vector('the server runs on port eight thousand');
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated));
    expect(cosine(query, query)).toBeCloseTo(1, 5);
  });

  it('counts the calls and texts that reached it', async () => {
    const provider = createHashProvider();
    await provider.embed({ texts: [], purpose: 'document' });
    await provider.embed({ texts: ['a', 'b', 'c'], purpose: 'document' });
    await provider.embed({ texts: ['d'], purpose: 'query' });
    provider.vector('not counted');
    expect({ calls: provider.calls, textsSeen: provider.textsSeen }).toEqual({ calls: 2, textsSeen: 4 });
  });

  it('honours an aborted signal and rejects bad options', async () => {
    const provider = createHashProvider();
    await expect(provider.embed({ texts: ['a'], purpose: 'document', signal: AbortSignal.abort() })).rejects.toThrow();
    expect(provider.calls).toBe(0);
    expect(() => createHashProvider({ dimensions: 0 })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => createHashProvider({ maxBatchSize: 1.5 })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
  });
});
