import type { Cache, CacheClass, CacheScope, CacheUsage } from '../core/ports.js';
import type { ResponseCache, ResponseCacheStats } from './response-cache.js';

export const CACHE_CLASSES = ['embeddings', 'responses'] as const satisfies readonly CacheClass[];

export interface CacheStats {
  backend: string;
  /** The namespace the usage figures cover; all namespaces when absent. */
  namespace?: string;
  caches: { embeddings: CacheUsage; responses: CacheUsage & ResponseCacheStats };
}

/** Operator view of the Cache port: usage per cache class, and clearing by namespace and/or class. */
export function createCacheAdmin({ cache, responses }: { cache: Cache; responses: ResponseCache }) {
  return {
    async stats(namespace?: string): Promise<CacheStats> {
      const scope = (cacheClass: CacheClass): CacheScope => ({ cache: cacheClass, ...(namespace === undefined ? {} : { namespace }) });
      const [embeddings, responseUsage] = await Promise.all(CACHE_CLASSES.map((cacheClass) => cache.usage(scope(cacheClass))));
      return {
        backend: cache.backend,
        ...(namespace === undefined ? {} : { namespace }),
        caches: { embeddings: embeddings!, responses: { ...responseUsage!, ...responses.stats() } },
      };
    },
    /** Removes every entry in the scope (a cleared scope version only makes old responses unreachable sooner); returns how many went. */
    clear(scope: CacheScope): Promise<number> {
      return cache.clear(scope);
    },
  };
}

export type CacheAdmin = ReturnType<typeof createCacheAdmin>;
