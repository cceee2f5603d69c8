import type { Redis } from 'ioredis';
import { formatCacheKey, inCacheScope, parseCacheKey } from '../../core/cache-key.js';
import type { Cache, CacheClass, CacheEntry, CacheKey, CacheScope, CacheUsage } from '../../core/ports.js';
import { redisConnection, type RedisLogger, type RedisSource } from './redis-client.js';
import { isCluster, mastersOf, type RedisClient } from './redis-cluster.js';
import { pipelineReplies, redisCall } from './redis-errors.js';
import { checkRedisSettings } from './redis-settings.js';

export type RedisCacheOptions = RedisSource & {
  /** Put before every key (default ''), e.g. to share one database between deployments or tests. */
  keyPrefix?: string;
  /** Receives the settings warnings at init and connection errors. */
  logger?: RedisLogger;
};

/** Client-side counts of this process, and the server's own from `INFO`. */
export interface RedisCacheStats {
  hits: Record<CacheClass, number>;
  misses: Record<CacheClass, number>;
  server: { usedMemoryBytes: number; maxmemoryBytes: number; keyspaceHits: number; keyspaceMisses: number; evictedKeys: number };
}

export interface RedisCache extends Cache {
  /** Hits and misses this process saw per cache class, and server-wide figures from `INFO`. */
  stats(): Promise<RedisCacheStats>;
}

const CLASSES: readonly CacheClass[] = ['embeddings', 'responses'];
/** Keys per MGET, UNLINK or MEMORY USAGE pipeline, and the SCAN page hint. */
const BATCH = 500;
const SCAN_COUNT = 1000;

/**
 * The server mode's Cache: raw bytes (float32 vectors stay binary) under
 * `{keyPrefix}memos:{namespace}:{cache}:{hash}`, each with its own TTL, bounded by the server's
 * `maxmemory`. Clearing and usage walk the keys with SCAN (never KEYS) and compare parsed keys
 * field by field, so that namespace `a` never covers `a:b`. `usage().evictions` is 0: Redis does
 * not say which keys it evicted; the server-wide count is in `stats()`.
 *
 * On a cluster the keys carry no hash tag, so that a namespace spreads over every master; the
 * multi-key commands (MGET, multi-key UNLINK) and pipelines a single server gets become one
 * command per key, sent together, SCAN walks every master and `stats()` sums their INFO.
 */
export function createRedisCache(options: RedisCacheOptions): RedisCache {
  const prefix = options.keyPrefix ?? '';
  const connection = redisConnection(options, options.logger);
  const hits = { embeddings: 0, responses: 0 };
  const misses = { embeddings: 0, responses: 0 };
  const toRedisKey = (key: CacheKey) => prefix + formatCacheKey(key);

  /** Every key of this cache in `scope`, page by page, with the server that holds it. */
  async function* keysIn(client: RedisClient, scope: CacheScope): AsyncGenerator<{ node: Redis; keys: string[] }> {
    const match = `${escapeGlob(prefix)}memos:*`;
    for (const node of mastersOf(client)) {
      let cursor = '0';
      do {
        const [next, page] = await node.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
        cursor = next;
        const found = page.filter((key) => {
          const parsed = parseCacheKey(key.slice(prefix.length));
          return parsed !== undefined && CLASSES.includes(parsed.cache) && inCacheScope(parsed, scope);
        });
        for (let at = 0; at < found.length; at += BATCH) yield { node, keys: found.slice(at, at + BATCH) };
      } while (cursor !== '0');
    }
  }

  return {
    backend: 'redis',
    init: async () => {
      await connection.init();
      if (!options.logger) return;
      for (const warning of await checkRedisSettings(connection.client, 'cache')) options.logger.warn({ backend: 'redis' }, warning);
    },
    close: () => connection.close(),

    getMany: (keys) =>
      redisCall('cache.get', async () => {
        const client = connection.client;
        const out: (Uint8Array | undefined)[] = [];
        for (let at = 0; at < keys.length; at += BATCH) {
          const batch = keys.slice(at, at + BATCH);
          const values = isCluster(client)
            ? await Promise.all(batch.map((key) => client.getBuffer(toRedisKey(key))))
            : await client.mgetBuffer(...batch.map(toRedisKey));
          batch.forEach((key, i) => {
            const value = values[i];
            if (value === null || value === undefined) {
              misses[key.cache] += 1;
              out.push(undefined);
            } else {
              hits[key.cache] += 1;
              out.push(new Uint8Array(value)); // a copy, and a plain Uint8Array rather than a Buffer
            }
          });
        }
        return out;
      }),

    setMany: (entries: CacheEntry[]) =>
      redisCall('cache.set', async () => {
        const live = entries.filter((entry) => entry.ttlSeconds > 0);
        if (live.length === 0) return;
        const client = connection.client;
        const set = (target: RedisClient | ReturnType<Redis['pipeline']>, { key, value, ttlSeconds }: CacheEntry) =>
          target.set(toRedisKey(key), Buffer.from(value), 'PX', Math.round(ttlSeconds * 1000));
        if (isCluster(client)) {
          await Promise.all(live.map((entry) => set(client, entry)));
          return;
        }
        const pipeline = client.pipeline();
        for (const entry of live) set(pipeline, entry);
        pipelineReplies(await pipeline.exec());
      }),

    deleteMany: (keys: CacheKey[]) =>
      redisCall('cache.delete', async () => {
        const client = connection.client;
        if (keys.length === 0) return 0;
        return sum(await Promise.all(keys.map((key) => client.unlink(toRedisKey(key)))));
      }),

    clear: (scope) =>
      redisCall('cache.clear', async () => {
        const client = connection.client;
        let removed = 0;
        // SCAN may return a key twice; UNLINK counts only what it removed.
        for await (const { keys } of keysIn(client, scope)) {
          removed += isCluster(client) ? sum(await Promise.all(keys.map((key) => client.unlink(key)))) : await client.unlink(...keys);
        }
        return removed;
      }),

    usage: (scope) =>
      redisCall('cache.usage', async (): Promise<CacheUsage> => {
        const client = connection.client;
        const seen = new Set<string>();
        let entries = 0;
        let bytes = 0;
        for await (const { node, keys } of keysIn(client, scope)) {
          const fresh = keys.filter((key) => !seen.has(key));
          if (fresh.length === 0) continue;
          // MEMORY USAGE names no key a cluster could route by: ask the node that listed them.
          const pipeline = node.pipeline();
          for (const key of fresh) {
            seen.add(key);
            pipeline.call('MEMORY', 'USAGE', key);
          }
          for (const size of pipelineReplies(await pipeline.exec())) {
            if (typeof size !== 'number') continue; // expired since listed
            entries += 1;
            bytes += size;
          }
        }
        return { entries, bytes, evictions: 0 };
      }),

    stats: () =>
      redisCall('cache.stats', async () => {
        const masters = mastersOf(connection.client);
        const info = sumInfo(await Promise.all(masters.map(async (node) => parseInfo(await node.info('memory'), await node.info('stats')))));
        return {
          hits: { ...hits },
          misses: { ...misses },
          server: {
            usedMemoryBytes: info('used_memory'),
            maxmemoryBytes: info('maxmemory'),
            keyspaceHits: info('keyspace_hits'),
            keyspaceMisses: info('keyspace_misses'),
            evictedKeys: info('evicted_keys'),
          },
        };
      }),
  };
}

/** `INFO` sections as a lookup of numeric fields (0 when absent). */
function parseInfo(...sections: string[]): (field: string) => number {
  const fields = new Map<string, number>();
  for (const line of sections.join('\n').split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return (field) => {
    const value = fields.get(field);
    return value === undefined || Number.isNaN(value) ? 0 : value;
  };
}

/** The field-wise sum of several servers' INFO, e.g. memory used over the masters of a cluster. */
function sumInfo(servers: ((field: string) => number)[]): (field: string) => number {
  return (field) => sum(servers.map((info) => info(field)));
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Escapes glob characters so that a key prefix matches only itself in SCAN MATCH. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
