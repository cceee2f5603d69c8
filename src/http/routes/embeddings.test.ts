import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../embeddings/fake/index.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

const MODEL = 'upstream-embedder';
let upstream: FakeOpenAiServer;
let memos: TestMemos;

beforeEach(async () => {
  upstream = await startFakeOpenAiServer({ dimensions: 24 });
  memos = await startTestMemos({ MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_URL: upstream.baseUrl, MEMOS_EMBEDDING_MODEL: MODEL });
});
afterEach(async () => {
  await memos.close();
  await upstream.close();
});

const upstreamInputs = () => upstream.requests.flatMap((request) => request.input);

describe('embedding gateway over HTTP', () => {
  it('answers POST /v1/embeddings in OpenAI shape and counts a repeat as a cache hit', async () => {
    const first = await memos.json('POST', '/v1/embeddings', { model: MODEL, input: 'hello there' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ object: 'list', model: MODEL, usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
    expect(first.body.data).toHaveLength(1);
    expect(first.body.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(first.body.data[0].embedding).toHaveLength(24);
    expect(first.body.data[0].embedding).toEqual(Array.from(upstream.vector('hello there')));

    await memos.json('POST', '/v1/embeddings', { model: MODEL, input: 'hello there' });
    const stats = await memos.json('GET', '/api/v1/embeddings/cache/stats');
    expect(stats.body).toMatchObject({ hits: 1, misses: 1, entries: 1, embedder: { state: 'ready', provider: 'openai', model: MODEL, dimensions: 24 } });
    expect(upstreamInputs().filter((text) => text === 'hello there')).toHaveLength(1);
  });

  it('sends only the misses of a batch of 10 upstream, and answers all 10 in order', async () => {
    const all = Array.from({ length: 10 }, (_, i) => `sentence ${i}`);
    await memos.json('POST', '/api/v1/embeddings/batch', { texts: all.filter((_, i) => i % 2 === 0) });
    const before = upstreamInputs().length;
    const requestsBefore = upstream.requests.length;
    const batch = await memos.json('POST', '/api/v1/embeddings/batch', { texts: all });
    expect(batch.status).toBe(200);
    expect(batch.body.cache).toEqual({ hits: 5, misses: 5, coalesced: 0 });
    expect(upstreamInputs().slice(before)).toEqual(all.filter((_, i) => i % 2 === 1));
    expect(upstream.requests.length - requestsBefore).toBe(1); // the five misses went in one upstream call
    expect(batch.body.embeddings).toEqual(all.map((text) => Array.from(upstream.vector(text))));
  });

  it('embeds one text and clears the cache by namespace', async () => {
    const one = await memos.json('POST', '/api/v1/embeddings', { namespace: 'team-a', text: 'just one', purpose: 'query' });
    expect(one.body).toMatchObject({ model: MODEL, dimensions: 24, cached: false });
    expect((await memos.json('POST', '/api/v1/embeddings', { namespace: 'team-a', text: 'just one' })).body.cached).toBe(true);
    expect((await memos.json('POST', '/api/v1/embeddings/cache/clear', { namespace: 'team-b' })).body).toEqual({ cleared: 0 });
    expect((await memos.json('POST', '/api/v1/embeddings/cache/clear', { namespace: 'team-a' })).body).toEqual({ cleared: 1 });
    expect((await memos.json('POST', '/api/v1/embeddings', { namespace: 'team-a', text: 'just one' })).body.cached).toBe(false);
  });

  it('rejects bad input with problem+json naming the field', async () => {
    const cases: Array<[string, unknown, string]> = [
      ['/v1/embeddings', { model: MODEL }, 'input'],
      ['/v1/embeddings', { model: MODEL, input: [] }, 'input'],
      ['/v1/embeddings', { model: MODEL, input: [1, 2] }, 'input'],
      ['/v1/embeddings', { model: MODEL, input: 'x', encoding_format: 'hex' }, 'encoding_format'],
      ['/v1/embeddings', { model: 'some-other-model', input: 'x' }, 'model'],
      ['/api/v1/embeddings', { text: '' }, 'text'],
      ['/api/v1/embeddings/batch', { texts: 'not a list' }, 'texts'],
      ['/api/v1/embeddings/batch', { texts: ['a'], purpose: 'vibes' }, 'purpose'],
    ];
    for (const [url, body, field] of cases) {
      const response = await memos.json('POST', url, body);
      expect(response.status, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect([response.body.field, ...(response.body.errors ?? []).map((e: { field: string }) => e.field)].some((f: string) => f?.startsWith(field))).toBe(true);
    }
    expect(upstream.requests).toHaveLength(1); // only the start-up probe that learned the dimensions
  });

  it('answers 502 problem+json when the upstream keeps failing, without echoing the text', async () => {
    upstream.fail(...Array.from({ length: 8 }, () => ({ kind: 'status' as const, status: 500 })));
    const failed = await memos.json('POST', '/api/v1/embeddings', { text: 'doomed' });
    expect(failed.status).toBe(502);
    expect(failed.body.code).toBe('E_EMBEDDING_PROVIDER');
    expect(failed.body.detail).not.toContain('doomed');
  }, 30_000);
});

describe('the official openai client pointed at memOS', () => {
  it('gets embeddings as floats and as base64', async () => {
    await memos.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = memos.app.server.address() as AddressInfo;
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'not-needed', maxRetries: 0 });

    const floats = await client.embeddings.create({ model: MODEL, input: ['alpha', 'beta'], encoding_format: 'float' });
    expect(floats.data.map((item) => item.index)).toEqual([0, 1]);
    expect(floats.data[1]!.embedding).toEqual(Array.from(upstream.vector('beta')));

    // With no encoding_format the SDK asks for base64 and decodes it itself.
    const decoded = await client.embeddings.create({ model: MODEL, input: 'alpha' });
    expect(decoded.data[0]!.embedding).toHaveLength(24);
    expect(decoded.data[0]!.embedding.map((x) => Math.fround(x))).toEqual(Array.from(upstream.vector('alpha')));
    expect(decoded.model).toBe(MODEL);

    await expect(client.embeddings.create({ model: 'gpt-nope', input: 'x' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("this server serves 'upstream-embedder'"),
    });
  });
});
