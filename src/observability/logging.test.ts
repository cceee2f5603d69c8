// What memOS logs: one JSON line per request with its id, route template, status, latency and
// namespace; failures with their code and cause; and never memory text, vectors or secrets.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAiServer, type FakeOpenAiServer } from '../embeddings/fake/index.js';
import { logSink } from '../../test/support/log-sink.js';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';

const API_KEY = 'sk-log-test-SECRET-4f9a2c';
/** Words that appear only in what clients send: none of them may reach a log line. */
const PRIVATE = ['zanzibar-allergy', 'quokka-preference', 'marmalade-episode', 'okapi-session', 'narwhal-query', 'tapir-gateway', 'ibex-update'];

let upstream: FakeOpenAiServer | undefined;
let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  await upstream?.close();
  memos = upstream = undefined;
});

describe('logs', () => {
  it('write one line per request, failures with code and cause, and never memory text, vectors or secrets', async () => {
    upstream = await startFakeOpenAiServer({ dimensions: 32 });
    const logs = logSink();
    memos = await startTestMemos(
      { MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_URL: upstream.baseUrl, MEMOS_EMBEDDING_MODEL: 'log-embedder', MEMOS_EMBEDDING_API_KEY: API_KEY },
      undefined,
      undefined,
      logs.stream,
    );
    const ns = 'tenant-logs';
    const created = await memos.json('POST', '/api/v1/memories', { namespace: ns, memories: [{ content: `The user has a ${PRIVATE[0]}` }, { content: `Likes ${PRIVATE[1]}` }] });
    expect(created.status).toBe(201);
    expect((await memos.json('POST', '/api/v1/episodes', { namespace: ns, episodes: [{ kind: 'observation', content: `Saw ${PRIVATE[2]}` }] })).status).toBe(201);
    expect((await memos.json('POST', '/api/v1/sessions/s-1/messages', { namespace: ns, messages: [{ role: 'user', content: `Hi ${PRIVATE[3]}` }] })).status).toBe(201);
    expect((await memos.json('POST', '/api/v1/search', { namespace: ns, query: PRIVATE[4] })).status).toBe(200);
    expect((await memos.json('POST', '/api/v1/context', { namespace: ns, sessionId: 's-1', query: PRIVATE[4] })).status).toBe(200);
    expect((await memos.json('POST', '/v1/embeddings', { model: 'log-embedder', input: PRIVATE[5] })).status).toBe(200);
    const id = created.body.results[0].id as string;
    expect((await memos.json('PATCH', `/api/v1/memories/${id}?namespace=${ns}`, { content: `Now a ${PRIVATE[6]}` })).status).toBe(200);
    // Bad input echoes nothing of itself into the logs either.
    expect((await memos.json('POST', '/api/v1/memories', { namespace: ns, memories: [{ content: PRIVATE[0], importance: 7 }] })).status).toBe(400);
    // The upstream embedder failing: the gateway answers 502.
    upstream.fail(...Array.from({ length: 8 }, () => ({ kind: 'status' as const, status: 500, body: { error: { message: `echo ${PRIVATE[5]}` } } })));
    expect((await memos.json('POST', '/api/v1/embeddings', { text: `${PRIVATE[5]} again` })).status).toBe(502);
    // Storage gone: a 503 whose log line names the code and the cause.
    await memos.storage.close();
    expect((await memos.json('GET', `/api/v1/memories/${id}?namespace=${ns}`)).status).toBe(503);
    await memos.storage.init();

    const requests = logs.lines.filter((line) => line.msg === 'request');
    expect(requests).toHaveLength(10);
    for (const line of requests) {
      expect(line).toMatchObject({ reqId: expect.any(String), method: expect.any(String), route: expect.stringMatching(/^\//), status: expect.any(Number), ms: expect.any(Number) });
    }
    expect(requests.find((line) => line.route === '/api/v1/memories/:id' && line.method === 'PATCH')).toMatchObject({ status: 200, namespace: ns });
    expect(requests.find((line) => line.route === '/api/v1/search')).toMatchObject({ status: 200, namespace: ns });
    expect(new Set(requests.map((line) => line.reqId)).size).toBe(requests.length);

    const failed = logs.lines.find((line) => line.msg === 'request failed');
    expect(failed).toMatchObject({ level: 50, code: 'E_STORAGE_UNAVAILABLE', err: { type: 'MemosError', message: expect.any(String) } });
    expect(failed!.reqId).toBe(requests.find((line) => line.status === 503)!.reqId);

    const raw = logs.raw();
    for (const word of [...PRIVATE, API_KEY]) expect(raw, word).not.toContain(word);
    // No vector: no run of eight or more decimal numbers anywhere.
    expect(raw).not.toMatch(/(-?\d+\.\d{3,}\s*,\s*){8}/);
  });

  it('collapse repeated request failures while storage is down: the first in full, then one line per code and interval with a count', async () => {
    const logs = logSink();
    memos = await startTestMemos({}, undefined, undefined, logs.stream);
    await memos.storage.close();
    const statuses = [];
    for (let i = 0; i < 300; i += 1) statuses.push((await memos.json('GET', `/api/v1/memories/mem_${i}`)).status);
    await memos.storage.init();
    expect(statuses.every((status) => status === 503)).toBe(true);
    await memos.close(); // writes the pending count
    memos = undefined;

    const failed = logs.lines.filter((line) => line.msg === 'request failed');
    const full = failed.filter((line) => line.repeated === undefined);
    const counted = failed.filter((line) => line.repeated !== undefined);
    expect(full).toHaveLength(1);
    expect(full[0]).toMatchObject({ level: 50, code: 'E_STORAGE_UNAVAILABLE', reqId: expect.any(String), err: { stack: expect.any(String) } });
    expect(counted.length).toBeGreaterThanOrEqual(1);
    for (const line of counted) expect(line).toMatchObject({ level: 50, code: 'E_STORAGE_UNAVAILABLE', repeated: expect.any(Number), seconds: expect.any(Number), err: { type: 'MemosError' } });
    expect(full.length + counted.reduce((total, line) => total + (line.repeated as number), 0)).toBe(300);
    // Every request still has its own access line.
    expect(logs.lines.filter((line) => line.msg === 'request' && line.status === 503)).toHaveLength(300);
  });
});
