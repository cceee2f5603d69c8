// Mastra's semantic recall on memOS: a real Memory and a real Agent (with the AI SDK's test model
// standing in for an LLM) recall an older message of another thread through MemosVector, which
// searches memOS's own index of the messages MemosStore wrote.
import { MemosClient } from '@memos/client';
import { Agent } from '@mastra/core/agent';
import type { MastraDBMessage } from '@mastra/core/memory';
import { Memory } from '@mastra/memory';
import { MockLanguageModelV4 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, haveModel, startListeningMemos, unique, type ListeningMemos } from '../../client/test/listening-memos.js';
import { memosEmbedder, memosMemoryParts, MemosStore, MemosVector } from '../src/index.js';

type AgentModel = ConstructorParameters<typeof Agent>[0]['model'];

let server: ListeningMemos;
let client: MemosClient;

beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos();
  client = new MemosClient({ baseUrl: server.baseUrl, apiKey: ADMIN_KEY, namespace: unique('mastra-recall') });
});
afterAll(async () => {
  await server?.close();
});

const at = (day: number, minute: number) => new Date(Date.UTC(2026, 9, day, 9, minute));
function message(threadId: string, resourceId: string, role: 'user' | 'assistant', text: string, when: Date): MastraDBMessage {
  return { id: crypto.randomUUID(), threadId, resourceId, role, createdAt: when, content: { format: 2, parts: [{ type: 'text', text }], content: text } };
}

/** An older thread about the user's sister, then a newer one about other things. */
async function seed(memory: Memory, resourceId: string) {
  const old = await memory.createThread({ threadId: unique('old'), resourceId, title: 'Family' });
  const now = await memory.createThread({ threadId: unique('now'), resourceId, title: 'Errands' });
  const oldTexts = ['My sister Ingrid keeps bees on her farm near Bergen', 'Bees on a farm sound lovely', 'I need a new bicycle tyre', 'Try the shop on Main Street'];
  const nowTexts = ['Remind me to buy milk', 'Noted: milk', 'Also call the dentist on Friday', 'Noted: dentist on Friday'];
  await memory.saveMessages({ messages: oldTexts.map((text, i) => message(old.id, resourceId, i % 2 ? 'assistant' : 'user', text, at(1, i))) });
  await memory.saveMessages({ messages: nowTexts.map((text, i) => message(now.id, resourceId, i % 2 ? 'assistant' : 'user', text, at(20, i))) });
  return { old, now };
}

describe.skipIf(!haveModel)('semantic recall through MemosVector', () => {
  it('recalls an older message of another thread of the resource, with its neighbours', async () => {
    const memory = new Memory({ ...memosMemoryParts({ client }), options: { lastMessages: 2, semanticRecall: { topK: 1, messageRange: 1, scope: 'resource' } } });
    const resourceId = unique('kari');
    const { now } = await seed(memory, resourceId);

    const { messages } = await memory.recall({ threadId: now.id, resourceId, vectorSearchString: 'What does my sister keep on her farm?' });
    const texts = messages.map((m) => m.content.content);
    expect(texts).toContain('My sister Ingrid keeps bees on her farm near Bergen');
    expect(texts).toContain('Bees on a farm sound lovely'); // messageRange: its next neighbour
    expect(texts).toEqual(expect.arrayContaining(['Also call the dentist on Friday', 'Noted: dentist on Friday'])); // the last two
    expect(texts).not.toContain('Remind me to buy milk');
  });

  it('keeps thread scope when asked, and answers in the shape Mastra reads', async () => {
    const embedder = memosEmbedder(client);
    const vector = new MemosVector({ client, embedder });
    const memory = new Memory({ storage: new MemosStore({ client }), vector, embedder, options: { lastMessages: 1, semanticRecall: { topK: 2, messageRange: 0, scope: 'thread' } } });
    const resourceId = unique('lars');
    const { old, now } = await seed(memory, resourceId);
    const { messages } = await memory.recall({ threadId: now.id, resourceId, vectorSearchString: 'sister bees farm' });
    expect(messages.every((m) => m.threadId === now.id)).toBe(true);

    const [queryVector] = (await embedder.doEmbed({ values: ['my sister Ingrid'] })).embeddings;
    const hits = await vector.query({ indexName: 'memory_messages', queryVector: queryVector!, topK: 1, filter: { $and: [{ resource_id: resourceId }, { thread_id: old.id }] } });
    expect(hits).toHaveLength(1);
    expect(hits[0]!.metadata).toMatchObject({ thread_id: old.id, resource_id: resourceId, role: 'user', content: 'My sister Ingrid keeps bees on her farm near Bergen' });
    expect(hits[0]!.score).toBeGreaterThan(0);
    await expect(vector.query({ indexName: 'x', queryVector: [0.5, 0.5], topK: 1 })).rejects.toThrow(/not supported by memOS.*memosEmbedder/);
    await expect(vector.query({ indexName: 'x', queryVector: queryVector!, filter: { tenant: 'a' } })).rejects.toThrow(/filter field tenant is not supported/);
    await expect(vector.upsert({ indexName: 'x', vectors: [[1, 2]], metadata: [{ title: 'doc' }] })).rejects.toThrow(/cannot store foreign vectors/);
  });

  it('gives a real Agent the recalled message in its prompt, and stores the turn in memOS', async () => {
    const memory = new Memory({ ...memosMemoryParts({ client, agentId: 'helper' }), options: { lastMessages: 2, semanticRecall: { topK: 1, messageRange: 0, scope: 'resource' } } });
    const resourceId = unique('mia');
    const { now } = await seed(memory, resourceId);

    const reply = 'She keeps bees.';
    // Mastra's generate() calls the model's doGenerate; the test model records the prompt it got.
    const model = new MockLanguageModelV4({
      doGenerate: {
        content: [{ type: 'text', text: reply }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 4, text: 4, reasoning: 0 } },
        warnings: [],
      },
    });
    // The cast only bridges two copies of the provider types (ai's and the one Mastra bundles); at run time Mastra takes the v4 model as it is.
    const agent = new Agent({ id: 'helper', name: 'helper', instructions: 'You help with errands.', model: model as unknown as AgentModel, memory });
    const result = await agent.generate('What does my sister keep on her farm?', { memory: { thread: now.id, resource: resourceId } });
    expect(result.text).toBe(reply);

    const prompt = JSON.stringify(model.doGenerateCalls[0]!.prompt);
    expect(prompt).toContain('My sister Ingrid keeps bees on her farm near Bergen'); // recalled from the older thread
    expect(prompt).toContain('Noted: dentist on Friday'); // the thread's last message

    const held = await client.episodes.list({ sessionId: now.id, kind: ['message'], agentId: 'helper', order: 'desc', limit: 2 });
    expect(held.items.map((e) => [e.role, e.content])).toEqual([
      ['assistant', reply],
      ['user', 'What does my sister keep on her farm?'],
    ]);
  });
});
