import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../../test/support/test-memos.js';

// The /docs page loads everything from this server: no script, stylesheet, font, image or
// validator from anywhere else. Its assets are fetched as a browser would, from the links in the page.

/** XML namespace names: identifiers inside SVG markup, never fetched. */
const NAMESPACE_NAMES = new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink', 'http://www.w3.org/1999/xhtml']);

/** Absolute http(s) URLs in `text` that are not XML namespace names. */
function outsideUrls(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'`)<>\\]+/g)].map(([url]) => url).filter((url) => !NAMESPACE_NAMES.has(url));
}

let memos: TestMemos;
beforeAll(async () => {
  memos = await startTestMemos();
});
afterAll(async () => memos.close());

const get = (url: string) => memos.request({ method: 'GET', url });

describe('the /docs page', () => {
  it('is branded memOS: title, logo, favicon and stylesheet, with dark mode', async () => {
    const page = await get('/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<title>memOS API</title>');
    expect(page.body).toMatch(/<link rel="icon" type="image\/svg\+xml" href="[^"]*\/theme\/favicon\.svg"/);
    const css = await get('/docs/static/theme/memos.css');
    expect(css.statusCode).toBe(200);
    expect(css.body).toContain('html.dark-mode');
    const favicon = await get('/docs/static/theme/favicon.svg');
    expect(favicon.headers['content-type']).toBe('image/svg+xml');
    expect(favicon.body).toMatch(/^<svg /);
    const initializer = await get('/docs/static/swagger-initializer.js');
    expect(initializer.body).toContain('data:image/svg+xml;base64,');
    const logo = Buffer.from(/data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(initializer.body)![1]!, 'base64').toString('utf8');
    expect(logo).toContain('aria-label="memOS API"');
    // The logo names no font to download: the system's sans-serif draws it.
    expect(logo).not.toMatch(/@import|@font-face|href=/);
  });

  it('shows examples, operation ids and no remembered key', async () => {
    const initializer = (await get('/docs/static/swagger-initializer.js')).body;
    const config = JSON.parse(/const config = (\{.*?\})\n/s.exec(initializer)![1]!);
    expect(config).toMatchObject({ docExpansion: 'list', displayOperationId: true, defaultModelRendering: 'example', tryItOutEnabled: true, persistAuthorization: false });
    expect(initializer).toContain('validatorUrl: null');
    const spec = await get('/docs/json');
    expect(spec.json()).toEqual((await get('/openapi.json')).json());
  });

  it('refers to no other host in its page, stylesheets, scripts it configures, or the document it shows', async () => {
    for (const url of ['/docs', '/docs/']) {
      const html = (await get(url)).body;
      expect(outsideUrls(html), url).toEqual([]);
      const linked = [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map(([, link]) => new URL(link!, `http://127.0.0.1${url}`));
      expect(linked.length).toBeGreaterThanOrEqual(6);
      for (const link of linked) {
        expect(link.host, link.href).toBe('127.0.0.1');
        const asset = await get(link.pathname);
        expect(asset.statusCode, link.pathname).toBe(200);
        // Swagger UI's bundles quote specifications' URLs in their code; what they load is configured by the initializer.
        if (link.pathname.endsWith('-bundle.js') || link.pathname.endsWith('-preset.js')) continue;
        // A comment's link (the initializer cites an answer on the web) is never loaded.
        const code = link.pathname.endsWith('.js') ? asset.body.replace(/^\s*\/\/.*$/gm, '') : asset.body;
        expect(outsideUrls(code), link.pathname).toEqual([]);
      }
    }
    // The document may show how to reach memOS itself (`http://host:port/v1`, `http://127.0.0.1:7420`), never another site.
    const local = /^https?:\/\/(host|localhost|127\.0\.0\.1)(:|\/|$)/;
    expect(outsideUrls(JSON.stringify((await get('/docs/json')).json())).filter((url) => !local.test(url))).toEqual([]);
  });
});
