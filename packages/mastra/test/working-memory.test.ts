// Mastra working memory on memOS: resource-scoped working memory is a memOS memory in the
// `mastra.working-memory` slot of the resource's user, each update superseding the last
// (non-destructively); thread-scoped working memory stays in the thread's metadata, as in Mastra.
import { MemosClient } from '@memos/client';
import { Memory } from '@mastra/memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, haveModel, startListeningMemos, unique, type ListeningMemos } from '../../client/test/listening-memos.js';
import { MemosStore, WORKING_MEMORY_KEY } from '../src/index.js';

let server: ListeningMemos;
let client: MemosClient;

beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos();
  client = new MemosClient({ baseUrl: server.baseUrl, apiKey: ADMIN_KEY, namespace: unique('mastra-wm') });
});
afterAll(async () => {
  await server?.close();
});

describe.skipIf(!haveModel)('working memory on memOS', () => {
  it('keeps resource working memory in a memory slot of the user, superseding each version', async () => {
    const storage = new MemosStore({ client, agentId: 'planner' });
    const memory = new Memory({ storage, options: { workingMemory: { enabled: true, scope: 'resource' } } });
    const resourceId = unique('ana');
    const thread = await memory.createThread({ threadId: unique('t'), resourceId });
    expect(await memory.getWorkingMemory({ threadId: thread.id, resourceId })).toBeNull();

    await memory.updateWorkingMemory({ threadId: thread.id, resourceId, workingMemory: '# User\n- Name: Ana\n- City: Lagos' });
    await memory.updateWorkingMemory({ threadId: thread.id, resourceId, workingMemory: '# User\n- Name: Ana\n- City: Nairobi' });
    expect(await memory.getWorkingMemory({ threadId: thread.id, resourceId })).toBe('# User\n- Name: Ana\n- City: Nairobi');

    const versions = await client.memories.list({ userId: resourceId, key: WORKING_MEMORY_KEY, includeSuperseded: 'true', order: 'asc' });
    expect(versions.items.map((m) => [m.content.split('City: ')[1], m.agentId, m.kind, m.supersededBy === undefined])).toEqual([
      ['Lagos', 'planner', 'summary', false],
      ['Nairobi', 'planner', 'summary', true],
    ]);

    const store = (await storage.getStore('memory'))!;
    await store.updateResource({ resourceId, metadata: { plan: 'pro' } });
    expect(await store.getResourceById({ resourceId })).toMatchObject({ id: resourceId, metadata: { plan: 'pro' }, workingMemory: '# User\n- Name: Ana\n- City: Nairobi' });
    // Clearing it retracts the slot's memory: it leaves recall, and stays readable.
    await store.updateResource({ resourceId, workingMemory: '' });
    expect((await store.getResourceById({ resourceId }))?.workingMemory).toBeUndefined();
    expect((await client.memories.list({ userId: resourceId, key: WORKING_MEMORY_KEY, includeSuperseded: 'true' })).items.filter((m) => m.retractedAt !== undefined)).toHaveLength(1);
  });

  it('keeps thread working memory with the thread, apart from other threads', async () => {
    const memory = new Memory({ storage: new MemosStore({ client }), options: { workingMemory: { enabled: true, scope: 'thread' } } });
    const resourceId = unique('bo');
    const one = await memory.createThread({ threadId: unique('one'), resourceId });
    const two = await memory.createThread({ threadId: unique('two'), resourceId });
    await memory.updateWorkingMemory({ threadId: one.id, resourceId, workingMemory: '- Topic: bees' });
    expect(await memory.getWorkingMemory({ threadId: one.id, resourceId })).toBe('- Topic: bees');
    expect(await memory.getWorkingMemory({ threadId: two.id, resourceId })).toBeNull();
    expect((await memory.getThreadById({ threadId: one.id }))?.metadata).toMatchObject({ workingMemory: '- Topic: bees' });
  });
});
