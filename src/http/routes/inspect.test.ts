import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { createHashProvider } from '../../embeddings/fake/hash-provider.js';
import { startTestMemos, testBackends, type TestMemos } from '../../../test/support/test-memos.js';

const ADMIN = 'an-admin-key-for-inspect-tests-0123456789';
const SECRET = 'quetzalcoatl';
const MINUTE = 60_000;

let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response bodies loosely
async function call(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, key = ADMIN, payload?: object): Promise<{ status: number; body: any; text: string }> {
  const response = await memos!.request({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload === undefined ? {} : { payload }) });
  return { status: response.statusCode, body: response.body === '' ? undefined : response.json(), text: response.body };
}

async function makeKey(body: object): Promise<string> {
  const made = await call('POST', '/api/v1/admin/keys', ADMIN, body);
  expect(made.status).toBe(201);
  return made.body.key as string;
}

/** alice: 2 messages, 1 observation, 2 facts (one updated twice, one expiring soon), 1 preference, a session; bob: 1 fact, a 15-minute session; carol: only a session. */
async function plant(namespace = 'team', now = Date.now()): Promise<void> {
  const must = async (method: 'POST' | 'PUT' | 'PATCH', url: string, payload: object) => expect((await call(method, url, ADMIN, payload)).status).toBeLessThan(300);
  await must('POST', '/api/v1/episodes', {
    namespace,
    userId: 'alice',
    episodes: [
      { kind: 'message', role: 'user', content: `asked about ${SECRET}` },
      { kind: 'message', role: 'assistant', content: 'answered' },
      { kind: 'observation', content: 'noticed the weather' },
    ],
  });
  const facts = await call('POST', '/api/v1/memories', ADMIN, {
    namespace,
    userId: 'alice',
    memories: [
      { content: `alice keeps a ${SECRET} figurine` },
      { content: 'alice is in Lisbon this week', expiresAt: new Date(now + 5 * MINUTE).toISOString() },
      { content: 'alice prefers tea', kind: 'preference' },
    ],
  });
  const id = facts.body.ids[0] as string;
  await must('PATCH', `/api/v1/memories/${id}?namespace=${namespace}`, { content: `alice keeps two ${SECRET} figurines` });
  await must('PATCH', `/api/v1/memories/${id}?namespace=${namespace}`, { importance: 0.9 });
  await must('POST', '/api/v1/memories', { namespace, userId: 'bob', memories: [{ content: 'bob rides a bike' }] });
  await must('PUT', '/api/v1/sessions/chat-alice', { namespace, userId: 'alice', messages: [{ role: 'user', content: SECRET }], ttlSeconds: 3600 });
  await must('PUT', '/api/v1/sessions/chat-bob', { namespace, userId: 'bob', messages: [{ role: 'user', content: 'hi' }, { role: 'user', content: 'there' }], ttlSeconds: 900 });
  await must('PUT', '/api/v1/sessions/chat-carol', { namespace, userId: 'carol', messages: [], ttlSeconds: 3600 });
}

describe('inspect over HTTP', () => {
  it('gives the counts of a namespace and of one user: tiers, kinds, sessions, times, vectors, history, bytes, and no text', async () => {
    const clock = manualClock();
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN }, clock, createHashProvider({ dimensions: 16, model: 'hash-inspect' }));
    await plant('team', clock.now());
    clock.advance(10 * MINUTE);

    const stats = await call('GET', '/api/v1/stats?namespace=team');
    expect(stats.status).toBe(200);
    expect(stats.text).not.toContain(SECRET);
    const body = stats.body;
    expect(body).toMatchObject({ namespace: 'team', generatedAt: '2026-01-01T00:10:00.000Z' });
    expect(body.sessions).toEqual({ live: 3, expiring: 1, expiringWithinSeconds: 600 });
    expect(body.episodes).toMatchObject({ count: 3, byKind: { message: 2, observation: 1 }, oldest: '2026-01-01T00:00:00.000Z', newest: '2026-01-01T00:00:00.000Z' });
    expect(body.episodes.vectors).toEqual({ pending: 0, none: 0, models: [{ model: 'hash-inspect', dimensions: 16, ready: 3, failed: 0 }] });
    // The Lisbon memory expired five minutes in: hidden, still stored.
    expect(body.memories).toMatchObject({ count: 3, byKind: { fact: 2, preference: 1 }, expired: 1, historyVersions: 2 });
    expect(body.memories.vectors.models).toEqual([{ model: 'hash-inspect', dimensions: 16, ready: 3, failed: 0 }]);
    expect(body.embedder).toEqual({ model: 'hash-inspect', dimensions: 16 });
    expect(body.storage).toMatchObject({ engine: testBackends.storage, scope: 'database' });
    expect(body.storage.total).toBeGreaterThan(0);

    const alice = (await call('GET', '/api/v1/stats?namespace=team&userId=alice')).body;
    expect(alice.userId).toBe('alice');
    expect(alice.sessions).toEqual({ live: 1, expiring: 0, expiringWithinSeconds: 600 });
    expect(alice.episodes.count).toBe(3);
    expect(alice.memories).toMatchObject({ count: 2, byKind: { fact: 1, preference: 1 }, expired: 1, historyVersions: 2 });
    const bob = (await call('GET', '/api/v1/stats?namespace=team&userId=bob')).body;
    expect(bob.sessions).toEqual({ live: 1, expiring: 1, expiringWithinSeconds: 600 });
    expect(bob.episodes).toMatchObject({ count: 0, byKind: {} });
    expect(bob.episodes.oldest).toBeUndefined();
    expect(bob.memories).toMatchObject({ count: 1, expired: 0, historyVersions: 0 });

    const empty = (await call('GET', '/api/v1/stats?namespace=nobody-here')).body;
    expect(empty.sessions.live).toBe(0);
    expect(empty.episodes.count + empty.memories.count).toBe(0);
  });

  it('lists namespaces with counts; a key of some namespaces sees only those, a user-bound or read key is refused', async () => {
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN });
    await plant('team');
    await call('POST', '/api/v1/memories', ADMIN, { namespace: 'other', memories: [{ content: 'a memory of no user' }] });
    await call('PUT', '/api/v1/sessions/lonely', ADMIN, { namespace: 'sessions-only', messages: [] });

    const all = await call('GET', '/api/v1/namespaces');
    expect(all.status).toBe(200);
    expect(all.body.namespaces).toEqual([
      { namespace: 'other', episodes: 0, memories: 1, sessions: 0, users: 0 },
      { namespace: 'sessions-only', episodes: 0, memories: 0, sessions: 1, users: 0 },
      { namespace: 'team', episodes: 3, memories: 4, sessions: 3, users: 2 },
    ]);

    const some = await makeKey({ role: 'write', namespaces: ['team', 'empty-one'] });
    expect((await call('GET', '/api/v1/namespaces', some)).body.namespaces.map((row: { namespace: string }) => row.namespace)).toEqual(['empty-one', 'team']);
    const bound = await makeKey({ role: 'write', namespaces: ['*'], userId: 'alice' });
    expect((await call('GET', '/api/v1/namespaces', bound)).status).toBe(403);
    const reader = await makeKey({ role: 'read', namespaces: ['*'] });
    expect((await call('GET', '/api/v1/namespaces', reader)).status).toBe(403);
    expect((await call('GET', '/api/v1/stats?namespace=team', reader)).status).toBe(403);
    expect((await call('GET', '/api/v1/stats?namespace=other', some)).status).toBe(403);
  });

  it('lists users with counts in pages, a user with only a session too; a user-bound key sees itself and its own stats', async () => {
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN });
    await plant();
    const first = await call('GET', '/api/v1/users?namespace=team&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      { userId: 'alice', episodes: 3, memories: 3, sessions: 1 },
      { userId: 'bob', episodes: 0, memories: 1, sessions: 1 },
    ]);
    const rest = await call('GET', `/api/v1/users?namespace=team&limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body).toEqual({ items: [{ userId: 'carol', episodes: 0, memories: 0, sessions: 1 }] });

    const bob = await makeKey({ role: 'write', namespaces: ['team'], userId: 'bob' });
    expect((await call('GET', '/api/v1/users', bob)).body).toEqual({ items: [{ userId: 'bob', episodes: 0, memories: 1, sessions: 1 }] });
    const own = await call('GET', '/api/v1/stats', bob);
    expect(own.body).toMatchObject({ namespace: 'team', userId: 'bob', memories: { count: 1 } });
    expect((await call('GET', '/api/v1/stats?userId=alice', bob)).status).toBe(403);

    const badCursor = await call('GET', '/api/v1/users?namespace=team&cursor=not-ours!');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.code).toBe('E_VALIDATION');
    expect(badCursor.text).toContain('cursor');
  });

  it('lists live sessions in summary, paged, of one user when named; a user-bound key sees only its own', async () => {
    const clock = manualClock();
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN }, clock);
    await plant('team', clock.now());
    const first = await call('GET', '/api/v1/sessions?namespace=team&limit=2');
    expect(first.status).toBe(200);
    expect(first.text).not.toContain(SECRET);
    expect(first.body.items).toEqual([
      {
        sessionId: 'chat-alice',
        userId: 'alice',
        messages: 1,
        ttlSeconds: 3600,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-01T01:00:00.000Z',
      },
      expect.objectContaining({ sessionId: 'chat-bob', messages: 2 }),
    ]);
    const rest = await call('GET', `/api/v1/sessions?namespace=team&limit=2&cursor=${first.body.nextCursor}`);
    expect(rest.body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual(['chat-carol']);
    expect(rest.body.nextCursor).toBeUndefined();
    expect((await call('GET', '/api/v1/sessions?namespace=team&userId=bob')).body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual(['chat-bob']);

    const alice = await makeKey({ role: 'write', namespaces: ['team'], userId: 'alice' });
    expect((await call('GET', '/api/v1/sessions', alice)).body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual(['chat-alice']);
    // Bob's session ends after fifteen minutes: no longer listed, nor counted.
    clock.advance(16 * MINUTE);
    expect((await call('GET', '/api/v1/sessions?namespace=team')).body.items.map((s: { sessionId: string }) => s.sessionId)).toEqual(['chat-alice', 'chat-carol']);
    expect((await call('GET', '/api/v1/stats?namespace=team')).body.sessions.live).toBe(2);
  });
});
