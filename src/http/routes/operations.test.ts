import { afterEach, describe, expect, it } from 'vitest';
import { startTestMemos, testBackend, testBackends, type TestMemos } from '../../../test/support/test-memos.js';

let memos: TestMemos;
afterEach(async () => memos?.close());

describe('service info, health and API description', () => {
  it('answers GET / with service info', async () => {
    memos = await startTestMemos();
    const info = await memos.json('GET', '/');
    expect(info.body).toMatchObject({ name: 'memOS', ...testBackends, openapi: '/openapi.json', docs: '/docs', mcp: '/mcp' });
  });

  it('reports live, ready and detailed health', async () => {
    memos = await startTestMemos();
    expect((await memos.json('GET', '/health/live')).body).toEqual({ status: 'ok' });
    expect((await memos.json('GET', '/health/ready')).status).toBe(200);
    const overall = await memos.json('GET', '/health');
    expect(overall.status).toBe(200);
    expect(['healthy', 'degraded']).toContain(overall.body.status);
    const detailed = await memos.json('GET', '/health/detailed');
    expect(detailed.body.components.storage.status).toBe('healthy');
    // Test instances run with MEMOS_EMBEDDER=none: keyword-only by choice is healthy.
    expect(detailed.body.components.embedder).toMatchObject({ status: 'healthy', detail: expect.stringMatching(/MEMOS_EMBEDDER=none.*keyword-only/) });
    expect(detailed.body.components.disk.detail).toMatch(/MiB free/);
    expect(detailed.body.backends).toEqual(testBackends);
    if (testBackend === 'embedded') expect(detailed.body.components).not.toHaveProperty('redis');
    else expect(detailed.body.components.redis).toMatchObject({ status: 'healthy' });
  });

  it('goes not-ready when storage stops answering, and ready again when it is back', async () => {
    memos = await startTestMemos();
    await memos.storage.close();
    const ready = await memos.json('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('not_ready');
    expect((await memos.json('GET', '/health')).status).toBe(503);
    const write = await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'x' }] });
    expect(write.status).toBe(503);
    expect(write.body.code).toBe('E_STORAGE_UNAVAILABLE');
    await memos.storage.init();
    expect((await memos.json('GET', '/health/ready')).status).toBe(200);
    expect((await memos.json('POST', '/api/v1/memories', { memories: [{ content: 'x' }] })).status).toBe(201);
  });

  it('serves OpenAPI 3.1 naming every route, and the docs page', async () => {
    memos = await startTestMemos();
    const spec = await memos.json('GET', '/openapi.json');
    expect(spec.body.openapi).toBe('3.1.0');
    const paths = Object.keys(spec.body.paths);
    for (const path of [
      '/api/v1/sessions/{sessionId}',
      '/api/v1/sessions/{sessionId}/messages',
      '/api/v1/episodes',
      '/api/v1/episodes/{id}',
      '/api/v1/memories',
      '/api/v1/memories/{id}',
      '/api/v1/memories/{id}/history',
      '/api/v1/search',
      '/api/v1/context',
      '/api/v1/cache',
      '/api/v1/cache/stats',
      '/health/ready',
    ]) {
      expect(paths).toContain(path);
    }
    expect(spec.body.paths['/api/v1/memories'].post.requestBody).toBeDefined();
    const docs = await memos.request({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(docs.statusCode);
    const page = await memos.request({ method: 'GET', url: '/docs/' });
    expect(page.body).toMatch(/swagger/i);
  });

  it('echoes a request id and answers unknown routes with problem+json', async () => {
    memos = await startTestMemos();
    const response = await memos.request({ method: 'GET', url: '/api/v1/nothing-here', headers: { 'x-request-id': 'req-123' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toBe('req-123');
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status: 404, code: 'E_NOT_FOUND', requestId: 'req-123' });
  });
});
