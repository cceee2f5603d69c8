// Rate limits per API key (per client address for requests without one), by @fastify/rate-limit:
// a default of `rateLimit.perSecond` and `rateLimit.burst`, or the key's own `principal.rateLimit`;
// counted in Redis when memOS has one, so that every replica counts against the same limit.
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LOCAL_PRINCIPAL } from '../auth/access-hook.js';
import type { Principal } from '../auth/principal.js';
import { redisSeeds } from '../config/redis-settings.js';
import type { Config } from '../config/schema.js';
import { MemosError } from '../core/errors.js';
import { sharedCounters, type RateLimitLogger } from './rate-limit-store.js';

/** Requests per second on average and at once; a `perSecond` of 0 means no limit. */
export type RateLimit = NonNullable<Principal['rateLimit']>;

/** Routes that are never limited: probes must see memOS as it is, not as a client's quota leaves it. */
const UNLIMITED_ROUTES = new Set(['/health/live', '/health/ready']);

/** Whether requests to the route `url` count against a rate limit (the OpenAPI document lists 429 for those). */
export function isRateLimited(url: string): boolean {
  return !UNLIMITED_ROUTES.has(url);
}

/** The key id of the principal requests act as while authentication is off: one for every client, so they are told apart by address. */
const AUTH_OFF_KEY_ID = LOCAL_PRINCIPAL.keyId;

/**
 * A limit in @fastify/rate-limit's terms: at most `burst` requests in a fixed window of
 * `burst / perSecond` seconds, counted from the window's first request. A client may so make
 * `burst` requests at once, and `perSecond` a second over any span of whole windows (up to twice
 * `burst` in a short span across the end of one window and the start of the next, as with any
 * fixed window). Undefined when the limit is off.
 */
export function windowOf(limit: RateLimit): { max: number; timeWindowMs: number } | undefined {
  if (!(limit.perSecond > 0)) return undefined;
  return { max: limit.burst, timeWindowMs: Math.max(1, Math.round((limit.burst / limit.perSecond) * 1000)) };
}

/** The counter a request counts against: its API key's (`key:<keyId>`), else its client address's (`ip:<address>`, IPv6 by /64). */
export function rateLimitKey(request: FastifyRequest): string {
  const keyId = request.principal?.keyId;
  return keyId !== undefined && keyId !== AUTH_OFF_KEY_ID ? `key:${keyId}` : `ip:${normalizeIP(request.ip)}`;
}

export interface RateLimitOptions {
  config: Pick<Config, 'rateLimit' | 'redis'>;
  logger: RateLimitLogger;
}

/**
 * Limits every route but `/health/live` and `/health/ready`. Each route checks its limit in a
 * route-level onRequest hook, which Fastify runs after every app-level onRequest hook whenever
 * those were added: after the Host check, CORS (which answers preflights itself) and the access
 * hook that sets `request.principal`. It must be installed before the routes are added. Over the
 * limit: 429 problem+json `E_RATE_LIMITED` with `Retry-After`; every limited answer carries
 * `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (IETF draft headers).
 */
export async function installRateLimits(app: FastifyInstance, { config, logger }: RateLimitOptions): Promise<void> {
  const limitOf = (request: FastifyRequest): RateLimit => request.principal?.rateLimit ?? config.rateLimit;
  // Only asked for requests the allow-list let through, whose limit is on.
  const windowFor = (request: FastifyRequest) => windowOf(limitOf(request)) ?? { max: 0, timeWindowMs: 1000 };
  const counters = config.redis.url === undefined ? undefined : await connectCounters(config.redis, logger);
  if (counters !== undefined) {
    app.addHook('onClose', async () => {
      counters.flush();
      await counters.close();
    });
  }

  await app.register(rateLimit, {
    hook: 'onRequest',
    enableDraftSpec: true,
    keyGenerator: rateLimitKey,
    allowList: (request) => UNLIMITED_ROUTES.has(request.routeOptions.url ?? '') || windowOf(limitOf(request)) === undefined,
    max: (request) => windowFor(request).max,
    timeWindow: (request) => windowFor(request).timeWindowMs,
    // Counters that fail fall back to this process's (rate-limit-store.ts); nothing else should fail, and if it does, serve.
    skipOnError: true,
    ...(counters === undefined ? { cache: 10_000 } : { store: counters.store }),
    errorResponseBuilder: (request, { max, ttl }) => {
      const retryAfter = Math.max(1, Math.ceil(ttl / 1000));
      const who = rateLimitKey(request).startsWith('key:') ? 'this API key' : 'this client address';
      const seconds = windowFor(request).timeWindowMs / 1000;
      return new MemosError('E_RATE_LIMITED', `rate limit exceeded: ${who} may make ${max} requests per ${seconds} s; retry after ${retryAfter} s`, {
        details: { retryAfter },
      });
    },
  });
}

/** Counters in the sessions' Redis (or cluster), on a client of their own; start-up does not wait for Redis to answer. */
async function connectCounters(redisConfig: Config['redis'], logger: RateLimitLogger) {
  const redis = await import('../storage/redis/index.js');
  const url = redisConfig.url!;
  const client = redisConfig.cluster ? redis.createRedisClusterClient(redisSeeds(url)) : redis.createRedisClient(url);
  // The short-term tier's client logs the state of this server; failed counts are logged by the counters.
  client.on('error', () => undefined);
  await client.connect().catch(() => undefined);
  const counters = sharedCounters({ redis: client, keyPrefix: `${redisConfig.keyPrefix}ratelimit:`, logger });
  return { ...counters, close: () => client.quit().then(() => undefined, () => client.disconnect()) };
}
