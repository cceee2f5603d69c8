// Bad input on every route: a 4xx problem+json that names the field, and nothing written.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';

let memos: TestMemos;
beforeAll(async () => {
  memos = await startTestMemos({ MEMOS_MAX_CONTENT_BYTES: '64', MEMOS_MAX_METADATA_BYTES: '128', MEMOS_MAX_BATCH_ITEMS: '3', MEMOS_MAX_METADATA_DEPTH: '3' });
});
afterAll(async () => memos.close());

const NS = 'validation';
const long = 'x'.repeat(65);
const deep = { a: { b: { c: { d: 1 } } } };
const big = { blob: 'y'.repeat(200) };
const badId = 'has space';
const tooLongId = 'a'.repeat(129);
const memory = (extra: object = {}) => ({ content: 'ok', ...extra });
const episode = (extra: object = {}) => ({ kind: 'observation', content: 'ok', ...extra });
const message = (extra: object = {}) => ({ role: 'user', content: 'ok', ...extra });

type Case = [name: string, request: InjectOptions, status: number, field: string];

const json = (method: InjectOptions['method'], url: string, payload: unknown): InjectOptions => ({ method, url, payload: payload as object });
const raw = (method: InjectOptions['method'], url: string, payload: string, contentType = 'application/json'): InjectOptions => ({
  method,
  url,
  payload,
  headers: { 'content-type': contentType },
});

const cases: Case[] = [
  // sessions
  ['session: bad id in path', json('PUT', `/api/v1/sessions/${encodeURIComponent(badId)}`, { namespace: NS }), 400, 'sessionId'],
  ['session: id too long', json('PUT', `/api/v1/sessions/${tooLongId}`, { namespace: NS }), 400, 'sessionId'],
  ['session: bad namespace', json('PUT', '/api/v1/sessions/s1', { namespace: 'a/b' }), 400, 'namespace'],
  ['session: unknown field', json('PUT', '/api/v1/sessions/s1', { namespace: NS, colour: 'red' }), 400, 'colour'],
  ['session: messages not array', json('PUT', '/api/v1/sessions/s1', { namespace: NS, messages: 'hi' }), 400, 'messages'],
  ['session: bad role', json('PUT', '/api/v1/sessions/s1', { namespace: NS, messages: [message({ role: 'robot' })] }), 400, 'messages[0].role'],
  ['session: oversize message', json('PUT', '/api/v1/sessions/s1', { namespace: NS, messages: [message(), message({ content: long })] }), 400, 'messages[1].content'],
  ['session: state not object', json('PUT', '/api/v1/sessions/s1', { namespace: NS, state: [1, 2] }), 400, 'state'],
  ['session: ttl negative', json('PUT', '/api/v1/sessions/s1', { namespace: NS, ttlSeconds: -5 }), 400, 'ttlSeconds'],
  ['session: ttl wrong type', json('PUT', '/api/v1/sessions/s1', { namespace: NS, ttlSeconds: '60' }), 400, 'ttlSeconds'],
  ['session: bad createdAt', json('PUT', '/api/v1/sessions/s1', { namespace: NS, messages: [message({ createdAt: 'yesterday' })] }), 400, 'messages[0].createdAt'],
  ['session: malformed JSON', raw('PUT', '/api/v1/sessions/s1', '{"namespace": "validation",'), 400, 'body'],
  ['session get: bad namespace', json('GET', `/api/v1/sessions/s1?namespace=${encodeURIComponent('a b')}`, undefined), 400, 'namespace'],
  ['session get: unknown query', json('GET', '/api/v1/sessions/s1?namespace=validation&x=1', undefined), 400, 'x'],
  ['append: missing messages', json('POST', '/api/v1/sessions/s1/messages', { namespace: NS }), 400, 'messages'],
  ['append: empty messages', json('POST', '/api/v1/sessions/s1/messages', { namespace: NS, messages: [] }), 400, 'messages'],
  ['append: too many', json('POST', '/api/v1/sessions/s1/messages', { namespace: NS, messages: [message(), message(), message(), message()] }), 400, 'messages'],
  ['append: missing content', json('POST', '/api/v1/sessions/s1/messages', { namespace: NS, messages: [{ role: 'user' }] }), 400, 'messages[0].content'],
  ['append: blank content', json('POST', '/api/v1/sessions/s1/messages', { namespace: NS, messages: [message({ content: '   ' })] }), 400, 'messages[0].content'],
  ['append: no body', { method: 'POST', url: '/api/v1/sessions/s1/messages' }, 400, 'body'],
  ['delete session: bad id', json('DELETE', `/api/v1/sessions/${encodeURIComponent(badId)}?namespace=validation`, undefined), 400, 'sessionId'],
  // episodes
  ['episodes: missing list', json('POST', '/api/v1/episodes', { namespace: NS }), 400, 'episodes'],
  ['episodes: wrong type', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ content: 42 })] }), 400, 'episodes[0].content'],
  ['episodes: bad kind', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ kind: 'Not A Kind!' })] }), 400, 'episodes[0].kind'],
  ['episodes: bad outcome', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ kind: 'intervention', task: 't', outcome: 'won' })] }), 400, 'episodes[0].outcome'],
  ['episodes: intervention without task', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode(), episode({ kind: 'intervention' })] }), 400, 'episodes[1].task'],
  ['episodes: task on observation', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ task: 't' })] }), 400, 'episodes[0].task'],
  ['episodes: oversize content', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode(), episode({ content: long })] }), 400, 'episodes[1].content'],
  ['episodes: metadata too big', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ metadata: big })] }), 400, 'episodes[0].metadata'],
  ['episodes: metadata too deep', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ metadata: deep })] }), 400, 'episodes[0].metadata'],
  ['episodes: bad occurredAt', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ occurredAt: '2026-13-45T99:00:00Z' })] }), 400, 'episodes[0].occurredAt'],
  ['episodes: time without zone', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ occurredAt: '2026-01-01T10:00:00' })] }), 400, 'episodes[0].occurredAt'],
  ['episodes: bad userId', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ userId: badId })] }), 400, 'episodes[0].userId'],
  ['episodes: unknown item field', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ mood: 'sad' })] }), 400, 'episodes[0].mood'],
  ['episodes: batch too large', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode(), episode(), episode(), episode()] }), 400, 'episodes'],
  ['episodes: not JSON', raw('POST', '/api/v1/episodes', 'kind=observation', 'text/plain'), 415, 'body'],
  ['episodes: proto poisoning', raw('POST', '/api/v1/episodes', '{"namespace":"validation","__proto__":{"x":1},"episodes":[]}'), 400, 'body'],
  ['timeline: bad limit', json('GET', '/api/v1/episodes?namespace=validation&limit=0', undefined), 400, 'limit'],
  ['timeline: limit not a number', json('GET', '/api/v1/episodes?namespace=validation&limit=ten', undefined), 400, 'limit'],
  ['timeline: bad from', json('GET', '/api/v1/episodes?namespace=validation&from=monday', undefined), 400, 'from'],
  ['timeline: from after to', json('GET', '/api/v1/episodes?namespace=validation&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', undefined), 400, 'to'],
  ['timeline: bad order', json('GET', '/api/v1/episodes?namespace=validation&order=sideways', undefined), 400, 'order'],
  ['timeline: forged cursor', json('GET', '/api/v1/episodes?namespace=validation&cursor=bm9wZQ', undefined), 400, 'cursor'],
  ['episode get: bad id', json('GET', `/api/v1/episodes/${encodeURIComponent(badId)}?namespace=validation`, undefined), 400, 'id'],
  ['episode get: missing', json('GET', '/api/v1/episodes/ep_missing?namespace=validation', undefined), 404, ''],
  ['episode delete: missing', json('DELETE', '/api/v1/episodes/ep_missing?namespace=validation', undefined), 404, ''],
  // memories
  ['memories: empty list', json('POST', '/api/v1/memories', { namespace: NS, memories: [] }), 400, 'memories'],
  ['memories: bad kind', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory(), memory({ kind: 'gossip' })] }), 400, 'memories[1].kind'],
  ['memories: importance above 1', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory({ importance: 1.5 })] }), 400, 'memories[0].importance'],
  ['memories: importance as string', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory({ importance: 'high' })] }), 400, 'memories[0].importance'],
  ['memories: oversize content', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory({ content: long })] }), 400, 'memories[0].content'],
  ['memories: multibyte oversize', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory({ content: 'é'.repeat(40) })] }), 400, 'memories[0].content'],
  ['memories: metadata array', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory({ metadata: ['a'] })] }), 400, 'memories[0].metadata'],
  ['memories: expiry in the past', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory(), memory({ expiresAt: '2001-01-01T00:00:00Z' })] }), 400, 'memories[1].expiresAt'],
  ['memories: bad source id', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory({ sourceEpisodeIds: [badId] })] }), 400, 'memories[0].sourceEpisodeIds[0]'],
  ['memories: unknown top field', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory()], upsert: true }), 400, 'upsert'],
  ['memories: malformed JSON', raw('POST', '/api/v1/memories', '{"memories": [{"content": "a"}'), 400, 'body'],
  ['memories: empty body', raw('POST', '/api/v1/memories', ''), 400, 'body'],
  ['memories: body is an array', json('POST', '/api/v1/memories', [memory()]), 400, 'body'],
  ['memory list: bad kind', json('GET', '/api/v1/memories?namespace=validation&kind=gossip', undefined), 400, 'kind[0]'],
  ['memory list: limit too big', json('GET', '/api/v1/memories?namespace=validation&limit=501', undefined), 400, 'limit'],
  ['memory patch: empty patch', json('PATCH', '/api/v1/memories/mem_x?namespace=validation', {}), 400, 'body'],
  ['memory patch: bad importance', json('PATCH', '/api/v1/memories/mem_x?namespace=validation', { importance: -1 }), 400, 'importance'],
  ['memory patch: unknown field', json('PATCH', '/api/v1/memories/mem_x?namespace=validation', { id: 'other' }), 400, 'id'],
  ['memory patch: missing memory', json('PATCH', '/api/v1/memories/mem_x?namespace=validation', { importance: 0.2 }), 404, ''],
  ['memory get: bad id', json('GET', `/api/v1/memories/${tooLongId}?namespace=validation`, undefined), 400, 'id'],
  ['memory history: missing', json('GET', '/api/v1/memories/mem_x/history?namespace=validation', undefined), 404, ''],
  ['memory delete: missing', json('DELETE', '/api/v1/memories/mem_x?namespace=validation', undefined), 404, ''],
  // search
  ['search: missing query', json('POST', '/api/v1/search', { namespace: NS }), 400, 'query'],
  ['search: blank query', json('POST', '/api/v1/search', { namespace: NS, query: '  ' }), 400, 'query'],
  ['search: bad mode', json('POST', '/api/v1/search', { namespace: NS, query: 'q', mode: 'psychic' }), 400, 'mode'],
  ['search: bad type', json('POST', '/api/v1/search', { namespace: NS, query: 'q', types: ['documents'] }), 400, 'types[0]'],
  ['search: limit too big', json('POST', '/api/v1/search', { namespace: NS, query: 'q', limit: 5000 }), 400, 'limit'],
  ['search: limit fraction', json('POST', '/api/v1/search', { namespace: NS, query: 'q', limit: 2.5 }), 400, 'limit'],
  ['search: bad filter date', json('POST', '/api/v1/search', { namespace: NS, query: 'q', filters: { from: '2026' } }), 400, 'filters.from'],
  ['search: bad metadata key', json('POST', '/api/v1/search', { namespace: NS, query: 'q', filters: { metadata: { 'a b': 1 } } }), 400, 'filters.metadata.a b'],
  ['search: metadata object value', json('POST', '/api/v1/search', { namespace: NS, query: 'q', filters: { metadata: { a: { b: 1 } } } }), 400, 'filters.metadata.a'],
  ['search: unknown filter', json('POST', '/api/v1/search', { namespace: NS, query: 'q', filters: { colour: 'red' } }), 400, 'filters.colour'],
  // NUL, which PostgreSQL cannot store: refused in every mode
  ['nul: memory content', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory(), memory({ content: 'a\u0000b' })] }), 400, 'memories[1].content'],
  ['nul: memory metadata value', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory({ metadata: { note: 'x\u0000' } })] }), 400, 'memories[0].metadata.note'],
  ['nul: memory metadata key', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory({ metadata: { ['k\u0000']: 1 } })] }), 400, 'memories[0].metadata.k\u0000'],
  ['nul: episode content', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ content: '\u0000' })] }), 400, 'episodes[0].content'],
  ['nul: message content', json('POST', '/api/v1/sessions/s1/messages', { namespace: NS, messages: [message({ content: 'hi\u0000' })] }), 400, 'messages[0].content'],
  ['nul: session state', json('PUT', '/api/v1/sessions/s1', { namespace: NS, state: { step: 'a\u0000' } }), 400, 'state.step'],
  ['nul: memory patch', json('PATCH', '/api/v1/memories/mem_x?namespace=validation', { content: 'new\u0000' }), 400, 'content'],
  ['nul: search query', json('POST', '/api/v1/search', { namespace: NS, query: 'tea\u0000' }), 400, 'query'],
  ['nul: context query', json('POST', '/api/v1/context', { namespace: NS, query: '\u0000tea' }), 400, 'query'],
  ['nul: query string', json('GET', '/api/v1/memories?namespace=val%00idation', undefined), 400, 'namespace'],
  ['nul: path', json('GET', '/api/v1/memories/mem%00x?namespace=validation', undefined), 400, 'id'],
];

describe('bad input on every route', () => {
  it.each(cases)('%s', async (_name, request, status, field) => {
    const response = await memos.request(request);
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({ status, type: expect.stringMatching(/^urn:memos:problem:/), title: expect.any(String), detail: expect.any(String), code: expect.stringMatching(/^E_/) });
    if (field !== '') {
      expect(problem.code).toBe(status === 415 ? 'E_UNSUPPORTED_MEDIA_TYPE' : 'E_VALIDATION');
      const named = [problem.field, ...(problem.errors ?? []).map((issue: { field: string }) => issue.field)];
      expect(named).toContain(field);
      expect(problem.detail).toContain(field);
    }
  });

  it('rejects a body over the size limit with 413', async () => {
    const response = await memos.request({ method: 'POST', url: '/api/v1/memories', payload: { namespace: NS, memories: [{ content: 'z'.repeat(4 * 1024 * 1024) }] } });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'E_PAYLOAD_TOO_LARGE', field: 'body' });
  });

  it('wrote nothing for any rejected request', async () => {
    const episodes = await memos.json('GET', `/api/v1/episodes?namespace=${NS}`);
    const memories = await memos.json('GET', `/api/v1/memories?namespace=${NS}`);
    const session = await memos.json('GET', `/api/v1/sessions/s1?namespace=${NS}`);
    expect(episodes.body.items).toEqual([]);
    expect(memories.body.items).toEqual([]);
    expect(session.status).toBe(404);
  });
});
