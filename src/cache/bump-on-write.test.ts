import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testEpisode, testMemory } from '../../test/support/records.js';
import { manualClock } from '../core/clock.js';
import { ulidGenerator } from '../core/ids.js';
import { contentKey } from '../core/text.js';
import type { Storage } from '../core/ports.js';
import { createLruCache } from '../storage/in-process/index.js';
import { createSqliteStorage } from '../storage/sqlite/index.js';
import { bumpOnWrite, type VersionedStores } from './bump-on-write.js';
import { createScopeVersions, type ScopeVersions } from './scope-versions.js';

const clock = manualClock();
const ids = ulidGenerator(clock);
let storage: Storage;
let versions: ScopeVersions;
let stores: VersionedStores;
beforeEach(async () => {
  storage = createSqliteStorage({ path: ':memory:', clock, ids });
  await storage.init();
  versions = createScopeVersions({ cache: createLruCache({ maxBytes: 1024 * 1024 }), ttlSeconds: 3600 });
  stores = bumpOnWrite(storage, versions);
});
afterEach(async () => storage.close());

const now = () => new Date(clock.now()).toISOString();
const episode = (namespace: string) => testEpisode({ id: ids.next('ep'), namespace });
const memory = (namespace: string) => testMemory({ id: ids.next('mem'), namespace, content: 'a fact' });
const key = (namespace: string) => ({ namespace, sessionId: 's1' });

/** Whether `work` changed the scope version of `namespace` (and left `other` alone). */
async function bumps(namespace: string, work: () => Promise<unknown>, other = 'untouched'): Promise<boolean> {
  const [before, otherBefore] = [await versions.current(namespace), await versions.current(other)];
  await work();
  expect(await versions.current(other)).toBe(otherBefore);
  return (await versions.current(namespace)) !== before;
}

describe('bumpOnWrite', () => {
  it('bumps the namespace of every session write, and not on reads', async () => {
    const put = { key: key('a'), messages: [], state: {}, ttlSeconds: 60, window: 10 };
    expect(await bumps('a', () => stores.sessions.put(put))).toBe(true);
    expect(await bumps('a', () => stores.sessions.append({ key: key('a'), messages: [{ role: 'user', content: 'hi', createdAt: now() }], window: 10, ttlSeconds: 60 }))).toBe(true);
    expect(await bumps('a', () => stores.sessions.get(key('a')))).toBe(false);
    expect(await bumps('a', () => stores.sessions.delete(key('a')))).toBe(true);
  });

  it('bumps the namespace of every episode and memory write, and not on reads', async () => {
    const one = episode('a');
    expect(await bumps('a', () => stores.episodes.append([one]))).toBe(true);
    expect(await bumps('a', () => stores.episodes.list({ filter: { namespace: 'a' }, limit: 10, order: 'asc' }))).toBe(false);
    expect(await bumps('a', () => stores.episodes.delete({ namespace: 'a', id: one.id }))).toBe(true);

    const fact = memory('a');
    expect(await bumps('a', () => stores.memories.upsert([{ memory: fact, contentKey: contentKey(fact.content) }]))).toBe(true);
    expect(await bumps('a', () => stores.memories.get({ namespace: 'a', id: fact.id }))).toBe(false);
    expect(await bumps('a', () => stores.memories.update({ ref: { namespace: 'a', id: fact.id }, patch: { importance: 0.9 } }))).toBe(true);
    expect(await bumps('a', () => stores.memories.delete({ namespace: 'a', id: fact.id }))).toBe(true);
  });

  it('bumps the namespaces of stored vectors (on write and by the backfill)', async () => {
    const fact = memory('b');
    await stores.memories.upsert([{ memory: fact, contentKey: contentKey(fact.content) }]);
    const vector = new Float32Array([1, 0, 0]);
    expect(await bumps('b', () => stores.vectors.put([{ tier: 'memories', namespace: 'b', id: fact.id, content: fact.content, model: 'm', vector }]))).toBe(true);
    expect(await bumps('b', () => stores.vectors.pending({ model: 'm', dimensions: 3, limit: 10 }))).toBe(false);
  });

  it('bumps the namespaces of refused records, and every namespace when failed records are retried', async () => {
    const fact = memory('e');
    await stores.memories.upsert([{ memory: fact, contentKey: contentKey(fact.content) }]);
    const refusal = { tier: 'memories' as const, namespace: 'e', id: fact.id, content: fact.content, model: 'm', dimensions: 3, error: 'refused' };
    expect(await bumps('e', () => stores.vectors.fail([refusal], { failAfter: 1 }))).toBe(true);
    const before = await versions.current('anywhere');
    expect(await stores.vectors.retryFailed()).toBe(1);
    expect(await versions.current('anywhere')).not.toBe(before);
    const after = await versions.current('anywhere');
    expect(await stores.vectors.retryFailed()).toBe(0);
    expect(await versions.current('anywhere')).toBe(after);
  });

  it('bumps every namespace when an expiry sweep promoted sessions, and none when it found nothing', async () => {
    await stores.sessions.put({ key: key('c'), messages: [{ role: 'user', content: 'bye', createdAt: now() }], state: {}, ttlSeconds: 1, window: 10 });
    const before = await versions.current('anywhere');
    expect(await stores.sessions.sweepExpired()).toBe(0);
    expect(await versions.current('anywhere')).toBe(before);
    clock.advance(2000);
    expect(await stores.sessions.sweepExpired()).toBe(1);
    expect(await versions.current('anywhere')).not.toBe(before);
  });

  it('bumps even when the write fails, and passes the failure on', async () => {
    const fact = memory('d');
    await stores.memories.upsert([{ memory: fact, contentKey: contentKey(fact.content) }]);
    const stale = () => stores.memories.update({ ref: { namespace: 'd', id: fact.id }, patch: { importance: 0.1 }, expectedVersion: 7 });
    expect(await bumps('d', () => stale().catch((error: unknown) => error))).toBe(true);
    await expect(stale()).rejects.toMatchObject({ code: 'E_CONFLICT' });
  });
});
