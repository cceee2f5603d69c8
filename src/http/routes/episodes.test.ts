import { afterEach, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

let memos: TestMemos;
afterEach(async () => memos?.close());

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute)).toISOString();

describe('episodes over HTTP', () => {
  it('returns ids in input order and reads each back', async () => {
    memos = await startTestMemos();
    const posted = await memos.json('POST', '/api/v1/episodes', {
      userId: 'alice',
      episodes: [
        { kind: 'observation', content: 'the build is red', occurredAt: at(1) },
        { kind: 'intervention', content: 'retried the flaky test', task: 'fix CI', context: 'flaky e2e', outcome: 'task_completed', occurredAt: at(2) },
        { kind: 'deploy.note', content: 'custom kinds are allowed', userId: 'bob' },
      ],
    });
    expect(posted.status).toBe(201);
    expect(posted.body.ids).toHaveLength(3);

    const [first, second, third] = await Promise.all(posted.body.ids.map((id: string) => memos.json('GET', `/api/v1/episodes/${id}`)));
    expect(first!.body).toMatchObject({ kind: 'observation', content: 'the build is red', userId: 'alice', occurredAt: at(1) });
    expect(second!.body).toMatchObject({ kind: 'intervention', task: 'fix CI', context: 'flaky e2e', outcome: 'task_completed' });
    expect(third!.body).toMatchObject({ kind: 'deploy.note', userId: 'bob' });
  });

  it('defaults an intervention outcome to unknown', async () => {
    memos = await startTestMemos();
    const posted = await memos.json('POST', '/api/v1/episodes', { episodes: [{ kind: 'intervention', content: 'asked the user', task: 'book a flight' }] });
    const read = await memos.json('GET', `/api/v1/episodes/${posted.body.ids[0]}`);
    expect(read.body.outcome).toBe('unknown');
  });

  it('lists a timeline by time range and kind, paged by cursor in both orders', async () => {
    memos = await startTestMemos();
    const episodes = Array.from({ length: 7 }, (_, i) => ({ kind: i % 2 ? 'message' : 'observation', content: `event ${i}`, occurredAt: at(i) }));
    await memos.json('POST', '/api/v1/episodes', { episodes });

    const seen: string[] = [];
    let url = '/api/v1/episodes?limit=3';
    for (;;) {
      const page = await memos.json('GET', url);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((e: { content: string }) => e.content));
      if (!page.body.nextCursor) break;
      url = `/api/v1/episodes?limit=3&cursor=${page.body.nextCursor}`;
    }
    expect(seen).toEqual(episodes.map((e) => e.content));

    const desc = await memos.json('GET', '/api/v1/episodes?order=desc&limit=2');
    expect(desc.body.items.map((e: { content: string }) => e.content)).toEqual(['event 6', 'event 5']);

    const range = await memos.json('GET', `/api/v1/episodes?from=${at(2)}&to=${at(5)}`);
    expect(range.body.items.map((e: { content: string }) => e.content)).toEqual(['event 2', 'event 3', 'event 4']);

    const kinds = await memos.json('GET', '/api/v1/episodes?kind=message');
    expect(kinds.body.items.map((e: { content: string }) => e.content)).toEqual(['event 1', 'event 3', 'event 5']);
  });

  it('lists the episodes whose metadata holds each condition of a JSON object, and names a bad one', async () => {
    memos = await startTestMemos();
    await memos.json('POST', '/api/v1/episodes', {
      episodes: [
        { kind: 'message', content: 'first', metadata: { thread: 't1', turn: 1, pinned: true }, occurredAt: at(1) },
        { kind: 'message', content: 'second', metadata: { thread: 't1', turn: 2 }, occurredAt: at(2) },
        { kind: 'message', content: 'other', metadata: { thread: 't2', turn: 1 }, occurredAt: at(3) },
      ],
    });
    const listed = async (conditions: object) =>
      (await memos.json('GET', `/api/v1/episodes?metadata=${encodeURIComponent(JSON.stringify(conditions))}`)).body.items.map((e: { content: string }) => e.content);
    expect(await listed({ thread: 't1' })).toEqual(['first', 'second']);
    // Typed values: the number 1 is not the string "1".
    expect(await listed({ turn: 1 })).toEqual(['first', 'other']);
    expect(await listed({ turn: '1' })).toEqual([]);
    expect(await listed({ thread: 't1', pinned: true })).toEqual(['first']);

    for (const bad of ['not json', '[1]', '{"thread":{"$ne":"t1"}}', JSON.stringify(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])))]) {
      const answer = await memos.json('GET', `/api/v1/episodes?metadata=${encodeURIComponent(bad)}`);
      expect({ bad, status: answer.status, type: answer.headers['content-type'] }).toEqual({ bad, status: 400, type: 'application/problem+json; charset=utf-8' });
      expect(JSON.stringify(answer.body)).toContain('metadata');
    }
  });

  it('deletes an episode, and keeps namespaces apart', async () => {
    memos = await startTestMemos();
    const posted = await memos.json('POST', '/api/v1/episodes', { namespace: 'ns-a', episodes: [{ kind: 'observation', content: 'only in a' }] });
    const id = posted.body.ids[0];
    expect((await memos.json('GET', `/api/v1/episodes/${id}`)).status).toBe(404);
    expect((await memos.json('GET', '/api/v1/episodes?namespace=ns-b')).body.items).toEqual([]);
    expect((await memos.json('DELETE', `/api/v1/episodes/${id}?namespace=ns-a`)).status).toBe(204);
    expect((await memos.json('GET', `/api/v1/episodes/${id}?namespace=ns-a`)).status).toBe(404);
  });
});
