// The record routes through the client against a real, listening memOS: sessions, episodes,
// memories (with history), search, context, and paging with a small limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMemosError, type Memory, type MemosClient } from '../src/index.js';
import { haveModel, startListeningMemos, unique, type ListeningMemos } from './listening-memos.js';

let server: ListeningMemos;
let client: MemosClient;

beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos();
  client = server.client({ namespace: unique('records') });
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(!haveModel)('the client, on the record routes', () => {
  it('puts, reads, appends to, lists and deletes a session in the default namespace', async () => {
    const sessionId = unique('s');
    const put = await client.sessions.put(sessionId, { userId: 'ana', messages: [{ role: 'user', content: 'Hello, I am Ana' }], state: { step: 1 } });
    expect(put).toMatchObject({ sessionId, created: true, userId: 'ana', state: { step: 1 } });
    const appended = await client.sessions.appendMessages(sessionId, { messages: [{ role: 'assistant', content: 'Hello Ana' }] });
    expect(appended.messages.map((message) => message.content)).toEqual(['Hello, I am Ana', 'Hello Ana']);
    const read = await client.sessions.get(sessionId);
    expect(read.messages).toHaveLength(2);
    // The client's default namespace is where the session went.
    const elsewhere = await client.sessions.get(sessionId, { namespace: unique('other') }).catch((error: unknown) => error);
    expect(isMemosError(elsewhere) && elsewhere.code).toBe('E_NOT_FOUND');

    const listed = await client.sessions.list({ userId: 'ana' });
    expect(listed.items.map((session) => session.sessionId)).toContain(sessionId);
    await client.sessions.delete(sessionId);
    await expect(client.sessions.get(sessionId)).rejects.toMatchObject({ code: 'E_NOT_FOUND', status: 404 });
  });

  it('writes, lists, reads and deletes episodes', async () => {
    const written = await client.episodes.write({
      userId: 'ana',
      episodes: [
        { kind: 'intervention', content: 'Restarted the nightly export', task: 'fix the export', outcome: 'task_completed' },
        { kind: 'observation', content: 'The export ran in 4 minutes', metadata: { job: 'export', minutes: 4 } },
      ],
    });
    expect(written.ids).toHaveLength(2);
    // Metadata conditions go as an object; the number 4 is not the text "4".
    expect((await client.episodes.list({ userId: 'ana', metadata: { job: 'export', minutes: 4 } })).items.map((item) => item.id)).toEqual([written.ids[1]]);
    expect((await client.episodes.list({ userId: 'ana', metadata: { minutes: '4' } })).items).toEqual([]);
    const episode = await client.episodes.get(written.ids[0]!);
    expect(episode).toMatchObject({ id: written.ids[0], kind: 'intervention', task: 'fix the export', userId: 'ana' });
    const page = await client.episodes.list({ userId: 'ana', kind: ['observation'] });
    expect(page.items.map((item) => item.id)).toEqual([written.ids[1]]);
    await client.episodes.delete(written.ids[0]!);
    await expect(client.episodes.get(written.ids[0]!)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('writes, updates, reads the history of, and deletes a memory; remember stores text', async () => {
    const written = await client.memories.write({ userId: 'ana', memories: [{ content: 'Ana prefers green tea', kind: 'preference', importance: 0.8 }] });
    const id = written.ids[0]!;
    expect(written.results[0]).toMatchObject({ id, action: 'created', version: 1 });
    const updated = await client.memories.update(id, { content: 'Ana prefers jasmine tea', expectedVersion: 1 });
    expect(updated).toMatchObject({ id, content: 'Ana prefers jasmine tea', version: 2 });
    // A stale expectedVersion is a 409 that names the version.
    await expect(client.memories.update(id, { importance: 0.1, expectedVersion: 1 })).rejects.toMatchObject({ code: 'E_CONFLICT', status: 409 });
    const history = await client.memories.history(id);
    // The history keeps the versions before the current one.
    expect(history).toMatchObject({ memoryId: id, currentVersion: 2 });
    expect(history.versions.map((version) => [version.version, version.content])).toEqual([[1, 'Ana prefers green tea']]);
    expect((await client.memories.get(id)).kind).toBe('preference');
    // Confirming moves only lastConfirmedAt: no new version; a missing id is E_NOT_FOUND.
    const confirmed = await client.memories.confirm(id);
    expect(confirmed).toMatchObject({ id, version: 2, content: 'Ana prefers jasmine tea' });
    expect(Date.parse(confirmed.lastConfirmedAt)).toBeGreaterThanOrEqual(Date.parse(updated.lastConfirmedAt));
    await expect(client.memories.confirm('mem_01JQ8Z6V4K2N7R5T9W3X1Y0B8C')).rejects.toMatchObject({ code: 'E_NOT_FOUND', status: 404 });

    const remembered = await client.remember('Ana lives in Lisbon', { userId: 'ana' });
    expect((await client.memories.get(remembered.ids[0]!)).content).toBe('Ana lives in Lisbon');
    await client.memories.delete(id);
    await expect(client.memories.get(id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('searches and builds context from what it stored', async () => {
    await client.remember([{ content: 'Bruno is allergic to peanuts', kind: 'fact', importance: 0.9 }], { userId: 'bruno' });
    const found = await client.search({ query: 'peanuts allergy', userId: 'bruno' });
    const hit = found.hits[0];
    expect(hit?.type).toBe('memory');
    expect(hit?.item.content).toBe('Bruno is allergic to peanuts');

    const sessionId = unique('ctx');
    await client.sessions.appendMessages(sessionId, { userId: 'bruno', messages: [{ role: 'user', content: 'What should I avoid eating? peanuts?' }] });
    const bundle = await client.context({ sessionId, userId: 'bruno', tokenBudget: 500 });
    expect(bundle.querySource).toBe('last-user-message');
    expect(bundle.memories.map((memory) => memory.item.content)).toContain('Bruno is allergic to peanuts');
    expect(bundle.tokens).toBeLessThanOrEqual(500);
    expect(bundle.session?.sessionId).toBe(sessionId);
  });

  it('pages with a small limit: list answers one page, iterate follows nextCursor to the end', async () => {
    const paged = server.client({ namespace: unique('paging') });
    const drafts = Array.from({ length: 7 }, (_, index) => ({ content: `Paged memory number ${index} about topic ${index * 31}` }));
    const written = await paged.memories.write({ userId: 'pager', memories: drafts });
    const first = await paged.memories.list({ limit: 3, order: 'asc' });
    expect(first.items).toHaveLength(3);
    expect(first.nextCursor).toEqual(expect.any(String));
    const seen: Memory[] = [];
    for await (const memory of paged.memories.iterate({ limit: 3, order: 'asc' })) seen.push(memory);
    expect(seen.map((memory) => memory.id)).toEqual(written.ids);

    const episodes = await paged.episodes.write({ episodes: Array.from({ length: 5 }, (_, index) => ({ kind: 'observation', content: `observed ${index}` })) });
    const episodeIds: string[] = [];
    for await (const episode of paged.episodes.iterate({ limit: 2, order: 'asc' })) episodeIds.push(episode.id);
    expect(episodeIds).toEqual(episodes.ids);

    const sessionIds = ['p-a', 'p-b', 'p-c', 'p-d'];
    for (const id of sessionIds) await paged.sessions.put(id, { messages: [{ role: 'user', content: id }] });
    const listed: string[] = [];
    for await (const session of paged.sessions.iterate({ limit: 3 })) listed.push(session.sessionId);
    expect(listed).toEqual(sessionIds);
  });
});
