import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

/** The tokenizer library itself, called independently of memOS. */
const tokensOf = (text: string) => countTokens(text, { disallowedSpecial: new Set() });

const TOPICS = ['flights', 'hotels', 'trains', 'museums', 'food', 'weather', 'budget', 'packing', 'visas', 'language'];

let memos: TestMemos;
beforeEach(async () => {
  memos = await startTestMemos();
});
afterEach(async () => memos.close());

/** A session of 40 messages, 120 memories and 100 episodes for alice (more than 4000 tokens), and a memory of bob's. */
async function seedMany() {
  const messages = Array.from({ length: 40 }, (_, index) => ({
    role: index % 2 === 0 ? 'user' : 'assistant',
    content: `Message ${index} about ${TOPICS[index % TOPICS.length]} for the Lisbon trip, with a few more words to make it longer.`,
    createdAt: new Date(Date.UTC(2026, 2, 1, 10, index)).toISOString(),
  }));
  await memos.json('PUT', '/api/v1/sessions/trip', { userId: 'alice', messages });
  await memos.json('POST', '/api/v1/memories', {
    userId: 'alice',
    memories: Array.from({ length: 120 }, (_, index) => ({
      content: `Alice fact ${index}: she has opinions about Lisbon ${TOPICS[index % TOPICS.length]} number ${index}`,
      kind: index % 3 === 0 ? 'preference' : 'fact',
    })),
  });
  await memos.json('POST', '/api/v1/episodes', {
    userId: 'alice',
    episodes: Array.from({ length: 100 }, (_, index) => ({
      kind: 'observation',
      content: `Alice looked at Lisbon ${TOPICS[index % TOPICS.length]} options, round ${index}`,
      occurredAt: new Date(Date.UTC(2026, 1, 1 + (index % 28))).toISOString(),
    })),
  });
  await memos.json('POST', '/api/v1/memories', { userId: 'bob', memories: [{ content: 'Bob secret about Lisbon flights' }] });
  return messages;
}

describe('POST /api/v1/context', () => {
  it.each([32, 100, 500, 4000])('keeps the rendered text within a budget of %i tokens, counted by the tokenizer', async (tokenBudget) => {
    const messages = await seedMany();
    const { status, body } = await memos.json('POST', '/api/v1/context', { sessionId: 'trip', userId: 'alice', query: 'Lisbon flights', tokenBudget, limit: 100 });
    expect(status).toBe(200);
    expect(body.tokenizer).toBe('o200k_base');
    expect(body.tokenBudget).toBe(tokenBudget);
    expect(body.tokens).toBe(tokensOf(body.text));
    expect(body.tokens).toBeLessThanOrEqual(tokenBudget);
    expect(body.text).not.toContain('Bob secret');
    // What the response lists is what the text holds.
    for (const hit of body.memories) expect(body.text).toContain(hit.item.content);
    for (const message of body.session.messages) expect(body.text).toContain(`${message.role}: ${message.content}`);
    expect(body.session.omittedMessages).toBe(messages.length - body.session.messages.length);
    if (tokenBudget >= 500) {
      // The newest messages, without gaps, oldest first; most of the budget is used.
      const kept = body.session.messages.map((message: { content: string }) => message.content);
      expect(kept.length).toBeGreaterThan(0);
      expect(kept).toEqual(messages.slice(messages.length - kept.length).map((message) => message.content));
      expect(body.memories.length).toBeGreaterThan(0);
      expect(body.episodes.length).toBeGreaterThan(0);
      expect(body.tokens).toBeGreaterThan(tokenBudget * 0.8);
      expect(body.notices.some((notice: string) => /did not fit in the token budget/.test(notice))).toBe(true);
    }
  });

  it('renders sections for memories (with kind), past events (with date) and the conversation', async () => {
    await memos.json('PUT', '/api/v1/sessions/s1', {
      userId: 'alice',
      summary: 'Alice is planning a trip.',
      messages: [
        { role: 'user', content: 'I want to go to Lisbon.' },
        { role: 'assistant', content: 'When?' },
      ],
    });
    await memos.json('POST', '/api/v1/memories', { userId: 'alice', memories: [{ content: 'Alice is allergic to peanuts', kind: 'fact' }] });
    await memos.json('POST', '/api/v1/episodes', {
      userId: 'alice',
      episodes: [{ kind: 'observation', content: 'Alice asked about Lisbon flights', occurredAt: '2026-03-01T10:00:00Z' }],
    });
    const { body } = await memos.json('POST', '/api/v1/context', { sessionId: 's1', userId: 'alice', query: 'Alice Lisbon peanuts' });
    expect(body.text).toBe(
      [
        '## What I know about the user',
        '- (fact) Alice is allergic to peanuts',
        '',
        '## Relevant past events',
        '- 2026-03-01 (observation) Alice asked about Lisbon flights',
        '',
        '## Recent conversation',
        'Earlier in this conversation: Alice is planning a trip.',
        'user: I want to go to Lisbon.',
        'assistant: When?',
      ].join('\n'),
    );
    expect(body.session).toMatchObject({ sessionId: 's1', summary: 'Alice is planning a trip.', omittedMessages: 0 });
    expect(body.memories[0]).toMatchObject({ id: expect.any(String), score: expect.any(Number), parts: { keyword: expect.any(Number) } });
    expect(body.tokenBudget).toBe(2000); // the configured default
    expect(body.cached).toBe(false);
  });

  it('renders each text once when a message, an episode and memories of several scopes say it', async () => {
    await memos.json('PUT', '/api/v1/sessions/s1', {
      userId: 'alice',
      messages: [
        { role: 'user', content: 'I am vegetarian, and I fly to Lisbon in May.' },
        { role: 'assistant', content: 'Noted.' },
      ],
    });
    // The agent logged the same turn as an episode, and kept what it learnt as memories, for the user and for itself.
    await memos.json('POST', '/api/v1/episodes', { userId: 'alice', episodes: [{ kind: 'message', role: 'user', content: 'I am vegetarian, and I fly to Lisbon in May' }] });
    await memos.json('POST', '/api/v1/memories', { userId: 'alice', memories: [{ content: 'Alice is vegetarian' }] });
    await memos.json('POST', '/api/v1/memories', { userId: 'alice', agentId: 'travel-bot', memories: [{ content: 'alice is vegetarian.', kind: 'preference' }] });
    const { body } = await memos.json('POST', '/api/v1/context', { sessionId: 's1', userId: 'alice', query: 'vegetarian Lisbon' });
    const lines = body.text.split('\n');
    expect(lines.filter((line: string) => /vegetarian, and I fly to Lisbon/i.test(line))).toEqual(['user: I am vegetarian, and I fly to Lisbon in May.']);
    expect(lines.filter((line: string) => /^- \(\w+\) alice is vegetarian/i.test(line))).toHaveLength(1);
    expect(body.episodes).toEqual([]);
    expect(body.memories).toHaveLength(1);
    // What was left out repeated the bundle: no notice says it missed the budget.
    expect(body.notices.filter((notice: string) => /did not fit/.test(notice))).toEqual([]);
  });

  it("uses the session's last user message as the query when none is given", async () => {
    await memos.json('PUT', '/api/v1/sessions/s1', {
      messages: [
        { role: 'user', content: 'Tell me about hotels' },
        { role: 'assistant', content: 'Sure.' },
        { role: 'user', content: 'Actually, what about peanuts?' },
        { role: 'assistant', content: 'Let me check.' },
      ],
    });
    await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'Alice is allergic to peanuts' }, { content: 'Alice likes big hotels' }] });
    const { body } = await memos.json('POST', '/api/v1/context', { sessionId: 's1' });
    expect(body.querySource).toBe('last-user-message');
    expect(body.query).toBe('Actually, what about peanuts?');
    expect(body.memories[0].item.content).toBe('Alice is allergic to peanuts');
    expect(body.session.messages).toHaveLength(4);
  });

  it('follows the hits with the most important other memories when search finds fewer than the limit', async () => {
    await memos.json('POST', '/api/v1/memories', {
      userId: 'bob',
      memories: [
        { content: 'Bob is allergic to shellfish', importance: 0.9 },
        { content: 'Bob collects stamps', importance: 0.2 },
        { content: 'Bob drives to the pharmacy on Fridays', importance: 0.5 },
      ],
    });
    await memos.json('POST', '/api/v1/memories', { userId: 'carol', memories: [{ content: 'Carol is allergic to penicillin', importance: 1 }] });
    const { body } = await memos.json('POST', '/api/v1/context', { userId: 'bob', query: 'Which allergies should I tell the pharmacy about?', limit: 3 });
    const contents = body.memories.map((hit: { item: { content: string } }) => hit.item.content);
    // The keyword hit comes first; the others follow by importance, each scored below every hit; nothing of Carol's.
    expect(contents).toEqual(['Bob drives to the pharmacy on Fridays', 'Bob is allergic to shellfish', 'Bob collects stamps']);
    expect(body.memories[1].score).toBeLessThan(body.memories[0].score);
    expect(body.text).not.toContain('penicillin');
  });

  it('chooses memories by importance and recency, and no episodes, when there is no query at all', async () => {
    await memos.close();
    const clock = manualClock();
    memos = await startTestMemos({}, clock);
    await memos.json('POST', '/api/v1/memories', {
      userId: 'alice',
      memories: [
        { content: 'Old and important', importance: 1 },
        { content: 'Old and trivial', importance: 0.2 },
      ],
    });
    clock.advance(60 * 86_400_000);
    await memos.json('POST', '/api/v1/memories', {
      userId: 'alice',
      memories: [
        { content: 'New and trivial', importance: 0.2 },
        { content: 'New and middling', importance: 0.5 },
      ],
    });
    await memos.json('POST', '/api/v1/memories', { userId: 'bob', memories: [{ content: 'Bob only', importance: 1 }] });
    await memos.json('POST', '/api/v1/episodes', { userId: 'alice', episodes: [{ kind: 'observation', content: 'Something happened' }] });
    const { body } = await memos.json('POST', '/api/v1/context', { userId: 'alice', limit: 3 });
    expect(body.querySource).toBe('none');
    expect(body.query).toBeNull();
    expect(body.session).toBeNull();
    expect(body.episodes).toEqual([]);
    expect(body.memories.map((hit: { item: { content: string } }) => hit.item.content)).toEqual(['New and middling', 'New and trivial', 'Old and important']);
    expect(body.memories[0].parts).toMatchObject({ keyword: null, vector: null, recency: expect.any(Number) });
  });

  it("refreshes the session's idle TTL when the bundle is served from the cache, as a bundle built afresh does", async () => {
    await memos.close();
    const clock = manualClock();
    memos = await startTestMemos({}, clock);
    await memos.json('PUT', '/api/v1/sessions/chat', { messages: [{ role: 'user', content: 'What about trains to Porto?' }], ttlSeconds: 60 });
    expect((await memos.json('POST', '/api/v1/context', { sessionId: 'chat' })).body.cached).toBe(false);
    clock.advance(40_000);
    expect((await memos.json('POST', '/api/v1/context', { sessionId: 'chat' })).body.cached).toBe(true);
    clock.advance(30_000); // past the deadline the put set, within the one the cached bundle's use set
    const read = await memos.json('GET', '/api/v1/sessions/chat');
    expect(read.status).toBe(200);
    expect(read.body.messages).toHaveLength(1);
  });

  it('answers session null, with a notice, for a missing session or one of another user', async () => {
    await memos.json('PUT', '/api/v1/sessions/bobs', { userId: 'bob', messages: [{ role: 'user', content: 'Bob private message' }] });
    for (const body of [{ sessionId: 'nope' }, { sessionId: 'bobs', userId: 'alice' }]) {
      const result = await memos.json('POST', '/api/v1/context', body);
      expect(result.status).toBe(200);
      expect(result.body.session).toBeNull();
      expect(result.body.notices).toContain(`session '${body.sessionId}' was not found or has expired`);
      expect(result.body.text).not.toContain('Bob private message');
    }
  });

  it('scopes recall by user, agent, type and filters exactly as search does', async () => {
    await memos.json('POST', '/api/v1/memories', {
      userId: 'alice',
      memories: [
        { content: 'Alice peanuts fact', kind: 'fact', metadata: { source: 'doctor' } },
        { content: 'Alice peanuts preference', kind: 'preference' },
      ],
    });
    await memos.json('POST', '/api/v1/memories', { userId: 'bob', memories: [{ content: 'Bob peanuts fact' }] });
    const contents = async (body: object) =>
      (await memos.json('POST', '/api/v1/context', { query: 'peanuts', ...body })).body.memories.map((hit: { item: { content: string } }) => hit.item.content).sort();
    expect(await contents({ userId: 'alice' })).toEqual(['Alice peanuts fact', 'Alice peanuts preference']);
    expect(await contents({ userId: 'alice', filters: { kind: 'preference' } })).toEqual(['Alice peanuts preference']);
    expect(await contents({ filters: { metadata: { source: 'doctor' } } })).toEqual(['Alice peanuts fact']);
    expect(await contents({ userId: 'alice', types: ['episodes'] })).toEqual([]);
  });

  it.each([
    [{ tokenBudget: 31 }, 'tokenBudget'],
    [{ tokenBudget: 131_073 }, 'tokenBudget'],
    [{ tokenBudget: 100.5 }, 'tokenBudget'],
    [{ limit: 0 }, 'limit'],
    [{ limit: 101 }, 'limit'],
    [{ query: '   ' }, 'query'],
    [{ sessionId: 'has space' }, 'sessionId'],
    [{ types: ['sessions'] }, 'types[0]'],
    [{ filters: { from: 'yesterday' } }, 'filters.from'],
    [{ colour: 'red' }, 'colour'],
  ])('rejects %o naming the field', async (body, field) => {
    const { status, body: problem, headers } = await memos.json('POST', '/api/v1/context', body);
    expect(status).toBe(400);
    expect(headers['content-type']).toContain('application/problem+json');
    expect(problem.field).toBe(field);
  });
});
