import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestMemos, testBackends, type TestMemos } from '../../../test/support/test-memos.js';
import { createHashProvider } from '../../embeddings/fake/index.js';

let memos: TestMemos;
beforeEach(async () => {
  memos = await startTestMemos({}, undefined, createHashProvider({ dimensions: 16, model: 'hash-16' }));
  for (const namespace of ['a', 'b']) {
    await memos.json('POST', '/api/v1/embeddings', { namespace, text: `hello from ${namespace}` });
    await memos.json('POST', '/api/v1/search', { namespace, query: 'hello' });
  }
});
afterEach(async () => memos.close());

const entries = async (query = '') => {
  const { body } = await memos.json('GET', `/api/v1/cache/stats${query}`);
  return { embeddings: body.caches.embeddings.entries, responses: body.caches.responses.entries };
};

describe('cache routes', () => {
  it('reports usage per cache class, of every namespace or one', async () => {
    const { status, body } = await memos.json('GET', '/api/v1/cache/stats');
    expect(status).toBe(200);
    expect(body.backend).toBe(testBackends.cache);
    expect(body.caches.embeddings).toMatchObject({ entries: expect.any(Number), bytes: expect.any(Number), evictions: 0 });
    expect(body.caches.responses).toMatchObject({ hits: 0, misses: 2, bypassed: 0 });
    const a = await memos.json('GET', '/api/v1/cache/stats?namespace=a');
    expect(a.body.namespace).toBe('a');
    // Namespace a holds its embedding of the text and of the query, its search answer and its scope version.
    expect(a.body.caches.embeddings.entries).toBe(2);
    expect(a.body.caches.responses.entries).toBe(2);
  });

  it('clears by namespace, by cache class, or both', async () => {
    expect((await memos.json('DELETE', '/api/v1/cache?namespace=a&prefix=responses')).body).toEqual({ cleared: 2 });
    expect(await entries('?namespace=a')).toEqual({ embeddings: 2, responses: 0 });
    expect((await memos.json('DELETE', '/api/v1/cache?prefix=embeddings')).body.cleared).toBe(4);
    // b's answer and scope version, and the version every namespace shares.
    expect(await entries()).toEqual({ embeddings: 0, responses: 3 });
    await memos.json('DELETE', '/api/v1/cache?namespace=b');
    expect(await entries()).toEqual({ embeddings: 0, responses: 1 });
    await memos.json('DELETE', '/api/v1/cache');
    expect(await entries()).toEqual({ embeddings: 0, responses: 0 });
  });

  it.each([
    ['/api/v1/cache?prefix=vectors', 'prefix'],
    ['/api/v1/cache?namespace=a%20b', 'namespace'],
    ['/api/v1/cache?colour=red', 'colour'],
  ])('rejects DELETE %s naming the field', async (url, field) => {
    const { status, body } = await memos.json('DELETE', url);
    expect(status).toBe(400);
    expect(body.field).toBe(field);
  });
});
