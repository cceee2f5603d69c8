// The chat-completions client against a local server that speaks the real protocol, its failures
// included: what it sends, what it reads, when it retries, when its breaker opens, and that
// neither the key nor the prompt ever reaches an error or a log line.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { MemosError } from '../core/errors.js';
import { createLogger } from '../observability/logger.js';
import { startChatCompletionsServer, type ChatCompletionsServer, type ChatRequestIn } from '../../test/support/chat-completions-server.js';
import { logSink } from '../../test/support/log-sink.js';
import { createChatClient, type AnswerSchema, type ChatClientOptions } from './chat-client.js';

const API_KEY = 'sk-test-SECRET-0123456789';
const SECRET_TEXT = 'my bank pin is 4321';

/** A small answer: the model counts the words of the user message. */
const answer: AnswerSchema<{ words: number; echo: string }> = {
  name: 'word_count',
  jsonSchema: {
    type: 'object',
    properties: { words: { type: 'integer' }, echo: { type: 'string' } },
    required: ['words', 'echo'],
    additionalProperties: false,
  },
  parse: z.object({ words: z.number().int(), echo: z.string() }),
};
const countWords = (request: ChatRequestIn) => {
  const text = request.messages.at(-1)!.content;
  return { words: text.split(/\s+/).filter(Boolean).length, echo: text.slice(0, 8) };
};
const messages = [
  { role: 'system' as const, content: 'Count the words.' },
  { role: 'user' as const, content: SECRET_TEXT },
];

let server: ChatCompletionsServer;
beforeEach(async () => {
  server = await startChatCompletionsServer({ respond: countWords, apiKey: API_KEY });
});
afterEach(() => server.close());

const client = (options: Partial<ChatClientOptions> = {}) =>
  createChatClient({ baseUrl: `${server.baseUrl}/`, model: 'judge-test', apiKey: API_KEY, baseDelayMs: 1, maxDelayMs: 5, ...options });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error as MemosError,
  );

/** Neither the key nor the prompt's text appears anywhere in the error, its details or its causes. */
function expectSafe(error: MemosError) {
  const seen = [error.message, JSON.stringify(error.details ?? {}), String((error.cause as Error | undefined)?.message ?? '')].join('\n');
  expect(seen).not.toContain(API_KEY);
  expect(seen).not.toContain(SECRET_TEXT);
  expect(seen).not.toContain('bank pin');
}

describe('chat-completions client', () => {
  it('speaks the protocol: structured output at temperature 0, a bearer token, the answer checked and returned', async () => {
    const result = await client().complete({ messages, answer });
    expect(result.value).toEqual({ words: 5, echo: 'my bank ' });
    expect(result.usage).toEqual({ promptTokens: 101, completionTokens: 20 });
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request!.body).toEqual({
      model: 'judge-test',
      messages,
      temperature: 0,
      response_format: { type: 'json_schema', json_schema: { name: 'word_count', strict: true, schema: answer.jsonSchema } },
    });
  });

  it('sends no Authorization header without a key', async () => {
    const open = await startChatCompletionsServer({ respond: countWords });
    try {
      await createChatClient({ baseUrl: open.baseUrl, model: 'judge-test' }).complete({ messages, answer });
      expect(open.requests[0]!.authorization).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('retries 500, 503 and a connection reset, then answers', async () => {
    server.fail({ kind: 'status', status: 500 }, { kind: 'status', status: 503 }, { kind: 'reset' });
    const chat = client();
    const result = await chat.complete({ messages, answer });
    expect(result.value.words).toBe(5);
    expect(server.requests).toHaveLength(4);
    expect(chat.health()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0, lastError: expect.stringContaining('request failed') });
  });

  it('gives up after its retries with the last failure, retryable, naming the status and upstream code', async () => {
    server.fail(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 502 })));
    const error = await failure(client({ retries: 2 }).complete({ messages, answer }));
    expect(server.requests).toHaveLength(3);
    expect(error).toMatchObject({ code: 'E_UNAVAILABLE', details: { retryable: true } });
    expect(error.message).toBe(`chat model 'judge-test' at ${server.baseUrl}/chat/completions: answered HTTP 502 (fault_502)`);
  });

  it('waits out a 429 for at least its Retry-After on the real clock, then answers', async () => {
    server.fail({ kind: 'status', status: 429, retryAfter: '1', body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } } });
    const started = performance.now();
    const result = await client().complete({ messages, answer });
    const waited = performance.now() - started;
    expect(result.value.words).toBe(5);
    expect(server.requests).toHaveLength(2);
    expect(waited).toBeGreaterThanOrEqual(950);
  });

  it('gives up at once on a Retry-After beyond its cap, passing the wait on', async () => {
    server.fail({ kind: 'status', status: 429, retryAfter: '120' });
    const error = await failure(client({ maxRetryAfterMs: 10_000 }).complete({ messages, answer }));
    expect(server.requests).toHaveLength(1);
    expect(error.details).toMatchObject({ retryable: true, retryAfter: 120 });
  });

  it('does not retry a 4xx: the request itself was refused', async () => {
    const error = await failure(client({ apiKey: 'sk-wrong-key-000' }).complete({ messages, answer }));
    expect(server.requests).toHaveLength(0);
    expect(error).toMatchObject({ code: 'E_UNAVAILABLE', details: { retryable: false } });
    expect(error.message).toContain('answered HTTP 401 (invalid_api_key)');
    expect(error.message).not.toContain('sk-wrong-key-000');

    server.fail({ kind: 'status', status: 400, body: { error: { message: `context too long: ${SECRET_TEXT}`, type: 'invalid_request_error', code: 'context_length_exceeded' } } });
    const refused = await failure(client().complete({ messages, answer }));
    expect(server.requests).toHaveLength(1);
    expect(refused.details).toEqual({ retryable: false, rejectedInput: true });
    expectSafe(refused);
  });

  it('times out an attempt that hangs, retries it, and fails with failure timeout when every attempt hangs', async () => {
    server.fail({ kind: 'delay', ms: 5_000 });
    const chat = client({ timeoutMs: 150 });
    expect((await chat.complete({ messages, answer })).value.words).toBe(5);
    expect(server.requests).toHaveLength(2);

    server.fail({ kind: 'delay', ms: 5_000 }, { kind: 'delay', ms: 5_000 });
    const started = performance.now();
    const error = await failure(client({ timeoutMs: 150, retries: 1 }).complete({ messages, answer }));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error).toMatchObject({ code: 'E_UNAVAILABLE', details: { retryable: true, failure: 'timeout' } });
    expect(error.message).toContain('timed out after 150 ms');
  });

  it('fails retryably when nothing listens, naming the network error', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const error = await failure(createChatClient({ baseUrl: `http://127.0.0.1:${port}/v1`, model: 'm', retries: 0 }).complete({ messages, answer }));
    expect(error).toMatchObject({ code: 'E_UNAVAILABLE', details: { retryable: true } });
    expect(error.message).toContain('request failed (ECONNREFUSED)');
  });

  it('opens its circuit after the threshold, fails fast while open, and closes after a successful trial', async () => {
    let clock = 1_000_000;
    const chat = client({ retries: 5, breaker: { failureThreshold: 3, resetAfterMs: 10_000 }, now: () => clock });
    server.fail(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503 })));
    const opened = await failure(chat.complete({ messages, answer }));
    expect(server.requests).toHaveLength(3);
    expect(opened).toMatchObject({ code: 'E_UNAVAILABLE', details: { retryable: true, failure: 'circuit_open', retryAfter: 10 } });
    expect(opened.message).toContain('circuit open after 3 consecutive failures (last: ');
    expect(chat.health()).toMatchObject({ circuit: 'open', consecutiveFailures: 3 });

    const fast = await failure(chat.complete({ messages, answer }));
    expect(fast.details?.failure).toBe('circuit_open');
    expect(server.requests).toHaveLength(3);

    clock += 10_000;
    expect(chat.health().circuit).toBe('half_open');
    expect((await chat.complete({ messages, answer })).value.words).toBe(5);
    expect(server.requests).toHaveLength(4);
    expect(chat.health()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0, lastSuccessAt: new Date(clock).toISOString() });
  });

  it.each([
    ['a body that is not JSON', { kind: 'malformed-body' as const }, 'malformed', 'answered a body that is not JSON'],
    ['a message that is not JSON', { kind: 'malformed-content' as const }, 'malformed', 'answered a message that is not JSON'],
    ['JSON outside the schema', { kind: 'content' as const, value: { words: 'five', echo: SECRET_TEXT } }, 'off_schema', "answered JSON outside the 'word_count' schema (words: invalid_type)"],
    ['no choices', { kind: 'empty-choices' as const }, 'empty', 'answered no choices'],
    ['a refusal', { kind: 'refusal' as const, text: `I cannot discuss "${SECRET_TEXT}".` }, 'refused', 'refused to answer'],
    ['an answer cut off at the token limit', { kind: 'truncated' as const }, 'truncated', 'answer was cut off at the token limit'],
  ])('reports %s as an unusable answer, without retrying, without counting against the circuit', async (_, fault, kind, words) => {
    server.fail(fault);
    const chat = client({ breaker: { failureThreshold: 1 } });
    const error = await failure(chat.complete({ messages, answer }));
    expect(server.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: 'E_UNAVAILABLE', details: { retryable: false, unusableAnswer: kind } });
    expect(error.message).toContain(words);
    expectSafe(error);
    expect(chat.health()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0 });
    // The model is still usable: the next question is answered.
    expect((await chat.complete({ messages, answer })).value.words).toBe(5);
  });

  it('stops at once when the caller aborts, during an attempt or a backoff', async () => {
    server.fail({ kind: 'delay', ms: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await expect(client().complete({ messages, answer, signal: controller.signal })).rejects.toThrow('shutting down');
    expect(server.requests).toHaveLength(1);

    server.fail({ kind: 'status', status: 503 });
    const during = new AbortController();
    const pending = client({ baseDelayMs: 5_000, maxDelayMs: 5_000, random: () => 0.99 }).complete({ messages, answer, signal: during.signal });
    setTimeout(() => during.abort(new Error('gone')), 100);
    await expect(pending).rejects.toThrow('gone');
    expect(server.requests).toHaveLength(2);
  });

  it('never writes the key or the prompt into an error or a log line, whatever fails', async () => {
    const sink = logSink();
    const logger = createLogger({ log: { level: 'trace' } }, sink.stream);
    const echo = { error: { message: `bad request from ${API_KEY}: ${SECRET_TEXT}`, type: 'server_error', code: 'server_error' } };
    server.fail(
      { kind: 'status', status: 500, body: echo },
      { kind: 'delay', ms: 5_000 },
      { kind: 'reset' },
      { kind: 'status', status: 503, body: echo },
      { kind: 'refusal', text: `No. ${SECRET_TEXT}` },
    );
    const chat = client({ logger, timeoutMs: 150, retries: 5, breaker: { failureThreshold: 4 } });
    const opened = await failure(chat.complete({ messages, answer }));
    expect(opened.details?.failure).toBe('circuit_open');
    expectSafe(opened);
    expect(sink.lines.filter((line) => line.msg === 'chat model attempt failed; retrying')).toHaveLength(3);
    expect(sink.lines.some((line) => line.msg === 'chat model circuit opened')).toBe(true);

    const refused = await failure(client({ logger }).complete({ messages, answer }));
    expectSafe(refused);
    expect(chat.health().lastError).not.toContain(API_KEY);
    expect(sink.raw()).not.toContain(API_KEY);
    expect(sink.raw()).not.toContain(SECRET_TEXT);
    expect(sink.raw()).not.toContain('bank pin');
  });

  it('refuses a base URL with credentials, a bad scheme or a key fetch cannot send, without repeating the key', () => {
    expect(() => createChatClient({ baseUrl: 'http://user:pw@127.0.0.1:1/v1', model: 'm' })).toThrow(/hold no credentials/);
    expect(() => createChatClient({ baseUrl: 'ftp://127.0.0.1/v1', model: 'm' })).toThrow(/http or https/);
    expect(() => createChatClient({ baseUrl: 'http://127.0.0.1/v1', model: '' })).toThrow(/model is required/);
    let message = '';
    try {
      createChatClient({ baseUrl: 'http://127.0.0.1/v1', model: 'm', apiKey: 'sk secret\n' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe('chat model: apiKey must be printable ASCII without spaces');
  });
});
