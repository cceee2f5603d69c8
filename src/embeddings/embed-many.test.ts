import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '../core/clock.js';
import type { MemosError } from '../core/errors.js';
import { createResilientEmbedder, type ResilientEmbedder, type ResilientEmbedderOptions } from './embed-many.js';
import { createHashProvider, startFakeOpenAiServer, type FakeOpenAiServer, type UpstreamFault } from './fake/index.js';
import { createOpenAiProvider, type OpenAiProviderOptions } from './openai/index.js';

const API_KEY = 'sk-test-SECRET-0123456789';
const SECRET_TEXT = 'my bank pin is 4321';

let server: FakeOpenAiServer;
beforeEach(async () => {
  server = await startFakeOpenAiServer({ dimensions: 16, shuffle: true });
});
afterEach(() => server.close());

/** The resilient embedder on the real OpenAI provider; sleeps are recorded, not slept, and time is by hand. */
function setup(embedderOptions: ResilientEmbedderOptions = {}, providerOptions: Partial<OpenAiProviderOptions> = {}) {
  const delays: number[] = [];
  const clock = manualClock();
  const provider = createOpenAiProvider({ baseUrl: server.baseUrl, model: 'text-embedding-test', apiKey: API_KEY, ...providerOptions });
  const embedder = createResilientEmbedder(provider, {
    random: () => 0.5,
    sleep: async (ms) => void delays.push(ms),
    now: clock.now,
    ...embedderOptions,
  });
  return { embedder, delays, clock };
}

const embed = (embedder: ResilientEmbedder, texts = [SECRET_TEXT]) => embedder.embed({ texts, purpose: 'document', namespace: 'default' });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error as MemosError,
  );

const status = (code: number, retryAfter?: string): UpstreamFault => ({ kind: 'status', status: code, retryAfter });
const times = (count: number, fault: UpstreamFault) => Array.from({ length: count }, () => fault);

describe('resilient embedder: batching', () => {
  it('embeds nothing without calling the provider', async () => {
    const { embedder } = setup();
    expect(await embed(embedder, [])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('splits texts into batches of at most maxBatchSize and keeps input order across them', async () => {
    const { embedder } = setup({}, { maxBatchSize: 3 });
    const texts = Array.from({ length: 10 }, (_, i) => `text number ${i}`);
    const vectors = await embed(embedder, texts);
    expect(server.requests.map((request) => request.input.length)).toEqual([3, 3, 3, 1]);
    expect(server.requests.flatMap((request) => request.input)).toEqual(texts);
    expect(vectors).toEqual(texts.map((text) => server.vector(text)));
    expect(embedder).toMatchObject({ provider: 'openai', model: 'text-embedding-test', dimensions: 16 });
  });

  it('counts what reaches a provider, and rejects a provider that loses vectors', async () => {
    const fake = createHashProvider({ maxBatchSize: 4 });
    await createResilientEmbedder(fake).embed({ texts: Array.from({ length: 9 }, String), purpose: 'query', namespace: 'n' });
    expect({ calls: fake.calls, textsSeen: fake.textsSeen }).toEqual({ calls: 3, textsSeen: 9 });
    const lossy = { ...createHashProvider(), embed: async () => [] };
    const error = await failure(createResilientEmbedder(lossy).embed({ texts: ['a'], purpose: 'query', namespace: 'n' }));
    expect(error).toMatchObject({ code: 'E_EMBEDDING_PROVIDER', details: { retryable: false } });
  });
});

describe('resilient embedder: retries', () => {
  it('retries retryable failures with exponential backoff and full jitter, then succeeds', async () => {
    const { embedder, delays, clock } = setup({}, { timeoutMs: 200 });
    server.fail(status(503), { kind: 'reset' }, { kind: 'delay', ms: 1_000 });
    expect(await embed(embedder, ['hello'])).toEqual([server.vector('hello')]);
    expect(server.requests).toHaveLength(4);
    expect(delays).toEqual([100, 200, 400]);
    expect(embedder.health()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0, lastSuccessAt: new Date(clock.now()).toISOString() });
    expect(embedder.health().lastError).toMatch(/timed out/);
  });

  it('gives up after the configured retries, with delays capped at maxDelayMs', async () => {
    const { embedder, delays } = setup({ retries: 3, baseDelayMs: 1_000, maxDelayMs: 1_500 });
    server.fail(...times(5, status(500)));
    const error = await failure(embed(embedder));
    expect(error).toMatchObject({ code: 'E_EMBEDDING_PROVIDER', details: { retryable: true } });
    expect(error.message).toMatch(/HTTP 500/);
    expect(server.requests).toHaveLength(4);
    expect(delays).toEqual([500, 750, 750]);
  });

  it.each<[string, UpstreamFault]>([
    ['400', status(400)],
    ['401', status(401)],
    ['404', status(404)],
    ['malformed JSON', { kind: 'malformed-json' }],
    ['a wrong shape', { kind: 'wrong-shape' }],
    ['a wrong vector count', { kind: 'wrong-count' }],
  ])('fails at once on %s, without retrying or counting toward the breaker', async (_name, fault) => {
    const { embedder, delays } = setup({ breaker: { failureThreshold: 2 } });
    server.fail(...times(3, fault));
    for (let i = 0; i < 3; i++) {
      const error = await failure(embed(embedder, ['a', 'b']));
      expect(error).toMatchObject({ code: 'E_EMBEDDING_PROVIDER', details: { retryable: false } });
    }
    expect(server.requests).toHaveLength(3);
    expect(delays).toEqual([]);
    expect(embedder.health()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0 });
  });

  it('waits at least Retry-After, in seconds or as an HTTP date', async () => {
    const { embedder, delays } = setup();
    server.fail(status(429, '2'), status(429, new Date(Date.now() + 3_000).toUTCString()));
    await embed(embedder);
    expect(server.requests).toHaveLength(3);
    expect(delays[0]).toBe(2_000);
    expect(delays[1]).toBeGreaterThanOrEqual(1_000);
    expect(delays[1]).toBeLessThanOrEqual(3_000);
  });

  it('gives up at once when Retry-After is beyond the cap', async () => {
    const { embedder, delays } = setup({ maxRetryAfterMs: 60_000 });
    server.fail(status(429, '120'));
    const error = await failure(embed(embedder));
    expect(error.details).toEqual({ retryable: true, retryAfter: 120 });
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('really waits for Retry-After on the real clock', async () => {
    const provider = createOpenAiProvider({ baseUrl: server.baseUrl, model: 'text-embedding-test' });
    const embedder = createResilientEmbedder(provider, { baseDelayMs: 1 });
    server.fail(status(429, '1'));
    const started = performance.now();
    expect(await embed(embedder, ['hello'])).toEqual([server.vector('hello')]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it('stops waiting when the caller aborts during a backoff', async () => {
    const provider = createOpenAiProvider({ baseUrl: server.baseUrl, model: 'text-embedding-test' });
    const embedder = createResilientEmbedder(provider, { baseDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1 });
    server.fail(status(503));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await expect(embedder.embed({ texts: ['x'], purpose: 'query', namespace: 'n', signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(server.requests).toHaveLength(1);
    expect(embedder.health().consecutiveFailures).toBe(1);
  });

  it('does not retry a dimension mismatch', async () => {
    const { embedder, delays } = setup();
    await embed(embedder);
    server.fail({ kind: 'dimensions', dimensions: 8 });
    const error = await failure(embed(embedder));
    expect(error).toMatchObject({ code: 'E_DIMENSION_MISMATCH', details: { retryable: false } });
    expect(server.requests).toHaveLength(2);
    expect(delays).toEqual([]);
  });
});

describe('resilient embedder: circuit breaker', () => {
  it('opens after the threshold, fails fast while open, half-opens after resetAfterMs and closes on success', async () => {
    const { embedder, clock } = setup({ retries: 0, breaker: { failureThreshold: 3, resetAfterMs: 10_000 } });
    expect(embedder.health()).toEqual({ provider: 'openai', model: 'text-embedding-test', dimensions: 0, circuit: 'closed', consecutiveFailures: 0 });
    server.fail(...times(3, status(503)));
    for (let i = 0; i < 3; i++) await failure(embed(embedder));
    expect(embedder.health()).toMatchObject({ circuit: 'open', consecutiveFailures: 3 });

    const fast = await failure(embed(embedder));
    expect(fast).toMatchObject({ code: 'E_EMBEDDING_PROVIDER', details: { retryable: true, retryAfter: 10 } });
    expect(fast.message).toMatch(/circuit open after 3 consecutive failures \(last: .*HTTP 503/);
    for (const secret of [SECRET_TEXT, API_KEY]) expect(fast.message).not.toContain(secret);
    clock.advance(4_000);
    expect((await failure(embed(embedder))).details?.retryAfter).toBe(6);
    expect(server.requests).toHaveLength(3);

    clock.advance(6_000);
    expect(embedder.health().circuit).toBe('half_open');
    expect(await embed(embedder, ['back'])).toEqual([server.vector('back')]);
    expect(embedder.health()).toMatchObject({ circuit: 'closed', consecutiveFailures: 0, dimensions: 16 });
    expect(server.requests).toHaveLength(4);
  });

  it('re-opens when the half-open trial fails', async () => {
    const { embedder, clock } = setup({ retries: 3, breaker: { failureThreshold: 2, resetAfterMs: 5_000 } });
    server.fail(...times(3, status(502)));
    await failure(embed(embedder));
    expect(server.requests).toHaveLength(2);
    clock.advance(5_000);
    const trial = await failure(embed(embedder));
    expect(trial.details?.retryAfter).toBe(5);
    expect(server.requests).toHaveLength(3);
    expect(embedder.health()).toMatchObject({ circuit: 'open', consecutiveFailures: 3 });
    clock.advance(5_000);
    await embed(embedder);
    expect(embedder.health().circuit).toBe('closed');
  });

  it('opens in the middle of a batch\'s retries and stops them', async () => {
    const { embedder, delays } = setup({ retries: 5, breaker: { failureThreshold: 2 } });
    server.fail(...times(6, status(503)));
    const error = await failure(embed(embedder));
    expect(error.message).toMatch(/circuit open/);
    expect((error.cause as MemosError).message).toMatch(/HTTP 503/);
    expect(server.requests).toHaveLength(2);
    expect(delays).toEqual([100]);
  });

  it('lets one trial through at a time while half-open', async () => {
    const { embedder, clock } = setup({ retries: 0, breaker: { failureThreshold: 1, resetAfterMs: 1_000 } });
    server.fail(status(500), { kind: 'delay', ms: 200 });
    await failure(embed(embedder));
    clock.advance(1_000);
    const trial = embed(embedder, ['trial']);
    const other = await failure(embed(embedder, ['other']));
    expect(other.details).toEqual({ retryable: true, retryAfter: 1, failure: 'circuit_open' });
    expect(await trial).toEqual([server.vector('trial')]);
    expect(server.requests.map((request) => request.input)).toEqual([[SECRET_TEXT], ['trial']]);
    expect(embedder.health().circuit).toBe('closed');
  });
});

describe('texts longer than the provider takes', () => {
  it('sends only the start of a text longer than maxInputChars, never splitting a surrogate pair', async () => {
    await server.close();
    server = await startFakeOpenAiServer({ dimensions: 16, maxInputChars: 10 });
    const { embedder } = setup({}, { maxInputChars: 10 });
    const long = 'twelve chars and more words after them';
    const emoji = 'a😀b😀c😀d😀e😀f😀';
    const vectors = await embed(embedder, [long, 'short', emoji]);
    expect(server.requests.at(-1)!.input).toEqual(['twelve cha', 'short', 'a😀b😀c😀d😀e😀']);
    expect(vectors[0]).toEqual(server.vector('twelve cha'));
    expect(embedder.maxInputChars).toBe(10);
  });

  it('answers a text the provider refuses with E_EMBEDDING_PROVIDER saying the input was refused, without retrying', async () => {
    await server.close();
    server = await startFakeOpenAiServer({ dimensions: 16, maxInputChars: 10 });
    const { embedder, delays } = setup();
    const error = await failure(embed(embedder, ['a text longer than ten characters']));
    expect(error).toMatchObject({ code: 'E_EMBEDDING_PROVIDER', details: { retryable: false, rejectedInput: true } });
    expect(error.message).toMatch(/HTTP 400 \(context_length_exceeded\)/);
    expect(delays).toEqual([]);
  });
});
