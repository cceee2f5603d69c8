import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import type { Cache, Storage, WorkingMemoryStore } from '../core/ports.js';
import { redisSeeds } from '../config/redis-settings.js';
import type { Config } from '../config/schema.js';
import { redactUrl } from './redact-url.js';

export { redactUrl };

/** What the short-term tier logs: warnings and one line when Redis (re)connects. */
export interface TierLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

export interface ShortTermDeps {
  config: Config;
  /** The durable store; its episode store receives the messages that sessions promote. */
  storage: Storage;
  clock: Clock;
  ids: IdGenerator;
  logger: TierLogger;
  /** Told which namespaces received episodes that sessions promoted and delivered later, from an outbox (Redis). */
  onPromotionsDelivered?: (namespaces: string[]) => Promise<void>;
}

/** A Redis server (or cluster) the tier depends on, which health reports but memOS can run without. */
export interface TierServer {
  /** The health component: `redis`, and `redis_cache` for a cache server of its own. */
  name: string;
  /** What it holds, e.g. `cache, sessions`. */
  serves: string;
  /** What memOS does while it is down. */
  whileDown: string;
  ping(): Promise<void>;
}

/** The caches and short-term memory, and the servers behind them when there are any. */
export interface ShortTermTier {
  cache: Cache;
  sessions: WorkingMemoryStore;
  backends: { cache: string; sessions: string };
  /** Live sessions, when they are kept apart from the durable store (which otherwise counts them). */
  countSessions?(): Promise<number>;
  servers: TierServer[];
  close(): Promise<void>;
}

type RedisModule = typeof import('./redis/index.js');
type RedisClient = ReturnType<RedisModule['createRedisClient']> | ReturnType<RedisModule['createRedisClusterClient']>;

/**
 * The embedded default (sessions in the storage driver, an in-process LRU), or with `redis.url`
 * a Redis client (of a cluster with `redis.cluster`) for the session store, shared by the cache
 * unless `redis.cacheUrl` gives the cache a server of its own. Start-up never waits for Redis: an
 * unreachable server is logged and its client keeps reconnecting in the background, while caches
 * are bypassed and session calls fail with a retryable E_STORAGE_UNAVAILABLE.
 */
export async function loadShortTermTier({ config, storage, clock, ids, logger, onPromotionsDelivered }: ShortTermDeps): Promise<ShortTermTier> {
  const { url, cacheUrl, keyPrefix } = config.redis;
  if (url === undefined) {
    const { createLruCache } = await import('./in-process/index.js');
    const cache = createLruCache({ maxBytes: config.cache.maxBytes });
    await cache.init();
    return { cache, sessions: storage.sessions, backends: { cache: cache.backend, sessions: storage.driver }, servers: [], close: () => cache.close() };
  }

  const redis = await import('./redis/index.js');
  const sessionServer = connectRedis(redis, url, config, logger, cacheUrl === undefined ? 'cache, sessions' : 'sessions');
  const cacheServer = cacheUrl === undefined ? sessionServer : connectRedis(redis, cacheUrl, config, logger, 'cache');
  const cache = redis.createRedisCache({ client: cacheServer.client, keyPrefix });
  const sessions = redis.createRedisSessionStore({
    client: sessionServer.client,
    keyPrefix,
    episodes: storage.episodes,
    clock,
    ids,
    logger,
    ...(onPromotionsDelivered === undefined ? {} : { onDelivered: onPromotionsDelivered }),
  });
  const servers = cacheServer === sessionServer ? [sessionServer] : [sessionServer, cacheServer];
  // Logged by each client's error handler; the clients keep retrying.
  await Promise.all(servers.map((server) => server.client.connect().catch(() => undefined)));
  await cache.init();
  await sessions.init();
  return {
    cache,
    sessions,
    backends: { cache: 'redis', sessions: 'redis' },
    countSessions: () => sessions.countLive(),
    servers: servers.map(({ health }) => health),
    async close() {
      await sessions.close();
      await cache.close();
      await Promise.all(servers.map(({ client }) => client.quit().catch(() => client.disconnect())));
    },
  };
}

/**
 * A client for one role (`cache`, `sessions`, or both), with its reconnection logging, a check of
 * the server's settings for that role once it first connects, and its health component.
 */
function connectRedis(redis: RedisModule, url: string, config: Config, logger: TierLogger, serves: 'cache' | 'sessions' | 'cache, sessions') {
  const client: RedisClient = config.redis.cluster ? redis.createRedisClusterClient(redisSeeds(url)) : redis.createRedisClient(url);
  const name = serves === 'cache' ? 'redis_cache' : 'redis';
  const whileDown = serves === 'cache' ? 'caches bypassed' : serves === 'sessions' ? 'session calls answer 503' : 'caches bypassed, session calls answer 503';
  const where = { redis: redisSeeds(url).map(redactUrl).join(','), serves, keyPrefix: config.redis.keyPrefix };
  let lastCode: string | undefined;
  let checked = false;
  client.on('error', (error: Error & { code?: string }) => {
    // Reconnection errors repeat every few hundred ms: log each distinct one once.
    const code = error.code ?? error.name;
    if (code !== lastCode) logger.warn({ ...where, code }, `redis unavailable: ${whileDown} until it returns`);
    lastCode = code;
  });
  client.on('ready', () => {
    if (lastCode !== undefined) logger.info(where, 'redis is back');
    lastCode = undefined;
    if (checked) return;
    checked = true;
    // A server holding sessions gets the sessions' settings (noeviction, AOF), even when it holds the caches too.
    void redis.checkRedisSettings(client, serves === 'cache' ? 'cache' : 'sessions').then((warnings) => {
      for (const warning of warnings) logger.warn({ backend: 'redis', serves }, warning);
    });
  });
  const health: TierServer = {
    name,
    serves,
    whileDown,
    ping: async () => {
      if (client.status !== 'ready') throw new Error(`redis is not connected (${client.status})`);
      await redis.pingServers(client);
    },
  };
  return { client, health };
}
