// Hybrid ranking end to end over HTTP: with no embedder, hybrid still fuses the keyword signal,
// borrows from session neighbours and applies the priors, so these run on keywords alone.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import { manualClock } from '../../core/clock.js';

const DAY_MS = 86_400_000;
const at = (minute: number) => new Date(Date.parse('2025-11-01T18:00:00.000Z') + minute * 60_000).toISOString();

/** A conversation in which only turn 4 mentions saffron and turn 5 answers it. */
const CONVERSATION = [
  'Planning a dinner party for Saturday',
  'How many guests are coming?',
  'Eight people, two of them vegetarian',
  'Then a paella with vegetables works well',
  'Where can I buy saffron in town?',
  'The covered market on Rua Augusta sells it by the gram',
  'Great, and what about the rice?',
  'Bomba rice from the same stall',
  'Should I start cooking at six?',
  'Six is fine, it needs about an hour',
];

interface Hit {
  type: string;
  id: string;
  score: number;
  parts: { keyword: number | null; vector: number | null; recency: number | null; neighbours: number | null; time: number | null; speaker: number | null };
  item: { content: string };
}

let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

async function start(env: Record<string, string> = {}, clock?: ReturnType<typeof manualClock>): Promise<TestMemos> {
  memos = await startTestMemos(env, clock);
  return memos;
}

/** Appends the conversation's turns a minute apart for alice, in session s1 or in none; returns their ids in order. */
async function converse(m: TestMemos, session: 's1' | 'none' = 's1'): Promise<string[]> {
  const response = await m.json('POST', '/api/v1/episodes', {
    userId: 'alice',
    ...(session === 'none' ? {} : { sessionId: session }),
    episodes: CONVERSATION.map((content, n) => ({ kind: 'message', role: n % 2 === 0 ? 'user' : 'assistant', content, occurredAt: at(n) })),
  });
  expect(response.status).toBe(201);
  return response.body.ids;
}

/** Appends one turn ten seconds after the conversation's matching turn 4; returns its id. */
async function interject(m: TestMemos, scope: { userId: string; sessionId: string }, content: string): Promise<string> {
  const occurredAt = new Date(Date.parse(at(4)) + 10_000).toISOString();
  const response = await m.json('POST', '/api/v1/episodes', { ...scope, episodes: [{ kind: 'message', content, occurredAt }] });
  expect(response.status).toBe(201);
  return response.body.ids[0];
}

async function search(m: TestMemos, body: Record<string, unknown>): Promise<Hit[]> {
  const response = await m.json('POST', '/api/v1/search', { types: ['episodes'], ...body });
  expect(response.status).toBe(200);
  return response.body.hits;
}
const hitOf = (hits: Hit[], id: string | undefined) => hits.find((hit) => hit.id === id);
const idsOf = (hits: Hit[]) => hits.map((hit) => hit.id);

describe('hybrid ranking: session neighbours', () => {
  it('returns the turn after the matching one, carried by its neighbour, where keyword mode does not', async () => {
    const m = await start();
    const turns = await converse(m);
    const [question, answer, later] = [turns[4], turns[5], turns[6]];

    const keyword = await search(m, { query: 'saffron', mode: 'keyword' });
    expect(idsOf(keyword)).toEqual([question]);

    const hybrid = await search(m, { query: 'saffron' });
    expect(hybrid[0]?.id).toBe(question);
    const carried = hitOf(hybrid, answer);
    expect(carried?.parts.keyword).toBeNull();
    expect(carried?.parts.neighbours).toBeGreaterThan(0);
    expect(carried?.score).toBeGreaterThan(0);
    // Width 2 by default, each step further counting less: two turns each side, the nearest ahead.
    expect(new Set(idsOf(hybrid))).toEqual(new Set([question, answer, later, turns[3], turns[2]]));
    expect(carried!.score).toBeGreaterThan(hitOf(hybrid, later)!.score);
  });

  it('takes neighbours only from the same session, not from another session adjacent in time', async () => {
    const m = await start();
    const turns = await converse(m);
    const other = await interject(m, { userId: 'alice', sessionId: 's2' }, 'Unrelated chat in another tab');
    const hybrid = await search(m, { query: 'saffron' });
    expect(idsOf(hybrid)).not.toContain(other);
    expect(idsOf(hybrid)).toContain(turns[5]);
  });

  it("respects the filter: another user's turn in the same session is never returned", async () => {
    const m = await start();
    const turns = await converse(m);
    const bobTurn = await interject(m, { userId: 'bob', sessionId: 's1' }, 'Bob joins the chat');

    const alice = await search(m, { query: 'saffron', userId: 'alice' });
    expect(idsOf(alice)).not.toContain(bobTurn);
    expect(idsOf(alice)).toContain(turns[5]);
    // Without the filter, the same turn is a neighbour like any other.
    expect(idsOf(await search(m, { query: 'saffron' }))).toContain(bobTurn);
  });

  it('gives no neighbour gain to episodes without a session', async () => {
    const m = await start();
    const turns = await converse(m, 'none');
    const hybrid = await search(m, { query: 'saffron' });
    expect(idsOf(hybrid)).toEqual([turns[4]]);
    expect(hybrid[0]?.parts.neighbours).toBe(0);
  });

  it('is off when the neighbour and session weights are 0', async () => {
    const m = await start({ MEMOS_SEARCH_NEIGHBOUR_WEIGHT: '0', MEMOS_SEARCH_SESSION_WEIGHT: '0' });
    const turns = await converse(m);
    const hybrid = await search(m, { query: 'saffron' });
    expect(idsOf(hybrid)).toEqual([turns[4]]);
    expect(hybrid[0]?.parts.neighbours).toBe(0);
  });
});

describe('hybrid ranking: priors', () => {
  it('reports recency in hybrid mode only', async () => {
    const m = await start();
    await converse(m);
    for (const hit of await search(m, { query: 'saffron' })) {
      expect(hit.parts.recency).toBeGreaterThan(0);
      expect(hit.parts.recency).toBeLessThanOrEqual(1);
    }
    for (const hit of await search(m, { query: 'saffron', mode: 'keyword' })) expect(hit.parts.recency).toBeNull();
  });

  it('ranks a newer memory above an equally relevant older one', async () => {
    const clock = manualClock();
    const m = await start({}, clock);
    const write = async (content: string) => (await m.json('POST', '/api/v1/memories', { userId: 'alice', memories: [{ content }] })).body;
    await write('Alice goes hiking in the Alps');
    clock.advance(60 * DAY_MS);
    await write('Alice goes hiking in the Andes');
    const body = { query: 'hiking', types: ['memories'] };
    const contents = (hits: Hit[]) => hits.map((hit) => hit.item.content);

    // Equally relevant: the same BM25, so keyword mode falls back to the older id.
    const keyword = await search(m, { ...body, mode: 'keyword' });
    expect(keyword[0]?.score).toBe(keyword[1]?.score);
    expect(contents(keyword)).toEqual(['Alice goes hiking in the Alps', 'Alice goes hiking in the Andes']);

    const hybrid = await search(m, body);
    expect(contents(hybrid)).toEqual(['Alice goes hiking in the Andes', 'Alice goes hiking in the Alps']);
    expect(hybrid[0]?.parts.recency).toBe(1);
    expect(hybrid[1]?.parts.recency).toBeCloseTo(0.25, 6);
  });
});

describe('hybrid ranking: time priors', () => {
  const hikes = async (m: TestMemos) => {
    const episodes = [
      { content: 'Alice went hiking with her brother', occurredAt: '2023-05-03T18:00:00.000Z', sessionId: 's1' },
      { content: 'Alice went hiking with her sister', occurredAt: '2023-09-10T18:00:00.000Z', sessionId: 's2' },
    ];
    for (const { sessionId, ...episode } of episodes) await m.json('POST', '/api/v1/episodes', { userId: 'alice', sessionId, episodes: [{ kind: 'message', ...episode }] });
  };

  it('lifts the episode that happened in the month the query names (by default), and not with the time weight at 0', async () => {
    const query = { query: 'Who did Alice go hiking with in May 2023?' };
    const off = await start({ MEMOS_SEARCH_TIME_WEIGHT: '0' });
    await hikes(off);
    expect((await search(off, query)).map((hit) => hit.item.content)[0]).toBe('Alice went hiking with her sister');
    await off.close();

    const on = await start();
    await hikes(on);
    expect((await search(on, query)).map((hit) => hit.item.content)).toEqual(['Alice went hiking with her brother', 'Alice went hiking with her sister']);
  });
});

describe('hybrid ranking: speaker priors', () => {
  /** Two people in a conversation: John speaks of Tim's reading more than Tim himself does. */
  const talk = async (m: TestMemos) => {
    const turns = [
      { content: 'John: Tim read the book Dune, the book he read twice', sessionId: 's1' },
      { content: 'Tim: I read Dune, a fine book', sessionId: 's2' },
      { content: 'John: Did Tim read the book Dune?', sessionId: 's3' },
    ];
    for (const { sessionId, ...turn } of turns) await m.json('POST', '/api/v1/episodes', { userId: 'alice', sessionId, episodes: [{ kind: 'message', ...turn }] });
  };
  const query = { query: 'Which book did Tim read?' };

  it('puts what the person asked about said first (by default), reports the factor, and lowers a turn that only asks', async () => {
    const off = await start({ MEMOS_SEARCH_SPEAKER_WEIGHT: '0', MEMOS_SEARCH_QUESTION_DISCOUNT: '0' });
    await talk(off);
    const plain = await search(off, query);
    expect(plain[0]!.item.content).toMatch(/^John: Tim read/);
    expect(plain.every((hit) => hit.parts.speaker === null)).toBe(true);
    await off.close();

    const on = await start();
    await talk(on);
    const hits = await search(on, query);
    expect(hits.map((hit) => hit.item.content)).toEqual(['Tim: I read Dune, a fine book', 'John: Tim read the book Dune, the book he read twice', 'John: Did Tim read the book Dune?']);
    const factors = hits.map((hit) => hit.parts.speaker!);
    [1, 0.4, 0.32].forEach((factor, index) => expect(factors[index]).toBeCloseTo(factor, 12));
    // Keyword mode ranks by BM25 alone: no priors, no factors.
    const keyword = await search(on, { ...query, mode: 'keyword' });
    expect(keyword[0]!.item.content).toMatch(/^John: Tim read/);
    expect(keyword.every((hit) => hit.parts.speaker === null && hit.parts.time === null)).toBe(true);
  });
  it('knows the speaker of a session message promoted to an episode by its name', async () => {
    const m = await start({ MEMOS_SESSION_WINDOW: '1' });
    const messages = [
      { role: 'user', name: 'John', content: 'Tim read the book Dune, the book he read twice' },
      { role: 'user', name: 'Tim', content: 'I read Dune, a fine book' },
      { role: 'assistant', content: 'Noted.' },
    ];
    const put = await m.json('PUT', '/api/v1/sessions/book-club', { userId: 'alice', messages });
    expect(put.body.promotedEpisodeIds).toHaveLength(2);
    const hits = await search(m, query);
    expect(hits.map((hit) => [hit.item.content, hit.parts.speaker])).toEqual([
      ['I read Dune, a fine book', 1],
      ['Tim read the book Dune, the book he read twice', 0.4],
    ]);
  });
});
