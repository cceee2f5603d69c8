import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { startTestMemos, testBackends, type TestMemos } from '../../../test/support/test-memos.js';

let memos: TestMemos;
afterEach(async () => memos?.close());

const say = (content: string, role = 'user') => ({ role, content });

describe('sessions over HTTP', () => {
  it('creates, reads, replaces and deletes a session', async () => {
    memos = await startTestMemos();
    const created = await memos.json('PUT', '/api/v1/sessions/chat-1', {
      userId: 'alice',
      messages: [say('hello'), say('hi Alice', 'assistant')],
      state: { step: 1 },
      ttlSeconds: 600,
    });
    expect(created.status).toBe(201);
    expect(created.body.created).toBe(true);
    expect(created.body).toMatchObject({ sessionId: 'chat-1', namespace: 'default', userId: 'alice', state: { step: 1 }, ttlSeconds: 600 });

    const read = await memos.json('GET', '/api/v1/sessions/chat-1');
    expect(read.status).toBe(200);
    expect(read.body.messages.map((m: { content: string }) => m.content)).toEqual(['hello', 'hi Alice']);
    expect(Date.parse(read.body.expiresAt)).toBeGreaterThan(Date.now());

    const replaced = await memos.json('PUT', '/api/v1/sessions/chat-1', { messages: [say('fresh start')] });
    expect(replaced.status).toBe(200);
    expect(replaced.body.created).toBe(false);
    expect(replaced.body.messages).toHaveLength(1);

    expect((await memos.json('DELETE', '/api/v1/sessions/chat-1')).status).toBe(204);
    expect((await memos.json('GET', '/api/v1/sessions/chat-1')).status).toBe(404);
    expect((await memos.json('DELETE', '/api/v1/sessions/chat-1')).status).toBe(404);
  });

  it('appends messages, creating the session when it is missing', async () => {
    memos = await startTestMemos();
    const first = await memos.json('POST', '/api/v1/sessions/s-2/messages', { messages: [say('one')] });
    expect(first.status).toBe(201);
    const second = await memos.json('POST', '/api/v1/sessions/s-2/messages', { messages: [say('two'), say('three')] });
    expect(second.status).toBe(200);
    expect(second.body.messages.map((m: { content: string }) => m.content)).toEqual(['one', 'two', 'three']);
  });

  it('promotes messages that overflow the window into the episode timeline', async () => {
    memos = await startTestMemos({ MEMOS_SESSION_WINDOW: '3' });
    await memos.json('PUT', '/api/v1/sessions/s-3', { userId: 'bob', messages: [say('m1'), say('m2')] });
    const appended = await memos.json('POST', '/api/v1/sessions/s-3/messages', { messages: [say('m3'), say('m4', 'assistant'), say('m5')] });
    expect(appended.status).toBe(200);
    expect(appended.body.messages.map((m: { content: string }) => m.content)).toEqual(['m3', 'm4', 'm5']);
    expect(appended.body.promotedEpisodeIds).toHaveLength(2);

    const timeline = await memos.json('GET', '/api/v1/episodes?sessionId=s-3');
    expect(timeline.body.items.map((e: { content: string }) => e.content)).toEqual(['m1', 'm2']);
    expect(timeline.body.items[0]).toMatchObject({ kind: 'message', role: 'user', userId: 'bob', sessionId: 's-3' });
    expect(timeline.body.items.map((e: { id: string }) => e.id)).toEqual(appended.body.promotedEpisodeIds);
  });

  it('expires idle sessions and promotes what they held when swept', async () => {
    const clock = manualClock();
    memos = await startTestMemos({}, clock);
    await memos.json('PUT', '/api/v1/sessions/s-4', { messages: [say('remember the milk')], ttlSeconds: 60 });
    clock.advance(59_000);
    expect((await memos.json('GET', '/api/v1/sessions/s-4')).status).toBe(200); // a read refreshes the idle TTL
    clock.advance(59_000);
    expect((await memos.json('GET', '/api/v1/sessions/s-4')).status).toBe(200);
    clock.advance(61_000);
    const gone = await memos.json('GET', '/api/v1/sessions/s-4');
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('E_NOT_FOUND');

    expect(await memos.services.sessions.sweepExpired()).toBe(1);
    const timeline = await memos.json('GET', '/api/v1/episodes?sessionId=s-4');
    expect(timeline.body.items.map((e: { content: string }) => e.content)).toEqual(['remember the milk']);
  });

  it('answers reads and writes with one session shape, writes adding created and promotedEpisodeIds', async () => {
    memos = await startTestMemos();
    const put = await memos.json('PUT', '/api/v1/sessions/shape', { userId: 'alice', messages: [say('hello')], state: { step: 1 }, summary: 'greeting' });
    const appended = await memos.json('POST', '/api/v1/sessions/shape/messages', { messages: [say('more')] });
    const read = await memos.json('GET', '/api/v1/sessions/shape');
    const sessionFields = Object.keys(read.body).sort();
    expect(sessionFields).toEqual(['createdAt', 'expiresAt', 'messages', 'namespace', 'sessionId', 'state', 'summary', 'ttlSeconds', 'updatedAt', 'userId']);
    for (const write of [put, appended]) {
      expect(Object.keys(write.body).sort()).toEqual([...sessionFields, 'created', 'promotedEpisodeIds'].sort());
      const { created: _created, promotedEpisodeIds: _promoted, ...session } = write.body;
      expect(session).toMatchObject({ sessionId: 'shape', namespace: 'default', userId: 'alice', state: { step: 1 }, summary: 'greeting' });
    }
    const { created: _c, promotedEpisodeIds: _p, expiresAt: _e, ...written } = appended.body;
    const { expiresAt: _r, ...reread } = read.body;
    expect(written).toEqual(reread);
  });

  it('promotes the messages a PUT over a live session replaces, so that a user search still finds them', async () => {
    memos = await startTestMemos();
    await memos.json('PUT', '/api/v1/sessions/s-5', { userId: 'carol', messages: [say('my passport expires in June'), say('noted', 'assistant')] });
    const replaced = await memos.json('PUT', '/api/v1/sessions/s-5', { userId: 'carol', messages: [say('noted', 'assistant'), say('new topic: hotels')] });
    expect(replaced.status).toBe(200);
    expect(replaced.body.promotedEpisodeIds).toHaveLength(1);
    const timeline = await memos.json('GET', '/api/v1/episodes?sessionId=s-5');
    expect(timeline.body.items).toEqual([expect.objectContaining({ id: replaced.body.promotedEpisodeIds[0], content: 'my passport expires in June', userId: 'carol', kind: 'message' })]);
    const found = await memos.json('POST', '/api/v1/search', { query: 'passport', userId: 'carol', mode: 'keyword' });
    expect(found.body.hits.map((hit: { id: string }) => hit.id)).toEqual(replaced.body.promotedEpisodeIds);
  });

  it('creates a session from an append with the userId, agentId and ttlSeconds it names, so that its promoted messages are found by user', async () => {
    memos = await startTestMemos({ MEMOS_SESSION_WINDOW: '2' });
    const created = await memos.json('POST', '/api/v1/sessions/s-6/messages', {
      userId: 'dave',
      agentId: 'travel-bot',
      ttlSeconds: 120,
      messages: [say('I am vegetarian'), say('noted', 'assistant'), say('book me a table')],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userId: 'dave', agentId: 'travel-bot', ttlSeconds: 120 });
    expect((await memos.json('GET', '/api/v1/sessions/s-6')).body).toMatchObject({ userId: 'dave', agentId: 'travel-bot', ttlSeconds: 120 });
    const found = await memos.json('POST', '/api/v1/search', { query: 'vegetarian', userId: 'dave', mode: 'keyword' });
    expect(found.body.hits).toEqual([expect.objectContaining({ type: 'episode', id: created.body.promotedEpisodeIds[0] })]);
    expect(found.body.hits[0].item).toMatchObject({ userId: 'dave', agentId: 'travel-bot' });
  });

  it('lets an append name the owner of a session that has none, and answers 409 writing nothing when it names another', async () => {
    memos = await startTestMemos();
    await memos.json('PUT', '/api/v1/sessions/s-7', { messages: [say('hello')] });
    const claimed = await memos.json('POST', '/api/v1/sessions/s-7/messages', { userId: 'erin', ttlSeconds: 90, messages: [say('it is Erin')] });
    expect(claimed.status).toBe(200);
    expect(claimed.body).toMatchObject({ userId: 'erin', ttlSeconds: 90 });
    const foreign = await memos.json('POST', '/api/v1/sessions/s-7/messages', { userId: 'mallory', messages: [say('not mine')] });
    expect(foreign.status).toBe(409);
    expect(foreign.body).toMatchObject({ code: 'E_CONFLICT', field: 'userId' });
    expect((await memos.json('GET', '/api/v1/sessions/s-7')).body.messages.map((m: { content: string }) => m.content)).toEqual(['hello', 'it is Erin']);
  });

  // Only sessions in Redis keep an outbox: in SQLite, promotion and session write are one transaction.
  it.skipIf(testBackends.sessions !== 'redis')('makes cached answers stale when promotions are delivered later from the outbox', async () => {
    memos = await startTestMemos({ MEMOS_SESSION_WINDOW: '1' });
    const search = async () => memos.json('POST', '/api/v1/search', { query: 'zebras', types: ['episodes'], mode: 'keyword' });
    await memos.json('PUT', '/api/v1/sessions/zoo', { messages: [say('Tell me about zebras')] });
    await memos.storage.close(); // the episode store is down: the append's promotion waits in the outbox
    expect((await memos.json('POST', '/api/v1/sessions/zoo/messages', { messages: [say('And lions?')] })).status).toBe(200);
    await memos.storage.init();
    expect((await search()).body).toMatchObject({ hits: [], cached: false });
    expect((await search()).body).toMatchObject({ hits: [], cached: true });
    expect((await memos.json('GET', '/api/v1/sessions/zoo')).status).toBe(200); // the read delivers the outbox
    const after = await search();
    expect(after.body.cached).toBe(false);
    expect(after.body.hits.map((hit: { item: { content: string } }) => hit.item.content)).toEqual(['Tell me about zebras']);
  });

  it('keeps namespaces apart', async () => {
    memos = await startTestMemos();
    await memos.json('PUT', '/api/v1/sessions/shared-id', { namespace: 'tenant-a', messages: [say('secret of a')] });
    expect((await memos.json('GET', '/api/v1/sessions/shared-id?namespace=tenant-b')).status).toBe(404);
    expect((await memos.json('GET', '/api/v1/sessions/shared-id')).status).toBe(404);
    expect((await memos.json('GET', '/api/v1/sessions/shared-id?namespace=tenant-a')).status).toBe(200);
  });
});
