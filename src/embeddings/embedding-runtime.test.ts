import { describe, expect, it } from 'vitest';
import { MemosError } from '../core/errors.js';
import type { EmbeddingProvider } from '../core/ports.js';
import { createLogger } from '../observability/logger.js';
import { createLruCache } from '../storage/in-process/index.js';
import { startEmbeddingRuntime } from './embedding-runtime.js';
import { createHashProvider } from './fake/index.js';

const logger = createLogger({ log: { level: 'silent' } });
const cache = () => createLruCache({ maxBytes: 1 << 20 });

/** The hash provider, whose first `failures` loads fail as a model download with no network does. */
function flakyProvider(failures: number, retryable = true): EmbeddingProvider & { attempts: number } {
  const inner = createHashProvider({ dimensions: 8, model: 'flaky' });
  const provider = Object.assign(Object.create(inner) as EmbeddingProvider, {
    attempts: 0,
    async init() {
      provider.attempts += 1;
      if (provider.attempts <= failures) throw new MemosError('E_EMBEDDING_PROVIDER', 'download failed (ENOTFOUND)', { details: { retryable } });
      await inner.init();
    },
  });
  return provider;
}

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('embedding runtime', () => {
  it('says embeddings are unavailable while loading failed, and recovers by itself when a retry succeeds', async () => {
    const provider = flakyProvider(2);
    const runtime = startEmbeddingRuntime({ provider, cache: cache(), ttlSeconds: 60, logger, retry: { firstMs: 10, maxMs: 40 } });
    const ready: string[] = [];
    runtime.whenReady(() => ready.push('backfill started'));
    await runtime.settled;
    expect(runtime.status()).toMatchObject({ state: 'failed', detail: expect.stringMatching(/ENOTFOUND.*keyword-only/) });
    await expect(runtime.embed({ texts: ['x'], purpose: 'query', namespace: 'n' })).rejects.toMatchObject({ code: 'E_UNAVAILABLE' });

    await until(() => runtime.status().state === 'ready');
    expect(provider.attempts).toBe(3);
    expect(ready).toEqual(['backfill started']);
    expect(await runtime.embed({ texts: ['x'], purpose: 'query', namespace: 'n' })).toHaveLength(1);
    await runtime.close();
  });

  it('does not retry a failure that retrying cannot fix', async () => {
    const provider = flakyProvider(1, false);
    const runtime = startEmbeddingRuntime({ provider, cache: cache(), ttlSeconds: 60, logger, retry: { firstMs: 5, maxMs: 5 } });
    await runtime.settled;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(provider.attempts).toBe(1);
    expect(runtime.status().state).toBe('failed');
    await runtime.close();
  });

  it('reports disabled, with the reason, when no provider is configured', async () => {
    const runtime = startEmbeddingRuntime({ provider: undefined, cache: cache(), ttlSeconds: 60, logger });
    expect(runtime.status()).toEqual({ state: 'disabled', detail: 'no embedder is configured; search is keyword-only' });
    await expect(runtime.embed({ texts: ['x'], purpose: 'query', namespace: 'n' })).rejects.toMatchObject({ code: 'E_UNAVAILABLE' });
  });
});
