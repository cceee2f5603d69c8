// The Redis settings' checks: one server or the seed nodes of a cluster, and what a cluster rules out.
import { z } from 'zod';

const redisUrl = z.url({ protocol: /^rediss?$/ });

/**
 * The nodes `redis.url` names, comma-separated: full URLs, or after the first also bare
 * `host:port`, which take the first one's scheme and credentials
 * (`redis://:pw@10.0.0.5:7000,10.0.0.6:7000`).
 */
export function redisSeeds(url: string): string[] {
  const [first = '', ...rest] = url.split(',').map((seed) => seed.trim());
  const base = /^[a-z]+:\/\/([^@/]*@)?/i.exec(first)?.[0] ?? '';
  return [first, ...rest.map((seed) => (seed.includes('://') ? seed : base + seed))];
}

/**
 * A Redis Cluster has only database 0, and a client speaks to all its nodes with one set of
 * credentials and one scheme; a brace in the key prefix would decide the hash slot of every key,
 * breaking the hash tags that keep a session's keys in one slot.
 */
export function checkRedis(
  redis: { url?: string | undefined; cacheUrl?: string | undefined; cluster: boolean; keyPrefix: string },
  context: z.RefinementCtx,
): void {
  if (redis.url === undefined) {
    if (redis.cluster) context.addIssue({ code: 'custom', path: ['cluster'], message: 'needs redis.url (MEMOS_REDIS_URL) naming at least one seed node' });
    if (redis.cacheUrl !== undefined) context.addIssue({ code: 'custom', path: ['cacheUrl'], message: 'needs redis.url (MEMOS_REDIS_URL) for the sessions as well' });
    return;
  }
  checkRedisUrl(redis.url, 'url', redis.cluster, context);
  if (redis.cacheUrl !== undefined) checkRedisUrl(redis.cacheUrl, 'cacheUrl', redis.cluster, context);
  if (redis.cluster && /[{}]/.test(redis.keyPrefix)) {
    context.addIssue({ code: 'custom', path: ['keyPrefix'], message: 'must not hold { or } with redis.cluster: braces would choose the hash slot of every key' });
  }
}

/** One server's URL, or with `cluster` the seed nodes of a cluster. */
function checkRedisUrl(url: string, field: 'url' | 'cacheUrl', cluster: boolean, context: z.RefinementCtx): void {
  const texts = redisSeeds(url);
  if (!texts.every((seed) => redisUrl.safeParse(seed).success)) {
    context.addIssue({ code: 'custom', path: [field], message: 'must be a redis:// or rediss:// URL' });
    return;
  }
  if (!cluster) {
    if (texts.length > 1) context.addIssue({ code: 'custom', path: [field], message: 'lists several nodes; set redis.cluster (MEMOS_REDIS_CLUSTER=true) for a Redis Cluster' });
    return;
  }
  const seeds = texts.map((seed) => new URL(seed));
  const first = seeds[0]!;
  if (seeds.some((seed) => !['', '/', '/0'].includes(seed.pathname))) {
    context.addIssue({ code: 'custom', path: [field], message: 'names a database; a Redis Cluster has only database 0' });
  }
  if (seeds.some((seed) => seed.protocol !== first.protocol || seed.username !== first.username || seed.password !== first.password)) {
    context.addIssue({ code: 'custom', path: [field], message: 'seed nodes must share one scheme and one user and password' });
  }
}
