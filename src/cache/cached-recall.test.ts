// Cached search and context answers over HTTP: repeated calls come from the cache, and any write
// in the namespace is visible in the very next call.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';

let memos: TestMemos;
beforeEach(async () => {
  // A window of two messages, so that an append promotes older messages into episodes.
  memos = await startTestMemos({ MEMOS_SESSION_WINDOW: '2' });
});
afterEach(async () => memos.close());

const search = (query: string, namespace = 'default') => memos.json('POST', '/api/v1/search', { namespace, query, mode: 'keyword' });
const context = (query: string, namespace = 'default') => memos.json('POST', '/api/v1/context', { namespace, query, sessionId: 's1' });
const contents = (items: Array<{ item: { content: string } }>) => items.map((one) => one.item.content).sort();

/** Both answers, asked until cached: whatever a write changes next must not be served from here. */
async function warm(query: string, namespace = 'default') {
  for (const ask of [search, context]) {
    await ask(query, namespace);
    expect((await ask(query, namespace)).body.cached).toBe(true);
  }
}

/** Search and context right after a write: fresh, not cached. */
async function fresh(query: string) {
  const [found, bundle] = [await search(query), await context(query)];
  expect(found.body.cached).toBe(false);
  expect(bundle.body.cached).toBe(false);
  return { hits: contents(found.body.hits), memories: contents(bundle.body.memories), episodes: contents(bundle.body.episodes), bundle: bundle.body };
}

describe('response cache over HTTP', () => {
  it('serves a repeated identical call from the cache, and a different one afresh', async () => {
    await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'Alice loves sardines' }] });
    expect((await search('sardines')).body.cached).toBe(false);
    expect((await context('sardines')).body.cached).toBe(false);
    await warm('sardines');
    const other = await memos.json('POST', '/api/v1/search', { query: 'sardines', mode: 'keyword', limit: 3 });
    expect(other.body.cached).toBe(false);
    // Defaults count as given: asking for them outright is the same request.
    const same = await memos.json('POST', '/api/v1/search', { query: 'sardines', mode: 'keyword', namespace: 'default', types: ['memories', 'episodes'] });
    expect(same.body.cached).toBe(true);
    expect(same.body.hits).toEqual((await search('sardines')).body.hits);
  });

  it('shows every kind of write in the very next search and context', async () => {
    await warm('sardines');
    await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'Alice loves sardines' }] });
    let now = await fresh('sardines');
    expect(now.hits).toEqual(['Alice loves sardines']);
    expect(now.memories).toEqual(['Alice loves sardines']);

    await warm('sardines');
    const id = (await search('sardines')).body.hits[0].id;
    await memos.json('PATCH', `/api/v1/memories/${id}`, { content: 'Alice loves grilled sardines' });
    now = await fresh('sardines');
    expect(now.hits).toEqual(['Alice loves grilled sardines']);
    expect(now.memories).toEqual(['Alice loves grilled sardines']);

    await warm('sardines');
    const episode = await memos.json('POST', '/api/v1/episodes', { episodes: [{ kind: 'observation', content: 'Alice ate sardines in Porto' }] });
    now = await fresh('sardines');
    expect(now.hits).toEqual(['Alice ate sardines in Porto', 'Alice loves grilled sardines']);
    expect(now.episodes).toEqual(['Alice ate sardines in Porto']);

    await warm('sardines');
    await memos.json('POST', '/api/v1/sessions/s1/messages', {
      messages: [
        { role: 'user', content: 'First sardines message' },
        { role: 'assistant', content: 'Second' },
        { role: 'user', content: 'Third' },
      ],
    });
    now = await fresh('sardines');
    expect(now.bundle.session.messages.map((message: { content: string }) => message.content)).toEqual(['Second', 'Third']);
    expect(now.hits).toContain('First sardines message'); // promoted out of the window into an episode

    await warm('sardines');
    await memos.json('DELETE', `/api/v1/memories/${id}`);
    now = await fresh('sardines');
    expect(now.hits).not.toContain('Alice loves grilled sardines');
    expect(now.memories).toEqual([]);

    await warm('sardines');
    await memos.json('DELETE', `/api/v1/episodes/${episode.body.ids[0]}`);
    now = await fresh('sardines');
    expect(now.hits).toEqual(['First sardines message']);

    await warm('sardines');
    await memos.json('DELETE', '/api/v1/sessions/s1');
    now = await fresh('sardines');
    expect(now.bundle.session).toBeNull();
  });

  it('keeps namespaces apart: a write in one leaves the other cached', async () => {
    await warm('sardines', 'a');
    await memos.json('POST', '/api/v1/memories', { namespace: 'b', memories: [{ content: 'Bob loves sardines' }] });
    expect((await search('sardines', 'a')).body.cached).toBe(true);
    expect((await context('sardines', 'a')).body.cached).toBe(true);
    expect((await search('sardines', 'b')).body.hits).toHaveLength(1);
  });

  it('is emptied by DELETE /api/v1/cache, after which answers are made afresh', async () => {
    await warm('sardines');
    expect((await memos.json('DELETE', '/api/v1/cache?prefix=responses')).status).toBe(200);
    expect((await search('sardines')).body.cached).toBe(false);
  });
});
