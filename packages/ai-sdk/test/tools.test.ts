// memosTools in real AI SDK runs (generateText with the SDK's test model calling the tools) against
// a real, listening memOS: what the tools answer the model, and what memOS holds afterwards.
import { MemosClient } from '@memos/client';
import { generateText, isStepCount, type ToolSet } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, haveModel, startListeningMemos, unique, type ListeningMemos } from '../../client/test/listening-memos.js';
import { memosTools, type MemosScope } from '../src/index.js';
import { promptsOf, scriptedModel } from './scripted-model.js';

let server: ListeningMemos;
beforeAll(async () => {
  if (haveModel) server = await startListeningMemos();
});
afterAll(async () => {
  await server?.close();
});

/** A client (the built @memos/client, as the adapter's users have) of its own namespace, so that tests share nothing. */
function freshClient(): MemosClient {
  return new MemosClient({ baseUrl: server.baseUrl, apiKey: ADMIN_KEY, namespace: unique('ai-sdk-tools') });
}

/** Runs one tool as a model would: a generateText whose model calls it, and answers what the tool answered. */
async function callTool(tools: ToolSet, name: string, input: Record<string, unknown>): Promise<{ output: unknown; error: unknown }> {
  const model = scriptedModel([{ tool: name, input }, { text: 'done' }]);
  const result = await generateText({ model, tools, stopWhen: isStepCount(2), prompt: 'go' });
  const step = result.steps[0];
  const output = step?.toolResults[0]?.output;
  const error = step?.content.find((part) => part.type === 'tool-error')?.error;
  return { output, error };
}

describe.skipIf(!haveModel)('memosTools', () => {
  it('remembers what the model asks to, for the scope, and hands memOS\u2019s answer back to the model', async () => {
    const client = freshClient();
    const scope: MemosScope = { userId: 'ana', agentId: 'concierge', sessionId: 'chat-1' };
    const model = scriptedModel([{ tool: 'remember', input: { content: 'Ana is vegetarian', kind: 'preference', key: 'diet' } }, { text: 'Noted: vegetarian.' }]);
    const result = await generateText({ model, tools: memosTools({ client, scope }), stopWhen: isStepCount(3), prompt: "I'm vegetarian, by the way." });

    expect(result.text).toBe('Noted: vegetarian.');
    const [memory, ...others] = (await client.memories.list({ userId: 'ana' })).items;
    expect(others).toEqual([]);
    expect(memory).toMatchObject({ content: 'Ana is vegetarian', kind: 'preference', key: 'diet', userId: 'ana', agentId: 'concierge', sourceSessionIds: ['chat-1'] });
    expect(result.steps[0]?.toolResults[0]?.output).toEqual({ id: memory?.id, action: 'created', version: 1 });
    // The second call of the model saw the tool's answer.
    expect(JSON.stringify(promptsOf(model)[1])).toContain(memory?.id);
  });

  it('answers merges, slot supersessions and possible conflicts as memOS reports them', async () => {
    const client = freshClient();
    const tools = memosTools({ client, scope: { userId: 'amara' } });
    const first = (await callTool(tools, 'remember', { content: 'Amara lives in Lagos' })).output as { id: string };
    expect(await callTool(tools, 'remember', { content: 'Amara lives in Lagos' })).toMatchObject({ output: { id: first.id, action: 'unchanged' } });
    const moved = (await callTool(tools, 'remember', { content: 'Amara moved to Nairobi' })).output;
    expect(moved).toMatchObject({ action: 'created', related: [{ id: first.id, possibleConflict: true, reason: 'different-place' }] });

    const vegetarian = (await callTool(tools, 'remember', { content: 'Amara is vegetarian', key: 'diet' })).output as { id: string };
    expect(await callTool(tools, 'remember', { content: 'Amara eats fish again', key: 'diet' })).toMatchObject({ output: { action: 'created', superseded: [vegetarian.id] } });
  });

  it('recalls compact hits of the scope\u2019s user only, with key and validity', async () => {
    const client = freshClient();
    await client.remember({ content: 'Kofi lives in Accra', key: 'home_city' }, { userId: 'kofi' });
    await client.remember('Kofi drinks green tea every morning', { userId: 'kofi' });
    await client.remember('Yaw drinks green tea every morning and lives in Accra', { userId: 'yaw' });

    const { output } = await callTool(memosTools({ client, scope: { userId: 'kofi' } }), 'recall', { query: 'green tea Accra' });
    const hits = (output as { hits: Array<Record<string, unknown>> }).hits;
    expect(hits.map((hit) => hit.text).sort()).toEqual(['Kofi drinks green tea every morning', 'Kofi lives in Accra']);
    const city = hits.find((hit) => hit.key === 'home_city');
    expect(Object.keys(city ?? {}).sort()).toEqual(['id', 'key', 'kind', 'score', 'text', 'type', 'validFrom']);
    expect(city).toMatchObject({ type: 'memory', kind: 'fact', text: 'Kofi lives in Accra' });
  });

  it('gives the context bundle for the scope, within the budget', async () => {
    const client = freshClient();
    await client.remember('Lena is allergic to peanuts', { userId: 'lena' });
    await client.remember('Omar is allergic to shellfish', { userId: 'omar' });
    const { output } = await callTool(memosTools({ client, scope: { userId: 'lena' }, tokenBudget: 400 }), 'getContext', { query: 'allergies' });
    const { text, tokens } = output as { text: string; tokens: number };
    expect(text).toContain('Lena is allergic to peanuts');
    expect(text).not.toContain('Omar');
    expect(tokens).toBeLessThanOrEqual(400);
  });

  it('forgets by retraction: the memory leaves recall and keeps its text and reason', async () => {
    const client = freshClient();
    const tools = memosTools({ client, scope: { userId: 'mei' } });
    const { ids } = await client.remember('Mei works at Klarna', { userId: 'mei' });
    const id = ids[0] as string;
    expect(await callTool(tools, 'forget', { id, reason: 'She left Klarna' })).toMatchObject({ output: { id, action: 'retracted' } });

    expect(await client.memories.get(id)).toMatchObject({ content: 'Mei works at Klarna', retractionReason: 'She left Klarna' });
    expect((await client.search({ query: 'Klarna', userId: 'mei' })).hits).toEqual([]);
  });

  it('deletes instead when made with forget: "delete"', async () => {
    const client = freshClient();
    const { ids } = await client.remember('Mei works at Spotify', { userId: 'mei' });
    expect(await callTool(memosTools({ client, scope: { userId: 'mei' }, forget: 'delete' }), 'forget', { id: ids[0] })).toMatchObject({ output: { action: 'deleted' } });
    await expect(client.memories.get(ids[0] as string)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('never touches another user\u2019s memory, even given its id', async () => {
    const client = freshClient();
    const { ids } = await client.remember('Bo lives in Oslo', { userId: 'bo' });
    const tools = memosTools({ client, scope: { userId: 'ana' } });
    const { output, error } = await callTool(tools, 'forget', { id: ids[0] });
    expect(output).toBeUndefined();
    expect(error).toMatchObject({ code: 'E_NOT_FOUND' });
    const memory = await client.memories.get(ids[0] as string);
    expect(memory.retractedAt).toBeUndefined();
  });

  it('offers the model no input that names a user, agent, session or namespace', async () => {
    const model = scriptedModel([{ text: 'Hello.' }]);
    await generateText({ model, tools: memosTools({ client: freshClient(), scope: { userId: 'ana' } }), prompt: 'Hi' });
    const offered = model.doGenerateCalls[0]?.tools ?? [];
    expect(offered.map((tool) => tool.name).sort()).toEqual(['forget', 'getContext', 'recall', 'remember']);
    const fields = offered.flatMap((tool) => ('inputSchema' in tool ? Object.keys((tool.inputSchema as { properties?: object }).properties ?? {}) : []));
    expect(fields).toContain('content');
    expect(fields.filter((field) => /user|agent|session|namespace/i.test(field))).toEqual([]);
  });

  it('refuses bad set-up with an E_VALIDATION error naming the field', () => {
    const client = freshClient();
    expect(() => memosTools({ client, scope: {} as MemosScope })).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringContaining('scope.userId is required') }));
    expect(() => memosTools({ client, scope: { userId: 'ana/../bo' } })).toThrow(/scope\.userId must be 1 to 128 letters/);
    expect(() => memosTools({ client, scope: { userId: 'ana', agentId: '' } })).toThrow(/scope\.agentId is required/);
    expect(() => memosTools({ client: undefined as unknown as MemosClient, scope: { userId: 'ana' } })).toThrow(/memosTools: client must be a MemosClient/);
    expect(() => memosTools({ client, scope: { userId: 'ana' }, recallLimit: 0 })).toThrow(/recallLimit must be an integer from 1 to 100/);
  });
});
