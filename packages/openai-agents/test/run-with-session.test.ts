// MemosSession under the Agents SDK's real runner: `run(agent, input, { session })` reads the
// history from memOS before each model call and writes the turn back after it. memOS here keeps a
// window of four messages, so that a conversation soon pushes its oldest items out into episodes.
import { MemosClient } from '@memos/client';
import { Agent, OpenAIProvider, run, setTracingDisabled, tool } from '@openai/agents';
import type { AgentInputItem } from '@openai/agents-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startChatCompletionsServer } from '../../../test/support/chat-completions-server.js';
import { ADMIN_KEY, startListeningMemos, unique, type ListeningMemos } from '../../client/test/listening-memos.js';
import { decodeMessage, MemosSession, memosInstructions } from '../src/index.js';
import { callTool, say, ScriptedModel } from './scripted-model.js';

setTracingDisabled(true);

let memos: ListeningMemos;
let client: MemosClient;
const WINDOW = 4;

beforeAll(async () => {
  memos = await startListeningMemos({ MEMOS_SESSION_WINDOW: String(WINDOW) });
  // The package's own client (the built @memos/client), as a user of this package has it.
  client = new MemosClient({ baseUrl: memos.baseUrl, apiKey: ADMIN_KEY, namespace: unique('oa-run') });
});
afterAll(() => memos?.close());

/** What the runner handed `addItems`, per session id, across session objects: the items as the SDK made them. */
const added = new Map<string, AgentInputItem[]>();
class RecordingSession extends MemosSession {
  override async addItems(items: AgentInputItem[]): Promise<void> {
    added.set(await this.getSessionId(), [...(added.get(await this.getSessionId()) ?? []), ...structuredClone(items)]);
    return super.addItems(items);
  }
}

const sessionFor = (sessionId: string, userId = 'ana') => new RecordingSession({ client, sessionId, userId, agentId: 'concierge' });
const given = (sessionId: string) => added.get(sessionId) ?? [];
const agentWith = (model: ScriptedModel, tools: Agent['tools'] = []) => new Agent({ name: 'concierge', instructions: 'Answer briefly.', model, tools });
const user = (content: string) => ({ type: 'message', role: 'user', content });

describe('MemosSession with run()', () => {
  it('gives the model the first turn, read back from memOS, on the second turn', async () => {
    const sessionId = unique('chat');
    const model = new ScriptedModel([() => [say('Hello Ana.')], () => [say('Your name is Ana.')]]);
    const agent = agentWith(model);

    const first = await run(agent, 'My name is Ana.', { session: sessionFor(sessionId) });
    expect(first.finalOutput).toBe('Hello Ana.');
    const second = await run(agent, 'What is my name?', { session: sessionFor(sessionId) });
    expect(second.finalOutput).toBe('Your name is Ana.');

    // The second call got the first turn's items exactly as the runner stored them, then the new input.
    const [firstInput, firstAnswer, secondInput] = given(sessionId);
    expect(firstInput).toEqual({ type: 'message', role: 'user', content: 'My name is Ana.' });
    expect(firstAnswer).toMatchObject({ role: 'assistant', content: [{ type: 'output_text', text: 'Hello Ana.' }] });
    expect(model.inputOf(0)).toEqual([firstInput]);
    expect(model.inputOf(1)).toEqual([firstInput, firstAnswer, secondInput]);
    expect(await sessionFor(sessionId).getItems()).toEqual(given(sessionId));

    const stored = await client.sessions.get(sessionId);
    expect(stored).toMatchObject({ userId: 'ana', agentId: 'concierge' });
    expect(stored.messages.map(({ role, content }) => [role, content])).toEqual([
      ['user', 'My name is Ana.'],
      ['assistant', 'Hello Ana.'],
      ['user', 'What is my name?'],
      ['assistant', 'Your name is Ana.'],
    ]);
  });

  it('continues the conversation from a fresh MemosSession with the same sessionId', async () => {
    const sessionId = unique('resume');
    await run(agentWith(new ScriptedModel([() => [say('Noted: green tea.')]])), 'I like green tea.', { session: sessionFor(sessionId) });

    // Another process, say: a new model, agent and session object, only the id in common.
    const later = new ScriptedModel([() => [say('Green tea.')]]);
    const result = await run(agentWith(later), 'What do I like?', { session: sessionFor(sessionId) });
    expect(result.finalOutput).toBe('Green tea.');
    expect(later.inputOf(0)).toEqual([...given(sessionId).slice(0, 2), user('What do I like?')]);
    expect(later.inputOf(0)[1]).toMatchObject({ role: 'assistant', content: [{ type: 'output_text', text: 'Noted: green tea.' }] });
    expect(await sessionFor(sessionId).getItems()).toEqual(given(sessionId));
  });

  it('stores a streamed run the same way', async () => {
    const sessionId = unique('stream');
    const model = new ScriptedModel([() => [say('Hello Ana.')], () => [say('Ana.')]]);
    const streamed = await run(agentWith(model), 'My name is Ana.', { session: sessionFor(sessionId), stream: true });
    await streamed.completed;
    expect(streamed.finalOutput).toBe('Hello Ana.');

    await run(agentWith(model), 'What is my name?', { session: sessionFor(sessionId) });
    expect(model.inputOf(1)).toEqual([...given(sessionId).slice(0, 2), user('What is my name?')]);
    expect(given(sessionId)[1]).toMatchObject({ role: 'assistant', content: [{ type: 'output_text', text: 'Hello Ana.' }] });
  });

  it('stores a function call and its result so that the next turn replays them exactly', async () => {
    const sessionId = unique('tools');
    const getWeather = tool({
      name: 'get_weather',
      description: 'The weather in a city',
      parameters: z.object({ city: z.string() }),
      execute: async ({ city }) => `Sunny in ${city}, 24 °C`,
    });
    const call = callTool('get_weather', { city: 'Lisbon' });
    const model = new ScriptedModel([() => [call], () => [say('It is sunny in Lisbon.')], () => [say('You asked about Lisbon.')]]);
    // Calls 0 and 1 are the first run (the call, then the answer after the tool ran), call 2 the second run.
    const agent = agentWith(model, [getWeather]);

    await run(agent, 'Weather in Lisbon?', { session: sessionFor(sessionId) });
    await run(agent, 'Which city did I ask about?', { session: sessionFor(sessionId) });

    // Third call: the whole first run (input, call, result, answer) as the SDK made it, then the new input.
    // The second run got the first run's four items exactly as the runner stored them.
    const replayed = model.inputOf(2);
    expect(replayed).toEqual([...given(sessionId).slice(0, 4), user('Which city did I ask about?')]);
    const { type, name, arguments: args } = call as { type: string; name: string; arguments: string };
    expect(replayed[1]).toMatchObject({ type, name, arguments: args });
    expect(replayed[2]).toMatchObject({ type: 'function_call_result', name: 'get_weather', output: { type: 'text', text: 'Sunny in Lisbon, 24 °C' } });

    // memOS holds readable text for each item, and the tool's result as a tool message.
    const { messages } = await client.sessions.get(sessionId);
    expect(messages.slice(0, 2).map(({ role, content, name }) => ({ role, content, name }))).toEqual([
      { role: 'tool', content: '[function_call_result get_weather] Sunny in Lisbon, 24 °C', name: 'get_weather' },
      { role: 'assistant', content: 'It is sunny in Lisbon.', name: undefined },
    ]);
  });

  it('promotes items beyond the window into episodes, and replays the window in order', async () => {
    const sessionId = unique('long');
    const turns = ['Lisbon trip in May', 'Book a window seat', 'Vegetarian meals', 'Anything else?'];
    const answers = turns.map((_, index) => say(`answer ${index + 1}`));
    const model = new ScriptedModel(answers.map((answer) => () => [answer]));
    const agent = agentWith(model);
    for (const input of turns) await run(agent, input, { session: sessionFor(sessionId) });

    // Turn four saw the newest four items (turns two and three), then its input.
    const stored = given(sessionId);
    expect(stored).toHaveLength(8);
    expect(model.inputOf(3)).toEqual([...stored.slice(2, 6), user(turns[3]!)]);
    const window = await sessionFor(sessionId).getItems();
    expect(window.map(textOf)).toEqual(['Vegetarian meals', 'answer 3', 'Anything else?', 'answer 4']);
    expect((await sessionFor(sessionId).getItems(2)).map(textOf)).toEqual(['Anything else?', 'answer 4']);

    // The first two turns are episodes of the session now, each still holding its whole item.
    const { items: episodes } = await client.episodes.list({ sessionId, limit: 50 });
    expect(episodes).toHaveLength(4);
    const promoted = [...episodes].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
    expect(promoted.map((episode) => [episode.kind, episode.role, episode.userId, episode.agentId])).toEqual(Array(4).fill(['message', expect.any(String), 'ana', 'concierge']));
    expect(promoted.map((episode) => textOf(decodeMessage(episode)))).toEqual(['Lisbon trip in May', 'answer 1', 'Book a window seat', 'answer 2']);
    expect(promoted.map(decodeMessage)).toEqual(stored.slice(0, 4));

    // And memOS's recall finds them.
    const { hits } = await client.search({ query: 'Lisbon trip', userId: 'ana', sessionId, types: ['episodes'], mode: 'keyword' });
    expect(hits[0]).toMatchObject({ type: 'episode', item: { content: 'Lisbon trip in May', sessionId } });
  });
});

describe("with the SDK's OpenAI provider", () => {
  it('stores the items of a chat-completions turn so that a later run replays them', async () => {
    // The local OpenAI-protocol stand-in answers with structured output, so the agent has an output type.
    const llm = await startChatCompletionsServer({ respond: () => ({ reply: 'Hello Ana.' }) });
    try {
      const model = await new OpenAIProvider({ apiKey: 'stand-in', baseURL: llm.baseUrl, useResponses: false }).getModel('stand-in-model');
      const sessionId = unique('provider');
      const agent = new Agent({ name: 'concierge', instructions: 'Answer briefly.', model, outputType: z.object({ reply: z.string() }) });
      const result = await run(agent, 'My name is Ana.', { session: sessionFor(sessionId) });
      expect(result.finalOutput).toEqual({ reply: 'Hello Ana.' });
      expect(llm.requests[0]?.messages).toEqual([
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'My name is Ana.' },
      ]);

      const { messages } = await client.sessions.get(sessionId);
      expect(messages.map(({ role, content }) => [role, content])).toEqual([
        ['user', 'My name is Ana.'],
        ['assistant', '{"reply":"Hello Ana."}'],
      ]);
      // The provider's own item (ids, provider data and all) comes back exactly, to any model.
      const later = new ScriptedModel([() => [say('Ana.')]]);
      await run(agentWith(later), 'What is my name?', { session: sessionFor(sessionId) });
      expect(later.inputOf(0)).toEqual([...given(sessionId).slice(0, 2), user('What is my name?')]);
      expect(later.inputOf(0)[1]).toMatchObject({ role: 'assistant', content: [{ type: 'output_text', text: '{"reply":"Hello Ana."}' }] });
    } finally {
      await llm.close();
    }
  });

  it('runs two plain-text turns through the provider, the second given the first read back from memOS', async () => {
    const llm = await startChatCompletionsServer({
      plainText: true,
      respond: ({ messages }) => (messages.some((message) => message.role === 'user' && message.content === 'My name is Ana.') && messages.length > 2 ? 'Your name is Ana.' : 'Hello Ana.'),
    });
    try {
      const model = await new OpenAIProvider({ apiKey: 'stand-in', baseURL: llm.baseUrl, useResponses: false }).getModel('stand-in-model');
      const sessionId = unique('provider-text');
      const agent = new Agent({ name: 'concierge', instructions: 'Answer briefly.', model });
      expect((await run(agent, 'My name is Ana.', { session: sessionFor(sessionId) })).finalOutput).toBe('Hello Ana.');
      // A new session object, as a new process has it: the history comes from memOS.
      expect((await run(agent, 'What is my name?', { session: sessionFor(sessionId) })).finalOutput).toBe('Your name is Ana.');
      expect(llm.requests[1]?.messages).toEqual([
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: 'My name is Ana.' },
        { role: 'assistant', content: 'Hello Ana.' },
        { role: 'user', content: 'What is my name?' },
      ]);
      expect((await client.sessions.get(sessionId)).messages.map(({ role, content }) => [role, content])).toEqual([
        ['user', 'My name is Ana.'],
        ['assistant', 'Hello Ana.'],
        ['user', 'What is my name?'],
        ['assistant', 'Your name is Ana.'],
      ]);
    } finally {
      await llm.close();
    }
  });
});

describe('memosInstructions', () => {
  it("gives the model the agent's instructions followed by what memOS recalls for the user", async () => {
    const userId = unique('cora');
    await client.remember('Cora drinks only green tea', { userId });
    const model = new ScriptedModel([() => [say('Green tea, then.')]]);
    const agent = new Agent({
      name: 'concierge',
      model,
      instructions: memosInstructions({ client, userId, instructions: 'Answer briefly.', query: () => 'what does Cora drink' }),
    });
    await run(agent, 'Order me a drink.', { session: sessionFor(unique('prompt'), userId) });

    const system = model.requests[0]?.systemInstructions ?? '';
    expect(system.startsWith('Answer briefly.\n\n')).toBe(true);
    expect(system).toContain('Cora drinks only green tea');
    expect(() => memosInstructions({ client, userId: '' })).toThrow(/^userId: /);
  });
});

/** The text of a user message or an assistant's output text. */
function textOf(item: unknown): string {
  const content = (item as { content: string | Array<{ text?: string }> }).content;
  return typeof content === 'string' ? content : content.map((part) => part.text ?? '').join('');
}
