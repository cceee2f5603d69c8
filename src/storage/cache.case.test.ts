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

    it('keeps binary values byte for byte, such as float32 vectors', async () => {
      const { cache } = fixture;
      const vector = new Float32Array([0.1, -2.5, Number.MIN_VALUE, 3.4e38, 0, -0]);
      const value = new Uint8Array(vector.buffer);
      await cache.setMany([{ key: key('vec'), value, ttlSeconds: 60 }]);
      const [got] = await cache.getMany([key('vec')]);
      expect(got).toBeInstanceOf(Uint8Array);
      expect(Array.from(new Float32Array(got!.slice().buffer))).toEqual(Array.from(vector));
    });

    it('answers empty requests and empty scopes with nothing', async () => {
      const { cache } = fixture;
      expect(await cache.getMany([])).toEqual([]);
      await cache.setMany([]);
      expect(await cache.clear({ namespace: 'nobody' })).toBe(0);
      expect(await cache.usage({ namespace: 'nobody' })).toEqual({ entries: 0, bytes: 0, evictions: 0 });
    });

    it('clears by namespace and cache class together', async () => {
      const { cache } = fixture;
      await cache.setMany([
        { key: key('1', 'x'), value: bytes(1), ttlSeconds: 60 },
        { key: key('2', 'x', 'responses'), value: bytes(2), ttlSeconds: 60 },
        { key: key('3', 'y', 'responses'), value: bytes(3), ttlSeconds: 60 },
      ]);
      expect(await cache.clear({ namespace: 'x', cache: 'responses' })).toBe(1);
      expect(await cache.getMany([key('1', 'x'), key('2', 'x', 'responses'), key('3', 'y', 'responses')])).toEqual([bytes(1), undefined, bytes(3)]);
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
