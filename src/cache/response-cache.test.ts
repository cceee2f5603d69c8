import { describe, expect, it } from 'vitest';
import type { Cache } from '../core/ports.js';
import { createLruCache } from '../storage/in-process/index.js';
import { canonicalJson, createResponseCache, type Computed } from './response-cache.js';
import { until } from '../../test/support/until.js';
import { createScopeVersions } from './scope-versions.js';

/** The in-process cache, on a clock the test moves, that can be made to fail. */
function flakyCache() {
  let time = 1_000_000;
  const inner = createLruCache({ maxBytes: 1024 * 1024, now: () => time });
  const state = { failing: false };
  const guard = <T>(work: () => Promise<T>) => (state.failing ? Promise.reject(new Error('cache down')) : work());
  const cache: Cache = {
    backend: 'flaky',
    init: () => inner.init(),
    close: () => inner.close(),
    getMany: (keys) => guard(() => inner.getMany(keys)),
    setMany: (entries) => guard(() => inner.setMany(entries)),
    clear: (scope) => guard(() => inner.clear(scope)),
    usage: (scope) => guard(() => inner.usage(scope)),
  };
  return { cache, state, now: () => time, advance: (ms: number) => (time += ms) };
}

function setUp(ttlSeconds = 60) {
  const flaky = flakyCache();
  const errors: unknown[] = [];
  const versions = createScopeVersions({ cache: flaky.cache, ttlSeconds, onCacheError: (error) => errors.push(error) });
  let embedder = 'model-a';
  const responses = createResponseCache({ cache: flaky.cache, versions, ttlSeconds, fingerprint: () => embedder, now: flaky.now, onCacheError: (error) => errors.push(error) });
  let computed = 0;
  const ask = (request: object, result: Partial<Computed<number>> = {}, namespace = 'ns') =>
    responses.through('test', namespace, request, async () => ({ value: ++computed, cacheable: true, ...result }));
  return { ...flaky, versions, responses, errors, ask, useEmbedder: (model: string) => (embedder = model) };
}

describe('response cache', () => {
  it('serves the same request from the cache until the scope version changes', async () => {
    const { ask, versions, responses } = setUp();
    expect(await ask({ q: 1, a: [1, { y: 2, x: 1 }] })).toEqual({ value: 1, cached: false });
    expect(await ask({ a: [1, { x: 1, y: 2 }], q: 1 })).toEqual({ value: 1, cached: true }); // key order does not matter
    expect(await ask({ q: 2 })).toEqual({ value: 2, cached: false });
    expect(await ask({ q: 1 }, {}, 'other')).toEqual({ value: 3, cached: false });
    await versions.bump('ns');
    expect(await ask({ q: 1, a: [1, { y: 2, x: 1 }] })).toEqual({ value: 4, cached: false });
    expect(await ask({ q: 1 }, {}, 'other')).toEqual({ value: 3, cached: true }); // another namespace keeps its entries
    await versions.bumpAll();
    expect(await ask({ q: 1 }, {}, 'other')).toEqual({ value: 5, cached: false });
    expect(responses.stats()).toEqual({ hits: 2, misses: 5, bypassed: 0 });
  });

  it('keys answers by the embedder as well', async () => {
    const { ask, useEmbedder } = setUp();
    await ask({ q: 1 });
    useEmbedder('model-b');
    expect(await ask({ q: 1 })).toEqual({ value: 2, cached: false });
  });

  it('never keeps an entry past the expiry of something in it, nor an uncacheable answer', async () => {
    const { ask, advance, now } = setUp(60);
    await ask({ q: 1 }, { expiresAt: now() + 5_500 });
    expect((await ask({ q: 1 })).cached).toBe(true);
    advance(5_100);
    expect((await ask({ q: 1 })).cached).toBe(false); // kept for 5 whole seconds, not the 60 configured
    await ask({ q: 2 }, { expiresAt: now() + 900 });
    expect((await ask({ q: 2 })).cached).toBe(false); // less than a second left: not kept at all
    await ask({ q: 3 }, { cacheable: false });
    expect((await ask({ q: 3 })).cached).toBe(false);
  });

  it("expires entries by the service's clock even when the cache's own clock stands still", async () => {
    const cache = createLruCache({ maxBytes: 1024 * 1024, now: () => 0 });
    let time = 0;
    const responses = createResponseCache({ cache, versions: createScopeVersions({ cache, ttlSeconds: 60 }), ttlSeconds: 60, fingerprint: () => '', now: () => time });
    const ask = () => responses.through('test', 'ns', {}, async () => ({ value: time, cacheable: true, expiresAt: 10_000 }));
    await ask();
    expect((await ask()).cached).toBe(true);
    time = 10_000; // say, a session in the answer has expired
    expect(await ask()).toEqual({ value: 10_000, cached: false });
  });

  it('answers through a failing cache, uncached', async () => {
    const { ask, state, errors, responses } = setUp();
    state.failing = true;
    expect(await ask({ q: 1 })).toEqual({ value: 1, cached: false });
    expect(await ask({ q: 1 })).toEqual({ value: 2, cached: false });
    expect(errors.length).toBeGreaterThan(0);
    expect(responses.stats().bypassed).toBe(2);
  });

  it('does not serve entries older than a bump that failed, even once the cache is back', async () => {
    const { ask, state, versions } = setUp();
    await ask({ q: 1 });
    state.failing = true;
    await versions.bump('ns'); // the write committed, but its new version could not be stored
    state.failing = false;
    expect(await ask({ q: 1 })).toEqual({ value: 2, cached: false });
    expect(await ask({ q: 1 })).toEqual({ value: 2, cached: true });
  });

  it('retries a failed bump in the background until it lands, so that another replica sharing the cache stops serving answers from before the write', async () => {
    const { cache, state, errors } = setUp();
    const writer = createScopeVersions({ cache, ttlSeconds: 60, retry: { initialMs: 5, maxMs: 20 }, onCacheError: (error) => errors.push(error) });
    const reader = createScopeVersions({ cache, ttlSeconds: 60 });
    const responses = createResponseCache({ cache, versions: reader, ttlSeconds: 60, fingerprint: () => '', now: () => 1_000_000 });
    let data = 'before the write';
    const ask = () => responses.through('test', 'ns', {}, async () => ({ value: data, cacheable: true }));
    await ask();
    expect(await ask()).toEqual({ value: 'before the write', cached: true });
    state.failing = true;
    data = 'after the write';
    await writer.bump('ns'); // the write committed, but its new version could not be stored
    await new Promise((resolve) => setTimeout(resolve, 60)); // retries fail while the cache is down
    const failures = errors.length;
    expect(failures).toBeGreaterThan(1);
    state.failing = false;
    await until(async () => (await ask()).value === 'after the write', 2000);
    expect(await ask()).toEqual({ value: 'after the write', cached: true });
    // Landed: no more retries.
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(errors).toHaveLength(failures);
    writer.close();
  });

  it('stops retrying a failed bump once closed', async () => {
    const { cache, state, errors } = setUp();
    const versions = createScopeVersions({ cache, ttlSeconds: 60, retry: { initialMs: 5, maxMs: 5 }, onCacheError: (error) => errors.push(error) });
    state.failing = true;
    await versions.bump('ns');
    versions.close();
    const failures = errors.length;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(errors).toHaveLength(failures);
  });

  it('starts a new version, never an old one, when the version key is gone', async () => {
    const { ask, cache } = setUp();
    await ask({ q: 1 });
    const before = await cache.usage({ namespace: 'ns' });
    await cache.clear({ namespace: 'ns' });
    expect(await ask({ q: 1 })).toEqual({ value: 2, cached: false });
    expect(before.entries).toBe(2); // the answer and the version key
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ f: 1, e: 2 }], c: undefined } })).toBe('{"a":{"d":[{"e":2,"f":1}]},"b":1}');
  });
});
