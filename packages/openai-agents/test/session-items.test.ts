// MemosSession's methods one by one, against a real memOS whose limits are small enough to reach:
// every kind of item round-trips, popItem and clearSession behave as the SDK documents, and bad
// input is refused with the field named.
import { isMemosError, MemosClient } from '@memos/client';
import type { AgentInputItem } from '@openai/agents-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startListeningMemos, unique, type ListeningMemos } from '../../client/test/listening-memos.js';
import { ITEM_TYPE_METADATA_KEY, MemosSession, type MemosSessionOptions } from '../src/index.js';

let memos: ListeningMemos;
let client: MemosClient;
const NAMESPACE = unique('oa-items');
const CONTENT_BYTES = 4096;
const METADATA_BYTES = 1024;

beforeAll(async () => {
  memos = await startListeningMemos({ MEMOS_SESSION_WINDOW: '8', MEMOS_MAX_CONTENT_BYTES: String(CONTENT_BYTES), MEMOS_MAX_METADATA_BYTES: String(METADATA_BYTES) });
  // The package's own client (the built @memos/client), as a user of this package has it.
  client = new MemosClient({ baseUrl: memos.baseUrl, apiKey: ADMIN_KEY, namespace: NAMESPACE });
});
afterAll(() => memos?.close());

const open = (sessionId = unique('s'), extra: Partial<MemosSessionOptions> = {}) => new MemosSession({ client, sessionId, userId: 'ana', ...extra });
const text = (value: string): AgentInputItem => ({ type: 'message', role: 'user', content: value });

/** One item of each shape the runner stores: prose, parts, calls, results, reasoning, hosted tools. */
const ITEMS: AgentInputItem[] = [
  { role: 'system', content: 'Be brief.' },
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is in this picture?' }, { type: 'input_image', image: 'https://example.com/tea.png', detail: 'low' }] },
  { type: 'reasoning', id: 'rs_1', content: [{ type: 'input_text', text: 'The user shows a cup.' }], providerData: { encryptedContent: 'gAAAAB…', tokens: 12 } },
  { type: 'function_call', callId: 'call_7', name: 'lookup_tea', arguments: '{"color":"green"}', status: 'completed' },
  { type: 'function_call_result', callId: 'call_7', name: 'lookup_tea', status: 'completed', output: { type: 'text', text: 'Sencha, steep at 80 °C' } },
  { type: 'hosted_tool_call', name: 'web_search_call', status: 'completed', providerData: { query: 'sencha' } },
  { type: 'message', role: 'assistant', id: 'msg_9', status: 'completed', content: [{ type: 'output_text', text: 'A cup of sencha — "green", 80 °C.' }, { type: 'refusal', refusal: 'No brand advice.' }] },
];

describe('MemosSession items', () => {
  it('answers every kind of item exactly as it was added, in order, with readable text in memOS', async () => {
    const session = open();
    await session.addItems(ITEMS);
    expect(await session.getItems()).toEqual(ITEMS);
    expect(await session.getItems(2)).toEqual(ITEMS.slice(-2));
    expect(await session.getItems(0)).toEqual([]);

    const { messages } = await client.sessions.get(await session.getSessionId());
    expect(messages.map(({ role, content }) => [role, content])).toEqual([
      ['system', 'Be brief.'],
      ['user', 'What is in this picture?'],
      ['assistant', '[reasoning] The user shows a cup.'],
      ['assistant', '[function_call lookup_tea] {"color":"green"}'],
      ['tool', '[function_call_result lookup_tea] Sencha, steep at 80 °C'],
      ['assistant', '[hosted_tool_call web_search_call]'],
      ['assistant', 'A cup of sencha — "green", 80 °C.\nNo brand advice.'],
    ]);
    expect(messages.map((message) => message.metadata?.[ITEM_TYPE_METADATA_KEY])).toEqual(['message', 'message', 'reasoning', 'function_call', 'function_call_result', 'hosted_tool_call', 'message']);
  });

  it('keeps a text longer than memOS allows in metadata, since the text lives in content', async () => {
    const session = open();
    const long = text('tea '.repeat(700)); // 2,800 bytes: over the metadata limit, under the content limit
    await session.addItems([long]);
    expect(await session.getItems()).toEqual([long]);
  });

  it('surfaces memOS refusing an item as a MemosError naming the field', async () => {
    const error = await open().addItems([text('x'.repeat(CONTENT_BYTES + 1))]).catch((caught: unknown) => caught);
    expect(isMemosError(error) && error.code).toBe('E_VALIDATION');
    expect(isMemosError(error) && error.field).toBe('messages[0].content');
  });

  it('reads messages other clients appended as plain items of their role', async () => {
    const session = open();
    await client.sessions.appendMessages(await session.getSessionId(), { userId: 'ana', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }] });
    expect(await session.getItems()).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'hello' }] },
    ]);
  });

  it('answers no items for a session memOS does not hold', async () => {
    expect(await open().getItems()).toEqual([]);
    expect(await open().popItem()).toBeUndefined();
  });
});

describe('the window', () => {
  it('leaves out a tool result whose call overflowed into the episodes', async () => {
    const session = open();
    const [call, result] = [ITEMS[3]!, ITEMS[4]!];
    const items = [text('t0'), text('t1'), call, result, ...Array.from({ length: 7 }, (_, index) => text(`t${index + 4}`))];
    await session.addItems(items); // eleven items, a window of eight: the call is an episode, its result is not
    expect((await client.sessions.get(await session.getSessionId())).messages).toHaveLength(8);
    expect(await session.getItems()).toEqual(items.slice(4));
    expect(await session.getItems(3)).toEqual(items.slice(-3));
  });
});

describe('popItem', () => {
  it('removes and answers the newest item, keeping the state, summary and TTL, and leaves no episode of it', async () => {
    const sessionId = unique('pop');
    await client.sessions.put(sessionId, { userId: 'ana', state: { topic: 'tea' }, summary: 'Ana likes tea.', ttlSeconds: 600 });
    const session = open(sessionId);
    await session.addItems(ITEMS.slice(3, 5));
    await session.addItems([text('Thanks!')]);

    expect(await session.popItem()).toEqual(text('Thanks!'));
    expect(await session.getItems()).toEqual(ITEMS.slice(3, 5));
    expect(await session.popItem()).toEqual(ITEMS[4]);
    expect(await session.getItems()).toEqual(ITEMS.slice(3, 4));

    const stored = await client.sessions.get(sessionId);
    expect(stored).toMatchObject({ userId: 'ana', state: { topic: 'tea' }, summary: 'Ana likes tea.', ttlSeconds: 600 });
    expect((await client.episodes.list({ sessionId })).items).toEqual([]);

    expect(await session.popItem()).toEqual(ITEMS[3]);
    expect(await session.popItem()).toBeUndefined();
    expect((await client.sessions.get(sessionId)).messages).toEqual([]);
  });

  it('leaves the episodes that overflow made, and pops within the window', async () => {
    const session = open();
    const items = Array.from({ length: 10 }, (_, index) => text(`note ${index}`));
    await session.addItems(items);
    expect(await session.popItem()).toEqual(items[9]);
    expect(await session.getItems()).toEqual(items.slice(2, 9));
    const { items: episodes } = await client.episodes.list({ sessionId: await session.getSessionId() });
    expect(episodes.map((episode) => episode.content).sort()).toEqual(['note 0', 'note 1']);
  });

  it('puts back a message another writer appends while it pops', async () => {
    const sessionId = unique('race');
    // A client whose session put first lets another writer append: the read-then-write race, made certain.
    let raced = false;
    const racing = new MemosClient({
      baseUrl: memos.baseUrl,
      apiKey: ADMIN_KEY,
      namespace: NAMESPACE,
      fetch: async (input, init) => {
        if (init?.method === 'PUT' && !raced) {
          raced = true;
          await open(sessionId).addItems([ITEMS[3]!]);
        }
        return fetch(input, init);
      },
    });
    const session = open(sessionId);
    await session.addItems([text('first'), text('second')]);

    expect(await new MemosSession({ client: racing, sessionId, userId: 'ana' }).popItem()).toEqual(text('second'));
    expect(raced).toBe(true);
    // The put dropped the other writer's item from the window (memOS promoted it); popItem appended it again.
    expect(await session.getItems()).toEqual([text('first'), ITEMS[3]]);
    expect((await client.episodes.list({ sessionId })).items).toEqual([]);
  });
});

describe('clearSession', () => {
  it('deletes the window, state and summary; episodes of overflow stay; the session can start again', async () => {
    const session = open(unique('clear'));
    const sessionId = await session.getSessionId();
    await session.addItems(Array.from({ length: 9 }, (_, index) => text(`line ${index}`)));
    await session.clearSession();

    expect(await session.getItems()).toEqual([]);
    await expect(client.sessions.get(sessionId)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    expect((await client.episodes.list({ sessionId })).items.map((episode) => episode.content)).toEqual(['line 0']);

    await session.clearSession(); // nothing left to clear: not an error
    await session.addItems([text('fresh start')]);
    expect(await session.getItems()).toEqual([text('fresh start')]);
  });
});

describe('scope and bad input', () => {
  it("refuses another user's session", async () => {
    const sessionId = unique('owned');
    await open(sessionId).addItems([text('mine')]);
    const intruder = new MemosSession({ client, sessionId, userId: 'bob' });
    await expect(intruder.getItems()).rejects.toMatchObject({ code: 'E_CONFLICT', message: expect.stringContaining('sessionId') });
    await expect(intruder.addItems([text('theirs')])).rejects.toMatchObject({ code: 'E_CONFLICT' });
    await expect(intruder.popItem()).rejects.toMatchObject({ code: 'E_CONFLICT' });
    await expect(intruder.clearSession()).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect(await open(sessionId).getItems()).toEqual([text('mine')]);
  });

  it.each([
    ['sessionId', { sessionId: '' }],
    ['sessionId', { sessionId: 'has space' }],
    ['userId', { userId: undefined }],
    ['agentId', { agentId: 'x'.repeat(129) }],
    ['ttlSeconds', { ttlSeconds: 0 }],
    ['batchSize', { batchSize: 1.5 }],
    ['client', { client: undefined }],
  ])('refuses a bad %s when it is made', (field, bad) => {
    const options = { client, sessionId: 'ok', userId: 'ana', ...bad } as MemosSessionOptions;
    expect(() => new MemosSession(options)).toThrow(expect.objectContaining({ code: 'E_VALIDATION', message: expect.stringMatching(new RegExp(`^${field}: `)) }));
  });

  it('refuses bad arguments before calling memOS', async () => {
    const session = open();
    await expect(session.getItems(-1)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/^limit: /) });
    await expect(session.getItems(1.5)).rejects.toMatchObject({ code: 'E_VALIDATION' });
    await expect(session.addItems('hello' as never)).rejects.toMatchObject({ code: 'E_VALIDATION', message: expect.stringMatching(/^items: /) });
    await expect(session.addItems([text('ok'), null as never])).rejects.toMatchObject({ message: expect.stringMatching(/^items\[1\]: /) });
    await expect(session.addItems([{} as never])).rejects.toMatchObject({ message: expect.stringMatching(/^items\[0\]: /) });
    const binary = { type: 'message', role: 'user', content: [{ type: 'input_file', file: new Uint8Array([1, 2]) }] } as never;
    await expect(session.addItems([text('ok'), binary])).rejects.toMatchObject({ message: expect.stringMatching(/^items\[1\]\.content\[0\]\.file: must be plain JSON/) });
    // Nothing of a refused batch was written.
    expect(await session.getItems()).toEqual([]);
    await session.addItems([]);
    expect(await session.getItems()).toEqual([]);
  });

  it('creates the session with its owner, agent and TTL', async () => {
    const session = open(unique('ttl'), { agentId: 'barista', ttlSeconds: 120 });
    await session.addItems([text('hello')]);
    expect(await client.sessions.get(await session.getSessionId())).toMatchObject({ userId: 'ana', agentId: 'barista', ttlSeconds: 120 });
  });

  it('sends long histories in batches', async () => {
    const session = open(unique('batches'), { batchSize: 2 });
    const items = Array.from({ length: 5 }, (_, index) => text(`step ${index}`));
    await session.addItems(items);
    expect(await session.getItems()).toEqual(items);
  });
});
