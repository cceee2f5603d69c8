// The web UI at /ui: the build's files with caching headers and a CSP, the page for the UI's own
// paths (permalinks), a 404 for files the build lacks, and a clear answer where it is not built.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { sendProblem, toMemosError } from './problem.js';
import { loadUi, UI_CSP, UI_DIR, uiRoutes } from './ui.js';

const built = loadUi();

describe.skipIf(built === undefined && process.env.MEMOS_REQUIRE_SERVICES !== '1')('the web UI at /ui', () => {
  let memos: TestMemos;
  beforeAll(async () => {
    // Keys required: the UI's files need none, its calls to the API do.
    memos = await startTestMemos({ MEMOS_AUTH: 'required', MEMOS_ADMIN_KEY: 'an-admin-key-for-the-ui-serving-tests-0123' });
  });
  afterAll(async () => memos?.close());

  const asset = () => [...built!.keys()].find((name) => name.startsWith('assets/') && name.endsWith('.js'))!;

  it('redirects /ui to /ui/ and answers the page with no key, revalidated by its ETag, under the CSP', async () => {
    const redirect = await memos.request({ method: 'GET', url: '/ui' });
    expect(redirect.statusCode).toBe(308);
    expect(redirect.headers.location).toBe('/ui/');
    const page = await memos.request({ method: 'GET', url: '/ui/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toBe(UI_CSP);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('<div id="app">');
    // The page loads nothing from elsewhere: every script and stylesheet is under /ui/.
    for (const [, url] of page.body.matchAll(/(?:src|href)="([^"]+)"/g)) expect(url!.startsWith('/ui/')).toBe(true);
    const again = await memos.request({ method: 'GET', url: '/ui/', headers: { 'if-none-match': String(page.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('serves hashed assets for a year, gzipped where the browser takes it', async () => {
    const name = asset();
    const plain = await memos.request({ method: 'GET', url: `/ui/${name}` });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-encoding']).toBeUndefined();
    const gzipped = await memos.request({ method: 'GET', url: `/ui/${name}`, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toContain('accept-encoding');
    expect(gunzipSync(gzipped.rawPayload).toString('utf8')).toBe(plain.body);
    expect(gzipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
  });

  it("answers the page for the UI's own paths, so that every view is a permalink, and 404 for files the build lacks", async () => {
    const permalink = await memos.request({ method: 'GET', url: '/ui/n/default/memories/mem_0123456789abcdef' });
    expect(permalink.statusCode).toBe(200);
    expect(permalink.body).toContain('<div id="app">');
    for (const url of ['/ui/assets/missing-0000.js', '/ui/favicon.ico']) {
      const missing = await memos.request({ method: 'GET', url });
      expect(missing.statusCode, url).toBe(404);
      expect(missing.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('lets the page ask who its key is: 401 without one where keys are required', async () => {
    expect((await memos.request({ method: 'GET', url: '/api/v1/whoami' })).statusCode).toBe(401);
  });
});

describe('the web UI where it is not built', () => {
  it('answers 404 naming the command that builds it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'memos-no-ui-'));
    expect(loadUi(empty)).toBeUndefined();
    const app = Fastify();
    // The app's own error handler, as src/http/app.ts installs it: memOS errors become problem+json.
    app.setErrorHandler((error, _request, reply) => sendProblem(reply, toMemosError(error)));
    uiRoutes(app, empty);
    const response = await app.inject({ method: 'GET', url: '/ui/' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().detail).toContain('npm run build -w @memos/web');
    await app.close();
  });

  it('is found beside the server, from src/ and dist/ alike', () => {
    expect(UI_DIR.endsWith(join('web', 'dist') + '/') || UI_DIR.endsWith(join('web', 'dist'))).toBe(true);
  });
});
