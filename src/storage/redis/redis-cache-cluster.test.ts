import { describe, expect, it } from 'vitest';
import { redisClusterMissing } from '../../../test/support/redis-cluster.js';
import { runCacheContract } from '../cache.case.test.js';
import { checkRedisSettings } from './index.js';
import { failWhenRequired, keysUnder } from './test-redis.js';
import { openTestCache, sharedTestCluster } from './test-stores.js';

const reason = redisClusterMissing();
failWhenRequired('redis cache on a cluster', reason);

const entry = (hash: string, namespace = 'ns') => ({ key: { namespace, cache: 'embeddings' as const, hash }, value: new Uint8Array([1]), ttlSeconds: 60 });

describe.skipIf(reason !== '')(`redis cache on a cluster${reason ? ` (skipped: ${reason})` : ''}`, () => {
  const shared = sharedTestCluster();

  const openCache = () => openTestCache(shared.client);

  runCacheContract('redis cluster', openCache);

  it('keeps the single-server key layout, spreading a namespace over every master', async () => {
    const { cache, keyPrefix, close } = await openCache();
    await cache.setMany(Array.from({ length: 300 }, (_, i) => entry(`h${i}`, 'team:a')));
    expect(await keysUnder(shared.client, keyPrefix)).toContain(`${keyPrefix}memos:team:a:embeddings:h0`);
    const perMaster = await Promise.all(shared.client.nodes('master').map((node) => keysUnder(node, keyPrefix)));
    expect(perMaster).toHaveLength(3);
    for (const keys of perMaster) expect(keys.length).toBeGreaterThan(0);
    expect(await cache.usage({ namespace: 'team:a' })).toMatchObject({ entries: 300 });
    expect(await cache.getMany([entry('h0', 'team:a').key, entry('h299', 'team:a').key, entry('h300', 'team:a').key])).toEqual([new Uint8Array([1]), new Uint8Array([1]), undefined]);
    expect(await cache.clear({ namespace: 'team:a' })).toBe(300);
    expect(await keysUnder(shared.client, keyPrefix)).toEqual([]);
    await close();
  });

  it('sums the INFO figures of the masters', async () => {
    const { cache, close } = await openCache();
    const used = await Promise.all(shared.client.nodes('master').map(async (node) => Number(/used_memory:(\d+)/.exec(await node.info('memory'))![1])));
    const { server } = await cache.stats();
    expect(server.usedMemoryBytes).toBeGreaterThan(Math.max(...used) * 2);
    await close();
  });

  it('checks the settings of every master, naming each', async () => {
    const warnings = await checkRedisSettings(shared.client, 'sessions');
    expect(warnings).toHaveLength(3);
    for (const port of shared.cluster.ports) expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^redis 127\\.0\\.0\\.1:${port}: appendonly is no`)));
  });
});
