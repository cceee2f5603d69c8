// One rule for the namespace on every route: `namespace` in the body, `?namespace=` or the
// X-Memos-Namespace header; two that disagree are a 400; none is `default`.
import { PassThrough } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHashProvider } from '../embeddings/fake/index.js';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { dereference } from '../../test/support/openapi-refs.js';

let memos: TestMemos | undefined;
afterEach(async () => {
  await memos?.close();
  memos = undefined;
});

const HEADER = 'x-memos-namespace';

async function call(method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await memos!.request({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
  return { status: response.statusCode, body: response.body === '' ? undefined : response.json(), headers: response.headers };
}

async function writeMemory(headers: Record<string, string>, body: Record<string, unknown> = {}, url = '/api/v1/memories') {
  const written = await call('POST', url, { memories: [{ content: 'Tea, never coffee', kind: 'preference' }], ...body }, headers);
  expect(written.status).toBe(201);
  return written.body.results[0].id as string;
}

describe('the namespace of a request', () => {
  it('is taken alike from the body, the query or the X-Memos-Namespace header, on writes and reads', async () => {
    memos = await startTestMemos();
    const byHeader = await writeMemory({ [HEADER]: 'tenant-h' });
    const byQuery = await writeMemory({}, {}, '/api/v1/memories?namespace=tenant-q');
    const byBody = await writeMemory({}, { namespace: 'tenant-b' });

    for (const [id, namespace] of [[byHeader, 'tenant-h'], [byQuery, 'tenant-q'], [byBody, 'tenant-b']] as const) {
      expect((await call('GET', `/api/v1/memories/${id}`, undefined, { [HEADER]: namespace })).body.namespace).toBe(namespace);
      expect((await call('GET', `/api/v1/memories/${id}?namespace=${namespace}`)).status).toBe(200);
      expect((await call('GET', `/api/v1/memories/${id}`)).status).toBe(404); // not in `default`
    }
    // A search names its namespace in the query or a header as well as in the body.
    for (const [url, headers] of [['/api/v1/search?namespace=tenant-q', {}], ['/api/v1/search', { [HEADER]: 'tenant-q' }]] as const) {
      const found = await call('POST', url, { query: 'coffee', mode: 'keyword' }, headers);
      expect(found.status).toBe(200);
      expect(found.body.hits.map((hit: { id: string }) => hit.id)).toEqual([byQuery]);
    }
    const context = await call('POST', '/api/v1/context', { query: 'coffee' }, { [HEADER]: 'tenant-h' });
    expect(context.body).toMatchObject({ namespace: 'tenant-h', memories: [{ id: byHeader }] });
    expect((await call('GET', '/api/v1/memories', undefined, { [HEADER]: 'tenant-b' })).body.items.map((m: { id: string }) => m.id)).toEqual([byBody]);
  });

  it('is accepted in the body of a PATCH', async () => {
    memos = await startTestMemos();
    const id = await writeMemory({}, { namespace: 'tenant-p' });
    const patched = await call('PATCH', `/api/v1/memories/${id}`, { namespace: 'tenant-p', importance: 0.9 });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, namespace: 'tenant-p', importance: 0.9, version: 2 });
    // Naming only the namespace changes nothing: still a 400 asking for a field to change.
    const empty = await call('PATCH', `/api/v1/memories/${id}`, { namespace: 'tenant-p' });
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/at least one field/);
  });

  it('is `default` when the request names none', async () => {
    memos = await startTestMemos();
    const id = await writeMemory({});
    expect((await call('GET', `/api/v1/memories/${id}?namespace=default`)).body.namespace).toBe('default');
  });

  it('may be named in several places when they agree', async () => {
    memos = await startTestMemos();
    const id = await writeMemory({ [HEADER]: 'same' }, { namespace: 'same' }, '/api/v1/memories?namespace=same');
    expect((await call('GET', `/api/v1/memories/${id}?namespace=same`, undefined, { [HEADER]: 'same' })).status).toBe(200);
  });

  it.each([
    ['body and header', 'POST', '/api/v1/memories', { namespace: 'a' }, { [HEADER]: 'b' }],
    ['body and query', 'POST', '/api/v1/search?namespace=a', { namespace: 'b', query: 'x' }, {}],
    ['query and header', 'GET', '/api/v1/episodes?namespace=a', undefined, { [HEADER]: 'b' }],
    ['PATCH body and query', 'PATCH', '/api/v1/memories/m1?namespace=a', { namespace: 'b', importance: 1 }, {}],
    ['OpenAI-compatible body and header', 'POST', '/v1/embeddings', { namespace: 'a', input: 'x', model: 'm' }, { [HEADER]: 'b' }],
  ] as const)('answers 400 naming namespace when %s disagree, writing nothing', async (_name, method, url, body, headers) => {
    memos ??= await startTestMemos();
    const payload = url === '/api/v1/memories' ? { ...body, memories: [{ content: 'must not be written' }] } : body;
    const answer = await call(method, url, payload, headers);
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(answer.body).toMatchObject({ code: 'E_VALIDATION', field: 'namespace' });
    expect(answer.body.detail).toMatch(/'[ab]' in the .*'[ab]' in the /);
    for (const namespace of ['a', 'b']) expect((await call('GET', `/api/v1/memories?namespace=${namespace}`)).body.items).toEqual([]);
  });

  it('answers 400 naming the X-Memos-Namespace header when it is not a valid id', async () => {
    memos = await startTestMemos();
    const answer = await call('GET', '/api/v1/episodes', undefined, { [HEADER]: 'not/valid' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ field: HEADER, errors: [{ field: HEADER, location: 'header' }] });
  });

  it('keeps the cache routes covering every namespace unless one is named, by any of the three', async () => {
    memos = await startTestMemos({}, undefined, createHashProvider({ dimensions: 16, model: 'hash-16' }));
    for (const namespace of ['a', 'b']) await call('POST', '/api/v1/embeddings', { text: `hello ${namespace}` }, { [HEADER]: namespace });
    expect((await call('GET', '/api/v1/embeddings/cache/stats')).body.entries).toBe(2);
    expect((await call('GET', '/api/v1/embeddings/cache/stats', undefined, { [HEADER]: 'a' })).body.entries).toBe(1);
    expect((await call('GET', '/api/v1/cache/stats', undefined, { [HEADER]: 'a' })).body).toMatchObject({ namespace: 'a', caches: { embeddings: { entries: 1 } } });
    expect((await call('POST', '/api/v1/embeddings/cache/clear', {}, { [HEADER]: 'b' })).body).toEqual({ cleared: 1 });
    expect((await call('GET', '/api/v1/embeddings/cache/stats')).body.entries).toBe(1);
  });

  it('reaches the request log line', async () => {
    const logs = new PassThrough();
    const lines: string[] = [];
    logs.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    memos = await startTestMemos({}, undefined, undefined, logs);
    await call('GET', '/api/v1/episodes', undefined, { [HEADER]: 'logged-ns' });
    await call('GET', '/api/v1/memories');
    const requests = lines.map((line) => JSON.parse(line) as { msg: string; route?: string; namespace?: string }).filter((line) => line.msg === 'request');
    expect(requests.map((line) => [line.route, line.namespace])).toEqual([
      ['/api/v1/episodes', 'logged-ns'],
      ['/api/v1/memories', 'default'],
    ]);
  });

  it('is documented on every route that takes one: header, query parameter, and body field', async () => {
    memos = await startTestMemos();
    const spec = dereference((await call('GET', '/openapi.json')).body) as {
      paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>>;
    };
    // Model discovery (`/v1/models`) is the same for every namespace; the other OpenAI-compatible route takes one.
    // `/api/v1/namespaces` lists the namespaces themselves (those the key reaches), and `/api/v1/whoami`
    // answers the key's own reach, so neither takes one.
    const namespaced = Object.entries(spec.paths).filter(
      ([path]) => (path.startsWith('/api/v1/') && !path.startsWith('/api/v1/admin/') && path !== '/api/v1/namespaces' && path !== '/api/v1/whoami') || path === '/v1/embeddings',
    );
    expect(namespaced.length).toBeGreaterThan(15);
    for (const [path, operations] of namespaced) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        const parameters = (operation.parameters ?? []).map((parameter) => `${parameter.in}:${parameter.name}`);
        expect(parameters, where).toContain(`header:${HEADER}`);
        expect(parameters, where).toContain('query:namespace');
        const body = operation.requestBody?.content['application/json']?.schema;
        if (body !== undefined) expect(Object.keys(body.properties ?? {}), where).toContain('namespace');
      }
    }
  });
});
