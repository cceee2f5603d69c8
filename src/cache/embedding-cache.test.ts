import { describe, expect, it } from 'vitest';
import type { Cache } from '../core/ports.js';
import { createResilientEmbedder } from '../embeddings/embed-many.js';
import { createHashProvider } from '../embeddings/fake/index.js';
import { createLruCache } from '../storage/in-process/index.js';
import { createCachingEmbedder, embeddingHash } from './embedding-cache.js';

async function stack(cache: Cache = createLruCache({ maxBytes: 1 << 20 })) {
  const provider = createHashProvider({ dimensions: 8, maxBatchSize: 4 });
  await provider.init();
  const embedder = createCachingEmbedder({ embedder: createResilientEmbedder(provider), cache, ttlSeconds: 60 });
  return { provider, embedder };
}

const texts = (...ids: number[]) => ids.map((i) => `text number ${i}`);

describe('caching embedder', () => {
  it('serves a repeated text from the cache and counts the hit', async () => {
    const { provider, embedder } = await stack();
    const [first] = await embedder.embed({ texts: texts(1), purpose: 'document', namespace: 'n' });
    const [second] = await embedder.embed({ texts: texts(1), purpose: 'query', namespace: 'n' });
    expect(second).toEqual(first);
    expect(provider.textsSeen).toBe(1);
    const stats = await embedder.stats();
    expect(stats).toMatchObject({ hits: 1, misses: 1, hitRate: 0.5, entries: 1, backend: 'in-process' });
    expect(stats.bytes).toBeGreaterThan(8 * 4);
    expect(stats.latencyMs.hit.count).toBe(1);
    expect(stats.latencyMs.miss.count).toBe(1);
  });

  it('embeds only the misses of a batch, in one upstream call, and answers in input order', async () => {
    const { provider, embedder } = await stack();
    await embedder.embed({ texts: texts(0, 2, 4, 6, 8), purpose: 'document', namespace: 'n' });
    const callsBefore = provider.calls;
    const seenBefore = provider.textsSeen;
    const batch = texts(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    const result = await embedder.embedDetailed({ texts: batch, purpose: 'document', namespace: 'n' });
    expect(result).toMatchObject({ hits: 5, misses: 5 });
    expect(provider.textsSeen - seenBefore).toBe(5);
    expect(provider.calls - callsBefore).toBe(2); // five misses, maxBatchSize 4: split by the core
    expect(result.vectors).toEqual(batch.map((text) => provider.vector(text)));
  });

  it('keeps namespaces apart and clears one without the other', async () => {
    const { provider, embedder } = await stack();
    await embedder.embed({ texts: texts(1), purpose: 'document', namespace: 'a' });
    await embedder.embed({ texts: texts(1), purpose: 'document', namespace: 'b' });
    expect(provider.textsSeen).toBe(2);
    expect(await embedder.clear('a')).toBe(1);
    expect((await embedder.stats('b')).entries).toBe(1);
    await embedder.embed({ texts: texts(1), purpose: 'document', namespace: 'a' });
    expect(provider.textsSeen).toBe(3);
  });

  it('coalesces concurrent requests for the same text into one upstream call', async () => {
    const { provider, embedder } = await stack();
    const results = await Promise.all(Array.from({ length: 5 }, () => embedder.embed({ texts: texts(42, 43), purpose: 'document', namespace: 'n' })));
    expect(provider.textsSeen).toBe(2);
    for (const vectors of results) expect(vectors).toEqual(results[0]);
    expect((await embedder.stats()).coalesced).toBe(8);
  });

  it('answers duplicate texts within one request from one embedding', async () => {
    const { provider, embedder } = await stack();
    const vectors = await embedder.embed({ texts: ['same', 'other', 'same'], purpose: 'document', namespace: 'n' });
    expect(provider.textsSeen).toBe(2);
    expect(vectors[0]).toEqual(vectors[2]);
  });

  it('keys by model and dimensions, so another model never reuses a vector', () => {
    expect(embeddingHash('m1', 8, 'x')).not.toBe(embeddingHash('m2', 8, 'x'));
    expect(embeddingHash('m1', 8, 'x')).not.toBe(embeddingHash('m1', 16, 'x'));
  });

  it('bypasses a failing cache instead of failing the request', async () => {
    const broken: Cache = {
      backend: 'broken',
      init: async () => {},
      close: async () => {},
      getMany: () => Promise.reject(new Error('down')),
      setMany: () => Promise.reject(new Error('down')),
      clear: () => Promise.reject(new Error('down')),
      usage: () => Promise.reject(new Error('down')),
    };
    const { provider, embedder } = await stack(broken);
    const vectors = await embedder.embed({ texts: texts(1, 2), purpose: 'document', namespace: 'n' });
    expect(vectors).toEqual(texts(1, 2).map((text) => provider.vector(text)));
    expect((await embedder.stats()).entries).toBe(0);
  });
});
