// The Cache port's contract, run by every cache adapter.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Cache, CacheKey } from '../core/ports.js';

export interface CacheFixture {
  cache: Cache;
  /** Moves the adapter's notion of time forward (real sleeping is fine for real servers). */
  elapse(ms: number): Promise<void>;
  close(): Promise<void>;
}

const key = (hash: string, namespace = 'ns', cache: CacheKey['cache'] = 'embeddings'): CacheKey => ({ namespace, cache, hash });
const bytes = (...values: number[]) => new Uint8Array(values);

export function runCacheContract(name: string, create: () => Promise<CacheFixture>): void {
  describe(`Cache contract: ${name}`, () => {
    let fixture: CacheFixture;
    beforeEach(async () => {
      fixture = await create();
    });
    afterEach(async () => fixture.close());

    it('returns what was set, in key order, and undefined for misses', async () => {
      const { cache } = fixture;
      await cache.setMany([
        { key: key('a'), value: bytes(1, 2), ttlSeconds: 60 },
        { key: key('b'), value: bytes(3), ttlSeconds: 60 },
      ]);
      expect(await cache.getMany([key('b'), key('missing'), key('a')])).toEqual([bytes(3), undefined, bytes(1, 2)]);
    });

    it('keeps namespaces and cache classes apart, even when a namespace holds a colon', async () => {
      const { cache } = fixture;
      await cache.setMany([
        { key: key('h', 'a'), value: bytes(1), ttlSeconds: 60 },
        { key: key('h', 'a:b'), value: bytes(2), ttlSeconds: 60 },
        { key: key('h', 'a', 'responses'), value: bytes(3), ttlSeconds: 60 },
      ]);
      expect(await cache.getMany([key('h', 'a'), key('h', 'a:b'), key('h', 'a', 'responses')])).toEqual([bytes(1), bytes(2), bytes(3)]);
      expect(await cache.clear({ namespace: 'a' })).toBe(2);
      expect(await cache.getMany([key('h', 'a'), key('h', 'a:b'), key('h', 'a', 'responses')])).toEqual([undefined, bytes(2), undefined]);
    });

    it('clears by cache class across namespaces and reports usage per scope', async () => {
      const { cache } = fixture;
      await cache.setMany([
        { key: key('1', 'x'), value: new Uint8Array(100), ttlSeconds: 60 },
        { key: key('2', 'y'), value: new Uint8Array(100), ttlSeconds: 60 },
        { key: key('3', 'x', 'responses'), value: new Uint8Array(10), ttlSeconds: 60 },
      ]);
      const embeddings = await cache.usage({ cache: 'embeddings' });
      expect(embeddings.entries).toBe(2);
      expect(embeddings.bytes).toBeGreaterThanOrEqual(200);
      expect((await cache.usage({ namespace: 'x' })).entries).toBe(2);
      expect(await cache.clear({ cache: 'embeddings' })).toBe(2);
      expect((await cache.usage({})).entries).toBe(1);
    });

    it('expires entries after their TTL', async () => {
      const { cache } = fixture;
      await cache.setMany([{ key: key('short'), value: bytes(1), ttlSeconds: 1 }, { key: key('long'), value: bytes(2), ttlSeconds: 60 }]);
      await fixture.elapse(1100);
      expect(await cache.getMany([key('short'), key('long')])).toEqual([undefined, bytes(2)]);
    });

    it('hands out copies that callers cannot change in place', async () => {
      const { cache } = fixture;
      const value = bytes(7, 7);
      await cache.setMany([{ key: key('c'), value, ttlSeconds: 60 }]);
      value[0] = 0;
      const [got] = await cache.getMany([key('c')]);
      got![1] = 0;
      expect(await cache.getMany([key('c')])).toEqual([bytes(7, 7)]);
    });
  });
}
