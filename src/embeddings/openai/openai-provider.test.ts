import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MemosError } from '../../core/errors.js';
import { startFakeOpenAiServer, type FakeOpenAiServer, type UpstreamFault } from '../fake/index.js';
import { createOpenAiProvider, type OpenAiProviderOptions } from './index.js';

const API_KEY = 'sk-test-SECRET-0123456789';
const SECRET_TEXT = 'my bank pin is 4321';

let server: FakeOpenAiServer;
beforeEach(async () => {
  server = await startFakeOpenAiServer({ dimensions: 16, shuffle: true });
});
afterEach(() => server.close());

const provider = (options: Partial<OpenAiProviderOptions> = {}) =>
  createOpenAiProvider({ baseUrl: `${server.baseUrl}/`, model: 'text-embedding-test', apiKey: API_KEY, ...options });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error as MemosError,
  );

/** A port that nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('openai embedding provider', () => {
  it('speaks the protocol: one request, a bearer token, vectors sorted back into input order', async () => {
    const openai = provider({ maxBatchSize: 64 });
    expect(openai).toMatchObject({ provider: 'openai', model: 'text-embedding-test', dimensions: 0, maxBatchSize: 64 });
    const texts = ['alpha', 'beta gamma', 'delta'];
    const vectors = await openai.embed({ texts, purpose: 'document' });
    expect(vectors).toEqual(texts.map((text) => server.vector(text)));
    expect(openai.dimensions).toBe(16);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toEqual({
      input: texts,
      body: { model: 'text-embedding-test', input: texts, encoding_format: 'float' },
      authorization: `Bearer ${API_KEY}`,
    });
  });

  it('reads base64 vectors and sends no token without a key', async () => {
    const openai = provider({ apiKey: undefined, encodingFormat: 'base64' });
    const vectors = await openai.embed({ texts: ['one', 'two'], purpose: 'query' });
    expect(vectors).toEqual([server.vector('one'), server.vector('two')]);
    expect(server.requests[0]?.body.encoding_format).toBe('base64');
    expect(server.requests[0]?.authorization).toBeUndefined();
  });

  it('embeds no texts without a request', async () => {
    expect(await provider().embed({ texts: [], purpose: 'document' })).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('learns dimensions with a probe at init, and skips the probe when they are configured', async () => {
    const learning = provider();
    await learning.init();
    expect(learning.dimensions).toBe(16);
    expect(server.requests).toHaveLength(1);
    const configured = provider({ dimensions: 16 });
    await configured.init();
    expect(server.requests).toHaveLength(1);
    await learning.close();
  });

  it('starts against a down server and learns dimensions from the first answer', async () => {
    const down = provider({ baseUrl: `http://127.0.0.1:${await closedPort()}/v1` });
    await expect(down.init()).resolves.toBeUndefined();
    expect(down.dimensions).toBe(0);
    const refused = await failure(down.embed({ texts: ['x'], purpose: 'document' }));
    expect(refused).toMatchObject({ code: 'E_EMBEDDING_PROVIDER', details: { retryable: true } });
    expect(refused.message).toMatch(/request failed \(ECONNREFUSED\)/);
    const failing = provider();
    server.fail({ kind: 'status', status: 503 });
    await expect(failing.init()).resolves.toBeUndefined();
    expect(failing.dimensions).toBe(0);
    await failing.embed({ texts: ['later'], purpose: 'document' });
    expect(failing.dimensions).toBe(16);
  });

  const cases: [string, UpstreamFault, { retryable: boolean; retryAfter?: number; rejectedInput?: true; message: RegExp }][] = [
    ['500', { kind: 'status', status: 500 }, { retryable: true, message: /HTTP 500 \(fault_500\)/ }],
    ['503', { kind: 'status', status: 503 }, { retryable: true, message: /HTTP 503/ }],
    ['429 with Retry-After seconds', { kind: 'status', status: 429, retryAfter: '7' }, { retryable: true, retryAfter: 7, message: /HTTP 429/ }],
    ['400', { kind: 'status', status: 400 }, { retryable: false, rejectedInput: true, message: /HTTP 400/ }],
    ['413 (the input refused)', { kind: 'status', status: 413 }, { retryable: false, rejectedInput: true, message: /HTTP 413/ }],
    ['422 (the input refused)', { kind: 'status', status: 422 }, { retryable: false, rejectedInput: true, message: /HTTP 422/ }],
    ['401', { kind: 'status', status: 401, body: { error: { code: 'invalid_api_key', message: `Incorrect key ${API_KEY}` } } }, { retryable: false, message: /HTTP 401 \(invalid_api_key\)/ }],
    ['404', { kind: 'status', status: 404, body: 'no such route' }, { retryable: false, message: /HTTP 404$/ }],
    ['malformed JSON', { kind: 'malformed-json' }, { retryable: false, message: /malformed JSON/ }],
    ['a body of the wrong shape', { kind: 'wrong-shape' }, { retryable: false, message: /unexpected shape \(data: invalid_type\)/ }],
    ['the wrong number of vectors', { kind: 'wrong-count' }, { retryable: false, message: /answered 1 vectors for 2 texts/ }],
    ['a reset connection', { kind: 'reset' }, { retryable: true, message: /request failed/ }],
  ];

  it.each(cases)('maps %s to E_EMBEDDING_PROVIDER', async (_name, fault, expected) => {
    server.fail(fault);
    const error = await failure(provider().embed({ texts: [SECRET_TEXT, 'second'], purpose: 'document' }));
    expect(error.code).toBe('E_EMBEDDING_PROVIDER');
    expect(error.message).toMatch(expected.message);
    const { message: _message, ...details } = expected;
    expect(error.details).toEqual(details);
    const said = `${error.message} ${JSON.stringify(error.details)} ${String((error.cause as Error | undefined)?.message)}`;
    expect(said).not.toContain(API_KEY);
    expect(said).not.toContain(SECRET_TEXT);
  });

  it('reads Retry-After as an HTTP date', async () => {
    server.fail({ kind: 'status', status: 429, retryAfter: new Date(Date.now() + 3_000).toUTCString() });
    const error = await failure(provider().embed({ texts: ['x'], purpose: 'document' }));
    expect(error.details?.retryAfter).toBeGreaterThanOrEqual(1);
    expect(error.details?.retryAfter).toBeLessThanOrEqual(3);
  });

  it('times out a slow answer as a retryable failure', async () => {
    server.fail({ kind: 'delay', ms: 2_000 });
    const error = await failure(provider({ timeoutMs: 100 }).embed({ texts: ['slow'], purpose: 'document' }));
    expect(error).toMatchObject({ code: 'E_EMBEDDING_PROVIDER', details: { retryable: true } });
    expect(error.message).toMatch(/timed out after 100 ms/);
  });

  it('passes a caller abort through as an abort, not as a provider failure', async () => {
    server.fail({ kind: 'delay', ms: 2_000 });
    const controller = new AbortController();
    const pending = provider().embed({ texts: ['slow'], purpose: 'document', signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('checks vector lengths against learned and configured dimensions', async () => {
    const openai = provider();
    await openai.embed({ texts: ['first'], purpose: 'document' });
    server.fail({ kind: 'dimensions', dimensions: 8 }, { kind: 'ragged' });
    const learned = await failure(openai.embed({ texts: ['second'], purpose: 'document' }));
    expect(learned).toMatchObject({ code: 'E_DIMENSION_MISMATCH', details: { retryable: false } });
    expect(learned.message).toMatch(/answered 8-dimensional vectors, expected 16/);
    const ragged = await failure(provider().embed({ texts: ['a', 'b'], purpose: 'document' }));
    expect(ragged).toMatchObject({ code: 'E_DIMENSION_MISMATCH' });
    const configured = await failure(provider({ dimensions: 32 }).embed({ texts: ['c'], purpose: 'document' }));
    expect(configured.message).toMatch(/answered 16-dimensional vectors, expected 32/);
  });

  it('rejects bad configuration without I/O', () => {
    expect(() => provider({ baseUrl: 'not a url' })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => provider({ baseUrl: 'ftp://host/v1' })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => provider({ baseUrl: 'http://user:pw@host/v1' })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => provider({ baseUrl: 'http://host/v1?key=1' })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => provider({ model: '' })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    expect(() => provider({ maxBatchSize: 0 })).toThrow(expect.objectContaining({ code: 'E_CONFIG' }));
    const badKey = (() => {
      try {
        provider({ apiKey: 'sk bad\nkey' });
      } catch (error) {
        return error as MemosError;
      }
    })();
    expect(badKey?.code).toBe('E_CONFIG');
    expect(badKey?.message).not.toContain('sk bad');
  });
});
