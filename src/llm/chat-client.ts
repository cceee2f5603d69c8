// A client for OpenAI-compatible `POST /chat/completions` that asks for structured JSON output and
// checks the answer against a zod schema. Retries, backoff and the circuit breaker are the ones the
// embedders use (src/embeddings/retry.ts, src/embeddings/circuit-breaker.ts), with the same defaults.

import type { Logger } from 'pino';
import type { z } from 'zod';
import { toIso } from '../core/clock.js';
import { isMemosError, MemosError, type MemosErrorDetails } from '../core/errors.js';
import { createCircuitBreaker, type CallOutcome, type CircuitState } from '../embeddings/circuit-breaker.js';
import { parseRetryAfter, upstreamErrorCode } from '../embeddings/openai/wire.js';
import { breakerSettingsOf, isRetryable, retryDelay, retryPolicyOf, sleep as realSleep, type ResilienceOptions, type RetryPolicy } from '../embeddings/retry.js';
import { loggedError } from '../observability/logger.js';
import { chatCompletionResponseSchema, type ChatCompletionRequest, type ChatMessage } from './wire.js';

/** Retries, backoff and the circuit breaker take the embedders' defaults (ResilienceOptions); retries count per request. */
export interface ChatClientOptions extends ResilienceOptions {
  /** The API root, e.g. `http://127.0.0.1:1234/v1` (LM Studio) or `https://api.openai.com/v1`. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer`; never in an error or a log line. */
  apiKey?: string;
  /** Per attempt, answer included; 60 s unless told. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Retries and circuit changes are logged here, by status and code only. */
  logger?: Logger;
}

/** The JSON the model must answer: a name, the JSON Schema it is held to, and the zod schema that checks it. */
export interface AnswerSchema<T> {
  name: string;
  jsonSchema: Record<string, unknown>;
  parse: z.ZodType<T>;
}

export interface ChatRequest<T> {
  messages: ChatMessage[];
  answer: AnswerSchema<T>;
  signal?: AbortSignal;
}

export interface ChatAnswer<T> {
  value: T;
  usage?: { promptTokens?: number; completionTokens?: number };
}

export interface ChatClientHealth {
  model: string;
  circuit: CircuitState;
  consecutiveFailures: number;
  lastError?: string;
  lastSuccessAt?: string;
}

export interface ChatClient {
  readonly model: string;
  complete<T>(request: ChatRequest<T>): Promise<ChatAnswer<T>>;
  health(): ChatClientHealth;
}

/** `{baseUrl}/chat/completions`; also what error messages name, so it must hold no credentials or query. */
function endpointOf(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new MemosError('E_CONFIG', 'chat model: baseUrl is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MemosError('E_CONFIG', 'chat model: baseUrl must be http or https');
  if (url.username || url.password || url.search || url.hash) {
    throw new MemosError('E_CONFIG', 'chat model: baseUrl must hold no credentials, query or fragment (use apiKey)');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/chat/completions`;
}

const positiveInt = (name: string, value: number, min = 1) => {
  if (!Number.isInteger(value) || value < min) throw new MemosError('E_CONFIG', `chat model: ${name} must be an integer of at least ${min}, got ${value}`);
  return value;
};

/**
 * Every failure is `E_UNAVAILABLE` (the judge is an optional component; nothing it does reaches a
 * client as an HTTP error) with `details.retryable`, and for answers that arrived unusable
 * `details.unusableAnswer`. Messages name the endpoint, the status and the upstream's error code,
 * never the prompt, the memory text, the answer's text or the key.
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const endpoint = endpointOf(options.baseUrl);
  if (!options.model) throw new MemosError('E_CONFIG', 'chat model: model is required');
  if (options.apiKey !== undefined && !/^[\x21-\x7e]+$/.test(options.apiKey)) {
    // Else fetch would reject the header with a message that repeats the key.
    throw new MemosError('E_CONFIG', 'chat model: apiKey must be printable ASCII without spaces');
  }
  const timeoutMs = positiveInt('timeoutMs', options.timeoutMs ?? 60_000);
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const logger = options.logger;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  const policy: RetryPolicy = { ...retryPolicyOf(options), retries: positiveInt('retries', options.retries ?? 3, 0) };
  const breaker = createCircuitBreaker({ ...breakerSettingsOf(options), now });
  // A function, so that TypeScript does not narrow the state across a release().
  const isOpen = () => breaker.state === 'open';
  let lastError: string | undefined;
  let lastSuccessAt: number | undefined;

  const failure = (message: string, details: MemosErrorDetails, cause?: unknown) =>
    new MemosError('E_UNAVAILABLE', `chat model '${options.model}' at ${endpoint}: ${message}`, { details, cause });
  const unusable = (message: string, kind: NonNullable<MemosErrorDetails['unusableAnswer']>) =>
    failure(message, { retryable: false, unusableAnswer: kind });

  /** The checked value of a 2xx body. */
  const readAnswer = <T>(text: string, answer: AnswerSchema<T>): ChatAnswer<T> => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw unusable('answered a body that is not JSON', 'malformed');
    }
    const envelope = chatCompletionResponseSchema.safeParse(body);
    if (!envelope.success) {
      const issue = envelope.error.issues[0];
      throw unusable(`answered an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.code})`, 'malformed');
    }
    const choice = envelope.data.choices[0];
    if (choice === undefined) throw unusable('answered no choices', 'empty');
    // The refusal's words are the model's and may quote the memory: only the fact is told.
    if (choice.message.refusal) throw unusable('refused to answer', 'refused');
    if (choice.finish_reason === 'length') throw unusable('answer was cut off at the token limit', 'truncated');
    const content = choice.message.content;
    if (content === null || content === undefined || content.trim() === '') throw unusable('answered an empty message', 'empty');
    let json: unknown;
    try {
      json = JSON.parse(content);
    } catch {
      throw unusable('answered a message that is not JSON', 'malformed');
    }
    const checked = answer.parse.safeParse(json);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw unusable(`answered JSON outside the '${answer.name}' schema (${issue?.path.join('.') || 'answer'}: ${issue?.code})`, 'off_schema');
    }
    const usage = envelope.data.usage;
    return {
      value: checked.data,
      ...(usage ? { usage: { ...(usage.prompt_tokens === undefined ? {} : { promptTokens: usage.prompt_tokens }), ...(usage.completion_tokens === undefined ? {} : { completionTokens: usage.completion_tokens }) } } : {}),
    };
  };

  /** One upstream attempt. */
  const attempt = async <T>(body: string, answer: AnswerSchema<T>, signal: AbortSignal | undefined): Promise<ChatAnswer<T>> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const response = await doFetch(endpoint, { method: 'POST', headers, body, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      const text = await response.text();
      if (!response.ok) {
        const status = response.status;
        const retryable = status === 408 || status === 429 || status >= 500;
        const retryAfter = retryable ? parseRetryAfter(response.headers.get('retry-after'), Date.now()) : undefined;
        const code = upstreamErrorCode(text);
        throw failure(`answered HTTP ${status}${code ? ` (${code})` : ''}`, {
          retryable,
          ...(retryAfter === undefined ? {} : { retryAfter }),
          ...(status === 400 || status === 413 || status === 422 ? { rejectedInput: true } : {}),
        });
      }
      return readAnswer(text, answer);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (isMemosError(error)) throw error;
      if (timeout.aborted) throw failure(`timed out after ${timeoutMs} ms`, { retryable: true, failure: 'timeout' }, error);
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const reason = typeof cause?.code === 'string' ? cause.code : (error as Error).name;
      throw failure(`request failed (${reason})`, { retryable: true }, error);
    }
  };

  const circuitOpen = (retryAfterMs: number, cause?: unknown) =>
    failure(`unavailable: circuit open after ${breaker.consecutiveFailures} consecutive failures${lastError ? ` (last: ${lastError})` : ''}`, {
      retryable: true,
      retryAfter: Math.max(1, Math.ceil(retryAfterMs / 1000)),
      failure: 'circuit_open',
    }, cause);

  // As around the embedders: only availability failures count toward opening the circuit; an
  // unusable answer proves the model reachable.
  const outcomeOf = (error: unknown): CallOutcome => (isRetryable(error) ? 'unavailable' : isMemosError(error) ? 'answered' : 'cancelled');

  return {
    model: options.model,
    async complete<T>({ messages, answer, signal }: ChatRequest<T>): Promise<ChatAnswer<T>> {
      const request: ChatCompletionRequest = {
        model: options.model,
        messages,
        temperature: 0,
        response_format: { type: 'json_schema', json_schema: { name: answer.name, strict: true, schema: answer.jsonSchema } },
      };
      const body = JSON.stringify(request);
      let lastFailure: unknown;
      for (let tries = 0; ; tries++) {
        signal?.throwIfAborted();
        const ticket = breaker.admit();
        if ('retryAfterMs' in ticket) throw circuitOpen(ticket.retryAfterMs, lastFailure);
        try {
          const result = await attempt(body, answer, signal);
          breaker.release(ticket, 'answered');
          lastSuccessAt = now();
          return result;
        } catch (error) {
          const wasOpen = isOpen();
          breaker.release(ticket, outcomeOf(error));
          if (isMemosError(error)) lastError = error.message;
          if (!wasOpen && isOpen()) logger?.warn({ err: loggedError(error), model: options.model }, 'chat model circuit opened');
          const wait = retryDelay(error, tries, policy);
          if (wait === undefined) throw error;
          lastFailure = error;
          // An attempt that just opened the circuit is not followed by a pointless wait.
          if (isOpen()) throw circuitOpen(breaker.openForMs, error);
          logger?.debug({ err: loggedError(error), model: options.model, attempt: tries + 1, waitMs: Math.round(wait) }, 'chat model attempt failed; retrying');
          await sleep(wait, signal).catch((error: unknown) => {
            throw signal?.aborted ? signal.reason : error;
          });
        }
      }
    },
    health() {
      const health: ChatClientHealth = { model: options.model, circuit: breaker.state, consecutiveFailures: breaker.consecutiveFailures };
      if (lastError !== undefined) health.lastError = lastError;
      if (lastSuccessAt !== undefined) health.lastSuccessAt = toIso(lastSuccessAt);
      return health;
    },
  };
}
