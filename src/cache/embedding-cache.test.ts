import { afterEach, describe, expect, it } from 'vitest';
import type { Cache } from '../core/ports.js';
import { createResilientEmbedder } from '../embeddings/embed-many.js';
import { createHashProvider, startFakeOpenAiServer, type FakeOpenAiServer } from '../embeddings/fake/index.js';
import { createOpenAiProvider } from '../embeddings/openai/index.js';
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

  it("keeps a user's entries apart from the namespace's and from other users', within the namespace", async () => {
    const { provider, embedder } = await stack();
    await embedder.embed({ texts: texts(1), purpose: 'document', namespace: 'a' });
    expect((await embedder.embedDetailed({ texts: texts(1), purpose: 'document', namespace: 'a', userId: 'u1' })).hits).toBe(0);
    expect((await embedder.embedDetailed({ texts: texts(1), purpose: 'document', namespace: 'a', userId: 'u2' })).hits).toBe(0);
    expect((await embedder.embedDetailed({ texts: texts(1), purpose: 'document', namespace: 'a', userId: 'u1' })).hits).toBe(1);
    expect(provider.textsSeen).toBe(3);
    // The user's entries are the namespace's to count and clear.
    expect(await embedder.clear('a')).toBe(3);
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

describe('caching embedder: requests that share an upstream call', () => {
  let upstream: FakeOpenAiServer | undefined;
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });

  /** The cache over the OpenAI-compatible provider and a local upstream whose answers a test queues. */
  async function remoteStack() {
    upstream = await startFakeOpenAiServer({ dimensions: 8 });
    const provider = createOpenAiProvider({ baseUrl: upstream.baseUrl, model: 'up', dimensions: 8 });
    const embedder = createCachingEmbedder({ embedder: createResilientEmbedder(provider, { retries: 0 }), cache: createLruCache({ maxBytes: 1 << 20 }), ttlSeconds: 60 });
    return { upstream, embedder };
  }

  const untilRequests = async (server: FakeOpenAiServer, count: number) => {
    for (let i = 0; i < 200 && server.requests.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.requests.length).toBe(count);
  };

  it('leaves no rejection unhandled when a request fails on its own text before the call it waits on fails', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const { upstream: server, embedder } = await remoteStack();
      // A's call for "shared" fails late; B's own call for "own" fails at once, while B also waits on A's.
      server.fail({ kind: 'delay', ms: 150, then: { kind: 'status', status: 400 } }, { kind: 'status', status: 400 });
      const a = embedder.embed({ texts: ['shared'], purpose: 'document', namespace: 'n' });
      const aSettled = a.catch((error: unknown) => error);
      await untilRequests(server, 1);
      const b = embedder.embed({ texts: ['shared', 'own'], purpose: 'document', namespace: 'n' });
      await expect(b).rejects.toMatchObject({ code: 'E_EMBEDDING_PROVIDER' });
      expect(await aSettled).toMatchObject({ code: 'E_EMBEDDING_PROVIDER' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it("stops only the waiting of a caller whose time is up: the shared call goes on for the others and is cached", async () => {
    const { upstream: server, embedder } = await remoteStack();
    server.fail({ kind: 'delay', ms: 300 });
    const hurried = embedder.embed({ texts: ['slow text'], purpose: 'document', namespace: 'n', signal: AbortSignal.timeout(50) });
    const hurriedSettled = hurried.catch((error: unknown) => error);
    await untilRequests(server, 1);
    const patient = await embedder.embedDetailed({ texts: ['slow text'], purpose: 'document', namespace: 'n' });
    expect(patient.coalesced).toBe(1);
    expect(patient.vectors).toEqual([server.vector('slow text')]);
    // The hurried caller gets a memOS error that says it timed out, never a bare AbortError.
    expect(await hurriedSettled).toMatchObject({ name: 'MemosError', code: 'E_EMBEDDING_PROVIDER', details: { retryable: true, failure: 'timeout' } });
    const again = await embedder.embedDetailed({ texts: ['slow text'], purpose: 'document', namespace: 'n' });
    expect(again.hits).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('runs the shared upstream call under its own time limit, failing every waiter with a timeout error', async () => {
    upstream = await startFakeOpenAiServer({ dimensions: 8 });
    const provider = createOpenAiProvider({ baseUrl: upstream.baseUrl, model: 'up', dimensions: 8 });
    const embedder = createCachingEmbedder({
      embedder: createResilientEmbedder(provider, { retries: 0 }),
      cache: createLruCache({ maxBytes: 1 << 20 }),
      ttlSeconds: 60,
      flightTimeoutMs: 100,
    });
    upstream.fail({ kind: 'delay', ms: 2000 });
    const first = embedder.embed({ texts: ['stuck'], purpose: 'document', namespace: 'n' }).catch((error: unknown) => error);
    await untilRequests(upstream, 1);
    const second = embedder.embed({ texts: ['stuck'], purpose: 'document', namespace: 'n' }).catch((error: unknown) => error);
    for (const outcome of await Promise.all([first, second])) {
      expect(outcome).toMatchObject({ name: 'MemosError', code: 'E_EMBEDDING_PROVIDER', details: { retryable: true, failure: 'timeout' } });
    }
  });
});
