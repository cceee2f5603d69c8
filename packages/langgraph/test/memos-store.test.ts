// MemosStore against a real memOS: LangGraph's BaseStore semantics (get, put, delete, search with
// and without a query, listNamespaces), what memOS then holds, and InMemoryStore's answers for the
// same operations where the two should agree.
import { InMemoryStore, type BaseStore, type GetOperation, type PutOperation, type SearchOperation } from '@langchain/langgraph-checkpoint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemosClient } from '../../client/src/index.js';
import { haveModel, startListeningMemos, unique, type ListeningMemos } from '../../client/test/listening-memos.js';
import { MemosStore, slotKey, userIdAt, type MemosStoreOptions } from '../src/index.js';

let server: ListeningMemos;
beforeAll(async () => {
  if (haveModel) server = await startListeningMemos();
});
afterAll(async () => {
  await server?.close();
});

/** A store over a fresh memOS namespace, and a client of that namespace to look at what it holds. */
function fresh(options: Partial<MemosStoreOptions> = {}): { store: MemosStore; memos: MemosClient } {
  const memos = server.client({ namespace: unique('lg') });
  return { store: new MemosStore({ client: memos, userId: 'ana', ...options } as MemosStoreOptions), memos };
}

const byPath = (a: { namespace: string[]; key: string }, b: { namespace: string[]; key: string }) => `${a.namespace.join(':')}:${a.key}`.localeCompare(`${b.namespace.join(':')}:${b.key}`);
const paths = (items: Array<{ namespace: string[]; key: string }>) => [...items].sort(byPath).map((item) => [...item.namespace, item.key].join('/'));

describe.skipIf(!haveModel)('MemosStore', () => {
  it('gets back exactly the value put, from one memory in the item’s slot', async () => {
    const { store, memos } = fresh();
    const value = { text: 'Ana drinks green tea every morning', tags: ['tea', 'morning'], nested: { deep: { er: [1, 2.5, null, true] } }, emoji: 'ça va 🍵' };
    await store.put(['memories', 'ana'], 'tea/habit: 1', value);

    const item = await store.get(['memories', 'ana'], 'tea/habit: 1');
    expect(item).toMatchObject({ namespace: ['memories', 'ana'], key: 'tea/habit: 1' });
    expect(item!.value).toEqual(value);
    expect(item!.createdAt).toBeInstanceOf(Date);
    expect(await store.get(['memories', 'ana'], 'other')).toBeNull();
    expect(await store.get(['memories'], 'tea/habit: 1')).toBeNull();

    const [memory, ...others] = (await memos.memories.list({ userId: 'ana' })).items;
    expect(others).toEqual([]);
    expect(memory).toMatchObject({ userId: 'ana', kind: 'fact', key: 'lg:["memories","ana","tea/habit: 1"]' });
    expect(memory!.key).toBe(await slotKey(['memories', 'ana'], 'tea/habit: 1'));
    // The text memOS embeds is the whole value as JSON (LangGraph's default field "$").
    expect(memory!.content).toMatch(/^\{\n {2}"text": "Ana drinks green tea every morning",[\s\S]*\}$/);
    expect(memory!.metadata).toMatchObject({ lg_item: true, lg_ns: '["memories","ana"]', lg_ns_0: 'memories', lg_ns_1: 'ana', lg_depth: 2, lg_key: 'tea/habit: 1', 'lg_v.text': value.text, 'lg_v.emoji': value.emoji });
  });

  it('gives a key too long for a memOS slot a hashed slot, and indexes the fields a put names', async () => {
    const { store, memos } = fresh();
    const long = 'k'.repeat(300);
    await store.put(['docs'], long, { title: 'Quarterly report', body: 'numbers' }, ['title', 'missing']);
    expect((await store.get(['docs'], long))!.value).toEqual({ title: 'Quarterly report', body: 'numbers' });
    const [memory] = (await memos.memories.list({ userId: 'ana' })).items;
    expect(memory!.key).toMatch(/^lg#[A-Za-z0-9_-]{43}$/);
    expect(memory!.content).toBe('Quarterly report');
    expect((await store.search(['docs'], { query: 'quarterly report' })).map((item) => item.key)).toEqual([long]);
  });

  it('supersedes the item’s memory on a new value, keeping createdAt and the earlier value in memOS', async () => {
    const { store, memos } = fresh({ index: { fields: ['city'] } });
    await store.put(['profile'], 'home', { city: 'Ana lives in Lagos' });
    const first = (await store.get(['profile'], 'home'))!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.put(['profile'], 'home', { city: 'Ana moved to Nairobi' });
    const second = (await store.get(['profile'], 'home'))!;
    expect(second.value).toEqual({ city: 'Ana moved to Nairobi' });
    expect(second.createdAt.getTime()).toBe(first.createdAt.getTime());
    expect(second.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());

    const slot = await slotKey(['profile'], 'home');
    const timeline = (await memos.memories.list({ userId: 'ana', key: slot, includeSuperseded: 'true', order: 'asc' })).items;
    expect(timeline.map((memory) => memory.content.split('\n')[0])).toEqual(['Ana lives in Lagos', 'Ana moved to Nairobi']);
    expect(timeline[0]).toMatchObject({ supersededBy: timeline[1]!.id, supersessionReason: 'key' });
    expect(timeline[1]!.validTo).toBeUndefined();

    // A new value with the same indexed text is a new version of the same memory.
    await store.put(['profile'], 'home', { city: 'Ana moved to Nairobi', since: 2024 });
    expect((await store.get(['profile'], 'home'))!.value).toEqual({ city: 'Ana moved to Nairobi', since: 2024 });
    const [current] = (await memos.memories.list({ userId: 'ana', key: slot })).items;
    expect(current).toMatchObject({ id: timeline[1]!.id, version: 2 });
    // memOS merges metadata on such a version; a field the value then drops no longer matches a filter.
    await store.put(['profile'], 'home', { city: 'Ana moved to Nairobi' });
    expect(await store.search(['profile'], { filter: { since: 2024 } })).toEqual([]);
    expect(await store.search(['profile'], { query: 'Nairobi', filter: { since: 2024 } })).toEqual([]);
  });

  it('keeps two items whose indexed text is the same apart (memOS would merge equal statements)', async () => {
    const { store, memos } = fresh();
    await store.put(['todo'], 'a', { task: 'buy milk' });
    await store.put(['todo'], 'b', { task: 'buy milk' });
    await store.put(['done'], 'a', { task: 'buy milk' });
    expect(paths(await store.search(['todo']))).toEqual(['todo/a', 'todo/b']);
    expect((await store.get(['todo'], 'a'))!.value).toEqual({ task: 'buy milk' });
    expect((await memos.memories.list({ userId: 'ana' })).items).toHaveLength(3);
  });

  it('leaves memOS to flag two items that likely contradict each other', async () => {
    const { store, memos } = fresh({ index: { fields: ['text'] } });
    await store.put(['facts'], 'home-2023', { text: 'Amara lives in Lagos' });
    await store.put(['facts'], 'home-2025', { text: 'Amara moved to Nairobi' });
    const { items } = await memos.memories.conflicts({ userId: 'ana' });
    expect(items.map((pair) => [pair.memory.metadata.lg_key, pair.conflictsWith.metadata.lg_key])).toEqual([['home-2025', 'home-2023']]);
  });

  it('deletes by retracting: gone from get and search, readable in memOS, and a later put starts afresh', async () => {
    const { store, memos } = fresh();
    await store.put(['notes'], 'n1', { text: 'Ana is allergic to peanuts' });
    const before = (await store.get(['notes'], 'n1'))!;
    await store.delete(['notes'], 'n1');
    expect(await store.get(['notes'], 'n1')).toBeNull();
    expect(await store.search(['notes'])).toEqual([]);
    expect(await store.search(['notes'], { query: 'peanut allergy' })).toEqual([]);
    await store.delete(['notes'], 'never-there');

    const all = (await memos.memories.list({ userId: 'ana', includeSuperseded: 'true' })).items;
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ retractionReason: 'deleted through the LangGraph store' });
    expect(all[0]!.retractedAt).toBeDefined();

    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.put(['notes'], 'n1', { text: 'Ana is no longer allergic' });
    expect((await store.get(['notes'], 'n1'))!.createdAt.getTime()).toBeGreaterThan(before.createdAt.getTime());
  });

  it('erases every version of the slot when onDelete is "erase"', async () => {
    const { store, memos } = fresh({ onDelete: 'erase' });
    await store.put(['notes'], 'n1', { text: 'first' });
    await store.put(['notes'], 'n1', { text: 'second' });
    await store.put(['notes'], 'n2', { text: 'kept' });
    await store.delete(['notes'], 'n1');
    expect(await store.get(['notes'], 'n1')).toBeNull();
    const left = (await memos.memories.list({ userId: 'ana', includeSuperseded: 'true' })).items;
    expect(left.map((memory) => (memory.metadata as { lg_key: string }).lg_key)).toEqual(['n2']);
  });

  it('ranks a query search by memOS recall, within the prefix and the filter, with limit and offset', async () => {
    const { store } = fresh({ index: { fields: ['text'] } });
    await store.batch([
      { namespace: ['memories', 'ana'], key: 'tea', value: { text: 'Ana drinks green tea in the morning', type: 'habit', weight: 3 } },
      { namespace: ['memories', 'ana'], key: 'bike', value: { text: 'Ana cycles to work along the river', type: 'habit', weight: 5 } },
      { namespace: ['memories', 'ana'], key: 'sister', value: { text: 'Ana has a sister called Ifeoma', type: 'family', weight: 4 } },
      { namespace: ['memories', 'bo'], key: 'tea', value: { text: 'Bo prefers black tea', type: 'habit', weight: 1 } },
      { namespace: ['memories', 'ana'], key: 'hidden', value: { text: 'tea tea tea' }, index: false },
    ]);
    const tea = await store.search(['memories', 'ana'], { query: 'which tea does she drink' });
    expect(tea[0]).toMatchObject({ key: 'tea', value: { type: 'habit' } });
    expect(tea[0]!.score).toBeGreaterThan(0);
    expect(tea.map((item) => item.key)).not.toContain('hidden');
    expect(tea.every((item) => item.namespace[1] === 'ana')).toBe(true);

    expect((await store.search(['memories'], { query: 'tea' })).map((item) => item.namespace.join('/') + '/' + item.key)).toEqual(expect.arrayContaining(['memories/ana/tea', 'memories/bo/tea']));
    const habits = await store.search(['memories', 'ana'], { query: 'morning tea and cycling', filter: { type: 'habit' } });
    expect(habits.map((item) => item.key).sort()).toEqual(['bike', 'tea']);
    const heavy = await store.search(['memories'], { query: 'tea', filter: { weight: { $gte: 3 }, type: { $ne: 'family' } } });
    // Bo's tea (weight 1) and the sister (family) fail the filter; what passes is ranked, tea first.
    expect(heavy[0]).toMatchObject({ key: 'tea', namespace: ['memories', 'ana'] });
    expect(heavy.every((item) => item.value.weight >= 3 && item.value.type !== 'family')).toBe(true);
    const pageOne = await store.search(['memories', 'ana'], { query: 'Ana', limit: 2 });
    const pageTwo = await store.search(['memories', 'ana'], { query: 'Ana', limit: 2, offset: 2 });
    expect(pageOne).toHaveLength(2);
    expect([...pageOne, ...pageTwo].map((item) => item.key).sort()).toEqual(['bike', 'sister', 'tea']);
    await expect(store.search(['memories'], { query: 'tea', offset: 95, limit: 10 })).rejects.toThrow(/search\.offset \+ search\.limit must be at most 100/);
  });

  it('lists without a query as InMemoryStore does: prefix, filter with operators, limit and offset', async () => {
    const { store } = fresh();
    const reference = new InMemoryStore();
    const ops = [
      ['docs', 'a'], ['docs', 'b'], ['docs', 'c'], ['docs', 'old'], ['other', 'a'], ['docs', 'v1', 'a'],
    ].map(([...path], index) => ({ namespace: path.slice(0, -1), key: path.at(-1)!, value: { n: index, kind: index % 2 === 0 ? 'even' : 'odd', list: [index] } }));
    for (const target of [store, reference] as BaseStore[]) {
      await target.batch(ops);
      await target.delete(['docs'], 'old');
    }
    const cases: Array<[string[], { filter?: Record<string, unknown>; limit?: number; offset?: number }]> = [
      [['docs'], {}],
      [[], { limit: 100 }],
      [['docs'], { filter: { kind: 'even' } }],
      [['docs'], { filter: { n: { $gt: 0, $lte: 5 }, kind: { $in: ['odd', 'none'] } } }],
      [['docs'], { filter: { n: { $nin: [0, 1] } } }],
      [['docs'], { filter: { list: [0] } }],
      [['docs', 'v1'], {}],
    ];
    for (const [prefix, options] of cases) {
      expect(paths(await store.search(prefix, options)), JSON.stringify([prefix, options])).toEqual(paths(await reference.search(prefix, options)));
    }
    // Pages partition the listing (memOS lists newest first; InMemoryStore in insertion order).
    const first = await store.search(['docs'], { limit: 2 });
    const rest = await store.search(['docs'], { limit: 10, offset: 2 });
    expect(paths([...first, ...rest])).toEqual(paths(await reference.search(['docs'])));
    expect(first.every((item) => item.score === undefined)).toBe(true);
  });

  it('lists namespaces as InMemoryStore does', async () => {
    const { store } = fresh();
    const reference = new InMemoryStore();
    const namespaces = [['a', 'b', 'c'], ['a', 'b', 'd'], ['a', 'e'], ['x', 'b', 'v1'], ['y', 'v1']];
    for (const target of [store, reference] as BaseStore[]) await target.batch(namespaces.map((namespace) => ({ namespace, key: 'k', value: { on: namespace.join('/') } })));
    const cases = [{}, { prefix: ['a'] }, { prefix: ['a', '*', 'c'] }, { suffix: ['v1'] }, { prefix: ['a'], maxDepth: 2 }, { maxDepth: 1 }, { limit: 2, offset: 1 }, { prefix: ['*', 'b'] }];
    for (const options of cases) expect(await store.listNamespaces(options), JSON.stringify(options)).toEqual(await reference.listNamespaces(options));
  });

  it('puts each namespace’s items under the memOS user that userIdFrom names, and keeps agents apart', async () => {
    const memos = server.client({ namespace: unique('lg') });
    const store = new MemosStore({ client: memos, userIdFrom: userIdAt(1), agentId: 'planner' });
    const other = new MemosStore({ client: memos, userIdFrom: userIdAt(1) });
    await store.put(['memories', 'ana'], 'diet', { text: 'Ana is vegetarian' });
    await store.put(['memories', 'bo'], 'diet', { text: 'Bo eats everything' });
    await other.put(['memories', 'ana'], 'diet', { text: 'written by no agent' });

    expect((await memos.memories.list({ userId: 'ana', agentId: 'planner' })).items.map((memory) => [memory.agentId, memory.metadata.lg_key])).toEqual([['planner', 'diet']]);
    expect((await memos.memories.list({ userId: 'bo' })).items).toHaveLength(1);
    expect(paths(await store.search(['memories']))).toEqual(['memories/ana/diet', 'memories/bo/diet']);
    expect((await other.get(['memories', 'ana'], 'diet'))!.value).toEqual({ text: 'written by no agent' });
    expect((await store.get(['memories', 'ana'], 'diet'))!.value).toEqual({ text: 'Ana is vegetarian' });
    // A query reaches memOS's memories of every agent; each store keeps its own agent's.
    expect((await other.search(['memories'], { query: 'Ana diet vegetarian' })).map((item) => item.value)).toEqual([{ text: 'written by no agent' }]);
    await expect(store.put(['memories'], 'k', { text: 'no user' })).rejects.toThrow(/put\.namespace \["memories"\] names no memOS user/);
    await expect(store.put(['memories', 'not an id'], 'k', { text: 'x' })).rejects.toThrow(/not a memOS user id/);
  });

  it('runs a batch’s reads before its puts, and the last put of a slot wins', async () => {
    const { store } = fresh();
    await store.put(['s'], 'k', { v: 1 });
    const [got, , , listed] = await store.batch([
      { namespace: ['s'], key: 'k' },
      { namespace: ['s'], key: 'k', value: { v: 2 } },
      { namespace: ['s'], key: 'k', value: { v: 3 } },
      { namespacePrefix: ['s'], limit: 10, offset: 0 },
    ] as [GetOperation, PutOperation, PutOperation, SearchOperation]);
    expect(got!.value).toEqual({ v: 1 });
    expect(listed.map((item) => item.value)).toEqual([{ v: 1 }]);
    expect((await store.get(['s'], 'k'))!.value).toEqual({ v: 3 });
  });

  it('refuses bad input with an error naming the field, and surfaces memOS errors', async () => {
    const { store, memos } = fresh({ maxMetadataBytes: 600 });
    expect(() => new MemosStore({ client: memos } as MemosStoreOptions)).toThrow(/options\.userId .* or options\.userIdFrom/);
    expect(() => new MemosStore({ client: memos, userId: 'a b' })).toThrow(/options\.userId must be/);
    await expect(store.put(['a.b'], 'k', { v: 1 })).rejects.toThrow(/cannot contain periods/);
    await expect(store.batch([{ namespace: ['a'], key: 'k', value: [1] as unknown as Record<string, unknown> }])).rejects.toThrow(/operations\[0\]\.value must be an object/);
    await expect(store.put(['a'], 'k', { text: 'x'.repeat(700) })).rejects.toThrow(/put\.value is too large/);
    // A batch whose put is refused deletes nothing either.
    await store.put(['a'], 'kept', { text: 'small' });
    await expect(store.batch([{ namespace: ['a'], key: 'kept', value: null }, { namespace: ['a'], key: 'big', value: { text: 'x'.repeat(700) } }])).rejects.toThrow(/too large/);
    expect((await store.get(['a'], 'kept'))!.value).toEqual({ text: 'small' });
    await expect(store.search(['a'], { limit: -1 })).rejects.toThrow(/search\.limit/);
    const unauthorised = new MemosStore({ client: server.client({ apiKey: 'not-a-key', namespace: unique('lg') }), userId: 'ana' });
    await expect(unauthorised.get(['a'], 'k')).rejects.toMatchObject({ name: 'MemosError', code: 'E_UNAUTHORIZED' });
  });

  it('lists by prefix and filter in memOS, so that maxScan bounds the items read, not every memory of the scope', async () => {
    const { store } = fresh({ maxScan: 3 });
    await store.put(['wanted', 'x'], 'old', { text: 'written first', colour: 'red' });
    for (let i = 0; i < 5; i += 1) await store.put(['other'], `k${i}`, { text: `other item ${i}`, colour: 'red' });
    expect((await store.search(['wanted'])).map((item) => item.key)).toEqual(['old']);
    expect((await store.search([], { filter: { colour: 'red' }, limit: 10 })).length).toBe(3);
    expect((await store.search(['wanted'], { filter: { colour: 'red' } })).map((item) => item.key)).toEqual(['old']);
    expect(await store.listNamespaces({ prefix: ['wanted'] })).toEqual([['wanted', 'x']]);
  });
});
