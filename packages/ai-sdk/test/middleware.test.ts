// memosMiddleware in real AI SDK calls (wrapLanguageModel around the SDK's test model, through
// generateText and streamText) against a real, listening memOS: the prompt the model received, and
// the session memOS holds afterwards.
import { MemosClient } from '@memos/client';
import { generateText, isStepCount, streamText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ADMIN_KEY, haveModel, startListeningMemos, unique, type ListeningMemos } from '../../client/test/listening-memos.js';
import { memosMiddleware, memosTools, type MemosScope } from '../src/index.js';
import { promptsOf, scriptedModel, systemTexts, type Step } from './scripted-model.js';

let server: ListeningMemos;
beforeAll(async () => {
  if (haveModel) server = await startListeningMemos();
});
afterAll(async () => {
  await server?.close();
});

/** A client (the built @memos/client, as the adapter's users have) of its own namespace, with Ana's and Bo's memories in it. */
async function seeded(): Promise<MemosClient> {
  const client = new MemosClient({ baseUrl: server.baseUrl, apiKey: ADMIN_KEY, namespace: unique('ai-sdk-mw') });
  await client.remember('Ana prefers green tea over coffee', { userId: 'ana' });
  await client.remember('Bo prefers black coffee over tea', { userId: 'bo' });
  return client;
}

function wrapped(client: MemosClient, scope: MemosScope, steps: Step[], options: Partial<Parameters<typeof memosMiddleware>[0]> = {}) {
  const model = scriptedModel(steps);
  return { model, wrappedModel: wrapLanguageModel({ model, middleware: memosMiddleware({ client, scope, ...options }) }) };
}

/** The session's messages, as `role: content`. */
async function sessionLines(client: MemosClient, sessionId: string): Promise<string[]> {
  return (await client.sessions.get(sessionId)).messages.map((message) => `${message.role}: ${message.content}`);
}

describe.skipIf(!haveModel)('memosMiddleware', () => {
  it('gives the model the user\u2019s memories in a delimited system message, and appends the turn (generateText)', async () => {
    const client = await seeded();
    const { model, wrappedModel } = wrapped(client, { userId: 'ana', sessionId: 'ana-1' }, [{ text: 'Green tea, as usual?' }]);
    const result = await generateText({ model: wrappedModel, system: 'You are a barista.', prompt: 'What should I drink this afternoon?' });
    expect(result.text).toBe('Green tea, as usual?');

    const [prompt] = promptsOf(model);
    const [instructions, memory, ...more] = systemTexts(prompt ?? []);
    expect(instructions).toBe('You are a barista.');
    expect(more).toEqual([]);
    expect(memory).toMatch(/^<memos-context>\n[\s\S]*Ana prefers green tea over coffee[\s\S]*\n<\/memos-context>$/);
    expect(JSON.stringify(prompt)).not.toContain('Bo prefers');
    // The memory sits between the caller's instructions and the conversation.
    expect(prompt?.map((message) => message.role)).toEqual(['system', 'system', 'user']);

    expect(await sessionLines(client, 'ana-1')).toEqual(['user: What should I drink this afternoon?', 'assistant: Green tea, as usual?']);
    expect(await client.sessions.get('ana-1')).toMatchObject({ userId: 'ana' });
  });

  it('does the same for streamText, appending the turn once the stream has finished', async () => {
    const client = await seeded();
    const { model, wrappedModel } = wrapped(client, { userId: 'ana', sessionId: 'ana-2' }, [{ text: 'How about a green tea latte?' }]);
    const result = streamText({ model: wrappedModel, prompt: 'Something warm to drink?' });
    expect(await result.text).toBe('How about a green tea latte?');

    expect(systemTexts(promptsOf(model)[0] ?? []).join('\n')).toContain('Ana prefers green tea over coffee');
    expect(await sessionLines(client, 'ana-2')).toEqual(['user: Something warm to drink?', 'assistant: How about a green tea latte?']);

    // The next turn's context leads with the session's earlier messages.
    const next = wrapped(client, { userId: 'ana', sessionId: 'ana-2' }, [{ text: 'Sure.' }]);
    await streamText({ model: next.wrappedModel, prompt: 'Make it iced.' }).text;
    expect(systemTexts(promptsOf(next.model)[0] ?? []).join('\n')).toContain('How about a green tea latte?');
    expect(await sessionLines(client, 'ana-2')).toHaveLength(4);
  });

  it('never puts another user\u2019s memory in the prompt', async () => {
    const client = await seeded();
    const { model, wrappedModel } = wrapped(client, { userId: 'bo' }, [{ text: 'Coffee.' }]);
    await generateText({ model: wrappedModel, prompt: 'Tea or coffee for me? I forget what I like.' });
    const prompt = JSON.stringify(promptsOf(model)[0]);
    expect(prompt).toContain('Bo prefers black coffee over tea');
    expect(prompt).not.toContain('Ana');
  });

  it('with tools: the turn is appended once, after the step that answers, and that step sees the new memory', async () => {
    const client = await seeded();
    const scope: MemosScope = { userId: 'ana', sessionId: 'ana-3' };
    const { model, wrappedModel } = wrapped(client, scope, [{ tool: 'remember', input: { content: 'Ana is lactose intolerant', key: 'lactose' } }, { text: 'Oat milk it is, then.' }]);
    const result = await generateText({ model: wrappedModel, tools: memosTools({ client, scope }), stopWhen: isStepCount(3), prompt: "Oh, and I can't have milk: I'm lactose intolerant." });
    expect(result.text).toBe('Oat milk it is, then.');

    expect(await sessionLines(client, 'ana-3')).toEqual(["user: Oh, and I can't have milk: I'm lactose intolerant.", 'assistant: Oat milk it is, then.']);
    const prompts = promptsOf(model);
    expect(prompts).toHaveLength(2);
    expect(systemTexts(prompts[0] ?? []).join('\n')).not.toContain('lactose intolerant');
    expect(systemTexts(prompts[1] ?? []).join('\n')).toContain('Ana is lactose intolerant');
  });

  it('appends nothing without a session, and nothing when appendTurns is false', async () => {
    const client = await seeded();
    const { wrappedModel } = wrapped(client, { userId: 'ana', sessionId: 'ana-4' }, [{ text: 'Hi.' }], { appendTurns: false });
    await generateText({ model: wrappedModel, prompt: 'Hello' });
    await expect(client.sessions.get('ana-4')).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect((await client.sessions.list()).items).toEqual([]);
  });

  it('leaves the session messages out of the context when includeSessionMessages is false', async () => {
    const client = await seeded();
    await client.sessions.appendMessages('ana-5', { userId: 'ana', messages: [{ role: 'user', content: 'Remember the blue mug' }] });
    const { model, wrappedModel } = wrapped(client, { userId: 'ana', sessionId: 'ana-5' }, [{ text: 'Sure.' }], { includeSessionMessages: false });
    await generateText({ model: wrappedModel, prompt: 'And some green tea' });
    const memory = systemTexts(promptsOf(model)[0] ?? []).join('\n');
    expect(memory).toContain('Ana prefers green tea');
    expect(memory).not.toContain('blue mug');
    expect(await sessionLines(client, 'ana-5')).toHaveLength(3);
  });

  it('neither reads nor appends to a session another user owns', async () => {
    const client = await seeded();
    await client.sessions.appendMessages('shared', { userId: 'bo', messages: [{ role: 'user', content: 'Book the table for Friday' }] });
    const { model, wrappedModel } = wrapped(client, { userId: 'ana', sessionId: 'shared' }, [{ text: 'Hello.' }]);
    await expect(generateText({ model: wrappedModel, prompt: 'Hello', maxRetries: 0 })).rejects.toMatchObject({ name: 'MemosError', code: 'E_CONFLICT' });
    expect(JSON.stringify(promptsOf(model)[0])).not.toContain('Friday');
    expect(await sessionLines(client, 'shared')).toEqual(['user: Book the table for Friday']);

    // A stream hands over the model's text, then ends with memOS's error.
    const streamed = wrapped(client, { userId: 'ana', sessionId: 'shared' }, [{ text: 'Hello there.' }]);
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of streamText({ model: streamed.wrappedModel, prompt: 'Hello' }).textStream) chunks.push(chunk);
    })();
    await expect(reading).rejects.toMatchObject({ name: 'MemosError', code: 'E_CONFLICT' });
    expect(chunks.join('')).toBe('Hello there.');
  });

  describe('when memOS cannot be reached', () => {
    const unreachable = () => new MemosClient({ baseUrl: 'http://127.0.0.1:9', retry: false });

    it('throws memOS\u2019s error by default, before calling the model', async () => {
      const { model, wrappedModel } = wrapped(unreachable(), { userId: 'ana' }, [{ text: 'Hi.' }]);
      await expect(generateText({ model: wrappedModel, prompt: 'Hello', maxRetries: 0 })).rejects.toMatchObject({ name: 'MemosError', code: 'E_NETWORK' });
      expect(promptsOf(model)).toEqual([]);
    });

    it("goes on without memory with onError: 'continue', and says so", async () => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        const { model, wrappedModel } = wrapped(unreachable(), { userId: 'ana', sessionId: 's' }, [{ text: 'Hi.' }], { onError: 'continue' });
        expect((await streamText({ model: wrappedModel, prompt: 'Hello' }).text)).toBe('Hi.');
        expect(systemTexts(promptsOf(model)[0] ?? [])).toEqual([]);
        expect(warn.mock.calls.map((call) => String(call[0]))).toEqual([
          '@memos/ai-sdk: memOS context failed (E_NETWORK); the call goes on without it',
          '@memos/ai-sdk: memOS append failed (E_NETWORK); the call goes on without it',
        ]);
      } finally {
        warn.mockRestore();
      }
    });

    it('tells an onError function, with the stage', async () => {
      const seen: string[] = [];
      const { wrappedModel } = wrapped(unreachable(), { userId: 'ana', sessionId: 's' }, [{ text: 'Hi.' }], { onError: (error, stage) => seen.push(`${stage}: ${(error as { code?: string }).code}`) });
      expect((await generateText({ model: wrappedModel, prompt: 'Hello' })).text).toBe('Hi.');
      expect(seen).toEqual(['context: E_NETWORK', 'append: E_NETWORK']);
    });
  });

  it('refuses bad set-up with an E_VALIDATION error naming the field', () => {
    const client = new MemosClient({ baseUrl: server.baseUrl, apiKey: ADMIN_KEY });
    expect(() => memosMiddleware({ client, scope: { sessionId: 'x' } as MemosScope })).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: 'memosMiddleware: scope.userId is required (1 to 128 letters, digits or . _ : @ -)' }));
    expect(() => memosMiddleware({ client, scope: { userId: 'ana' }, appendTurns: true })).toThrow(/scope\.sessionId is required when appendTurns is true/);
    expect(() => memosMiddleware({ client, scope: { userId: 'ana' }, tokenBudget: 10 })).toThrow(/tokenBudget must be an integer from 32 to 131072/);
    expect(() => memosMiddleware({ client, scope: { userId: 'ana' }, onError: 'ignore' as 'continue' })).toThrow(/onError must be/);
  });
});
