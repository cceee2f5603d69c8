import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

let memos: TestMemos;
afterEach(async () => memos?.close());

describe('memories over HTTP', () => {
  it('merges an exact duplicate instead of writing a second record', async () => {
    memos = await startTestMemos();
    const first = await memos.json('POST', '/api/v1/memories', { userId: 'alice', memories: [{ content: 'Alice prefers tea over coffee.', kind: 'preference' }] });
    expect(first.status).toBe(201);
    expect(first.body.results).toEqual([{ id: expect.any(String), action: 'created', version: 1 }]);
    const id = first.body.results[0].id;

    const same = await memos.json('POST', '/api/v1/memories', { userId: 'alice', memories: [{ content: '  alice prefers TEA over coffee ', kind: 'preference' }] });
    expect(same.status).toBe(200);
    expect(same.body.results).toEqual([{ id, action: 'unchanged', version: 1 }]);

    const stronger = await memos.json('POST', '/api/v1/memories', {
      userId: 'alice',
      memories: [{ content: 'Alice prefers tea over coffee', kind: 'preference', importance: 0.9, metadata: { source: 'chat' } }],
    });
    expect(stronger.body.results).toEqual([{ id, action: 'merged', version: 2 }]);

    const list = await memos.json('GET', '/api/v1/memories?userId=alice');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ id, importance: 0.9, metadata: { source: 'chat' }, content: 'Alice prefers tea over coffee.' });

    const history = await memos.json('GET', `/api/v1/memories/${id}/history`);
    expect(history.body).toMatchObject({ memoryId: id, currentVersion: 2, versions: [{ version: 1, importance: 0.5, reason: 'merge' }] });
  });

  it('treats the same text in another scope, or twice in one batch, correctly', async () => {
    memos = await startTestMemos();
    const batch = await memos.json('POST', '/api/v1/memories', {
      memories: [
        { content: 'likes jazz', userId: 'alice' },
        { content: 'likes jazz', userId: 'bob' },
        { content: 'Likes jazz.', userId: 'alice' },
      ],
    });
    const [alice, bob, again] = batch.body.results;
    expect(alice.action).toBe('created');
    expect(bob.action).toBe('created');
    expect(bob.id).not.toBe(alice.id);
    expect(again).toEqual({ id: alice.id, action: 'unchanged', version: 1 });
  });

  it('keeps the previous version in history on PATCH, and honours expectedVersion', async () => {
    memos = await startTestMemos();
    const created = await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'The office is in Leeds', kind: 'fact' }] });
    const id = created.body.results[0].id;

    const patched = await memos.json('PATCH', `/api/v1/memories/${id}`, { content: 'The office moved to York', expectedVersion: 1 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, content: 'The office moved to York', version: 2 });

    const history = await memos.json('GET', `/api/v1/memories/${id}/history`);
    expect(history.body.versions).toEqual([
      expect.objectContaining({ memoryId: id, version: 1, content: 'The office is in Leeds', reason: 'update' }),
    ]);

    const stale = await memos.json('PATCH', `/api/v1/memories/${id}`, { importance: 1, expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.body.code).toBe('E_CONFLICT');
    expect((await memos.json('GET', `/api/v1/memories/${id}`)).body.version).toBe(2);
  });

  it('deletes a memory with its history', async () => {
    memos = await startTestMemos();
    const created = await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'temporary note' }] });
    const id = created.body.results[0].id;
    expect((await memos.json('DELETE', `/api/v1/memories/${id}`)).status).toBe(204);
    expect((await memos.json('GET', `/api/v1/memories/${id}`)).status).toBe(404);
    expect((await memos.json('GET', `/api/v1/memories/${id}/history`)).status).toBe(404);
    expect((await memos.json('DELETE', `/api/v1/memories/${id}`)).status).toBe(404);
  });

  it('never returns an expired memory', async () => {
    const clock = manualClock();
    memos = await startTestMemos({}, clock);
    const expiresAt = new Date(clock.now() + 60_000).toISOString();
    const created = await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'the door code is 4711', expiresAt }] });
    const id = created.body.results[0].id;
    expect((await memos.json('GET', `/api/v1/memories/${id}`)).status).toBe(200);
    clock.advance(61_000);
    expect((await memos.json('GET', `/api/v1/memories/${id}`)).status).toBe(404);
    expect((await memos.json('GET', '/api/v1/memories')).body.items).toEqual([]);
    expect((await memos.json('POST', '/api/v1/search', { query: 'door code' })).body.hits).toEqual([]);
    // The same text written again is a new memory, not a merge into the expired one.
    const again = await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'the door code is 4711' }] });
    expect(again.body.results[0].action).toBe('created');
  });

  it('lists by kind and pages with a cursor', async () => {
    memos = await startTestMemos();
    const memories = Array.from({ length: 5 }, (_, i) => ({ content: `fact number ${i}`, kind: i < 3 ? 'fact' : 'procedure' }));
    await memos.json('POST', '/api/v1/memories', { memories });
    const facts = await memos.json('GET', '/api/v1/memories?kind=fact&order=asc&limit=2');
    expect(facts.body.items.map((m: { content: string }) => m.content)).toEqual(['fact number 0', 'fact number 1']);
    const rest = await memos.json('GET', `/api/v1/memories?kind=fact&order=asc&limit=2&cursor=${facts.body.nextCursor}`);
    expect(rest.body.items.map((m: { content: string }) => m.content)).toEqual(['fact number 2']);
    expect(rest.body.nextCursor).toBeUndefined();
  });

  it('lists by metadata, a JSON object of conditions, with the other filters', async () => {
    memos = await startTestMemos();
    const memories = [
      { content: 'Ana drinks green tea', metadata: { source: 'chat', level: 1 } },
      { content: 'Ana lives in Porto', metadata: { source: 'crm', level: 1 }, key: 'home_city' },
      { content: 'Ana is vegetarian', metadata: { source: 'chat', level: 2 }, kind: 'preference' },
    ];
    await memos.json('POST', '/api/v1/memories', { memories });
    const listed = async (query: string) => (await memos.json('GET', `/api/v1/memories?order=asc&${query}`)).body.items.map((m: { content: string }) => m.content);
    expect(await listed(`metadata=${encodeURIComponent('{"source":"chat"}')}`)).toEqual(['Ana drinks green tea', 'Ana is vegetarian']);
    expect(await listed(`metadata=${encodeURIComponent('{"source":"chat","level":1}')}`)).toEqual(['Ana drinks green tea']);
    expect(await listed(`kind=preference&metadata=${encodeURIComponent('{"source":"chat"}')}`)).toEqual(['Ana is vegetarian']);
    expect(await listed(`key=home_city&metadata=${encodeURIComponent('{"level":1}')}`)).toEqual(['Ana lives in Porto']);
  });
});
