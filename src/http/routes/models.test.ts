import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../../embeddings/fake/index.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

const MODEL = 'org/upstream-embedder';
let upstream: FakeOpenAiServer | undefined;
let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  await upstream?.close();
  memos = undefined;
  upstream = undefined;
});

async function withUpstream(): Promise<TestMemos> {
  upstream = await startFakeOpenAiServer({ dimensions: 12 });
  return startTestMemos({ MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_URL: upstream.baseUrl, MEMOS_EMBEDDING_MODEL: MODEL });
}

describe('model discovery and OpenAI-compatible input', () => {
  it('lists the served model at GET /v1/models, in OpenAI shape, and finds it by id (slash included)', async () => {
    memos = await withUpstream();
    const list = await memos.json('GET', '/v1/models');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ object: 'list', data: [{ id: MODEL, object: 'model', created: expect.any(Number), owned_by: 'memos' }] });
    expect(list.body.data[0].created).toBeGreaterThan(1_700_000_000);
    const one = await memos.json('GET', `/v1/models/${MODEL}`);
    expect(one.body).toEqual(list.body.data[0]);
    const other = await memos.json('GET', '/v1/models/gpt-nope');
    expect(other.status).toBe(404);
    expect(other.body).toMatchObject({ code: 'E_NOT_FOUND', error: { type: 'invalid_request_error', code: 'E_NOT_FOUND' } });
  });

  it('lists no model while embeddings are off', async () => {
    memos = await startTestMemos();
    expect((await memos.json('GET', '/v1/models')).body).toEqual({ object: 'list', data: [] });
  });

  it('lets the official openai client discover the model and embed with it', async () => {
    memos = await withUpstream();
    await memos.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = memos.app.server.address() as AddressInfo;
    const client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'not-needed', maxRetries: 0 });
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual([MODEL]);
    const embedded = await client.embeddings.create({ model: models[0]!, input: 'hello', encoding_format: 'float' });
    expect(embedded.data[0]!.embedding).toHaveLength(12);
  });

  it('answers token-id input with a 400 that says to send text', async () => {
    memos = await withUpstream();
    for (const input of [[15339, 1917], [[15339], [1917]]]) {
      const response = await memos.json('POST', '/v1/embeddings', { model: MODEL, input });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ field: 'input', detail: 'input: token ids are not supported: send text, as a string or an array of strings' });
    }
    const mixed = await memos.json('POST', '/v1/embeddings', { model: MODEL, input: ['text', 3] });
    expect(mixed.body.detail).toBe('input: must be a string or an array of strings');
  });

  it('answers dimensions the model cannot give with a 400 that says what it gives', async () => {
    memos = await withUpstream();
    const response = await memos.json('POST', '/v1/embeddings', { model: MODEL, input: 'x', dimensions: 8 });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ field: 'dimensions', detail: `dimensions: '${MODEL}' gives 12-dimensional vectors and cannot shorten them: leave dimensions out, or send 12` });
    expect((await memos.json('POST', '/v1/embeddings', { model: MODEL, input: 'x', dimensions: 12 })).status).toBe(200);
  });
});
