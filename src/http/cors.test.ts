// CORS: off by default; MEMOS_CORS_ORIGINS lets the pages of those origins call memOS, preflight included.
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMemos, type TestMemos } from '../../test/support/test-memos.js';
import { loadConfig } from '../config/load.js';

const ALLOWED = 'https://app.example.com';
const OTHER = 'https://evil.example';

const preflight = (memos: TestMemos, origin: string, url = '/api/v1/memories', extra: InjectOptions['headers'] = {}) =>
  memos.request({
    method: 'OPTIONS',
    url,
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-memos-namespace', ...extra },
  });

/** The CORS headers of an answer. */
const corsHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));

describe('CORS with MEMOS_CORS_ORIGINS', () => {
  let memos: TestMemos;
  beforeAll(async () => {
    memos = await startTestMemos({ MEMOS_CORS_ORIGINS: `${ALLOWED}, http://localhost:5173/`, MEMOS_RATE_LIMIT_PER_SECOND: '0.1', MEMOS_RATE_LIMIT_BURST: '6' });
  });
  afterAll(async () => memos?.close());

  it('answers a preflight from an allowed origin with 204 and what clients need: methods, the key and namespace headers, JSON', async () => {
    const response = await preflight(memos, ALLOWED);
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(response.headers['access-control-allow-methods']).split(', ')).toEqual(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
    expect(String(response.headers['access-control-allow-headers']).split(', ')).toEqual(['Authorization', 'X-API-Key', 'x-memos-namespace', 'Content-Type', 'X-Request-Id']);
    expect(response.headers['access-control-max-age']).toBe('600');
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    expect(String(response.headers.vary)).toContain('Origin');
    // A preflight is answered before any limit counts it.
    expect(response.headers['ratelimit-limit']).toBeUndefined();
    // Origins are compared as browsers send them: the configured trailing slash is not part of one.
    expect((await preflight(memos, 'http://localhost:5173')).headers['access-control-allow-origin']).toBe('http://localhost:5173');
  });

  it('lets an allowed page read the answer, its request id and its rate limit', async () => {
    const response = await memos.request({ method: 'GET', url: '/api/v1/memories', headers: { origin: ALLOWED } });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(response.headers['access-control-expose-headers']).split(', ')).toEqual([
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Retry-After',
      'X-Request-Id',
    ]);
    expect(response.headers['ratelimit-limit']).toBe('6');
  });

  it('grants nothing to another origin: its preflight falls through to the routes, its answers carry no CORS header', async () => {
    const refused = await preflight(memos, OTHER);
    expect(refused.statusCode).toBe(405);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(corsHeaders(refused.headers)).toEqual([]);
    expect(corsHeaders((await preflight(memos, 'https://app.example.com.evil.example')).headers)).toEqual([]);
    const answer = await memos.request({ method: 'GET', url: '/api/v1/memories', headers: { origin: OTHER } });
    expect(answer.statusCode).toBe(200);
    expect(corsHeaders(answer.headers)).toEqual([]);
  });

  it('keeps 404 for unknown paths and 405 with the real methods for known ones, for requests without an origin', async () => {
    expect((await memos.request({ method: 'GET', url: '/api/v1/nothing-here' })).statusCode).toBe(404);
    const options = await memos.request({ method: 'OPTIONS', url: '/api/v1/search' });
    expect(options.statusCode).toBe(405);
    expect(options.headers.allow).toBe('POST');
    expect(corsHeaders(options.headers)).toEqual([]);
  });

  it('refuses a preflight under a host name memOS does not serve, without a grant', async () => {
    const response = await preflight(memos, ALLOWED, '/api/v1/memories', { host: 'rebound.example' });
    expect(response.statusCode).toBe(421);
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets an allowed page read a 429 and its Retry-After', async () => {
    let response = await memos.request({ method: 'GET', url: '/api/v1/memories', headers: { origin: ALLOWED } });
    for (let i = 0; i < 10 && response.statusCode !== 429; i += 1) response = await memos.request({ method: 'GET', url: '/api/v1/memories', headers: { origin: ALLOWED } });
    expect(response.statusCode).toBe(429);
    expect(response.headers['access-control-allow-origin']).toBe(ALLOWED);
    expect(String(response.headers['access-control-expose-headers'])).toContain('Retry-After');
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});

describe('CORS off (the default)', () => {
  let memos: TestMemos;
  beforeAll(async () => {
    memos = await startTestMemos();
  });
  afterAll(async () => memos?.close());

  it('sends no CORS header, to preflights or to requests with an origin', async () => {
    const refused = await preflight(memos, ALLOWED);
    expect(refused.statusCode).toBe(405);
    expect(corsHeaders(refused.headers)).toEqual([]);
    const answer = await memos.request({ method: 'GET', url: '/api/v1/memories', headers: { origin: ALLOWED } });
    expect(answer.statusCode).toBe(200);
    expect(corsHeaders(answer.headers)).toEqual([]);
  });
});

describe('MEMOS_CORS_ORIGINS', () => {
  it.each(['app.example.com', 'https://app.example.com/path', '*', 'https://user@app.example.com'])('refuses %s at start, naming the variable', (value) => {
    expect(() => loadConfig({ env: { MEMOS_CORS_ORIGINS: value } })).toThrow(/MEMOS_CORS_ORIGINS \(server.corsOrigins.0\): must be origins/);
  });

  it('takes origins with a port or an IPv6 host, lower-cased', () => {
    expect(loadConfig({ env: { MEMOS_CORS_ORIGINS: 'HTTPS://App.Example.com:8443,http://[::1]:3000' } }).server.corsOrigins).toEqual(['https://app.example.com:8443', 'http://[::1]:3000']);
  });
});
