// Retrying 503. memOS answers 503 only when storage or Redis is down, which a test cannot bring
// about on cue, so this file alone runs the client against a small stand-in server on 127.0.0.1
// that answers as memOS does then: problem+json `E_STORAGE_UNAVAILABLE` with `Retry-After`.
// It also checks what is never retried: 500, and answers that are not memOS's (a proxy's 502).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemosClient, type MemosError, type RetryEvent } from '../src/index.js';

interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

const unavailable = (retryAfter?: string): Scripted => ({
  status: 503,
  headers: { 'content-type': 'application/problem+json', ...(retryAfter === undefined ? {} : { 'retry-after': retryAfter }) },
  body: JSON.stringify({ type: 'urn:memos:problem:storage_unavailable', title: 'Storage unavailable', status: 503, detail: 'sqlite: write failed, storage unavailable (SQLITE_BUSY)', code: 'E_STORAGE_UNAVAILABLE', instance: '/api/v1/memories', requestId: 'req-1' }),
});
const ok: Scripted = { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items: [] }) };

let server: Server;
let baseUrl: string;
/** What the stand-in answers next, in order; then 200. */
let script: Scripted[] = [];
let requests: Array<{ method: string; url: string }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', url: request.url ?? '' });
    request.resume();
    request.on('end', () => {
      const next = script.shift() ?? ok;
      response.writeHead(next.status, next.headers).end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  script = [];
  requests = [];
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('retrying 503', () => {
  it('waits Retry-After seconds, then succeeds', async () => {
    script = [unavailable('1')];
    const retries: RetryEvent[] = [];
    const client = new MemosClient({ baseUrl, retry: { onRetry: (event) => retries.push(event) } });
    const started = Date.now();
    expect(await client.memories.list()).toEqual({ items: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(requests).toHaveLength(2);
    expect(retries).toEqual([{ attempt: 1, delayMs: 1000, status: 503, method: 'GET', path: '/api/v1/memories', fromRetryAfter: true }]);
  });

  it('reads Retry-After as an HTTP date too', async () => {
    script = [unavailable(new Date(Date.now() + 1500).toUTCString())];
    const retries: RetryEvent[] = [];
    await new MemosClient({ baseUrl, retry: { onRetry: (event) => retries.push(event) } }).memories.list();
    expect(retries[0]?.fromRetryAfter).toBe(true);
    // An HTTP date has whole seconds: between 0.5 and 1.5 s from now.
    expect(retries[0]?.delayMs).toBeGreaterThan(400);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(1500);
  });

  it('backs off exponentially, capped, without Retry-After, and gives up after `retries`', async () => {
    script = [unavailable(), unavailable(), unavailable(), unavailable()];
    const retries: RetryEvent[] = [];
    const client = new MemosClient({ baseUrl, retry: { retries: 3, baseDelayMs: 40, maxDelayMs: 100, onRetry: (event) => retries.push(event) } });
    const error = (await client.memories.list().catch((failure: unknown) => failure)) as MemosError;
    expect(error).toMatchObject({ code: 'E_STORAGE_UNAVAILABLE', status: 503, retryAfterMs: undefined });
    expect(requests).toHaveLength(4);
    expect(retries.map((event) => event.fromRetryAfter)).toEqual([false, false, false]);
    const [first, second, third] = retries.map((event) => event.delayMs);
    expect(first).toBeGreaterThanOrEqual(20);
    expect(first).toBeLessThanOrEqual(40);
    expect(second).toBeGreaterThanOrEqual(40);
    expect(second).toBeLessThanOrEqual(80);
    // 40 · 2² = 160, capped at 100.
    expect(third).toBeGreaterThanOrEqual(50);
    expect(third).toBeLessThanOrEqual(100);
  });

  it('retries a write on 503 by default, and not when writesOn503 is false', async () => {
    script = [unavailable('0')];
    await new MemosClient({ baseUrl }).remember('sent twice');
    expect(requests.map((request) => request.method)).toEqual(['POST', 'POST']);

    requests = [];
    script = [unavailable('0')];
    const careful = new MemosClient({ baseUrl, retry: { writesOn503: false } });
    const error = await careful.remember('sent once').catch((failure: unknown) => failure);
    expect(error).toMatchObject({ code: 'E_STORAGE_UNAVAILABLE', retryAfterMs: 0 });
    expect(requests).toHaveLength(1);
    // Reads are still retried.
    script = [unavailable('0')];
    await careful.memories.list();
    expect(requests).toHaveLength(3);
  });

  it('never retries other statuses, and reads an answer that is not problem+json as E_HTTP', async () => {
    script = [{ status: 500, headers: { 'content-type': 'application/problem+json', 'retry-after': '0' }, body: JSON.stringify({ code: 'E_INTERNAL', title: 'Internal error', status: 500, detail: 'the server failed' }) }];
    expect(await new MemosClient({ baseUrl }).memories.list().catch((failure: unknown) => failure)).toMatchObject({ code: 'E_INTERNAL', status: 500 });
    expect(requests).toHaveLength(1);

    script = [{ status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad gateway</html>' }];
    const error = (await new MemosClient({ baseUrl }).memories.list().catch((failure: unknown) => failure)) as MemosError;
    expect(error).toMatchObject({ code: 'E_HTTP', status: 502, problem: undefined });
    expect(error.message).toContain('answered HTTP 502');
    expect(requests).toHaveLength(2);
  });

  it('sends the key as a bearer token, and the default namespace as X-Memos-Namespace unless the call names one', async () => {
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    const listener = (request: { headers: Record<string, string | string[] | undefined> }) => seen.push(request.headers);
    server.on('request', listener);
    try {
      const client = new MemosClient({ baseUrl, apiKey: 'memos_abc_secret', namespace: 'team-a', headers: { 'x-trace': '1' } });
      await client.memories.list();
      await client.memories.list({}, { namespace: 'team-b' });
      await client.keys.list();
    } finally {
      server.off('request', listener);
    }
    expect(seen.map((headers) => [headers.authorization, headers['x-memos-namespace'], headers['x-trace']])).toEqual([
      ['Bearer memos_abc_secret', 'team-a', '1'],
      ['Bearer memos_abc_secret', 'team-b', '1'],
      ['Bearer memos_abc_secret', undefined, '1'],
    ]);
  });
});
