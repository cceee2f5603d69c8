import { Cluster, type Redis } from 'ioredis';
import { REDIS_CLIENT_OPTIONS } from './redis-client.js';

/** One Redis server, or a Redis Cluster: both speak the same commands, routed by key in a cluster. */
export type RedisClient = Redis | Cluster;

export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/**
 * A cluster client with the fail-fast options of a single client: commands fail at once while
 * the cluster is unreachable, and it reconnects in the background at least every 2 s. `seeds` are
 * `redis://` or `rediss://` URLs of some nodes (the rest are discovered); the first one's
 * credentials and TLS apply to every node.
 */
export function createRedisClusterClient(seeds: string[]): Cluster {
  const nodes = seeds.map((seed) => new URL(seed));
  const first = nodes[0]!;
  const { lazyConnect, enableOfflineQueue, retryStrategy, ...perNode } = REDIS_CLIENT_OPTIONS;
  return new Cluster(
    nodes.map((node) => ({ host: node.hostname, port: Number(node.port || 6379) })),
    {
      lazyConnect,
      enableOfflineQueue,
      clusterRetryStrategy: retryStrategy,
      redisOptions: {
        ...perNode,
        ...(first.username === '' ? {} : { username: decodeURIComponent(first.username) }),
        ...(first.password === '' ? {} : { password: decodeURIComponent(first.password) }),
        ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
      },
    },
  );
}

/** The servers that hold keys: the client itself, or every master of a cluster. */
export function mastersOf(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/**
 * Throws unless the server answers; on a cluster, unless every master the client knows answers
 * and reports `cluster_state:ok` (all slots served), since each holds a share of the keys.
 */
export async function pingServers(client: RedisClient): Promise<void> {
  if (!isCluster(client)) {
    await client.ping();
    return;
  }
  await Promise.all(
    mastersOf(client).map(async (node) => {
      const info = (await node.call('CLUSTER', 'INFO')) as string;
      if (!/^cluster_state:ok\b/m.test(info)) throw new Error(`redis cluster is not ok as seen by ${nodeName(node)}`);
    }),
  );
}

/** A node's address, for messages. */
export function nodeName(node: Redis): string {
  return `${node.options.host ?? '?'}:${node.options.port ?? '?'}`;
}
