import type { CacheClass, CacheKey, CacheScope } from './ports.js';

const PREFIX = 'memos';

/** `memos:{namespace}:{cache}:{hash}`. Namespaces may hold `:`, so keys are parsed from the right. */
export function formatCacheKey(key: CacheKey): string {
  return `${PREFIX}:${key.namespace}:${key.cache}:${key.hash}`;
}

export function parseCacheKey(text: string): CacheKey | undefined {
  if (!text.startsWith(`${PREFIX}:`)) return undefined;
  const hashAt = text.lastIndexOf(':');
  const cacheAt = text.lastIndexOf(':', hashAt - 1);
  if (cacheAt <= PREFIX.length) return undefined;
  return {
    namespace: text.slice(PREFIX.length + 1, cacheAt),
    cache: text.slice(cacheAt + 1, hashAt) as CacheClass,
    hash: text.slice(hashAt + 1),
  };
}

/** Whether a key falls in a scope, compared field by field (never by string prefix). */
export function inCacheScope(key: CacheKey, scope: CacheScope): boolean {
  return (scope.namespace === undefined || key.namespace === scope.namespace) && (scope.cache === undefined || key.cache === scope.cache);
}
