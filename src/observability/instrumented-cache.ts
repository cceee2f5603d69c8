import type { Cache, CacheKey } from '../core/ports.js';
import { isScopeVersionKey } from '../cache/scope-versions.js';
import type { Telemetry } from './telemetry.js';
import { inChildSpan } from './tracing.js';

/** The `cache` label: the key's class, with scope-version tokens apart from cached responses. */
export const cacheName = (key: CacheKey): string => (isScopeVersionKey(key) ? 'scope_versions' : key.cache);

/**
 * The Cache port with hits and misses counted per key (`memos_cache_hits_total`,
 * `memos_cache_misses_total`) and a `cache <name> get|set` span per call. Every call names keys of
 * one cache, so the first key names it. Entries and evictions are read at scrape time instead
 * (service-gauges.ts), from `usage()`.
 */
export function instrumentCache(cache: Cache, { metrics, tracer }: Telemetry): Cache {
  return {
    backend: cache.backend,
    init: () => cache.init(),
    close: () => cache.close(),
    clear: (scope) => cache.clear(scope),
    ...(cache.deleteMany === undefined ? {} : { deleteMany: cache.deleteMany.bind(cache) }),
    usage: (scope) => cache.usage(scope),
    getMany(keys) {
      const name = keys[0] === undefined ? 'none' : cacheName(keys[0]);
      return inChildSpan(tracer, `cache ${name} get`, { 'memos.cache.name': name, 'memos.cache.keys': keys.length }, async (span) => {
        const found = await cache.getMany(keys);
        const hits = found.filter((value) => value !== undefined).length;
        if (hits > 0) metrics?.cache.hits.inc({ cache: name }, hits);
        if (hits < keys.length) metrics?.cache.misses.inc({ cache: name }, keys.length - hits);
        span?.setAttributes({ 'memos.cache.hit': hits === keys.length, 'memos.cache.hits': hits });
        return found;
      });
    },
    setMany(entries) {
      const name = entries[0] === undefined ? 'none' : cacheName(entries[0].key);
      return inChildSpan(tracer, `cache ${name} set`, { 'memos.cache.name': name, 'memos.cache.keys': entries.length }, () => cache.setMany(entries));
    },
  };
}
