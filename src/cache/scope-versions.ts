import { randomBytes } from 'node:crypto';
import type { Cache, CacheKey } from '../core/ports.js';

/**
 * A version token per namespace, kept in the cache itself, that cached responses are keyed by.
 * Every write sets a new random token once it has committed, which makes every response cached
 * before it unreachable without scanning keys. Tokens are random rather than counted, so that a
 * version key that was evicted, expired or cleared can never make old entries valid again.
 */
export interface ScopeVersions {
  /** The token of a namespace (combined with the all-namespaces token), made when missing; undefined when the cache cannot be trusted now. */
  current(namespace: string): Promise<string | undefined>;
  /** After a write in `namespace` has committed. Never throws. */
  bump(namespace: string): Promise<void>;
  /** After a write whose namespaces are not known (an expiry sweep): every namespace at once. Never throws. */
  bumpAll(): Promise<void>;
  /** Stops retrying bumps that failed (at shutdown). */
  close(): void;
}

export interface ScopeVersionsOptions {
  cache: Cache;
  /** How long a token lives; at least as long as the responses keyed by it. */
  ttlSeconds: number;
  onCacheError?: (error: unknown) => void;
  /** Backoff between retries of failed bumps: from `initialMs`, doubling, at most `maxMs` (defaults 200 ms and 2 s). */
  retry?: { initialMs?: number; maxMs?: number };
}

/** Not a valid namespace id (see core/ids.ts), so no client namespace can collide with it. */
const ALL_NAMESPACES = '*';
const VERSION_HASH = 'scope-version';
const versionKey = (namespace: string): CacheKey => ({ namespace, cache: 'responses', hash: VERSION_HASH });
/** Version tokens share the `responses` class; metrics count them apart, as they are read on every cached request and nearly always found. */
export const isScopeVersionKey = (key: CacheKey) => key.hash === VERSION_HASH;
/** The key of a namespace's scope version (kept in the responses class beside the answers). */
export const scopeVersionKey = versionKey;
const newToken = () => new Uint8Array(Buffer.from(randomBytes(12).toString('base64url')));

/**
 * A bump that fails (the cache is down or blipped) is retried in the background, with a bounded
 * backoff, until it lands: other replicas sharing the cache keep reading the old token, and so
 * keep serving answers from before the write, until it does. Meanwhile this replica reads none
 * of the namespace's cached answers.
 */
export function createScopeVersions({ cache, ttlSeconds, onCacheError, retry = {} }: ScopeVersionsOptions): ScopeVersions {
  const initialMs = retry.initialMs ?? 200;
  const maxMs = retry.maxMs ?? 2000;
  /** Scopes whose last bump failed: their responses are not read from the cache until a bump succeeds. */
  const unbumped = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let delayMs = initialMs;
  let closed = false;

  const bump = async (scopes: string[]): Promise<boolean> => {
    try {
      await cache.setMany(scopes.map((scope) => ({ key: versionKey(scope), value: newToken(), ttlSeconds })));
      for (const scope of scopes) unbumped.delete(scope);
      if (unbumped.size === 0) delayMs = initialMs;
      return true;
    } catch (error) {
      for (const scope of scopes) unbumped.add(scope);
      onCacheError?.(error);
      scheduleRetry();
      return false;
    }
  };

  /** Retries every failed bump together, backing off while they keep failing. */
  function scheduleRetry(): void {
    if (closed || timer !== undefined) return;
    const jittered = delayMs * (0.8 + Math.random() * 0.4);
    delayMs = Math.min(delayMs * 2, maxMs);
    timer = setTimeout(() => {
      timer = undefined;
      if (unbumped.size === 0) return;
      void bump([...unbumped]);
    }, jittered);
    timer.unref();
  }

  return {
    async current(namespace) {
      const scopes = [ALL_NAMESPACES, namespace];
      const pending = scopes.filter((scope) => unbumped.has(scope));
      if (pending.length > 0 && !(await bump(pending))) return undefined;
      try {
        const keys = scopes.map(versionKey);
        const found = await cache.getMany(keys);
        const tokens = found.map((value) => value ?? newToken());
        const missing = keys.flatMap((key, index) => (found[index] === undefined ? [{ key, value: tokens[index]!, ttlSeconds }] : []));
        if (missing.length > 0) await cache.setMany(missing);
        return tokens.map((token) => Buffer.from(token).toString()).join('.');
      } catch (error) {
        onCacheError?.(error);
        return undefined;
      }
    },
    async bump(namespace) {
      await bump([namespace]);
    },
    async bumpAll() {
      await bump([ALL_NAMESPACES]);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
