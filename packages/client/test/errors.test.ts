// The client's failure paths against a real, listening memOS: problem+json as MemosError (404,
// 400 naming the field, 401, 403), retrying memOS's own 429 from its rate limiter, and aborting a
// call mid-request and while it waits to retry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMemosError, MemosClient, MemosError, type RetryEvent } from '../src/index.js';
import { haveModel, startListeningMemos, unique, type ListeningMemos } from './listening-memos.js';

let server: ListeningMemos;
let admin: MemosClient;

beforeAll(async () => {
  if (!haveModel) return;
  server = await startListeningMemos();
  admin = server.client({ namespace: unique('errors') });
});
afterAll(async () => {
  await server?.close();
});

/** The error a promise rejects with (the test fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('the call should have failed'),
    (error: unknown) => error,
  );
}

/** A key of `role` for `namespaces`, with its own rate limit when given. */
async function keyFor(namespaces: string[], role: 'read' | 'write' | 'admin', rateLimit?: { perSecond: number; burst: number }): Promise<string> {
  return (await admin.keys.create({ role, namespaces, ...(rateLimit === undefined ? {} : { rateLimit }) })).key;
}

describe.skipIf(!haveModel)('MemosError from memOS problem+json', () => {
  it('is E_NOT_FOUND with the problem details for a record that is not there', async () => {
    const error = await failure(admin.memories.get('mem_nothing_here'));
    expect(error).toBeInstanceOf(MemosError);
    expect(isMemosError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'MemosError', code: 'E_NOT_FOUND', status: 404, operation: 'GET /api/v1/memories/{id}' });
    const problem = (error as MemosError).problem as Record<string, unknown>;
    expect(problem).toMatchObject({ code: 'E_NOT_FOUND', status: 404, title: 'Not found', instance: '/api/v1/memories/mem_nothing_here' });
    expect((error as MemosError).requestId).toBe(problem.requestId);
    expect((error as MemosError).message).toContain('GET /api/v1/memories/{id}: ');
  });

  it('is E_VALIDATION naming the field of a bad request', async () => {
    const error = (await failure(admin.memories.write({ memories: [{ content: 'fine' }, { content: 'too important', importance: 2 }] }))) as MemosError;
    expect(error).toMatchObject({ code: 'E_VALIDATION', status: 400, field: 'memories[1].importance' });
    expect(error.fieldErrors).toEqual([{ field: 'memories[1].importance', message: expect.any(String) }]);
    // Two places naming different namespaces are a 400 naming `namespace`.
    const twice = (await failure(admin.search({ query: 'x', namespace: 'one' }, { namespace: 'two' }))) as MemosError;
    expect(twice).toMatchObject({ code: 'E_VALIDATION', field: 'namespace' });
  });

  it('is E_UNAUTHORIZED without a key or with a wrong one, and E_FORBIDDEN beyond the key', async () => {
    for (const apiKey of [undefined, 'memos_aaaaaaaaaaaa_not-a-real-secret-at-all-0000']) {
      const error = await failure(new MemosClient({ baseUrl: server.baseUrl, apiKey }).memories.list());
      expect(error).toMatchObject({ code: 'E_UNAUTHORIZED', status: 401 });
    }
    const namespace = unique('reach');
    const reader = new MemosClient({ baseUrl: server.baseUrl, apiKey: await keyFor([namespace], 'read'), namespace });
    expect((await reader.memories.list()).items).toEqual([]);
    expect(await failure(reader.remember('a reader may not write'))).toMatchObject({ code: 'E_FORBIDDEN', status: 403 });
    const elsewhere = (await failure(reader.memories.list({}, { namespace: unique('other') }))) as MemosError;
    expect(elsewhere).toMatchObject({ code: 'E_FORBIDDEN', status: 403, field: 'namespace' });
    expect(await failure(reader.keys.list())).toMatchObject({ code: 'E_FORBIDDEN' });
  });

  it('is E_NETWORK when nothing answers', async () => {
    const closed = await startListeningMemos();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const error = await failure(new MemosClient({ baseUrl }).health.live());
    expect(error).toMatchObject({ code: 'E_NETWORK', status: undefined });
    expect((error as MemosError).cause).toBeInstanceOf(Error);
  });
});

describe.skipIf(!haveModel)('retrying memOS rate limits (429)', () => {
  it('waits the Retry-After memOS sends and sends again, for reads and for writes, which the 429 did not do', async () => {
    const namespace = unique('limited');
    const key = await keyFor([namespace], 'write', { perSecond: 1, burst: 1 });
    const retries: RetryEvent[] = [];
    const client = new MemosClient({ baseUrl: server.baseUrl, apiKey: key, namespace, retry: { onRetry: (event) => retries.push(event) } });
    await client.remember('first, within the limit');
    const started = Date.now();
    const written = await client.remember('second, after waiting');
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(retries).toEqual([{ attempt: 1, delayMs: 1000, status: 429, method: 'POST', path: '/api/v1/memories', fromRetryAfter: true }]);
    expect(written.results[0]?.action).toBe('created');
    // Each write was done once.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await client.memories.list()).items.map((memory) => memory.content).sort()).toEqual(['first, within the limit', 'second, after waiting']);
  });

  it('throws E_RATE_LIMITED with retryAfterMs when retrying is off, or when memOS asks for a longer wait than maxDelayMs', async () => {
    const namespace = unique('limited');
    const key = await keyFor([namespace], 'read', { perSecond: 0.05, burst: 1 });
    const off = new MemosClient({ baseUrl: server.baseUrl, apiKey: key, namespace, retry: false });
    await off.memories.list();
    const error = (await failure(off.memories.list())) as MemosError;
    expect(error).toMatchObject({ code: 'E_RATE_LIMITED', status: 429 });
    expect(error.retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(20_000);

    const impatient = new MemosClient({ baseUrl: server.baseUrl, apiKey: key, namespace, retry: { maxDelayMs: 500 } });
    const started = Date.now();
    expect(await failure(impatient.memories.list())).toMatchObject({ code: 'E_RATE_LIMITED' });
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe.skipIf(!haveModel)('aborting a call', () => {
  it('rejects with the AbortError while it waits to retry a 429', async () => {
    const namespace = unique('limited');
    const key = await keyFor([namespace], 'read', { perSecond: 0.01, burst: 1 });
    const controller = new AbortController();
    const client = new MemosClient({
      baseUrl: server.baseUrl,
      apiKey: key,
      namespace,
      retry: { maxDelayMs: 200_000, onRetry: () => setTimeout(() => controller.abort(), 50) },
    });
    await client.memories.list();
    const started = Date.now();
    const error = await failure(client.memories.list({}, { signal: controller.signal }));
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(isMemosError(error)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('rejects with the AbortError mid-request, while the body is still being sent', async () => {
    const controller = new AbortController();
    let sent = 0;
    let release: (() => void) | undefined;
    // An import body that sends its header line, then waits for more until the call is aborted.
    const lines: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          sent += 1;
          if (sent === 1) return { done: false, value: JSON.stringify({ type: 'header', format: 'memos-export', version: 1 }) };
          setTimeout(() => controller.abort(), 50);
          await new Promise<void>((resolve) => (release = resolve));
          return { done: true, value: undefined };
        },
      }),
    };
    const error = await failure(admin.transfer.import(lines, { signal: controller.signal }));
    release?.();
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(sent).toBe(2);
  });

  it("rejects at once with the signal's own reason when it is already aborted", async () => {
    const reason = new Error('the user left');
    const error = await failure(admin.memories.list({}, { signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
  });
});
