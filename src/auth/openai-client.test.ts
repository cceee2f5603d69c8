// The official `openai` client, given a memOS key as its apiKey, against the embedding gateway
// while keys are required: the key goes as `Authorization: Bearer`, as the client sends any key.
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { haveModel, MODEL_PATH } from '../../test/support/test-model.js';

const ADMIN = 'an-admin-key-for-the-openai-client-0123456789';
let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

describe.skipIf(!haveModel)('the openai client with a memOS key', () => {
  it('embeds with a read key as its apiKey, and gets AuthenticationError with a bad key', async () => {
    memos = await startTestMemos({ MEMOS_AUTH: 'required', MEMOS_ADMIN_KEY: ADMIN, MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH });
    const made = await memos.request({ method: 'POST', url: '/api/v1/admin/keys', headers: { authorization: `Bearer ${ADMIN}` }, payload: { name: 'embedder', role: 'read', namespaces: ['agents'] } });
    expect(made.statusCode).toBe(201);
    const { key } = made.json() as { key: string };
    await memos.app.listen({ host: '127.0.0.1', port: 0 });
    const baseURL = `http://127.0.0.1:${(memos.app.server.address() as AddressInfo).port}/v1`;

    const client = new OpenAI({ baseURL, apiKey: key, maxRetries: 0 });
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toHaveLength(1);
    // The key's only namespace is the one the request works in: no header needed.
    const embedded = await client.embeddings.create({ model: models[0]!, input: ['hello world', 'memory for agents'], encoding_format: 'float' });
    expect(embedded.data).toHaveLength(2);
    expect(embedded.data[0]!.embedding.length).toBeGreaterThan(0);
    const stats = await memos.request({ method: 'GET', url: '/api/v1/embeddings/cache/stats?namespace=agents', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(stats.json()).toMatchObject({ entries: 2 });

    for (const apiKey of [`${key.slice(0, -4)}AAAA`, 'not-a-memos-key']) {
      const refused = new OpenAI({ baseURL, apiKey, maxRetries: 0 }).embeddings.create({ model: models[0]!, input: 'hello world' });
      await expect(refused).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
      await expect(refused).rejects.toMatchObject({ status: 401 });
    }
    // A valid key outside the namespace it names is a 403, which the client reports as such.
    const elsewhere = new OpenAI({ baseURL, apiKey: key, maxRetries: 0, defaultHeaders: { 'x-memos-namespace': 'other' } }).embeddings.create({ model: models[0]!, input: 'x' });
    await expect(elsewhere).rejects.toBeInstanceOf(OpenAI.PermissionDeniedError);
  });
});
