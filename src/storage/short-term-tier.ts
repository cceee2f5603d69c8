import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import type { Cache, Storage, WorkingMemoryStore } from '../core/ports.js';
import { redisSeeds, type Config } from '../config/schema.js';
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
}

/** The caches and short-term memory, and the server behind them when there is one. */
export interface ShortTermTier {
  cache: Cache;
  sessions: WorkingMemoryStore;
  backends: { cache: string; sessions: string };
  /** Live sessions, when they are kept apart from the durable store (which otherwise counts them). */
  countSessions?(): Promise<number>;
  /** The server the tier depends on (Redis), which health reports but memOS can run without. */
  server?: { name: string; ping(): Promise<void> };
  close(): Promise<void>;
}

/**
 * The embedded default (sessions in the storage driver, an in-process LRU), or with `redis.url`
 * one Redis client (of a cluster with `redis.cluster`) shared by the cache and the session store. Start-up never waits for Redis: an
 * unreachable server is logged and the client keeps reconnecting in the background, while caches
 * are bypassed and session calls fail with a retryable E_STORAGE_UNAVAILABLE.
 */
export async function loadShortTermTier({ config, storage, clock, ids, logger }: ShortTermDeps): Promise<ShortTermTier> {
  const url = config.redis.url;
  if (url === undefined) {
    const { createLruCache } = await import('./in-process/index.js');
    const cache = createLruCache({ maxBytes: config.cache.maxBytes });
    await cache.init();
    return { cache, sessions: storage.sessions, backends: { cache: cache.backend, sessions: storage.driver }, close: () => cache.close() };
  }

  const { checkRedisSettings, createRedisCache, createRedisClient, createRedisClusterClient, createRedisSessionStore, pingServers } = await import('./redis/index.js');
  const client = config.redis.cluster ? createRedisClusterClient(redisSeeds(url)) : createRedisClient(url);
  const where = { redis: redisSeeds(url).map(redactUrl).join(','), keyPrefix: config.redis.keyPrefix };
  let lastCode: string | undefined;
  let checked = false;
  client.on('error', (error: Error & { code?: string }) => {
    // Reconnection errors repeat every few hundred ms: log each distinct one once.
    const code = error.code ?? error.name;
    if (code !== lastCode) logger.warn({ ...where, code }, 'redis unavailable: caches bypassed, session calls answer 503 until it returns');
    lastCode = code;
  });
  client.on('ready', () => {
    if (lastCode !== undefined) logger.info(where, 'redis is back');
    lastCode = undefined;
    if (checked) return;
    checked = true;
    // One server (or cluster) holds both sessions and caches: the sessions' needs (noeviction, AOF) come first.
    void checkRedisSettings(client, 'sessions').then((warnings) => {
      for (const warning of warnings) logger.warn({ backend: 'redis' }, warning);
    });
  });

  const keyPrefix = config.redis.keyPrefix;
  const cache = createRedisCache({ client, keyPrefix });
  const sessions = createRedisSessionStore({ client, keyPrefix, episodes: storage.episodes, clock, ids, logger });
  await client.connect().catch(() => undefined); // logged by the error handler; the client keeps retrying
  await cache.init();
  await sessions.init();
  return {
    cache,
    sessions,
    backends: { cache: 'redis', sessions: 'redis' },
    countSessions: () => sessions.countLive(),
    server: {
      name: 'redis',
      ping: async () => {
        if (client.status !== 'ready') throw new Error(`redis is not connected (${client.status})`);
        await pingServers(client);
      },
    },
    async close() {
      await sessions.close();
      await cache.close();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
