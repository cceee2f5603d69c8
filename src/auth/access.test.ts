import { afterEach, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';

const ADMIN = 'an-admin-key-for-tests-0123456789abcdef';
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('access control', () => {
  let memos: TestMemos | undefined;
  afterEach(async () => {
    await memos?.close();
    memos = undefined;
  });

  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, key?: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const response = await memos!.request({ method, url, headers: { ...(key === undefined ? {} : bearer(key)), ...headers }, ...(payload === undefined ? {} : { payload: payload as object }) });
    const json = String(response.headers['content-type'] ?? '').includes('json');
    return { status: response.statusCode, body: json ? response.json() : response.body, headers: response.headers };
  };
  const makeKey = async (body: object, key = ADMIN) => {
    const made = await call('POST', '/api/v1/admin/keys', key, body);
    expect(made.status).toBe(201);
    return made.body as { id: string; key: string };
  };

  it('on loopback with no key, needs none; once a key exists, every request needs one', async () => {
    memos = await startTestMemos();
    expect((await call('POST', '/api/v1/memories', undefined, { memories: [{ content: 'open start' }] })).status).toBe(201);
    const { key } = await makeKey({ role: 'admin', namespaces: ['*'] }, undefined as unknown as string);
    const refused = await call('GET', '/api/v1/memories');
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="memOS"');
    expect(refused.body.code).toBe('E_UNAUTHORIZED');
    expect((await call('GET', '/api/v1/memories', key)).status).toBe(200);
    expect((await call('GET', '/health/live')).status).toBe(200);
    expect((await call('GET', '/health/ready')).status).toBe(200);
    expect((await call('GET', '/openapi.json')).status).toBe(200);
    expect((await call('GET', '/health/detailed')).status).toBe(401);
    expect((await call('GET', '/metrics')).status).toBe(401);
  });

  it('answers 401 for a bad key, 403 for a role or namespace the key lacks, 404 for a record beyond its user', async () => {
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN });
    const reader = await makeKey({ role: 'read', namespaces: ['a'] });
    const writer = await makeKey({ role: 'write', namespaces: ['a'], userId: 'alice' });
    const invalid = await call('GET', '/api/v1/memories', `${reader.key.slice(0, -2)}xx`);
    expect(invalid.status).toBe(401);
    expect(invalid.headers['www-authenticate']).toContain('error="invalid_token"');
    expect((await call('POST', '/api/v1/memories', reader.key, { memories: [{ content: 'x' }] })).body.code).toBe('E_FORBIDDEN');
    const otherNamespace = await call('GET', '/api/v1/memories?namespace=b', reader.key);
    expect(otherNamespace.status).toBe(403);
    expect(otherNamespace.body.field).toBe('namespace');
    expect((await call('GET', '/api/v1/cache/stats', reader.key)).status).toBe(403);

    const bob = await call('POST', '/api/v1/memories', ADMIN, { namespace: 'a', userId: 'bob', memories: [{ content: 'bob likes tea' }] });
    const missing = await call('GET', `/api/v1/memories/${bob.body.ids[0]}`, writer.key);
    const absent = await call('GET', '/api/v1/memories/01JZZZZZZZZZZZZZZZZZZZZZZZ', writer.key);
    expect(missing.status).toBe(404);
    expect(missing.body.detail.replace(bob.body.ids[0], 'ID')).toBe(absent.body.detail.replace('01JZZZZZZZZZZZZZZZZZZZZZZZ', 'ID'));
    expect((await call('DELETE', `/api/v1/memories/${bob.body.ids[0]}`, writer.key)).status).toBe(404);
    expect((await call('GET', `/api/v1/memories/${bob.body.ids[0]}?namespace=a`, ADMIN)).status).toBe(200);

    // The key's only namespace and its user are the defaults; naming another user is a 403.
    const written = await call('POST', '/api/v1/memories', writer.key, { memories: [{ content: 'alice likes coffee' }] });
    expect(written.status).toBe(201);
    const stored = await call('GET', `/api/v1/memories/${written.body.ids[0]}?namespace=a`, ADMIN);
    expect(stored.body).toMatchObject({ namespace: 'a', userId: 'alice' });
    const foreign = await call('POST', '/api/v1/memories', writer.key, { memories: [{ content: 'x', userId: 'bob' }] });
    expect(foreign.status).toBe(403);
    expect(foreign.body.field).toBe('memories[0].userId');
    const listed = await call('GET', '/api/v1/memories', writer.key);
    expect(listed.body.items.map((item: { content: string }) => item.content)).toEqual(['alice likes coffee']);
  });

  it('revokes a key at once on the replica that revokes it', async () => {
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN });
    const made = await makeKey({ name: 'agent', role: 'read', namespaces: ['*'] });
    expect((await call('GET', '/api/v1/memories', made.key)).status).toBe(200);
    const listed = await call('GET', '/api/v1/admin/keys', ADMIN);
    expect(listed.body.items[0]).toMatchObject({ id: made.id, name: 'agent', role: 'read' });
    expect(JSON.stringify(listed.body)).not.toContain(made.key.slice(`memos_${made.id}_`.length));
    expect((await call('DELETE', `/api/v1/admin/keys/${made.id}`, ADMIN)).status).toBe(204);
    expect((await call('GET', '/api/v1/memories', made.key)).status).toBe(401);
    expect((await call('DELETE', `/api/v1/admin/keys/${made.id}`, ADMIN)).status).toBe(404);
  });

  it("limits a key to its own rate, counted apart from other keys", async () => {
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN });
    const slow = await makeKey({ role: 'read', namespaces: ['*'], rateLimit: { perSecond: 1, burst: 2 } });
    expect((await call('GET', '/api/v1/memories', slow.key)).status).toBe(200);
    expect((await call('GET', '/api/v1/memories', slow.key)).status).toBe(200);
    const limited = await call('GET', '/api/v1/memories', slow.key);
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('E_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await call('GET', '/api/v1/memories', ADMIN)).status).toBe(200);
  });

  it('serves /metrics without a key when MEMOS_METRICS_PUBLIC=true, and only then', async () => {
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN, MEMOS_METRICS_PUBLIC: 'true' });
    expect((await call('GET', '/metrics')).status).toBe(200);
    expect((await call('GET', '/health/detailed')).status).toBe(401);
  });

  it('says in /openapi.json how to send a key, and which routes need none', async () => {
    memos = await startTestMemos();
    const { body } = await call('GET', '/openapi.json');
    expect(Object.keys(body.components.securitySchemes)).toEqual(['bearer', 'apiKey']);
    expect(body.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
    expect(body.paths['/health/live'].get.security).toEqual([]);
    // Others name the least role they need (OpenAPI 3.1 allows role names for non-OAuth schemes).
    expect(body.paths['/api/v1/memories'].post.security).toEqual([{ bearer: ['write'] }, { apiKey: ['write'] }]);
    expect(body.paths['/v1/models'].get.security).toBeUndefined();
  });

  it('takes the key in X-API-Key as well', async () => {
    memos = await startTestMemos({ MEMOS_ADMIN_KEY: ADMIN });
    expect((await call('GET', '/api/v1/memories', undefined, undefined, { 'x-api-key': ADMIN })).status).toBe(200);
  });
});
