import { createHash } from 'node:crypto';
import type { Cache, CacheKey } from '../core/ports.js';
import { cacheFallback } from './cache-fallback.js';
import type { ScopeVersions } from './scope-versions.js';

/** What a computation gives the cache: its value, and whether and how long it may be kept. */
export interface Computed<T> {
  value: T;
  /** Milliseconds at which something in the value expires; the entry never outlives it. */
  expiresAt?: number | undefined;
  /** False for an answer that a passing failure degraded, which should not be served again. */
  cacheable: boolean;
}

export interface ResponseCacheStats {
  hits: number;
  misses: number;
  /** Requests answered without the cache, because it failed or could not be trusted. */
  bypassed: number;
}

export interface ResponseCache {
  /**
   * The cached answer to `request` in `namespace`, or `compute()`'s, which is then cached.
   * A failing cache is bypassed: the request is answered all the same.
   */
  through<T>(kind: string, namespace: string, request: unknown, compute: () => Promise<Computed<T>>): Promise<{ value: T; cached: boolean }>;
  stats(): ResponseCacheStats;
}

export interface ResponseCacheOptions {
  cache: Cache;
  versions: ScopeVersions;
  ttlSeconds: number;
  /** What answers depend on besides the request and the data: the embedder's model and state. */
  fingerprint: () => string;
  now: () => number;
  onCacheError?: (error: unknown) => void;
}

/**
 * Read-through cache of whole responses (search, context) in the `responses` cache class.
 * Keys hash the namespace's scope version with the canonical request and the embedder's
 * fingerprint, so a write in the namespace, or a change of embedder, makes old entries unreachable.
 */
export function createResponseCache({ cache, versions, ttlSeconds, fingerprint, now, onCacheError }: ResponseCacheOptions): ResponseCache {
  const counts: ResponseCacheStats = { hits: 0, misses: 0, bypassed: 0 };
  const tolerate = cacheFallback(onCacheError);

  return {
    async through(kind, namespace, request, compute) {
      const version = await versions.current(namespace);
      if (version === undefined) {
        counts.bypassed += 1;
        return { value: (await compute()).value, cached: false };
      }
      const before = fingerprint();
      const key: CacheKey = {
        namespace,
        cache: 'responses',
        hash: `${kind}-${createHash('sha256').update(`${kind}\0${version}\0${before}\0${canonicalJson(request)}`).digest('hex')}`,
      };
      const [found] = await tolerate(cache.getMany([key]), [undefined]);
      const entry = found === undefined ? undefined : parse(found);
      // The backend's TTL runs on its own clock; the entry's own expiry holds on the service's.
      if (entry !== undefined && now() < entry.expiresAt) {
        counts.hits += 1;
        return { value: entry.value as never, cached: true };
      }
      counts.misses += 1;
      const computed = await compute();
      const lifetime = Math.min(ttlSeconds, computed.expiresAt === undefined ? ttlSeconds : Math.floor((computed.expiresAt - now()) / 1000));
      // An answer made while the embedder changed state belongs to neither state's key.
      if (computed.cacheable && lifetime >= 1 && fingerprint() === before) {
        const stored: Entry = { expiresAt: now() + lifetime * 1000, value: computed.value };
        await tolerate(cache.setMany([{ key, value: Buffer.from(JSON.stringify(stored)), ttlSeconds: lifetime }]), undefined);
      }
      return { value: computed.value, cached: false };
    },
    stats: () => ({ ...counts }),
  };
}

/** Milliseconds of the earliest of some ISO timestamps, or undefined when there are none. */
export function earliest(timestamps: Array<string | undefined>): number | undefined {
  const times = timestamps.flatMap((at) => (at === undefined ? [] : [Date.parse(at)]));
  return times.length === 0 ? undefined : Math.min(...times);
}

/** JSON with object keys sorted at every level, so that equal requests hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) =>
    node !== null && typeof node === 'object' && !Array.isArray(node)
      ? Object.fromEntries(Object.entries(node).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : node,
  );
}

/** A cached answer and the time (milliseconds, by the service's clock) it stops being served. */
interface Entry {
  expiresAt: number;
  value: unknown;
}

function parse(bytes: Uint8Array): Entry | undefined {
  try {
    const entry = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<Entry> | null;
    return typeof entry?.expiresAt === 'number' && 'value' in entry ? (entry as Entry) : undefined;
  } catch {
    return undefined;
  }
}
