import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/load.js';
import { createHashProvider, startFakeOpenAiServer } from '../../embeddings/fake/index.js';
import { createMemos, type Memos } from '../../main.js';
import { createLogger } from '../../observability/logger.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import { haveModel, MODEL_PATH } from '../../../test/support/test-model.js';


let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

const write = (m: TestMemos, memories: object[], extra: object = {}) => m.json('POST', '/api/v1/memories', { memories, ...extra });
const search = (m: TestMemos, body: object) => m.json('POST', '/api/v1/search', body);

describe('vector search with the real Model2Vec model', () => {
  it.skipIf(!haveModel)('finds "The user\'s cat is called Miso" in the top 3 for "what is the name of my pet"', async () => {
    memos = await startTestMemos({ MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH });
    await write(memos, [
      { content: 'The user works as a nurse in Leeds' },
      { content: "The user's cat is called Miso" },
      { content: 'The user prefers tea over coffee' },
      { content: 'The quarterly tax report is due in April' },
      { content: 'The user is learning to play the cello' },
      { content: 'The user drives a blue hatchback' },
      { content: 'The user went hiking in Wales last summer' },
    ]);
    const result = await search(memos, { query: 'what is the name of my pet', mode: 'vector', limit: 3 });
    expect(result.body.mode).toBe('vector');
    expect(result.body.notices).toEqual([]);
    const contents = result.body.hits.map((hit: { item: { content: string } }) => hit.item.content);
    expect(contents).toContain("The user's cat is called Miso");
    for (const hit of result.body.hits) expect(hit.score).toBe(Math.max(0, hit.parts.vector));
    const stored = result.body.hits.find((hit: { item: { content: string } }) => hit.item.content.includes('Miso')).item;
    expect(stored.embedding).toMatchObject({ status: 'ready', dimensions: 128 });
  });
});

describe('vectors on write and hybrid ranking (hash embedder)', () => {
  it('stores a vector with each new memory and episode, and reports both parts in hybrid hits', async () => {
    memos = await startTestMemos({}, undefined, createHashProvider({ dimensions: 64, model: 'hash-a' }));
    const written = await write(memos, [{ content: 'orange juice every morning' }, { content: 'walks the dog at noon' }]);
    const memory = await memos.json('GET', `/api/v1/memories/${written.body.results[0].id}`);
    expect(memory.body.embedding).toEqual({ status: 'ready', model: 'hash-a', dimensions: 64 });
    const episode = await memos.json('POST', '/api/v1/episodes', { episodes: [{ kind: 'observation', content: 'bought orange juice' }] });
    expect((await memos.json('GET', `/api/v1/episodes/${episode.body.ids[0]}`)).body.embedding.status).toBe('ready');

    const hybrid = await search(memos, { query: 'orange juice' });
    expect(hybrid.body.mode).toBe('hybrid');
    const top = hybrid.body.hits[0];
    expect(top.parts.keyword).toBeGreaterThan(0);
    expect(top.parts.vector).toBeGreaterThan(0.5);
    expect(hybrid.body.hits.map((hit: { type: string }) => hit.type)).toEqual(expect.arrayContaining(['memory', 'episode']));
  });

  it('gives a PATCHed memory a new vector for its new wording', async () => {
    memos = await startTestMemos({}, undefined, createHashProvider({ dimensions: 64, model: 'hash-a' }));
    const id = (await write(memos, [{ content: 'lives in Paris' }])).body.results[0].id;
    await memos.json('PATCH', `/api/v1/memories/${id}`, { content: 'moved to Berlin in May' });
    const found = await search(memos, { query: 'Berlin', mode: 'vector', limit: 1 });
    expect(found.body.hits[0].item).toMatchObject({ id, content: 'moved to Berlin in May', embedding: { status: 'ready' } });
  });
});

describe('embedder outages and model changes', () => {
  it('stores writes while the embedder is down, marks them pending, and fills them in once it is back', async () => {
    const upstream = await startFakeOpenAiServer({ dimensions: 16 });
    try {
      memos = await startTestMemos({ MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_URL: upstream.baseUrl, MEMOS_EMBEDDING_MODEL: 'up', MEMOS_EMBED_WRITE_TIMEOUT_MS: '300' });
      // The upstream hangs past the write's embedding timeout, then fails once more.
      upstream.fail({ kind: 'delay', ms: 1500 }, { kind: 'status', status: 503 });
      const written = await write(memos, [{ content: 'written while the embedder was down' }]);
      expect(written.status).toBe(201);
      const id = written.body.results[0].id;
      expect((await memos.json('GET', `/api/v1/memories/${id}`)).body.embedding.status).toBe('pending');
      const keywordMeanwhile = await search(memos, { query: 'embedder down' });
      expect(keywordMeanwhile.body.hits[0].id).toBe(id);

      // The backfill meets the 503, retries, and stores the vector.
      expect(await memos.services.backfill.runOnce()).toBe(1);
      expect((await memos.json('GET', `/api/v1/memories/${id}`)).body.embedding).toEqual({ status: 'ready', model: 'up', dimensions: 16 });
    } finally {
      await upstream.close();
    }
  }, 30_000);

  it("answers a gateway request that shares an upstream call with a write, after the write's embedding time is up", async () => {
    const upstream = await startFakeOpenAiServer({ dimensions: 16 });
    try {
      memos = await startTestMemos({ MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_URL: upstream.baseUrl, MEMOS_EMBEDDING_MODEL: 'up', MEMOS_EMBED_WRITE_TIMEOUT_MS: '200' });
      const before = upstream.requests.length;
      upstream.fail({ kind: 'delay', ms: 700 });
      const written = write(memos, [{ content: 'a text two callers wait for' }]);
      for (let i = 0; i < 200 && upstream.requests.length === before; i++) await new Promise((resolve) => setTimeout(resolve, 5));
      // The write's upstream call is under way; the gateway request for the same text joins it.
      const gateway = await memos.json('POST', '/api/v1/embeddings', { text: 'a text two callers wait for' });
      expect(gateway.status).toBe(200);
      expect(gateway.body.embedding).toEqual(Array.from(upstream.vector('a text two callers wait for')));
      expect((await written).status).toBe(201);
      expect(upstream.requests.length - before).toBe(1);
    } finally {
      await upstream.close();
    }
  });

  it('never compares vectors of another model, and re-embeds them in the background', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'memos-reindex-'));
    const start = async (model: string): Promise<Memos> => {
      const config = loadConfig({ env: { MEMOS_DATA_DIR: dataDir, MEMOS_LOG_LEVEL: 'silent', MEMOS_EMBEDDER: 'model2vec', MEMOS_AUTO_BACKFILL: 'false' }, cwd: dataDir });
      const started = await createMemos(config, { logger: createLogger(config), embeddingProvider: createHashProvider({ dimensions: 32, model }) });
      await started.embeddings.settled;
      return started;
    };
    let server = await start('hash-old');
    await server.app.inject({ method: 'POST', url: '/api/v1/memories', payload: { memories: [{ content: 'the spare key is under the mat' }] } });
    await server.close();

    server = await start('hash-new');
    try {
      const before = await server.app.inject({ method: 'POST', url: '/api/v1/search', payload: { query: 'spare key', mode: 'vector' } });
      expect(before.json().hits).toEqual([]); // the stored vector is hash-old's
      const keyword = await server.app.inject({ method: 'POST', url: '/api/v1/search', payload: { query: 'spare key' } });
      expect(keyword.json().hits).toHaveLength(1); // still found by keywords meanwhile
      const progress = await server.app.inject({ method: 'GET', url: '/api/v1/admin/reindex' });
      expect(progress.json().progress).toMatchObject({ model: 'hash-new', ready: 0, pending: 1, total: 1 });

      expect(await server.services.backfill.runOnce()).toBe(1);
      const after = await server.app.inject({ method: 'POST', url: '/api/v1/search', payload: { query: 'spare key', mode: 'vector' } });
      expect(after.json().hits[0].item.embedding).toEqual({ status: 'ready', model: 'hash-new', dimensions: 32 });
      const done = await server.app.inject({ method: 'POST', url: '/api/v1/admin/reindex' });
      expect(done.statusCode).toBe(202);
      expect(done.json().progress).toMatchObject({ ready: 1, pending: 0 });
    } finally {
      await server.close();
    }
  });

  it('answers keyword-only, and says why, when no embedder is configured', async () => {
    memos = await startTestMemos();
    await write(memos, [{ content: 'plain keyword memory' }]);
    const result = await search(memos, { query: 'keyword memory', mode: 'vector' });
    expect(result.body.mode).toBe('keyword');
    expect(result.body.notices[0]).toMatch(/embeddings are off \(MEMOS_EMBEDDER=none\)/);
    expect(result.body.hits).toHaveLength(1);
    const keyword = await search(memos, { query: 'keyword memory', mode: 'keyword' });
    expect(keyword.body.notices[0]).toMatch(/keyword-only/);
  });
});
