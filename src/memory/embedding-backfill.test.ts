// The embedding backfill against a real OpenAI-protocol server that refuses long inputs, through
// the HTTP API, on the test backend (SQLite, or PostgreSQL and Redis).
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../embeddings/fake/index.js';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { until } from '../../test/support/until.js';

let upstream: FakeOpenAiServer | undefined;
let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  await upstream?.close();
  memos = undefined;
  upstream = undefined;
});

/** A memOS on an upstream that refuses inputs longer than 40 characters; memOS takes the model to accept `maxInputChars`. */
async function start(maxInputChars: number): Promise<{ memos: TestMemos; upstream: FakeOpenAiServer }> {
  upstream = await startFakeOpenAiServer({ dimensions: 16, maxInputChars: 40 });
  memos = await startTestMemos({
    MEMOS_EMBEDDER: 'openai',
    MEMOS_EMBEDDING_URL: upstream.baseUrl,
    MEMOS_EMBEDDING_MODEL: 'up',
    MEMOS_EMBEDDING_MAX_INPUT_CHARS: String(maxInputChars),
    MEMOS_METRICS_ENABLED: 'true',
  });
  return { memos, upstream };
}

const LONG = 'a memory far longer than the forty characters the provider takes';
const SHORT = ['likes green tea', 'walks the dog at noon', 'works in Leeds', 'plays the cello'];

async function writeWithOneLong(m: TestMemos): Promise<{ ids: string[]; longId: string }> {
  const written = await m.json('POST', '/api/v1/memories', { memories: [{ content: SHORT[0] }, { content: SHORT[1] }, { content: LONG }, { content: SHORT[2] }, { content: SHORT[3] }] });
  expect(written.status).toBe(201);
  const ids = written.body.results.map((r: { id: string }) => r.id);
  return { ids, longId: ids[2] };
}

const embeddingOf = async (m: TestMemos, id: string) => (await m.json('GET', `/api/v1/memories/${id}`)).body.embedding;

describe('embedding backfill', () => {
  it('embeds every other record of a batch whose text the provider refuses, and marks the refused one failed after 3 refusals', async () => {
    const { memos: m, upstream: server } = await start(1000);
    const { ids, longId } = await writeWithOneLong(m);
    // The write's own embedding call was refused as a whole, so all five wait for the backfill.
    expect(await embeddingOf(m, ids[0]!)).toEqual({ status: 'pending' });

    expect(await m.services.backfill.runOnce()).toBe(4);
    for (const id of ids.filter((id) => id !== longId)) expect(await embeddingOf(m, id)).toMatchObject({ status: 'ready', model: 'up' });
    expect(await embeddingOf(m, longId)).toEqual({ status: 'pending' });
    expect(await m.services.backfill.runOnce()).toBe(0);
    expect(await m.services.backfill.runOnce()).toBe(0);
    expect(await embeddingOf(m, longId)).toEqual({ status: 'failed', model: 'up', dimensions: 16, error: expect.stringMatching(/HTTP 400 \(context_length_exceeded\)/) });

    // Failed is not pending: the next round asks the provider nothing.
    const asked = server.requests.length;
    expect(await m.services.backfill.runOnce()).toBe(0);
    expect(server.requests.length).toBe(asked);

    const status = await m.json('GET', '/api/v1/admin/reindex');
    expect(status.body.progress).toMatchObject({ ready: 4, pending: 0, failed: 1, total: 5 });
    expect(status.body.progress.failures).toEqual([{ tier: 'memories', namespace: 'default', id: longId, attempts: 3, error: expect.stringMatching(/context_length_exceeded/) }]);
    expect(JSON.stringify(status.body)).not.toContain(LONG);
    const health = await m.json('GET', '/health/detailed');
    expect(health.body.components.embedder).toMatchObject({ status: 'healthy', detail: expect.stringContaining(`1 record failed to embed`) });
    expect(health.body.components.embedder.detail).toContain(longId);
    const metrics = await m.request({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/^memos_embeddings_failed 1$/m);
    expect(metrics.body).toMatch(/^memos_embeddings_pending 0$/m);
    // Keyword search still finds the failed record.
    const found = await m.json('POST', '/api/v1/search', { query: 'forty characters provider', mode: 'keyword' });
    expect(found.body.hits[0].id).toBe(longId);
  });

  it('makes failed records pending again on request, and retries them', async () => {
    const { memos: m, upstream: server } = await start(1000);
    const { longId } = await writeWithOneLong(m);
    for (let i = 0; i < 3; i++) await m.services.backfill.runOnce();
    expect((await embeddingOf(m, longId)).status).toBe('failed');
    const asked = server.requests.length;
    const retried = await m.json('POST', '/api/v1/admin/reindex', { retryFailed: true });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ retried: 1, progress: { pending: 1, failed: 0 } });
    // The backfill the request started tries the record again (and, refused three times more, may already have failed it).
    await until(() => server.requests.some((request, index) => index >= asked && request.input.includes(LONG)));
    const plain = await m.request({ method: 'POST', url: '/api/v1/admin/reindex' });
    expect(plain.statusCode).toBe(202);
    expect(plain.json()).not.toHaveProperty('retried');
    const bad = await m.json('POST', '/api/v1/admin/reindex', { retryFailed: 'yes' });
    expect(bad).toMatchObject({ status: 400, body: { field: 'retryFailed' } });
  });

  it('embeds the start of a text longer than the provider takes, and says so on the record', async () => {
    const { memos: m, upstream: server } = await start(40);
    const { ids, longId } = await writeWithOneLong(m);
    expect(await embeddingOf(m, longId)).toEqual({ status: 'ready', model: 'up', dimensions: 16, truncated: true });
    expect(await embeddingOf(m, ids[0]!)).toEqual({ status: 'ready', model: 'up', dimensions: 16 });
    expect(server.requests.flatMap((r) => r.input)).toContain([...LONG].slice(0, 40).join(''));
    expect(server.requests.flatMap((r) => r.input)).not.toContain(LONG);
    const stored = await m.json('GET', `/api/v1/memories/${longId}`);
    expect(stored.body.content).toBe(LONG);
    const found = await m.json('POST', '/api/v1/search', { query: 'provider takes', mode: 'keyword' });
    expect(found.body.hits[0].id).toBe(longId);
  });

  it('blames no record when the provider refuses even a short text, as a misconfigured one does', async () => {
    const { memos: m, upstream: server } = await start(1000);
    const { ids } = await writeWithOneLong(m);
    server.fail(...Array.from({ length: 12 }, () => ({ kind: 'status' as const, status: 400 })));
    for (let i = 0; i < 3; i++) await expect(m.services.backfill.runOnce()).rejects.toMatchObject({ code: 'E_EMBEDDING_PROVIDER' });
    const progress = (await m.json('GET', '/api/v1/admin/reindex')).body.progress;
    expect(progress).toMatchObject({ ready: 0, pending: 5, failed: 0 });
    for (const id of ids) expect(await embeddingOf(m, id)).toEqual({ status: 'pending' });
  });
});
