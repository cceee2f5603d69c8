// Mastra's own Memory class on MemosStore, against a real listening memOS: threads, messages and
// their paging, updates and deletion, read back through the client to see what memOS holds.
import { MemosClient } from '@memos/client';
import type { MastraDBMessage } from '@mastra/core/memory';
import { Memory } from '@mastra/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, haveModel, startListeningMemos, unique, type ListeningMemos } from '../../client/test/listening-memos.js';
import { MemosStore } from '../src/index.js';

let server: ListeningMemos;
let client: MemosClient;

beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos();
  client = new MemosClient({ baseUrl: server.baseUrl, apiKey: ADMIN_KEY, namespace: unique('mastra') });
});
afterAll(async () => {
  await server?.close();
});

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 9, minute));
function message(id: string, threadId: string, resourceId: string, role: 'user' | 'assistant', text: string, minute: number): MastraDBMessage {
  return { id, threadId, resourceId, role, createdAt: at(minute), content: { format: 2, parts: [{ type: 'text', text }], content: text } };
}

describe.skipIf(!haveModel)('MemosStore under Mastra Memory: threads and messages', () => {
  it('creates a thread, saves messages, recalls the last N, and keeps them in memOS as episodes of the thread session', async () => {
    const storage = new MemosStore({ client, agentId: 'support-bot' });
    const memory = new Memory({ storage, options: { lastMessages: 3 } });
    const resourceId = unique('ana');
    const thread = await memory.createThread({ threadId: unique('t'), resourceId, title: 'Trip planning', metadata: { channel: 'web' } });
    expect(await memory.getThreadById({ threadId: thread.id })).toMatchObject({ id: thread.id, resourceId, title: 'Trip planning', metadata: { channel: 'web' } });

    const texts = ['I want to visit Lisbon', 'Lisbon is lovely in May', 'Book me a hotel near the river', 'Done: Hotel Tejo', 'Thanks!'];
    await memory.saveMessages({ messages: texts.map((text, i) => message(`m${i}-${thread.id}`, thread.id, resourceId, i % 2 ? 'assistant' : 'user', text, i)) });

    const { messages } = await memory.recall({ threadId: thread.id, resourceId });
    expect(messages.map((m) => m.content.content)).toEqual(texts.slice(2));
    expect(messages[0]).toMatchObject({ id: `m2-${thread.id}`, role: 'user', threadId: thread.id, resourceId });

    const episodes = await client.episodes.list({ sessionId: thread.id, kind: ['message'], limit: 50 });
    expect(episodes.items.map((e) => [e.content, e.role, e.userId, e.agentId])).toEqual(texts.map((text, i) => [text, i % 2 ? 'assistant' : 'user', resourceId, 'support-bot']));
    expect(episodes.items[0]!.occurredAt).toBe(at(0).toISOString());

    // Paging, newest first, as Mastra's stores answer it.
    const store = (await storage.getStore('memory'))!;
    const page = await store.listMessages({ threadId: thread.id, perPage: 2, page: 1, orderBy: { field: 'createdAt', direction: 'DESC' } });
    expect(page).toMatchObject({ total: 5, page: 1, perPage: 2, hasMore: true });
    expect(page.messages.map((m) => m.content.content)).toEqual([texts[2], texts[1]]);
    const ranged = await store.listMessages({ threadId: thread.id, filter: { dateRange: { start: at(1), end: at(3), endExclusive: true } } });
    expect(ranged.messages.map((m) => m.content.content)).toEqual([texts[1], texts[2]]);
    // include: a message with its neighbours, even when the page holds nothing.
    const around = await store.listMessages({ threadId: thread.id, perPage: 0, include: [{ id: `m1-${thread.id}`, withPreviousMessages: 1, withNextMessages: 1 }] });
    expect(around.messages.map((m) => m.id)).toEqual([`m0-${thread.id}`, `m1-${thread.id}`, `m2-${thread.id}`]);
    expect((await store.listMessagesById({ messageIds: [`m4-${thread.id}`] })).messages[0]!.content.parts).toEqual([{ type: 'text', text: 'Thanks!' }]);
  });

  it('lists threads by resource, updates a thread and a message, saves a message again under its id, and deletes', async () => {
    const storage = new MemosStore({ client });
    const memory = new Memory({ storage });
    const resourceId = unique('bo');
    const first = await memory.createThread({ threadId: unique('a'), resourceId, title: 'First' });
    const second = await memory.createThread({ threadId: unique('b'), resourceId, title: 'Second', metadata: { project: 'x' } });
    await memory.createThread({ threadId: unique('c'), resourceId: unique('someone-else') });

    const listed = await memory.listThreads({ filter: { resourceId }, orderBy: { field: 'createdAt', direction: 'ASC' } });
    expect(listed.threads.map((t) => t.title)).toEqual(['First', 'Second']);
    expect((await memory.listThreads({ filter: { resourceId, metadata: { project: 'x' } } })).threads.map((t) => t.id)).toEqual([second.id]);

    await memory.updateThread({ id: first.id, title: 'First, renamed', metadata: { pinned: true } });
    expect(await memory.getThreadById({ threadId: first.id })).toMatchObject({ title: 'First, renamed', metadata: { pinned: true } });
    // One record per thread stays in memOS: the update replaced the old version.
    expect((await client.episodes.list({ sessionId: first.id, kind: ['mastra.thread'] })).items).toHaveLength(1);

    const id = `m-${first.id}`;
    await memory.saveMessages({ messages: [message(id, first.id, resourceId, 'assistant', 'Thinking', 1)] });
    await memory.saveMessages({ messages: [message(id, first.id, resourceId, 'assistant', 'The answer is 42', 1)] });
    const store = (await storage.getStore('memory'))!;
    const answer = 'The answer is 42';
    await store.updateMessages({ messages: [{ id, content: { format: 2, parts: [{ type: 'text', text: answer }], content: answer, metadata: { rating: 5 } } }] });
    const [saved] = (await store.listMessages({ threadId: first.id })).messages;
    expect(saved).toMatchObject({ id, content: { content: 'The answer is 42', metadata: { rating: 5 } } });
    const held = await client.episodes.list({ sessionId: first.id, kind: ['message'] });
    expect(held.items.map((e) => e.content)).toEqual(['The answer is 42']);

    // A store of another process (a restart) has seen none of it: it finds the message by its id in memOS.
    const restarted = (await new MemosStore({ client }).getStore('memory'))!;
    expect((await restarted.listMessagesById({ messageIds: [id, 'no-such-message'] })).messages.map((m) => m.id)).toEqual([id]);
    await restarted.updateMessages({ messages: [{ id, content: { format: 2, parts: [{ type: 'text', text: 'The answer is 43' }], content: 'The answer is 43' } }] });
    expect((await client.episodes.list({ sessionId: first.id, kind: ['message'] })).items.map((e) => e.content)).toEqual(['The answer is 43']);

    await memory.deleteMessages([id]);
    expect((await store.listMessages({ threadId: first.id })).messages).toEqual([]);
    await memory.deleteThread(second.id);
    expect(await memory.getThreadById({ threadId: second.id })).toBeNull();
    expect((await client.episodes.list({ sessionId: second.id })).items).toEqual([]);
    expect((await memory.listThreads({ filter: { resourceId } })).threads.map((t) => t.id)).toEqual([first.id]);
  });

  it('clones a thread with its messages, and moves a thread and its messages to another resource', async () => {
    const storage = new MemosStore({ client });
    const store = (await storage.getStore('memory'))!;
    const memory = new Memory({ storage });
    const owner = unique('cy');
    const source = await memory.createThread({ threadId: unique('src'), resourceId: owner, title: 'Recipes' });
    await memory.saveMessages({ messages: ['Bread needs time', 'Yes, and steam'].map((text, i) => message(`${source.id}-${i}`, source.id, owner, i ? 'assistant' : 'user', text, i)) });

    const { thread: copy, clonedMessages } = await store.cloneThread({ sourceThreadId: source.id, newThreadId: unique('copy') });
    expect(copy).toMatchObject({ resourceId: owner, title: 'Clone of Recipes', metadata: { clone: { sourceThreadId: source.id, lastMessageId: `${source.id}-1` } } });
    expect(clonedMessages.map((m) => [m.threadId, m.content.content])).toEqual([[copy.id, 'Bread needs time'], [copy.id, 'Yes, and steam']]);

    const heir = unique('dee');
    await store.updateThreadResourceId({ threadId: source.id, resourceId: heir });
    expect(await memory.getThreadById({ threadId: source.id })).toMatchObject({ resourceId: heir, title: 'Recipes' });
    const moved = await client.episodes.list({ sessionId: source.id, kind: ['message'] });
    expect(moved.items.map((e) => [e.userId, e.content])).toEqual([[heir, 'Bread needs time'], [heir, 'Yes, and steam']]);
  });

  it('keeps two agents apart in one namespace', async () => {
    const alpha = new Memory({ storage: new MemosStore({ client, agentId: 'alpha' }) });
    const beta = new Memory({ storage: new MemosStore({ client, agentId: 'beta' }) });
    const resourceId = unique('shared-user');
    const thread = await alpha.createThread({ threadId: unique('t'), resourceId, title: 'Alpha only' });
    await alpha.saveMessages({ messages: [message(`${thread.id}-0`, thread.id, resourceId, 'user', 'For alpha', 0)] });
    expect(await beta.getThreadById({ threadId: thread.id })).toBeNull();
    expect((await beta.listThreads({ filter: { resourceId } })).threads).toEqual([]);
    const betaStore = (await new MemosStore({ client, agentId: 'beta' }).getStore('memory'))!;
    expect((await betaStore.listMessages({ threadId: thread.id })).messages).toEqual([]);
    expect((await betaStore.listMessagesById({ messageIds: [`${thread.id}-0`] })).messages).toEqual([]);
    expect((await alpha.recall({ threadId: thread.id, resourceId })).messages.map((m) => m.content.content)).toEqual(['For alpha']);
  });

  it('refuses ids memOS cannot hold and the methods it does not support, with clear errors', async () => {
    const storage = new MemosStore({ client });
    const memory = new Memory({ storage });
    await expect(memory.createThread({ threadId: 'has a space', resourceId: 'r1' })).rejects.toThrow(/thread\.id must be 1 to 128 characters/);
    const store = (await storage.getStore('memory'))!;
    await expect(store.getObservationalMemory('t', 'r')).rejects.toThrow(/getObservationalMemory is not supported by memOS/);
  });
});
