// Task reflections through a real memOS (real SQLite, or PostgreSQL under the server project):
// outcome episodes keep one reflection memory per task up to date, the context bundle for a query
// about the task includes it, and with a chat model configured it is written as a lesson.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startChatCompletionsServer, type ChatCompletionsServer, type ChatRequestIn } from '../../../test/support/chat-completions-server.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import type { EpisodeInput } from '../episodes/episode-service.js';

const NAMESPACE = 'default';
const KEY = 'task:book flight';
const LESSON = 'Offer the evening flight first, and ask about seats before suggesting the morning flight.';

let memos: TestMemos | undefined;
let chat: ChatCompletionsServer;
beforeAll(async () => {
  chat = await startChatCompletionsServer({
    respond: (request: ChatRequestIn) => (request.responseFormat.json_schema.name === 'task_lesson' ? { lesson: `${LESSON}\u0007` } : { verdicts: [] }),
  });
});
afterAll(async () => {
  await chat.close();
});
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

const attempt = (day: number, content: string, outcome: EpisodeInput['outcome'], context?: string): EpisodeInput => ({
  kind: 'intervention',
  content,
  userId: 'u1',
  agentId: 'travel',
  sessionId: 's1',
  task: 'book flight',
  outcome,
  occurredAt: `2026-01-0${day}T10:00:00.000Z`,
  ...(context === undefined ? {} : { context }),
});

/** Three attempts at booking a flight, one write each: completed, failed, failed with context. */
async function threeAttempts(m: TestMemos): Promise<void> {
  await m.services.episodes.append(NAMESPACE, [attempt(1, 'Booked the evening flight', 'task_completed')]);
  await m.services.episodes.append(NAMESPACE, [attempt(2, 'Suggested the morning flight', 'task_failed')]);
  await m.services.episodes.append(NAMESPACE, [attempt(3, 'Suggested the morning flight', 'task_failed', 'window seat wanted')]);
}

const reflections = async (m: TestMemos) =>
  (await m.services.memories.list({ filter: { namespace: NAMESPACE, key: KEY }, limit: 10, order: 'asc' })).items;

describe('task reflections from outcomes', () => {
  it('keeps one current reflection per task, updated in place as outcomes arrive, with its history', async () => {
    const m = (memos = await startTestMemos());
    await threeAttempts(m);
    const current = await reflections(m);
    expect(current).toHaveLength(1);
    const [reflection] = current;
    expect(reflection).toMatchObject({ kind: 'reflection', key: KEY, userId: 'u1', agentId: 'travel', version: 3, sourceSessionIds: ['s1'] });
    expect(reflection!.content).toContain("Task 'book flight': 3 attempts, 1 completed, 2 failed.");
    expect(reflection!.content).toContain("Latest failure: 'Suggested the morning flight' when 'window seat wanted'.");
    expect(reflection!.metadata.reflection).toMatchObject({ attempts: 3, completed: 1, failed: 2, abandoned: 0 });
    const history = await m.services.memories.history({ namespace: NAMESPACE, id: reflection!.id });
    expect(history.map((version) => version.version)).toEqual([2, 1]);
    expect(history[1]!.content).toContain('1 attempt, 1 completed, 0 failed');
    // Another agent's attempts at the same task are its own reflection.
    await m.services.episodes.append(NAMESPACE, [{ ...attempt(4, 'Booked by phone', 'task_completed'), agentId: 'concierge' }]);
    expect((await reflections(m)).map((memory) => [memory.agentId, memory.version])).toEqual([
      ['travel', 3],
      ['concierge', 1],
    ]);
  });

  it('ignores unsettled interventions and episodes without a task', async () => {
    const m = (memos = await startTestMemos());
    await m.services.episodes.append(NAMESPACE, [
      { kind: 'intervention', content: 'Searched flights', task: 'book flight', userId: 'u1' },
      { kind: 'observation', content: 'It rained', outcome: 'task_failed', userId: 'u1' },
    ]);
    expect(await reflections(m)).toEqual([]);
  });

  it('brings the reflection into the context bundle of a query about the task, at the top of the memories', async () => {
    const m = (memos = await startTestMemos());
    await threeAttempts(m);
    await m.services.memories.upsert(NAMESPACE, [{ content: 'The user prefers aisle seats', userId: 'u1', agentId: 'travel' }]);
    const [reflection] = await reflections(m);
    const bundle = await m.services.context.build({
      namespace: NAMESPACE,
      userId: 'u1',
      agentId: 'travel',
      query: 'Can you help me with booking a flight to Lisbon?',
      tokenBudget: 2000,
      limit: 5,
      types: ['memories', 'episodes'],
      filters: {},
    });
    expect(bundle.memories[0]!.id).toBe(reflection!.id);
    expect(bundle.text).toContain("Task 'book flight': 3 attempts");
    const elsewhere = await m.services.context.build({
      namespace: NAMESPACE, userId: 'u1', agentId: 'travel', query: 'What hotel did I like?', tokenBudget: 2000, limit: 1, types: ['memories'], filters: {},
    });
    expect(elsewhere.memories.map((hit) => hit.id)).not.toContain(reflection!.id);
  });

  it('with a chat model configured, writes the reflection as a lesson and keeps the summary in metadata', async () => {
    const m = (memos = await startTestMemos({ MEMOS_LLM_URL: chat.baseUrl, MEMOS_LLM_MODEL: 'lesson-model', MEMOS_LLM_TIMEOUT_MS: '2000' }));
    await threeAttempts(m);
    await m.services.truth.drain();
    const [reflection] = await reflections(m);
    expect(reflection!.content).toBe(LESSON);
    const summary = (reflection!.metadata.reflection as { summary: string }).summary;
    expect(summary).toContain("Task 'book flight': 3 attempts, 1 completed, 2 failed.");
    const asked = chat.requests.filter((request) => request.responseFormat.json_schema.name === 'task_lesson');
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(asked.at(-1)!.messages[1]!.content).toContain('window seat wanted');
  });

  it('keeps the summary as the content when the model answers nonsense', async () => {
    const m = (memos = await startTestMemos({ MEMOS_LLM_URL: chat.baseUrl, MEMOS_LLM_MODEL: 'lesson-model', MEMOS_LLM_TIMEOUT_MS: '2000' }));
    chat.fail({ kind: 'malformed-content' });
    await m.services.episodes.append(NAMESPACE, [attempt(1, 'Booked the evening flight', 'task_completed')]);
    await m.services.truth.drain();
    const [reflection] = await reflections(m);
    expect(reflection!.content).toContain("Task 'book flight': 1 attempt, 1 completed, 0 failed.");
  });
});
