import type { Redis } from 'ioredis';
import { isCluster, mastersOf, nodeName, type RedisClient } from './redis-cluster.js';

/**
 * What a Redis server is for. Recommended settings:
 * - cache: `maxmemory <bytes>` (e.g. `maxmemory 2gb`) with `maxmemory-policy allkeys-lru`, so that
 *   Redis bounds the cache and evicts the least recently used entries;
 * - sessions: `maxmemory-policy noeviction`, since a session or an outbox holds messages not yet
 *   promoted to episodes and must never be evicted (use a separate server, or accept that an
 *   allkeys policy shared with the cache may drop sessions);
 * - both: `appendonly yes` (AOF, `appendfsync everysec`) so that a restart keeps what they hold.
 */
export type RedisRole = 'cache' | 'sessions';

/**
 * Reads `maxmemory`, `maxmemory-policy` and `appendonly` and returns a warning for each setting
 * that differs from the recommendation for `role`; in a cluster, of every master, each warning
 * naming its node. Never throws: a server that refuses CONFIG (managed services often rename or
 * disable it) yields a warning that nothing could be checked.
 */
export async function checkRedisSettings(client: RedisClient, role: RedisRole = 'cache'): Promise<string[]> {
  if (!isCluster(client)) return checkServer(client, role, 'redis');
  const perMaster = await Promise.all(mastersOf(client).map((node) => checkServer(node, role, `redis ${nodeName(node)}`)));
  return perMaster.flat();
}

async function checkServer(client: Redis, role: RedisRole, name: string): Promise<string[]> {
  let settings: Map<string, string>;
  try {
    const reply = (await client.call('CONFIG', 'GET', 'maxmemory', 'maxmemory-policy', 'appendonly')) as string[];
    settings = new Map();
    for (let i = 0; i + 1 < reply.length; i += 2) settings.set(reply[i]!, reply[i + 1]!);
  } catch {
    return [`${name}: could not read the server settings (CONFIG GET is disabled?); check maxmemory, maxmemory-policy and appendonly by hand`];
  }
  const warnings: string[] = [];
  const policy = settings.get('maxmemory-policy');
  if (role === 'cache') {
    if (settings.get('maxmemory') === '0') warnings.push(`${name}: maxmemory is 0 (unbounded); set it so that the cache cannot take all memory`);
    if (policy !== 'allkeys-lru') warnings.push(`${name}: maxmemory-policy is ${policy ?? 'unknown'}; allkeys-lru is recommended for the cache`);
  } else if (policy?.startsWith('allkeys-')) {
    warnings.push(`${name}: maxmemory-policy is ${policy}; sessions may be evicted before they are promoted, use noeviction (or a separate server)`);
  }
  if (settings.get('appendonly') !== 'yes') warnings.push(`${name}: appendonly is ${settings.get('appendonly') ?? 'unknown'}; AOF is recommended so that a restart keeps the ${role}`);
  return warnings;
}
