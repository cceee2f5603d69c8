// One consistent API: batch writes answer one shape, search answers always say whether they were
// cached, listings take configured limits, a wrong method is a 405 with Allow, and errors speak plainly.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { dereference } from '../../test/support/openapi-refs.js';

let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

describe('batch writes', () => {
  it('answer ids and results in input order for episodes and memories alike, 201 when anything was created', async () => {
    memos = await startTestMemos();
    const episodes = await memos.json('POST', '/api/v1/episodes', { episodes: [{ kind: 'observation', content: 'one' }, { kind: 'observation', content: 'two' }] });
    expect(episodes.status).toBe(201);
    expect(Object.keys(episodes.body).sort()).toEqual(['ids', 'results']);
    expect(episodes.body.results).toEqual(episodes.body.ids.map((id: string) => ({ id, action: 'created' })));

    const memories = await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'Likes tea' }, { content: 'Lives in Porto' }] });
    expect(memories.status).toBe(201);
    expect(Object.keys(memories.body).sort()).toEqual(['ids', 'results']);
    expect(memories.body.results).toEqual(memories.body.ids.map((id: string) => ({ id, action: 'created', version: 1 })));

    const again = await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'likes tea.' }] });
    expect(again.status).toBe(200); // nothing created
    expect(again.body).toEqual({ ids: [memories.body.ids[0]], results: [{ id: memories.body.ids[0], action: 'unchanged', version: 1 }] });
  });

  it('name the plural of what they hold when a batch is too large', async () => {
    memos = await startTestMemos({ MEMOS_MAX_BATCH_ITEMS: '2' });
    const memories = Array.from({ length: 3 }, (_, i) => ({ content: `fact ${i}` }));
    expect((await memos.json('POST', '/api/v1/memories', { memories })).body.detail).toBe('memories: at most 2 memories in one request');
    const episodes = Array.from({ length: 3 }, (_, i) => ({ kind: 'observation', content: `event ${i}` }));
    expect((await memos.json('POST', '/api/v1/episodes', { episodes })).body.detail).toBe('episodes: at most 2 episodes in one request');
  });
});

describe('search answers', () => {
  it('always say whether they came from the cache, as the OpenAPI description requires', async () => {
    memos = await startTestMemos();
    const first = await memos.json('POST', '/api/v1/search', { query: 'anything' });
    const second = await memos.json('POST', '/api/v1/search', { query: 'anything' });
    expect([first.body.cached, second.body.cached]).toEqual([false, true]);
    const spec = dereference((await memos.json('GET', '/openapi.json')).body);
    const schema = spec.paths['/api/v1/search'].post.responses['200'].content['application/json'].schema;
    expect(schema.required).toContain('cached');
  });
});

describe('listings', () => {
  it('take their default and largest limit from list.defaultLimit and list.maxLimit', async () => {
    memos = await startTestMemos({ MEMOS_LIST_DEFAULT_LIMIT: '2', MEMOS_LIST_MAX_LIMIT: '3' });
    await memos.json('POST', '/api/v1/episodes', { episodes: Array.from({ length: 4 }, (_, i) => ({ kind: 'observation', content: `event ${i}` })) });
    await memos.json('POST', '/api/v1/memories', { memories: Array.from({ length: 4 }, (_, i) => ({ content: `fact number ${i}` })) });
    for (const path of ['/api/v1/episodes', '/api/v1/memories']) {
      const page = await memos.json('GET', path);
      expect(page.body.items, path).toHaveLength(2);
      expect(page.body.nextCursor, path).toEqual(expect.any(String));
      expect((await memos.json('GET', `${path}?limit=3`)).body.items, path).toHaveLength(3);
      const tooMany = await memos.json('GET', `${path}?limit=4`);
      expect(tooMany.status, path).toBe(400);
      expect(tooMany.body).toMatchObject({ field: 'limit', detail: expect.stringMatching(/<=3/) });
    }
  });

  it('keep 50 and 500 as the default limits', async () => {
    memos = await startTestMemos();
    expect((await memos.json('GET', '/api/v1/memories?limit=500')).status).toBe(200);
    expect((await memos.json('GET', '/api/v1/memories?limit=501')).status).toBe(400);
    const spec = dereference((await memos.json('GET', '/openapi.json')).body);
    const limit = spec.paths['/api/v1/episodes'].get.parameters.find((parameter: { name: string }) => parameter.name === 'limit');
    expect(limit.schema).toMatchObject({ default: 50, maximum: 500 });
  });
});

describe('a wrong method on a known path', () => {
  it.each([
    ['DELETE', '/api/v1/search', 'POST'],
    ['GET', '/api/v1/context', 'POST'],
    ['PUT', '/api/v1/memories/mem_1', 'DELETE, GET, HEAD, PATCH'],
    ['POST', '/api/v1/sessions/chat-1', 'DELETE, GET, HEAD, PUT'],
    ['PATCH', '/v1/embeddings', 'POST'],
    ['DELETE', '/health', 'GET, HEAD'],
  ])('answers %s %s with 405, naming %s in Allow', async (method, url, allow) => {
    memos ??= await startTestMemos();
    const answer = await memos.request({ method: method as 'GET', url });
    expect(answer.statusCode).toBe(405);
    expect(answer.headers.allow).toBe(allow);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.json()).toMatchObject({ status: 405, code: 'E_METHOD_NOT_ALLOWED', title: 'Method not allowed', detail: `${method} is not allowed on ${url}; allowed: ${allow}` });
  });

  it('still answers 404 for a path no route serves', async () => {
    memos = await startTestMemos();
    const answer = await memos.request({ method: 'DELETE', url: '/api/v1/nothing-here' });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers.allow).toBeUndefined();
    expect(answer.json()).toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

describe('a value outside an enum', () => {
  it.each([
    ['POST', '/api/v1/memories', { memories: [{ content: 'x', kind: 'bogus' }] }, 'memories[0].kind', 'must be one of: fact, preference, reflection, summary, procedure'],
    ['POST', '/api/v1/sessions/s1/messages', { messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', 'must be one of: user, assistant, system, tool'],
    ['POST', '/api/v1/search', { query: 'x', mode: 'fuzzy' }, 'mode', 'must be one of: hybrid, vector, keyword'],
    ['POST', '/api/v1/search', { query: 'x', types: ['notes'] }, 'types[0]', 'must be one of: memories, episodes'],
    ['GET', '/api/v1/episodes?order=sideways', undefined, 'order', 'must be one of: asc, desc'],
  ] as const)('is a 400 that lists the allowed values (%s %s)', async (method, url, body, field, message) => {
    memos ??= await startTestMemos();
    const answer = await memos.json(method, url, body);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ field, detail: `${field}: ${message}` });
  });
});
