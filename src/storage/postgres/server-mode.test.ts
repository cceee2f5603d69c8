// Full server mode over HTTP: PostgreSQL for episodes, memories and vectors, Redis for sessions and caches.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';
import { connectTestRedis, failWhenRequired, removeIssuedKeys, TEST_REDIS_URL, testPrefix } from '../redis/test-redis.js';
import { createPostgresStorage } from './index.js';
import { dropSchema, expectedVectorBackend, freshSchema, POSTGRES_URL, postgresReachable, servicesRequired } from './test-databases.js';
import { haveModel, MODEL_PATH } from '../../../test/support/test-model.js';


const pgReachable = await postgresReachable();
/** pgvector where the server has the extension, else the exact scan: the suite passes on either. */
const serverVectors = pgReachable ? await expectedVectorBackend() : 'exact';
const vectorDetail = serverVectors === 'pgvector' ? /vector search uses pgvector \(HNSW\)/ : /sketch index \(nearest by SimHash, ranked by exact cosine\) because pgvector is missing/;
const redis = await connectTestRedis();
const missing = [pgReachable ? '' : `PostgreSQL is not reachable at ${POSTGRES_URL}`, 'reason' in redis ? redis.reason : ''].filter(Boolean).join('; ');
failWhenRequired('server mode over HTTP', missing);

const schemas: string[] = [];
let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});
afterAll(async () => {
  if ('client' in redis) {
    await removeIssuedKeys(redis.client);
    redis.client.disconnect();
  }
  if (pgReachable) for (const schema of schemas.splice(0)) await dropSchema(schema);
});

function serverMode(env: Record<string, string> = {}): Promise<TestMemos> {
  const schema = freshSchema();
  schemas.push(schema);
  return startTestMemos({
    MEMOS_DATABASE_URL: POSTGRES_URL,
    MEMOS_DATABASE_SCHEMA: schema,
    MEMOS_DATABASE_POOL_SIZE: '4',
    MEMOS_REDIS_URL: TEST_REDIS_URL,
    MEMOS_REDIS_KEY_PREFIX: testPrefix(),
    MEMOS_SESSION_WINDOW: '1',
    ...env,
  });
}

const contents = (body: { hits: Array<{ item: { content: string } }> }) => body.hits.map((hit) => hit.item.content);

/** A memory, an episode, and two session messages of which the first is promoted to an episode (window 1). */
async function writeEach(m: TestMemos): Promise<void> {
  expect((await m.json('POST', '/api/v1/memories', { namespace: 'sm', memories: [{ content: 'Alice is allergic to peanuts' }] })).status).toBe(201);
  expect((await m.json('POST', '/api/v1/episodes', { namespace: 'sm', episodes: [{ kind: 'observation', content: 'Alice booked a flight to Lisbon' }] })).status).toBe(201);
  const messages = [{ role: 'user', content: 'my sister plays the cello' }, { role: 'user', content: 'and the weather is fine' }];
  expect((await m.json('POST', '/api/v1/sessions/s1/messages', { namespace: 'sm', messages })).status).toBe(201);
}

describe.skipIf(missing !== '')(`server mode over HTTP (skipped when ${missing || 'a service is unreachable'})`, () => {
  it('reports postgres, its vector backend (pgvector when installed, else the exact scan), and Redis for sessions and caches', async () => {
    memos = await serverMode();
    expect((await memos.json('GET', '/')).body).toMatchObject({ storage: 'postgres', vectors: serverVectors, cache: 'redis', sessions: 'redis' });
    const detailed = await memos.json('GET', '/health/detailed');
    expect(detailed.body.backends).toEqual({ storage: 'postgres', cache: 'redis', sessions: 'redis' });
    expect(detailed.body.components.storage).toMatchObject({ status: 'healthy', detail: expect.stringMatching(vectorDetail) });
    expect((await memos.json('GET', '/health/ready')).status).toBe(200);
  });

  it('writes a memory, an episode and session messages, and finds them by keyword', async () => {
    memos = await serverMode();
    await writeEach(memos);
    const found = await memos.json('POST', '/api/v1/search', { namespace: 'sm', query: 'peanuts Lisbon cello', mode: 'keyword' });
    expect(found.status).toBe(200);
    expect(contents(found.body)).toEqual(expect.arrayContaining(['Alice is allergic to peanuts', 'Alice booked a flight to Lisbon', 'my sister plays the cello']));
    const session = await memos.json('GET', '/api/v1/sessions/s1?namespace=sm');
    expect(session.body.messages.map((message: { content: string }) => message.content)).toEqual(['and the weather is fine']);
  });

  it.skipIf(!haveModel)('finds them by hybrid search with the Model2Vec model', async () => {
    memos = await serverMode({ MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH });
    await memos.embeddings.settled;
    await writeEach(memos);
    const found = await memos.json('POST', '/api/v1/search', { namespace: 'sm', query: 'allergic to peanuts' });
    expect(found.body.mode).toBe('hybrid');
    expect(found.body.notices).toEqual([]);
    expect(contents(found.body)[0]).toBe('Alice is allergic to peanuts');
    expect(found.body.hits[0].parts.vector).toEqual(expect.any(Number));
    const promoted = await memos.json('POST', '/api/v1/search', { namespace: 'sm', query: 'my sister plays the cello' });
    // A promoted message is stored with its embedding pending (the backfill, off here, fills it in).
    expect(contents(promoted.body)[0]).toBe('my sister plays the cello');
  });
});

describe.skipIf(!pgReachable && !servicesRequired)('postgres storage started while the server is unreachable', () => {
  it('answers E_STORAGE_UNAVAILABLE with a retry hint, then migrates and serves once the server is up', async () => {
    // A proxy port with nothing listening yet, then forwarding to the real server.
    const port = await freePort();
    const url = new URL(POSTGRES_URL);
    url.port = String(port);
    url.hostname = '127.0.0.1';
    const schema = freshSchema();
    const warnings: string[] = [];
    const storage = createPostgresStorage({
      url: url.toString(),
      schema,
      poolSize: 2,
      clock: manualClock(),
      retryMillis: 50,
      logger: { info: () => undefined, warn: (_details, message) => warnings.push(message) },
    });
    let proxy: Server | undefined;
    const sockets: Socket[] = [];
    try {
      await storage.init();
      expect(warnings).toContain('postgres unreachable: not ready, retrying in the background');
      await expect(storage.ping()).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE', details: { retryable: true, retryAfter: 2 } });
      expect(storage.vectorBackend).toBeUndefined();

      const target = new URL(POSTGRES_URL);
      proxy = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        sockets.push(client, upstream);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      });
      await new Promise<void>((done) => proxy!.listen(port, '127.0.0.1', done));
      await waitFor(async () => (await storage.ping().then(() => true, () => false)));
      expect(storage.vectorBackend).toBe(serverVectors);
      expect(await storage.episodes.get({ namespace: 'ns', id: 'ep_none' })).toBeNull();
    } finally {
      await storage.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => (proxy ? proxy.close(done) : done(undefined)));
      if (pgReachable) await dropSchema(schema);
    }
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 50));
  }
}
