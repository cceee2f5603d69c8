import { Redis, type RedisOptions } from 'ioredis';
import { MemosError } from '../../core/errors.js';
import type { RedisClient } from './redis-cluster.js';
import { redisCall, UNAVAILABLE_DETAILS } from './redis-errors.js';

/** What the Redis adapters log: warnings only, with codes and never keys or values. */
export interface RedisLogger {
  warn(object: object, message: string): void;
}

/**
 * A client the adapter opens from `url` (one server), or one the caller owns: shared by the cache
 * and the session store, and possibly a cluster.
 */
export type RedisSource = { client: RedisClient } | { url: string };

/**
 * Fail fast while the server is down (no offline queue, one retry per command, a short connect
 * timeout) and keep reconnecting in the background, so that callers get a clean
 * E_STORAGE_UNAVAILABLE at once and service resumes by itself when Redis returns.
 */
export const REDIS_CLIENT_OPTIONS = {
  lazyConnect: true,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  connectTimeout: 2_000,
  retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000),
} satisfies RedisOptions;

/** A client with the fail-fast options; it does no I/O until `connect()` (or `init()` of an adapter). */
export function createRedisClient(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { ...REDIS_CLIENT_OPTIONS, ...options });
}

/** The lifecycle of one adapter's client: connects and closes only what it opened itself. */
export function redisConnection(source: RedisSource, logger?: RedisLogger) {
  const owned = 'url' in source;
  let client: RedisClient | undefined = owned ? undefined : source.client;
  return {
    /** Throws E_STORAGE_UNAVAILABLE for an owned client before `init()` or after `close()`. */
    get client(): RedisClient {
      if (!client) throw new MemosError('E_STORAGE_UNAVAILABLE', 'redis: not connected', { details: { ...UNAVAILABLE_DETAILS } });
      return client;
    },
    async init(): Promise<void> {
      if (!owned || client) return;
      const opened = createRedisClient(source.url);
      client = opened;
      let lastCode: string | undefined;
      opened.on('error', (error: Error & { code?: string }) => {
        // Reconnection errors repeat every few hundred ms: log each distinct one once.
        const code = error.code ?? error.name;
        if (code !== lastCode) logger?.warn({ code }, 'redis connection error');
        lastCode = code;
      });
      opened.on('ready', () => (lastCode = undefined));
      try {
        await redisCall('connect', () => opened.connect());
      } catch (error) {
        opened.disconnect();
        client = undefined;
        throw error;
      }
    },
    async close(): Promise<void> {
      if (!owned || !client) return;
      const closing = client;
      client = undefined;
      await closing.quit().catch(() => closing.disconnect());
    },
  };
}
