import { describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { runCacheContract } from '../cache.case.test.js';
import { createLruCache } from './lru-cache-store.js';

runCacheContract('in-process LRU', async () => {
  const clock = manualClock();
  const cache = createLruCache({ maxBytes: 1024 * 1024, now: clock.now });
  await cache.init();
  return {
    cache,
    elapse: async (ms) => clock.advance(ms),
    close: () => cache.close(),
  };
});

describe('in-process LRU bounds', () => {
  it('evicts the least recently used entries to stay within its byte budget, and counts them', async () => {
    const cache = createLruCache({ maxBytes: 2_000 });
    const entry = (hash: string) => ({ key: { namespace: 'n', cache: 'embeddings' as const, hash }, value: new Uint8Array(400), ttlSeconds: 60 });
    await cache.setMany([entry('1'), entry('2'), entry('3')]);
    await cache.getMany([entry('1').key]); // 1 is now the most recently used
    await cache.setMany([entry('4'), entry('5')]);
    const usage = await cache.usage({});
    expect(usage.bytes).toBeLessThanOrEqual(2_000);
    expect(usage.evictions).toBeGreaterThan(0);
    expect(usage.entries + usage.evictions).toBe(5);
    const [one, two] = await cache.getMany([entry('1').key, entry('2').key]);
    expect(one).toBeDefined();
    expect(two).toBeUndefined();
  });
});
