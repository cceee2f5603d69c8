import { LRUCache } from 'lru-cache';
import { formatCacheKey, inCacheScope, parseCacheKey } from '../../core/cache-key.js';
import type { Cache, CacheClass, CacheEntry, CacheKey, CacheScope, CacheUsage } from '../../core/ports.js';

export interface LruCacheOptions {
  /** Upper bound on the bytes held: values plus keys. */
  maxBytes: number;
  /** Milliseconds clock for TTLs; injected by tests. */
  now?: () => number;
}

/** Bytes one entry is charged: its value, its key (UTF-16 in memory) and a little bookkeeping. */
const entrySize = (key: string, value: Uint8Array) => value.byteLength + key.length * 2 + 64;

/**
 * The embedded default's Cache: an in-process LRU bounded in bytes, with a TTL per entry.
 * Values are copied in and out so that callers can never change what is cached.
 */
export function createLruCache({ maxBytes, now }: LruCacheOptions): Cache {
  const evictions = new Map<string, number>(); // by "namespace\0cache"
  const lru = new LRUCache<string, Uint8Array>({
    maxSize: maxBytes,
    sizeCalculation: (value, key) => entrySize(key, value),
    ttlAutopurge: false,
    ...(now === undefined ? {} : { perf: { now }, ttlResolution: 0 }),
    dispose: (_value, key, reason) => {
      if (reason !== 'evict') return;
      const parsed = parseCacheKey(key);
      if (parsed) evictions.set(bucket(parsed), (evictions.get(bucket(parsed)) ?? 0) + 1);
    },
  });

  const keysIn = (scope: CacheScope) => {
    const found: string[] = [];
    for (const key of lru.keys()) {
      const parsed = parseCacheKey(key);
      if (parsed && inCacheScope(parsed, scope)) found.push(key);
    }
    return found;
  };

  return {
    backend: 'in-process',
    async init() {},
    async close() {
      lru.clear();
    },
    async getMany(keys: CacheKey[]) {
      return keys.map((key) => {
        const value = lru.get(formatCacheKey(key));
        return value === undefined ? undefined : value.slice();
      });
    },
    async setMany(entries: CacheEntry[]) {
      for (const { key, value, ttlSeconds } of entries) {
        const text = formatCacheKey(key);
        // An entry larger than the whole cache is not kept (lru-cache would refuse it anyway).
        if (entrySize(text, value) > maxBytes) continue;
        lru.set(text, value.slice(), { ttl: ttlSeconds * 1000 });
      }
    },
    async deleteMany(keys: CacheKey[]) {
      let removed = 0;
      for (const key of keys) if (lru.delete(formatCacheKey(key))) removed += 1;
      return removed;
    },
    async clear(scope: CacheScope) {
      const keys = keysIn(scope);
      for (const key of keys) lru.delete(key);
      return keys.length;
    },
    async usage(scope: CacheScope): Promise<CacheUsage> {
      let entries = 0;
      let bytes = 0;
      for (const key of keysIn(scope)) {
        const value = lru.peek(key);
        if (value === undefined) continue; // expired since listed
        entries += 1;
        bytes += entrySize(key, value);
      }
      let evicted = 0;
      for (const [name, count] of evictions) {
        const [namespace, cache] = name.split('\0') as [string, CacheClass];
        if (inCacheScope({ namespace, cache, hash: '' }, scope)) evicted += count;
      }
      return { entries, bytes, evictions: evicted };
    },
  };
}

function bucket(key: CacheKey): string {
  return `${key.namespace}\0${key.cache}`;
}
