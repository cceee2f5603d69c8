// Where the rate limiter counts: in Redis, shared by every replica, falling back to counters of
// this process while Redis cannot answer. Both counters are @fastify/rate-limit's own stores.
import { createRequire } from 'node:module';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { RedisClient } from '../storage/redis/index.js';
import { collapseRepeatedLogs } from '../observability/repeated-logs.js';

/** What the store logs: one warning when Redis fails (then one line per 10 s counting the rest), one line when it answers again. */
export interface RateLimitLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

type Counted = (error: Error | null, result?: { current: number; ttl: number }) => void;
interface LibraryStore {
  incr(key: string, callback: Counted, timeWindow: number, max: number): void;
}

// The library exports its stores only through its plugin options; they are loaded from the files
// the plugin itself loads (the version is pinned exactly in package.json).
const require = createRequire(import.meta.url);
const RedisStore = require('@fastify/rate-limit/store/RedisStore.js') as new (
  continueExceeding: boolean,
  exponentialBackoff: boolean,
  redis: RedisClient,
  key: string,
) => LibraryStore;
const LocalStore = require('@fastify/rate-limit/store/LocalStore.js') as new (continueExceeding: boolean, exponentialBackoff: boolean, cache?: number) => LibraryStore;

/** Keys this process counts while Redis is down (least recently used ones are forgotten beyond it). */
const LOCAL_KEYS = 10_000;

export interface SharedCountersOptions {
  redis: RedisClient;
  /** Put before every counter's key (`<redis.keyPrefix>ratelimit:`). */
  keyPrefix: string;
  logger: RateLimitLogger;
}

export interface SharedCounters {
  /** The store class for the plugin's `store` option. */
  store: FastifyRateLimitStoreCtor;
  /** Writes the pending summary of failures, e.g. at shutdown. */
  flush(): void;
}

/**
 * Counters in Redis (one key per limited key, expiring with its window: the library's Lua script,
 * INCR then PEXPIRE, atomic on the server). When Redis fails to answer, the request is counted in
 * this process instead and served within that count: limits then hold per replica rather than
 * across them (fail open, with a warning), until Redis answers again.
 */
export function sharedCounters({ redis, keyPrefix, logger }: SharedCountersOptions): SharedCounters {
  const shared = new RedisStore(false, false, redis, keyPrefix);
  const local = new LocalStore(false, false, LOCAL_KEYS);
  const failures = collapseRepeatedLogs();
  let failing = false;

  const incr = (key: string, callback: Counted, timeWindow: number, max: number) => {
    shared.incr(
      key,
      (error, result) => {
        if (error === null && result !== undefined) {
          if (failing) logger.info({ backend: 'redis' }, 'rate limit counters are shared through redis again');
          failing = false;
          callback(null, result);
          return;
        }
        failing = true;
        const code = (error as { code?: unknown } | null)?.code;
        const fields = { backend: 'redis', code: typeof code === 'string' ? code : (error?.name ?? 'Error') };
        const message = 'redis unavailable: rate limits are counted per replica until it returns';
        failures.log(
          'redis',
          () => logger.warn({ ...fields, err: error }, message),
          (repeated, seconds) => logger.warn({ ...fields, repeated, seconds }, message),
        );
        local.incr(key, callback, timeWindow, max);
      },
      timeWindow,
      max,
    );
  };

  class Counters implements FastifyRateLimitStore {
    incr(key: string, callback: Counted, timeWindow: number, max: number): void {
      incr(key, callback, timeWindow, max);
    }
    // memOS sets no per-route limits, so one set of counters serves every route.
    child(): FastifyRateLimitStore {
      return this;
    }
  }
  return { store: Counters, flush: () => failures.flush() };
}
