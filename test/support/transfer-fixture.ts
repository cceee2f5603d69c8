// A namespace with every tier for export and import tests: sessions, episodes (an intervention and
// a custom kind among them), memories with history (updates and merges), several users, and text in
// many scripts (emoji, CJK, RTL, combining marks). Also: a memOS of either kind, started from any
// test project, and export/import through its routes.

import type { Clock } from '../../src/core/clock.js';
import { dropSchema, freshSchema, POSTGRES_URL } from '../../src/storage/postgres/test-databases.js';
import { connectTestRedis, removeKeys, TEST_REDIS_URL, testPrefix } from '../../src/storage/redis/test-redis.js';
import { startTestMemos, type TestMemos } from './test-memos.js';
import { MODEL_PATH } from './test-model.js';

export type Kind = 'sqlite' | 'postgres';

/** A memOS of `kind` with the real model and the backfill on; a PostgreSQL one gets its own schema and Redis prefix, removed on close. */
export async function startMemosOf(kind: Kind, clock: Clock, env: Record<string, string> = {}): Promise<TestMemos> {
  const embedder = { MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH, MEMOS_AUTO_BACKFILL: 'true', ...env };
  if (kind === 'sqlite') return startTestMemos(embedder, clock);
  const schema = freshSchema();
  const prefix = testPrefix();
  const memos = await startTestMemos(
    { MEMOS_DATABASE_URL: POSTGRES_URL, MEMOS_DATABASE_SCHEMA: schema, MEMOS_DATABASE_POOL_SIZE: '4', MEMOS_REDIS_URL: TEST_REDIS_URL, MEMOS_REDIS_KEY_PREFIX: prefix, ...embedder },
    clock,
  );
  return {
    ...memos,
    async close() {
      await memos.close();
      await dropSchema(schema);
      const redis = await connectTestRedis();
      if ('client' in redis) {
        await removeKeys(redis.client, prefix);
        redis.client.disconnect();
      }
    },
  };
}

export const TEXTS = [
  'Alice loves sushi in 東京 🍣 and ramen in 大阪',
  'Bob speaks Hebrew: שלום עולם, and Arabic: مرحبا بالعالم',
  'Carol’s café serves crème brûlée (combining: cafe\u0301, Zoe\u0308)',
  'The deployment failed because the database migration timed out',
  'User prefers dark mode and large fonts 🌙',
  'Meeting with the Paris team moved to Thursday at 10:00',
  'नमस्ते दुनिया: the user studies Hindi on weekends',
  'The user is allergic to peanuts and shellfish 🥜🦐',
  'Project Falcon ships the new search ranking in March',
  'Grandma’s recipe: 200 g flour, 3 eggs, a pinch of salt',
  'Het weer in Amsterdam is vandaag regenachtig ☔',
  'The user runs a marathon every autumn 🏃‍♀️ in Berlin',
];

const USERS = ['alice', 'bob', 'carol', undefined] as const;

/** Waits until the server reports nothing pending to embed (bounded). */
export async function embeddedAll(memos: TestMemos, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await memos.json('GET', '/api/v1/admin/reindex')).body as { progress?: { pending: number; failed: number } };
    if (status.progress !== undefined && status.progress.pending === 0) return;
    if (Date.now() > deadline) throw new Error(`records still pending after ${timeoutMs} ms: ${JSON.stringify(status)}`);
    await memos.json('POST', '/api/v1/admin/reindex', {});
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Writes the fixture into `namespace`, advancing `clock` between writes so that times differ. */
export async function plantEveryTier(memos: TestMemos, namespace: string, clock: Clock & { advance(ms: number): void }): Promise<void> {
  const ok = (response: { status: number; body: unknown }, what: string) => {
    if (response.status >= 300) throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { ids: string[] };
  };
  const episodeIds: string[] = [];
  for (const [i, text] of TEXTS.entries()) {
    clock.advance(1000);
    const userId = USERS[i % USERS.length];
    const episodes = [
      { kind: 'observation', content: `Observed: ${text}`, metadata: { zeta: i, alpha: { b: 2, a: 1 }, tag: 'obs' }, sessionId: `thread-${i % 3}` },
      { kind: 'message', role: 'user', content: `User said: ${text}` },
      ...(i % 4 === 0 ? [{ kind: 'intervention', content: `Intervened on: ${text}`, task: 'fix the pipeline', context: 'nightly run 🌃', outcome: 'task_completed' }] : []),
      ...(i % 5 === 0 ? [{ kind: 'deploy_note', content: `Custom kind: ${text}` }] : []),
    ];
    episodeIds.push(...ok(await memos.json('POST', '/api/v1/episodes', { namespace, ...(userId ? { userId } : {}), agentId: 'agent-1', episodes }), 'episodes').ids);
  }
  const memoryIds: string[] = [];
  for (const [i, text] of TEXTS.entries()) {
    clock.advance(1000);
    const userId = USERS[(i + 1) % USERS.length];
    const memories = [
      { content: text, kind: i % 2 === 0 ? 'fact' : 'preference', importance: (i % 10) / 10, metadata: { source: 'fixture', n: i, nested: { y: [1, 2], x: 'é' } }, sourceEpisodeIds: episodeIds.slice(i, i + 2) },
      { content: `Reflection ${i}: ${text.split(' ').slice(0, 4).join(' ')}`, kind: 'reflection', ...(i % 3 === 0 ? { expiresAt: '2027-06-01T00:00:00.000Z' } : {}) },
    ];
    memoryIds.push(...ok(await memos.json('POST', '/api/v1/memories', { namespace, ...(userId ? { userId } : {}), memories }), 'memories').ids);
  }
  // History: updates (new wording, new importance) and merges (the same words again, new metadata).
  for (const [n, id] of memoryIds.entries()) {
    if (n % 3 !== 0) continue;
    clock.advance(1000);
    ok(await memos.json('PATCH', `/api/v1/memories/${id}?namespace=${namespace}`, { content: `Updated ✨ ${n}: ${TEXTS[n % TEXTS.length]}`, importance: 0.9 }), 'update');
    clock.advance(1000);
    ok(await memos.json('PATCH', `/api/v1/memories/${id}?namespace=${namespace}`, { metadata: { revised: true, by: 'fixture' } }), 'second update');
  }
  clock.advance(1000);
  ok(await memos.json('POST', '/api/v1/memories', { namespace, userId: 'bob', memories: [{ content: TEXTS[0]!, metadata: { merged: 'yes' } }] }), 'merge');
  for (const [i, userId] of ['alice', 'bob', 'dana'].entries()) {
    clock.advance(1000);
    const messages = [
      { role: 'user', content: `Hi, I'm ${userId} 👋 ${TEXTS[i]}` },
      { role: 'assistant', content: `مرحبا ${userId}! 你好!`, metadata: { z: 1, a: [true] } },
    ];
    ok(await memos.json('PUT', `/api/v1/sessions/session-${userId}?namespace=${namespace}`, { userId, agentId: 'agent-1', messages, state: { step: i, plan: { b: 'two', a: 'one' } } }), 'session');
  }
}

/** 50 queries over the fixture's words, in many scripts. */
export const QUERIES = [
  ...TEXTS.map((text) => text.split(' ').slice(0, 3).join(' ')),
  ...TEXTS.map((text) => text.split(' ').slice(-3).join(' ')),
  ...['sushi', 'ramen', '東京', 'שלום', 'مرحبا', 'café', 'crème brûlée', 'database migration', 'dark mode', 'Paris meeting'],
  ...['Hindi', 'peanut allergy', 'search ranking', 'flour eggs', 'Amsterdam rain', 'marathon Berlin', 'pipeline', 'nightly run', 'reflection', 'updated'],
  ...['what does the user eat', 'which languages', 'when is the meeting', 'health issues', 'travel plans', 'hobbies'],
].slice(0, 50);
