export { createRedisCache, type RedisCache, type RedisCacheOptions, type RedisCacheStats } from './redis-cache.js';
export { createRedisClient, REDIS_CLIENT_OPTIONS, type RedisLogger, type RedisSource } from './redis-client.js';
export { createRedisClusterClient, pingServers, type RedisClient } from './redis-cluster.js';
export { checkRedisSettings, type RedisRole } from './redis-settings.js';
export { createRedisSessionStore, type RedisSessionStore, type RedisSessionStoreOptions } from './redis-session-store.js';
