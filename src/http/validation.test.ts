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

/** Every route that takes a JSON body. */
const JSON_ROUTES: [InjectOptions['method'], string][] = [
  ['PUT', '/api/v1/sessions/s1'],
  ['POST', '/api/v1/sessions/s1/messages'],
  ['POST', '/api/v1/episodes'],
  ['POST', '/api/v1/memories'],
  ['PATCH', '/api/v1/memories/mem_x?namespace=validation'],
  ['POST', '/api/v1/search'],
  ['POST', '/api/v1/context'],
  ['POST', '/v1/embeddings'],
  ['POST', '/api/v1/embeddings'],
  ['POST', '/api/v1/embeddings/batch'],
  ['POST', '/api/v1/embeddings/cache/clear'],
];

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const FORGED_CURSORS: [what: string, cursor: string][] = [
  ['year 0', cursorOf(['0000-01-01T00:00:00.000Z', 'ep_1'])],
  ['year 10000', cursorOf(['+010000-01-01T00:00:00.000Z', 'ep_1'])],
  ['year -100', cursorOf(['-000100-01-01T00:00:00.000Z', 'ep_1'])],
  ['earliest JavaScript date', cursorOf(['-271821-04-20T00:00:00.000Z', 'ep_1'])],
  ['a number as time', cursorOf(['1', 'ep_1'])],
  ['an impossible date', cursorOf(['2026-02-30T00:00:00.000Z', 'ep_1'])],
  ['a bad id', cursorOf(['2026-01-01T00:00:00.000Z', 'ep 1'])],
  ['three parts', cursorOf(['2026-01-01T00:00:00.000Z', 'ep_1', 'x'])],
  ['an object', cursorOf({ time: '2026-01-01T00:00:00.000Z', id: 'ep_1' })],
  ['padded base64', `${cursorOf(['2026-01-01T00:00:00.000Z', 'ep_1'])}==`],
];

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
  ['episodes: proto poisoning', raw('POST', '/api/v1/episodes', '{"namespace":"validation","__proto__":{"x":1},"episodes":[]}'), 400, '__proto__'],
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
  // JSON nested far deeper than any request needs: refused before anything walks it
  ...JSON_ROUTES.map(([method, url]): Case => [`deep JSON: ${method} ${url}`, raw(method, url, `{"namespace":"validation","deep":${'['.repeat(5000)}${']'.repeat(5000)}}`), 400, `deep${'[0]'.repeat(63)}`]),
  ['deep JSON: metadata of nested objects', raw('POST', '/api/v1/memories', `{"memories":[{"content":"x","metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}`), 400, `memories[0].metadata${'.a'.repeat(61)}`],
  // lone UTF-16 surrogates, which are not Unicode: refused in every mode
  ['lone surrogate: memory content', raw('POST', '/api/v1/memories', '{"namespace":"validation","memories":[{"content":"ok"},{"content":"a\\ud83d"}]}'), 400, 'memories[1].content'],
  ['lone surrogate: memory metadata value', raw('POST', '/api/v1/memories', '{"namespace":"validation","memories":[{"content":"ok","metadata":{"note":"\\ude00x"}}]}'), 400, 'memories[0].metadata.note'],
  ['lone surrogate: memory metadata key', raw('POST', '/api/v1/memories', '{"namespace":"validation","memories":[{"content":"ok","metadata":{"k\\udbff":1}}]}'), 400, 'memories[0].metadata.k\uFFFD'],
  ['lone surrogate: episode content', raw('POST', '/api/v1/episodes', '{"namespace":"validation","episodes":[{"kind":"observation","content":"\\udc00b"}]}'), 400, 'episodes[0].content'],
  ['lone surrogate: message content', raw('POST', '/api/v1/sessions/s1/messages', '{"namespace":"validation","messages":[{"role":"user","content":"hi \\ud83d\\ud83d"}]}'), 400, 'messages[0].content'],
  ['lone surrogate: session state', raw('PUT', '/api/v1/sessions/s1', '{"namespace":"validation","state":{"step":["a","\\ud800"]}}'), 400, 'state.step[1]'],
  ['lone surrogate: memory patch', raw('PATCH', '/api/v1/memories/mem_x?namespace=validation', '{"content":"\\ude00\\ud83d"}'), 400, 'content'],
  ['lone surrogate: search query', raw('POST', '/api/v1/search', '{"namespace":"validation","query":"tea \\ud83d"}'), 400, 'query'],
  ['lone surrogate: context query', raw('POST', '/api/v1/context', '{"namespace":"validation","query":"\\udfff"}'), 400, 'query'],
  ['lone surrogate: embedding input', raw('POST', '/v1/embeddings', '{"model":"m","input":["ok","\\ud83d"]}'), 400, 'input[1]'],
  ['invalid UTF-8 bytes in a body', { method: 'POST', url: '/api/v1/memories', headers: { 'content-type': 'application/json' }, payload: Buffer.concat([Buffer.from('{"namespace":"validation","memories":[{"content":"'), Buffer.from([0xed, 0xa0, 0xbd]), Buffer.from('"}]}')]) }, 400, 'body'],
  ['invalid UTF-8 in a path', json('GET', '/api/v1/memories/a%ED%A0%BD?namespace=validation', undefined), 400, 'path'],
  // a key given twice in one object: refused, never last-wins
  ['duplicate key: namespace', raw('POST', '/api/v1/memories', '{"namespace":"a","namespace":"validation","memories":[{"content":"dup"}]}'), 400, 'namespace'],
  ['duplicate key: spelt with an escape', raw('POST', '/api/v1/memories', '{"namespace":"validation","n\\u0061mespace":"b","memories":[{"content":"dup"}]}'), 400, 'namespace'],
  ['duplicate key: in metadata', raw('POST', '/api/v1/episodes', '{"namespace":"validation","episodes":[{"kind":"observation","content":"x","metadata":{"a":1,"a":2}}]}'), 400, 'episodes[0].metadata.a'],
  ['duplicate key: in a message', raw('PUT', '/api/v1/sessions/s1', '{"namespace":"validation","messages":[{"role":"user","role":"system","content":"x"}]}'), 400, 'messages[0].role'],
  ['duplicate key: in search filters', raw('POST', '/api/v1/search', '{"namespace":"validation","query":"q","filters":{"kind":"fact","kind":"observation"}}'), 400, 'filters.kind'],
  // cursors and times: checked in full, so that no engine sees what it cannot represent
  ...FORGED_CURSORS.flatMap(([what, cursor]): Case[] => [
    [`forged cursor, ${what}: timeline`, json('GET', `/api/v1/episodes?namespace=validation&cursor=${cursor}`, undefined), 400, 'cursor'],
    [`forged cursor, ${what}: memory list`, json('GET', `/api/v1/memories?namespace=validation&cursor=${cursor}`, undefined), 400, 'cursor'],
  ]),
  ['time before year 1: occurredAt', json('POST', '/api/v1/episodes', { namespace: NS, episodes: [episode({ occurredAt: '0000-12-31T00:00:00Z' })] }), 400, 'episodes[0].occurredAt'],
  ['time after year 9999: expiresAt', json('POST', '/api/v1/memories', { namespace: NS, memories: [memory({ expiresAt: '9999-12-31T23:30:00-01:00' })] }), 400, 'memories[0].expiresAt'],
  ['time after year 9999: timeline from', json('GET', '/api/v1/episodes?namespace=validation&from=9999-12-31T23:00:00-05:00', undefined), 400, 'from'],
  ['time before year 1: search filter', json('POST', '/api/v1/search', { namespace: NS, query: 'q', filters: { to: '0000-01-01T00:00:00Z' } }), 400, 'filters.to'],
  ['time before year 1: message createdAt', json('PUT', '/api/v1/sessions/s1', { namespace: NS, messages: [message({ createdAt: '0000-06-01T00:00:00+00:00' })] }), 400, 'messages[0].createdAt'],
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

describe('text that is valid Unicode', () => {
  it('stores surrogate pairs, escaped or raw, and returns them intact', async () => {
    const written = await memos.request(raw('POST', '/api/v1/memories', '{"namespace":"unicode","memories":[{"content":"\\ud83d\\ude00 and 😀","metadata":{"\\uD83D\\uDE00":"\\uD83D\\uDE00"}}]}'));
    expect(written.statusCode).toBe(201);
    const read = await memos.request({ method: 'GET', url: `/api/v1/memories/${written.json().results[0].id}?namespace=unicode` });
    expect(read.json()).toMatchObject({ content: '😀 and 😀', metadata: { '😀': '😀' } });
    expect(read.body).not.toMatch(/\\u[dD][89a-fA-F]/);
  });
});
