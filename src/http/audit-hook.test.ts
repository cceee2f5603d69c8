// The audit log through HTTP, on both backends: what each kind of request records, the outcome
// of refusals and failures, the listing route with its filters and cursors, the `audit` log lines,
// and that no entry and no log line ever holds the text a request carried.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../audit/audit-log.js';
import { manualClock } from '../core/clock.js';
import { ulidGenerator } from '../core/ids.js';
import type { AuditEntry } from '../core/types.js';
import { createJobs } from '../jobs/index.js';
import { createSqliteStorage } from '../storage/sqlite/index.js';
import { logSink } from '../../test/support/log-sink.js';
import { startTestMemos, testBackend, type TestMemos } from '../../test/support/test-memos.js';
import { until } from '../../test/support/until.js';
import { installAuditLog, outcomeOf } from './audit-hook.js';

let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

/** Every entry, newest first, once at least `count` are there (entries written after the answer follow it closely). */
async function entries(m: TestMemos, count: number): Promise<AuditEntry[]> {
  let items: AuditEntry[] = [];
  await until(async () => {
    await m.services.audit.flush();
    items = (await m.storage.audit.list({ filter: {}, limit: 10_000 })).items;
    return items.length >= count;
  });
  return items;
}

/** Session writes are committed with their entry in SQLite; in Redis the entry is written after the answer, with its status. */
const sessionStatus = (status: number) => (testBackend === 'server' ? { status } : {});

describe('what the audit log records', () => {
  it('records every change, cache clear and reindex: who, what, where, which records, and how it ended', async () => {
    memos = await startTestMemos();
    const m = memos;
    const written = await m.json('POST', '/api/v1/memories', { namespace: 'ns1', userId: 'u1', memories: [{ content: 'Likes tea' }, { content: 'Lives in Porto' }] });
    const [first] = written.body.ids as string[];
    await m.json('PATCH', `/api/v1/memories/${first}?namespace=ns1`, { importance: 0.9 });
    await m.json('DELETE', `/api/v1/memories/${first}?namespace=ns1`);
    const episodes = await m.json('POST', '/api/v1/episodes', { namespace: 'ns1', episodes: [{ kind: 'observation', content: 'Asked about tea' }] });
    await m.json('DELETE', `/api/v1/episodes/${episodes.body.ids[0]}?namespace=ns1`);
    await m.json('PUT', '/api/v1/sessions/s1', { namespace: 'ns1', messages: [{ role: 'user', content: 'hello' }] });
    await m.json('POST', '/api/v1/sessions/s1/messages', { namespace: 'ns1', messages: [{ role: 'assistant', content: 'hi' }] });
    await m.json('DELETE', '/api/v1/sessions/s1?namespace=ns1');
    await m.json('DELETE', '/api/v1/cache?namespace=ns1');
    await m.json('POST', '/api/v1/embeddings/cache/clear', {});
    await m.json('POST', '/api/v1/admin/reindex');
    // Reads are not recorded unless audit.reads says so.
    await m.json('GET', '/api/v1/memories?namespace=ns1');
    await m.json('POST', '/api/v1/search', { namespace: 'ns1', query: 'tea' });
    await m.json('GET', '/health');

    const log = (await entries(m, 11)).reverse();
    expect(log.map((entry) => [entry.action, entry.outcome])).toEqual([
      ['memories.upsert', 'ok'],
      ['memories.update', 'ok'],
      ['memories.delete', 'ok'],
      ['episodes.append', 'ok'],
      ['episodes.delete', 'ok'],
      ['sessions.put', 'ok'],
      ['sessions.append', 'ok'],
      ['sessions.delete', 'ok'],
      ['cache.clear', 'ok'],
      ['cache.clear', 'ok'],
      ['reindex.start', 'ok'],
    ]);
    const [upsert, update, del, append, , put, , , clear, , reindex] = log as AuditEntry[] & { length: 11 };
    // Committed in the transaction of the write, before the answer: no status.
    expect(upsert).toEqual({
      id: expect.stringMatching(/^aud_/), time: expect.any(String), keyId: 'local', role: 'admin', action: 'memories.upsert', method: 'POST',
      route: '/api/v1/memories', namespace: 'ns1', userId: 'u1', recordIds: written.body.ids, recordCount: 2, outcome: 'ok', requestId: expect.any(String),
    });
    expect(update).toMatchObject({ route: '/api/v1/memories/:id', method: 'PATCH', recordIds: [first] });
    expect(update).not.toHaveProperty('status');
    expect(del).toMatchObject({ route: '/api/v1/memories/:id', method: 'DELETE', recordIds: [first] });
    expect(append).toMatchObject({ recordIds: episodes.body.ids, recordCount: 1 });
    expect(put).toMatchObject({ route: '/api/v1/sessions/:sessionId', recordIds: ['s1'], ...sessionStatus(201) });
    // Cache clears and reindexing change no record in a transaction: written after the answer, with its status.
    expect(clear).toMatchObject({ method: 'DELETE', route: '/api/v1/cache', namespace: 'ns1', status: 200 });
    expect(reindex).toMatchObject({ route: '/api/v1/admin/reindex', status: 202 });
    expect(reindex).not.toHaveProperty('namespace');
  });

  it('records refused and failed requests as failed, with their status, and no ok entry for a write that failed', async () => {
    memos = await startTestMemos();
    const m = memos;
    const created = await m.json('POST', '/api/v1/memories', { memories: [{ content: 'Likes tea' }] });
    const id = created.body.ids[0] as string;
    expect((await m.json('PATCH', `/api/v1/memories/${id}`, { importance: 0.2, expectedVersion: 7 })).status).toBe(409);
    expect((await m.json('DELETE', '/api/v1/memories/mem_missing')).status).toBe(404);
    expect((await m.json('POST', '/api/v1/episodes', { episodes: [{ kind: 'observation' }] })).status).toBe(400);
    const log = (await entries(m, 4)).reverse();
    expect(log.map((entry) => [entry.action, entry.outcome, entry.status])).toEqual([
      ['memories.upsert', 'ok', undefined],
      ['memories.update', 'failed', 409],
      ['memories.delete', 'failed', 404],
      ['episodes.append', 'failed', 400],
    ]);
    expect(log[1]).toMatchObject({ recordIds: [id] });
    expect(log[2]).toMatchObject({ recordIds: ['mem_missing'] });
  });

  it('records reads, listings and searches too with audit.reads', async () => {
    memos = await startTestMemos({ MEMOS_AUDIT_READS: 'true' });
    const m = memos;
    await m.json('GET', '/api/v1/memories?namespace=ns1&userId=u7');
    await m.json('POST', '/api/v1/search', { namespace: 'ns1', query: 'tea' });
    await m.json('POST', '/api/v1/context', { namespace: 'ns1', query: 'tea' });
    await m.json('GET', '/api/v1/episodes/ep_nope?namespace=ns1');
    await m.json('GET', '/health');
    const log = (await entries(m, 4)).reverse();
    expect(log.map((entry) => [entry.action, entry.outcome, entry.status])).toEqual([
      ['memories.list', 'ok', 200],
      ['recall.search', 'ok', 200],
      ['recall.context', 'ok', 200],
      ['episodes.get', 'failed', 404],
    ]);
    expect(log[0]).toMatchObject({ namespace: 'ns1', userId: 'u7', route: '/api/v1/memories' });
  });

  it('sends every entry out as an `audit` log line, with the status the answer had', async () => {
    const sink = logSink();
    memos = await startTestMemos({ MEMOS_LOG_LEVEL: 'info' }, undefined, undefined, sink.stream);
    const m = memos;
    await m.json('POST', '/api/v1/memories', { memories: [{ content: 'Likes tea' }] });
    await m.json('DELETE', '/api/v1/memories/mem_missing');
    const stored = await entries(m, 2);
    await until(() => sink.lines.filter((line) => line.msg === 'audit').length >= 2);
    const lines = sink.lines.filter((line) => line.msg === 'audit').map((line) => line.audit as AuditEntry);
    expect(lines.map((line) => line.id).sort()).toEqual(stored.map((entry) => entry.id).sort());
    expect(lines.find((line) => line.action === 'memories.upsert')).toMatchObject({ outcome: 'ok', status: 201 });
    expect(lines.find((line) => line.action === 'memories.delete')).toMatchObject({ outcome: 'failed', status: 404 });
  });
});

describe('GET /api/v1/admin/audit', () => {
  it('filters by namespace, key, action and time, newest first, a page at a time', async () => {
    const clock = manualClock();
    memos = await startTestMemos({}, clock);
    const m = memos;
    const start = new Date(clock.now()).toISOString();
    await m.json('POST', '/api/v1/memories', { namespace: 'ns1', memories: [{ content: 'one' }] });
    clock.advance(60_000);
    const middle = new Date(clock.now()).toISOString();
    await m.json('POST', '/api/v1/memories', { namespace: 'ns2', memories: [{ content: 'two' }] });
    clock.advance(60_000);
    await m.json('POST', '/api/v1/episodes', { namespace: 'ns1', episodes: [{ kind: 'observation', content: 'three' }] });
    clock.advance(60_000);
    await m.json('DELETE', '/api/v1/cache');
    await entries(m, 4);
    // Reading the audit log is recorded too, from here on: `to` leaves those entries out.
    clock.advance(60_000);
    const end = new Date(clock.now()).toISOString();

    const actions = async (query: string) => {
      const answer = await m.json('GET', `/api/v1/admin/audit${query}`);
      expect(answer.status, query).toBe(200);
      return (answer.body.items as AuditEntry[]).map((entry) => `${entry.action}@${entry.namespace ?? '*'}`);
    };
    expect(await actions(`?to=${end}`)).toEqual(['cache.clear@*', 'episodes.append@ns1', 'memories.upsert@ns2', 'memories.upsert@ns1']);
    expect(await actions('?namespace=ns1')).toEqual(['episodes.append@ns1', 'memories.upsert@ns1']);
    expect(await actions('?action=memories.upsert')).toEqual(['memories.upsert@ns2', 'memories.upsert@ns1']);
    expect(await actions('?keyId=local&namespace=ns2')).toEqual(['memories.upsert@ns2']);
    expect(await actions('?keyId=someone-else')).toEqual([]);
    expect(await actions(`?from=${start}&to=${middle}`)).toEqual(['memories.upsert@ns1']);
    expect(await actions(`?from=${middle}&namespace=ns1`)).toEqual(['episodes.append@ns1']);

    const pages: string[] = [];
    let cursor: string | undefined;
    do {
      const answer = await m.json('GET', `/api/v1/admin/audit?limit=3&to=${end}${cursor === undefined ? '' : `&cursor=${cursor}`}`);
      pages.push(...answer.body.items.map((entry: AuditEntry) => entry.action));
      cursor = answer.body.nextCursor;
    } while (cursor !== undefined);
    expect(pages).toEqual(['cache.clear', 'episodes.append', 'memories.upsert', 'memories.upsert']);
    expect((await entries(m, 13)).filter((entry) => entry.action === 'audit.list')).toHaveLength(9);
  });

  it('answers 400 naming the field for a bad cursor, range or action', async () => {
    memos = await startTestMemos();
    const m = memos;
    const bad = async (query: string, field: string) => {
      const answer = await m.json('GET', `/api/v1/admin/audit${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.detail, query).toContain(field);
    };
    await bad('?cursor=abc', 'cursor');
    await bad('?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'to');
    await bad('?action=memories.explode', 'action');
    await bad('?limit=0', 'limit');
    await bad('?namespace=not%20an%20id', 'namespace');
  });
});

describe('entries never hold text', () => {
  it('a word planted in contents, metadata, state, messages, queries, inputs, key names and failed requests appears in no entry and no log line', async () => {
    const word = `plantedword${randomBytes(6).toString('hex')}`;
    const sink = logSink();
    // Keys off: the key made below would otherwise make every later request need one.
    memos = await startTestMemos({ MEMOS_AUDIT_READS: 'true', MEMOS_LOG_LEVEL: 'trace', MEMOS_AUTH: 'off' }, undefined, undefined, sink.stream);
    const m = memos;
    const requests: Array<[string, string, unknown?]> = [
      ['POST', '/api/v1/memories', { namespace: 'ns1', memories: [{ content: `I like ${word}`, metadata: { note: word, [word]: 1 } }] }],
      ['POST', '/api/v1/episodes', {
        namespace: 'ns1',
        episodes: [{ kind: 'intervention', content: `did ${word}`, task: word, context: word, outcome: 'unknown', metadata: { tag: word } }],
      }],
      ['PUT', '/api/v1/sessions/s1', { namespace: 'ns1', messages: [{ role: 'user', content: word, name: word, metadata: { m: word } }], state: { [word]: word }, summary: word }],
      ['POST', '/api/v1/sessions/s1/messages', { namespace: 'ns1', messages: [{ role: 'assistant', content: `about ${word}` }] }],
      ['POST', '/api/v1/search', { namespace: 'ns1', query: word, filters: { metadata: { note: word } } }],
      ['POST', '/api/v1/context', { namespace: 'ns1', sessionId: 's1', query: word }],
      ['POST', '/v1/embeddings', { input: word, model: word }],
      ['POST', '/api/v1/embeddings', { text: word }],
      // Refused requests: their bodies and queries are never read into an entry.
      ['POST', '/api/v1/memories', { namespace: 'ns1', memories: [{ content: word, [word]: word }] }],
      ['POST', '/api/v1/search', { query: word, mode: word }],
      ['GET', `/api/v1/episodes?namespace=ns1&cursor=${word}&userId=${encodeURIComponent(`${word} ${word}`)}`],
      ['DELETE', `/api/v1/memories/${encodeURIComponent(`${word} and more`)}`],
    ];
    const spec = (await m.json('GET', '/openapi.json')).body as { paths: Record<string, unknown> };
    // A key's name is text too.
    expect(spec.paths['/api/v1/admin/keys']).toBeDefined();
    requests.push(['POST', '/api/v1/admin/keys', { name: word, role: 'read', namespaces: ['ns1'] }]);
    const memory = await m.json('POST', '/api/v1/memories', { namespace: 'ns1', memories: [{ content: 'plain' }] });
    requests.push(['PATCH', `/api/v1/memories/${memory.body.ids[0]}?namespace=ns1`, { content: `now ${word}`, metadata: { w: word } }]);
    for (const [method, url, body] of requests) await m.json(method as 'GET', url, body);

    const stored = await entries(m, requests.length + 1);
    const listed = (await m.json('GET', '/api/v1/admin/audit?limit=500')).body.items as AuditEntry[];
    expect(listed.length).toBeGreaterThanOrEqual(requests.length + 1);
    expect(new Set(stored.map((entry) => entry.outcome))).toEqual(new Set(['ok', 'failed']));
    await until(() => sink.lines.filter((line) => line.msg === 'audit').length >= requests.length + 1);
    expect(JSON.stringify(stored).toLowerCase()).not.toContain(word);
    expect(JSON.stringify(listed).toLowerCase()).not.toContain(word);
    expect(sink.raw().toLowerCase()).not.toContain(word);
  });
});

describe('requests refused by the access hook', () => {
  it('are recorded as denied, with the key when there was one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memos-audit-denied-'));
    const clock = manualClock();
    const ids = ulidGenerator(clock);
    const storage = createSqliteStorage({ path: join(dir, 'memos.db'), clock, ids, synchronous: 'normal' });
    await storage.init();
    const audit = createAuditLog({ store: storage.audit, jobs: createJobs({ vectors: storage.vectors, clock }), clock, ids, logger: pino({ level: 'silent' }), retentionDays: 90 });
    const app = Fastify();
    try {
      app.decorateRequest('principal', undefined);
      installAuditLog(app, { audit, reads: false });
      // An access hook as memOS's own: who asks comes from the key; refusals answer before any handler.
      app.addHook('onRequest', async (request, reply) => {
        const key = request.headers['x-key'];
        if (typeof key !== 'string') return reply.code(401).send({});
        request.principal = { keyId: key, role: key === 'reader' ? 'read' : 'write', namespaces: ['*'], ...(key === 'bound' ? { userId: 'u9' } : {}) };
        if (key === 'reader') return reply.code(403).send({});
        if (key === 'busy') return reply.code(429).send({});
        return undefined;
      });
      app.delete('/api/v1/memories/:id', async (_request, reply) => reply.code(204).send());
      await app.ready();
      for (const key of [undefined, 'reader', 'busy', 'bound']) {
        await app.inject({ method: 'DELETE', url: '/api/v1/memories/mem_1', headers: key === undefined ? {} : { 'x-key': key } });
      }
      let items: AuditEntry[] = [];
      await until(async () => {
        await audit.flush();
        items = (await storage.audit.list({ filter: {}, limit: 10 })).items;
        return items.length === 4;
      });
      const byStatus = Object.fromEntries(items.map((entry) => [entry.status ?? 'committed', entry]));
      expect(byStatus[401]).toMatchObject({ outcome: 'denied', recordIds: ['mem_1'] });
      expect(byStatus[401]).not.toHaveProperty('keyId');
      expect(byStatus[403]).toMatchObject({ outcome: 'denied', keyId: 'reader', role: 'read' });
      expect(byStatus[429]).toMatchObject({ outcome: 'denied', keyId: 'busy', role: 'write' });
      expect(byStatus[204]).toMatchObject({ outcome: 'ok', keyId: 'bound', userId: 'u9' });
    } finally {
      await app.close();
      await audit.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the outcome follows the status: 401, 403 and 429 are denied, other errors failed', () => {
    expect([200, 201, 204, 202, 401, 403, 429, 400, 404, 409, 413, 500, 503].map(outcomeOf)).toEqual([
      'ok', 'ok', 'ok', 'ok', 'denied', 'denied', 'denied', 'failed', 'failed', 'failed', 'failed', 'failed', 'failed',
    ]);
  });
});
