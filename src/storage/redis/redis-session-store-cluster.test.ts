import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { redisClusterMissing } from '../../../test/support/redis-cluster.js';
import { toIso } from '../../core/clock.js';
import { runWorkingMemoryStoreContract } from '../working-memory-store.case.test.js';
import { CLUSTER_SESSION_SHARDS } from './session-keys.js';
import { failWhenRequired, keysUnder } from './test-redis.js';
import { openTestSessionStore, sharedTestCluster } from './test-stores.js';

const reason = redisClusterMissing();
failWhenRequired('redis sessions on a cluster', reason);

describe.skipIf(reason !== '')(`redis sessions on a cluster${reason ? ` (skipped: ${reason})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'memos-redis-cluster-sessions-'));
  const shared = sharedTestCluster();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const open = () => openTestSessionStore(shared.client, dir);

  runWorkingMemoryStoreContract('redis cluster', { create: open });

  it("keeps a session, its outbox and its shard's index in one slot, and spreads sessions over every master", async () => {
    const h = await open();
    const message = { role: 'user' as const, content: 'm', createdAt: toIso(h.clock.now()) };
    const ids = Array.from({ length: 60 }, (_, i) => `s${i}`);
    for (const sessionId of ids) await h.store.append({ key: { namespace: 'ns', sessionId }, messages: [message, message], window: 1, ttlSeconds: 60 });
    const keys = await keysUnder(shared.client, h.keyPrefix);
    const session = keys.find((key) => key.startsWith(`${h.keyPrefix}memos-session:`) && key.endsWith(':2:ns:s0'))!;
    const tag = /\{s(\d+)\}/.exec(session)![0];
    expect(Number(tag.slice(2, -1))).toBeLessThan(CLUSTER_SESSION_SHARDS);
    expect(session).toBe(`${h.keyPrefix}memos-session:${tag}:2:ns:s0`);
    const together = [session, `${h.keyPrefix}memos-session-outbox:${tag}:2:ns:s0`, `${h.keyPrefix}memos-sessions:${tag}:deadlines`, `${h.keyPrefix}memos-sessions:${tag}:outboxes`];
    expect(new Set(await Promise.all(together.map((key) => shared.client.cluster('KEYSLOT', key)))).size).toBe(1);
    for (const node of shared.client.nodes('master')) expect((await keysUnder(node, `${h.keyPrefix}memos-session:`)).length).toBeGreaterThan(0);

    // Every session promoted its overflow; a sweep across all shards promotes the rest once they expire.
    h.clock.advance(60_000);
    expect(await h.store.sweepExpired()).toBe(ids.length);
    const stored = await h.episodes.list({ filter: { namespace: 'ns' }, limit: 500, order: 'asc' });
    expect(stored.items).toHaveLength(2 * ids.length);
    expect(await keysUnder(shared.client, h.keyPrefix)).toEqual([]);
    await h.close();
  });
});
