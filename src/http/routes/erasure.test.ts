import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, testBackend, type TestMemos } from '../../../test/support/test-memos.js';
import { haveModel, MODEL_PATH } from '../../../test/support/test-model.js';
import { embeddingHash } from '../../cache/embedding-cache.js';
import { connectTestRedis } from '../../storage/redis/test-redis.js';
import { memberOf, sessionKeyLayout } from '../../storage/redis/session-keys.js';

const word = () => `zorbl${randomBytes(5).toString('hex')}`;

/** Every string value held by every table (SQLite: FTS shadow tables and keyword statistics included; PostgreSQL: every table of the schema). */
async function tableText(memos: TestMemos, skip: string[] = []): Promise<string> {
  if (memos.config.storage.driver === 'sqlite') {
    const db = new Database(join(memos.dataDir, 'memos.db'), { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
      const parts: string[] = [];
      for (const table of tables.filter((name) => !skip.includes(name))) {
        for (const row of db.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][]) {
          for (const value of row) parts.push(Buffer.isBuffer(value) ? value.toString('latin1') : String(value));
        }
      }
      return parts.join('\n');
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: memos.config.storage.url });
  await client.connect();
  try {
    const schema = memos.config.storage.schema;
    const { rows: tables } = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'", [schema]);
    const parts: string[] = [];
    for (const { table_name } of tables.filter((table) => !skip.includes(table.table_name))) {
      const { rows } = await client.query<{ t: string }>(`SELECT t::text AS t FROM "${schema}"."${table_name}" t`);
      parts.push(...rows.map((row) => row.t));
    }
    return parts.join('\n');
  } finally {
    await client.end();
  }
}

/** Every key and value under the test memOS's Redis prefix; '' when embedded. */
async function redisText(memos: TestMemos): Promise<string> {
  if (testBackend !== 'server') return '';
  const redis = await connectTestRedis();
  if (!('client' in redis)) throw new Error(redis.reason);
  const client = redis.client;
  try {
    const parts: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${memos.config.redis.keyPrefix}*`, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        const type = await client.type(key);
        parts.push(key);
        if (type === 'string') parts.push((await client.getBuffer(key))?.toString('latin1') ?? '');
        if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
        if (type === 'list') parts.push(...(await client.lrange(key, 0, -1)));
        if (type === 'set') parts.push(...(await client.smembers(key)));
        if (type === 'zset') parts.push(...(await client.zrange(key, 0, -1)));
      }
    } while (cursor !== '0');
    return parts.join('\n');
  } finally {
    client.disconnect();
  }
}

describe.skipIf(!haveModel)(`verified erasure (${testBackend})`, () => {
  let memos: TestMemos;
  const ns = 'erasure-ns';

  beforeAll(async () => {
    memos = await startTestMemos({ MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: MODEL_PATH, MEMOS_SESSION_WINDOW: '3' });
  });
  afterAll(async () => {
    await memos?.close();
  });

  it('removes a word planted in every tier, index and cache for one user, leaves another user as it was, and proves it with a receipt', async () => {
    const secret = word();
    const user = `u-${randomBytes(4).toString('hex')}`;
    const other = `v-${randomBytes(4).toString('hex')}`;
    const say = (text: string) => ({ role: 'user', content: text });

    // Another user's records, which must come through untouched.
    expect((await memos.json('POST', '/api/v1/memories', { namespace: ns, userId: other, memories: [{ content: 'the other user likes tea' }] })).status).toBe(201);
    expect((await memos.json('POST', '/api/v1/episodes', { namespace: ns, userId: other, episodes: [{ kind: 'observation', content: 'the other user went hiking' }] })).status).toBe(201);
    expect((await memos.json('PUT', '/api/v1/sessions/other-chat', { namespace: ns, userId: other, messages: [say('hello from the other user')] })).status).toBe(201);

    // The user's: a session still live (four messages, a window of three: one is promoted to an episode).
    const planted = [`first ${secret} message`, `second ${secret} message`, `third ${secret} message`, `fourth ${secret} message`];
    expect((await memos.json('PUT', '/api/v1/sessions/chat-1', { namespace: ns, userId: user, messages: planted.map(say) })).status).toBe(201);
    const episodes = await memos.json('POST', '/api/v1/episodes', { namespace: ns, userId: user, episodes: [{ kind: 'observation', content: `saw the ${secret} in the garden` }, { kind: 'observation', content: `talked about ${secret} again` }] });
    expect(episodes.status).toBe(201);
    const created = await memos.json('POST', '/api/v1/memories', { namespace: ns, userId: user, memories: [{ content: `the user's codename is ${secret}` }, { content: `the user owns a ${secret} bicycle` }] });
    expect(created.status).toBe(201);
    const [memoryId] = created.body.ids as string[];
    // History: the old version keeps the word.
    expect((await memos.json('PATCH', `/api/v1/memories/${memoryId}`, { namespace: ns, content: 'the user has a new codename' })).status).toBe(200);
    // Vectors: every record embedded with the real model.
    await memos.services.backfill.runOnce();
    const search = await memos.json('POST', '/api/v1/search', { namespace: ns, userId: user, query: secret, mode: 'hybrid', limit: 20 });
    expect(search.body.hits.length).toBeGreaterThan(0);
    expect((await memos.json('POST', '/api/v1/search', { namespace: ns, userId: user, query: secret, mode: 'hybrid', limit: 20 })).body.cached).toBe(true);
    const context = await memos.json('POST', '/api/v1/context', { namespace: ns, userId: user, sessionId: 'chat-1', query: secret, tokenBudget: 2000 });
    expect(context.body.text).toContain(secret);
    // The embedding cache holds the vector of the query, under the namespace.
    const embedder = memos.services.gateway;
    expect(embedder).toBeDefined();
    const model = memos.embeddings.model;
    const dims = memos.embeddings.dimensions;
    const queryKey = { namespace: ns, cache: 'embeddings' as const, hash: embeddingHash(model, dims, planted[3]!) };
    await memos.embeddings.embed({ texts: [planted[3]!], purpose: 'document', namespace: ns });
    expect((await memos.cache.getMany([queryKey]))[0]).toBeDefined();
    expect(await tableText(memos)).toContain(secret);
    // Server mode: a promoted message still waiting in the Redis outbox (planted last: a read of the session would deliver it).
    let outboxPlanted = 0;
    if (testBackend === 'server') {
      const redis = await connectTestRedis();
      if (!('client' in redis)) throw new Error(redis.reason);
      const keys = sessionKeyLayout(memos.config.redis.keyPrefix, 1).of(memberOf({ namespace: ns, sessionId: 'chat-1' }));
      const episode = { id: `ep_OUTBOX${randomBytes(4).toString('hex')}`, namespace: ns, userId: user, sessionId: 'chat-1', kind: 'message', role: 'user', content: `waiting ${secret} in the outbox`, occurredAt: new Date().toISOString(), createdAt: new Date().toISOString(), metadata: {} };
      await redis.client.rpush(keys.outbox, JSON.stringify(episode));
      await redis.client.sadd(keys.outboxes, keys.member);
      redis.client.disconnect();
      outboxPlanted = 1;
    }

    const listOther = async () =>
      JSON.stringify([
        (await memos.json('GET', `/api/v1/memories?namespace=${ns}&userId=${other}`)).body,
        (await memos.json('GET', `/api/v1/episodes?namespace=${ns}&userId=${other}`)).body,
        (await memos.json('GET', `/api/v1/sessions/other-chat?namespace=${ns}`)).body.messages,
      ]);
    const before = await listOther();
    const exportOf = async (query: string) => {
      const answer = await memos.request({ method: 'GET', url: `/api/v1/export?namespace=${ns}${query}&withVectors=true` });
      expect(answer.statusCode).toBe(200);
      return answer.body.replace(/"exportedAt":"[^"]+"/, '');
    };
    const otherExport = await exportOf(`&userId=${other}`);
    expect(otherExport).toContain('the other user likes tea');

    const erased = await memos.json('DELETE', `/api/v1/users/${user}?namespace=${ns}`);
    expect(erased.status).toBe(200);
    const receipt = erased.body;
    expect(receipt.ok).toBe(true);
    expect(receipt.subject).toEqual({ namespace: ns, userId: user });
    expect(JSON.stringify(receipt)).not.toContain(secret);
    for (const verdict of Object.values(receipt.verified)) expect(verdict).toBe('clean');
    // Counts match what was planted: 1 session, 3 episodes (2 written, 1 promoted), 2 memories, 1 history version, their vectors.
    expect(receipt.removed.sessions).toBe(1);
    expect(receipt.removed.outbox).toBe(outboxPlanted);
    expect(receipt.removed.episodes).toBe(3);
    expect(receipt.removed.memories).toBe(2);
    expect(receipt.removed.memoryHistory).toBe(1);
    expect(receipt.removed.vectors).toBe(5);
    // Embedded: the search loaded both partitions of the in-process index, which held the five vectors.
    if (testBackend === 'embedded') expect(receipt.removed.vectorIndex).toBe(5);
    expect(receipt.removed.keywordIndex).toBe(5);
    expect(receipt.removed.responseCache).toBeGreaterThanOrEqual(2);
    expect(receipt.removed.embeddingCache).toBeGreaterThanOrEqual(1);

    // No table row, Redis key or value, or cache entry holds it (looked at before the probes below cache answers of their own).
    const rows = await tableText(memos);
    expect(rows).not.toContain(secret);
    for (const id of [...(created.body.ids as string[]), ...(episodes.body.ids as string[]), 'chat-1']) expect(rows.includes(id), `a row holds ${id}`).toBe(false);
    // The user's id is left where the erasure is recorded: its receipt, and its fence (which stays a few seconds after it).
    expect((await tableText(memos, ['erasure_receipts', 'erasure_fences'])).split('\n').filter((line) => line.includes(user))).toEqual([]);
    const redis = await redisText(memos);
    expect(redis.split('\n').filter((line, i, lines) => line.includes(secret) || lines[i + 1]?.includes(secret)).map((line) => line.slice(0, 300))).toEqual([]);
    expect(redis).not.toContain(user);
    expect((await memos.cache.getMany([queryKey]))[0]).toBeUndefined();
    // No route answers with the word or the user's ids.
    const answers = [
      await memos.json('GET', `/api/v1/memories?namespace=${ns}&userId=${user}`),
      await memos.json('GET', `/api/v1/memories?namespace=${ns}`),
      await memos.json('GET', `/api/v1/episodes?namespace=${ns}`),
      await memos.json('GET', `/api/v1/memories/${memoryId}?namespace=${ns}`),
      await memos.json('GET', `/api/v1/memories/${memoryId}/history?namespace=${ns}`),
      await memos.json('GET', `/api/v1/sessions/chat-1?namespace=${ns}`),
      await memos.json('POST', '/api/v1/search', { namespace: ns, query: secret, mode: 'hybrid', limit: 50 }),
      await memos.json('POST', '/api/v1/search', { namespace: ns, userId: user, query: secret, mode: 'keyword', limit: 50 }),
      await memos.json('POST', '/api/v1/context', { namespace: ns, userId: user, sessionId: 'chat-1', query: secret, tokenBudget: 2000 }),
    ];
    for (const answer of answers) {
      // Search and context answers repeat the request's own query.
      const { query: _asked, ...body } = answer.body as Record<string, unknown>;
      const text = JSON.stringify(body);
      expect(text).not.toContain(secret);
      // A 404 for a record asked for by id names that id (as for any missing record).
      if (answer.status === 404) continue;
      for (const id of [...(created.body.ids as string[]), ...(episodes.body.ids as string[])]) expect(text).not.toContain(id);
    }
    // The other user's records are byte-identical, and so is their export (vectors included).
    expect(await listOther()).toBe(before);
    expect(await exportOf(`&userId=${other}`)).toBe(otherExport);
    // The namespace's export holds nothing of the erased user.
    const namespaceExport = await exportOf('');
    expect(namespaceExport).not.toContain(secret);
    expect(namespaceExport).not.toContain(user);

    // The receipt can be fetched again, and its erasure is in the audit log.
    const again = await memos.json('GET', `/api/v1/erasures/${receipt.receiptId}?namespace=${ns}`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(receipt);
    expect((await memos.json('GET', `/api/v1/erasures/${receipt.receiptId}?namespace=another`)).status).toBe(404);
    const audit = await memos.json('GET', '/api/v1/admin/audit?action=erasure.user');
    expect(JSON.stringify(audit.body)).toContain(receipt.receiptId);
  });

  it('rejects or erases every write for the user that arrives while the erasure runs', async () => {
    const user = `w-${randomBytes(4).toString('hex')}`;
    const secret = word();
    for (let i = 0; i < 40; i++) await memos.json('POST', '/api/v1/episodes', { namespace: ns, userId: user, episodes: [{ kind: 'observation', content: `before ${i} ${secret}` }] });
    const statuses: number[] = [];
    let stop = false;
    const writer = async (n: number) => {
      for (let i = 0; i < 200 && !stop; i++) {
        const kind = i % 3;
        const answer =
          kind === 0
            ? await memos.json('POST', '/api/v1/episodes', { namespace: ns, userId: user, episodes: [{ kind: 'observation', content: `during ${n}.${i} ${secret}` }] })
            : kind === 1
              ? await memos.json('POST', '/api/v1/memories', { namespace: ns, userId: user, memories: [{ content: `fact ${n}.${i} ${secret}` }] })
              : await memos.json('POST', `/api/v1/sessions/live-${n}/messages`, { namespace: ns, userId: user, messages: [{ role: 'user', content: `said ${n}.${i} ${secret}` }] });
        statuses.push(answer.status);
        if (answer.status === 409) expect(answer.body.code).toBe('E_CONFLICT');
        else expect(answer.status).toBeLessThan(300);
      }
    };
    const writers = [writer(1), writer(2)];
    await new Promise((resolve) => setTimeout(resolve, 20));
    const erased = await memos.json('DELETE', `/api/v1/users/${user}?namespace=${ns}`);
    stop = true;
    await Promise.all(writers);
    expect(erased.status).toBe(200);
    expect(erased.body.ok, JSON.stringify(erased.body.verified)).toBe(true);
    // Writes acknowledged after the erasure finished are new data; everything from before it is gone:
    // nothing older than the receipt's finish time is left for the user.
    const finished = Date.parse(erased.body.finishedAt);
    const left = [
      ...(await memos.json('GET', `/api/v1/episodes?namespace=${ns}&userId=${user}&limit=500`)).body.items,
      ...(await memos.json('GET', `/api/v1/memories?namespace=${ns}&userId=${user}&limit=500`)).body.items,
    ];
    for (const record of left) expect(Date.parse(record.createdAt)).toBeGreaterThanOrEqual(finished);
    expect(statuses.length).toBeGreaterThan(0);
  });

  it('erases a whole namespace', async () => {
    const gone = 'erasure-whole';
    const secret = word();
    await memos.json('POST', '/api/v1/memories', { namespace: gone, userId: 'a', memories: [{ content: `a ${secret}` }] });
    await memos.json('POST', '/api/v1/episodes', { namespace: gone, episodes: [{ kind: 'observation', content: `b ${secret}` }] });
    await memos.json('PUT', '/api/v1/sessions/s', { namespace: gone, messages: [{ role: 'user', content: `c ${secret}` }] });
    await memos.services.backfill.runOnce();
    await memos.json('POST', '/api/v1/search', { namespace: gone, query: secret, mode: 'hybrid' });
    const erased = await memos.json('DELETE', `/api/v1/namespaces/${gone}`);
    expect(erased.status).toBe(200);
    expect(erased.body.ok).toBe(true);
    expect(erased.body.subject).toEqual({ namespace: gone });
    expect(erased.body.removed).toMatchObject({ sessions: 1, episodes: 1, memories: 1 });
    expect(await tableText(memos)).not.toContain(secret);
    expect((await memos.json('DELETE', `/api/v1/namespaces/${gone}?namespace=other`)).status).toBe(400);
  });
  it('refuses a user-bound key erasing another user, or a whole namespace', async () => {
    const made = await memos.json('POST', '/api/v1/admin/keys', { name: 'bound', role: 'write', namespaces: [ns], userId: 'alice' });
    const key = made.body.key as string;
    const as = (method: 'DELETE', url: string) => memos.request({ method, url, headers: { authorization: `Bearer ${key}` } });
    expect((await as('DELETE', `/api/v1/users/bob?namespace=${ns}`)).statusCode).toBe(403);
    expect((await as('DELETE', `/api/v1/namespaces/${ns}`)).statusCode).toBe(403);
    const own = await as('DELETE', `/api/v1/users/alice?namespace=${ns}`);
    expect(own.statusCode).toBe(200);
    expect(own.json().subject).toEqual({ namespace: ns, userId: 'alice' });
  });
});
