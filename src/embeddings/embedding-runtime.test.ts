import { Writable } from 'node:stream';
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

  it('logs a failed load once, in one short line with the hint, and later retries at debug only', async () => {
    const lines: Array<{ level: number; msg: string; err?: unknown }> = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    const traced = createLogger({ log: { level: 'trace' } }, sink);
    const provider = flakyProvider(3);
    const runtime = startEmbeddingRuntime({ provider, cache: cache(), ttlSeconds: 60, logger: traced, retry: { firstMs: 5, maxMs: 10 }, loadFailureHint: 'Set THE_PATH, or turn it off' });
    await until(() => runtime.status().state === 'ready');
    const warnings = lines.filter((line) => line.level >= 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ msg: 'no embedding model: download failed (ENOTFOUND); running keyword-only. Set THE_PATH, or turn it off' });
    expect(warnings[0]).not.toHaveProperty('err');
    expect(lines.filter((line) => line.msg === 'embedder failed to load')).toHaveLength(3); // each failure, with its cause, at debug
    await runtime.close();
  });

  it('answers cache statistics and clears the cache in every state, with or without a provider', async () => {
    const shared = cache();
    await shared.setMany([{ key: { namespace: 'n', cache: 'embeddings', hash: 'h' }, value: new Uint8Array(4), ttlSeconds: 60 }]);
    const runtime = startEmbeddingRuntime({ provider: undefined, cache: shared, ttlSeconds: 60, logger, disabledReason: 'embeddings are off' });
    expect(runtime.status()).toEqual({ state: 'disabled', detail: 'embeddings are off; search is keyword-only' });
    expect(await runtime.cacheStats('n')).toMatchObject({ hits: 0, misses: 0, hitRate: 0, entries: 1 });
    expect(await runtime.clearCache('n')).toBe(1);
    expect(await runtime.cacheStats()).toMatchObject({ entries: 0 });
  });
});
