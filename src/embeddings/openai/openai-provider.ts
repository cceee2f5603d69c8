import { isMemosError, MemosError } from '../../core/errors.js';
import type { EmbeddingProvider } from '../../core/ports.js';
import { decodeEmbedding, embeddingResponseSchema, parseRetryAfter, upstreamErrorCode } from './wire.js';

export interface OpenAiProviderOptions {
  /** The API root, e.g. `http://127.0.0.1:1234/v1` (LM Studio) or `https://api.openai.com/v1`. */
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Expected vector length; learned from the first answer when not set. */
  dimensions?: number;
  maxBatchSize?: number;
  /** Per request, body included. */
  timeoutMs?: number;
  /** `float` unless told; `base64` is smaller on the wire. Answers in either encoding are read. */
  encodingFormat?: 'float' | 'base64';
  /** Longest text (characters) the model takes whole; the core sends only the start of a longer one. No limit unless told. */
  maxInputChars?: number;
  fetch?: typeof fetch;
}

/** The `init()` probe must not hold up start-up for a full request timeout. */
const PROBE_TIMEOUT_MS = 5_000;

const positiveInt = (name: string, value: number) => {
  if (!Number.isInteger(value) || value < 1) {
    throw new MemosError('E_CONFIG', `openai embeddings: ${name} must be a positive integer, got ${value}`);
  }
  return value;
};

/** `{baseUrl}/embeddings`; also what error messages name, so it must hold no credentials or query. */
function endpointOf(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new MemosError('E_CONFIG', 'openai embeddings: baseUrl is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MemosError('E_CONFIG', 'openai embeddings: baseUrl must be http or https');
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new MemosError('E_CONFIG', 'openai embeddings: baseUrl must hold no credentials, query or fragment (use apiKey)');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/embeddings`;
}

/** An embedding server that speaks OpenAI's `POST /embeddings`. One request per `embed()`. */
export function createOpenAiProvider(options: OpenAiProviderOptions): EmbeddingProvider {
  const endpoint = endpointOf(options.baseUrl);
  if (!options.model) throw new MemosError('E_CONFIG', 'openai embeddings: model is required');
  if (options.apiKey !== undefined && !/^[\x21-\x7e]+$/.test(options.apiKey)) {
    // Else fetch would reject the header with a message that repeats the key.
    throw new MemosError('E_CONFIG', 'openai embeddings: apiKey must be printable ASCII without spaces');
  }
  const maxBatchSize = positiveInt('maxBatchSize', options.maxBatchSize ?? 128);
  const timeoutMs = positiveInt('timeoutMs', options.timeoutMs ?? 30_000);
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  let dimensions = options.dimensions === undefined ? 0 : positiveInt('dimensions', options.dimensions);

  const maxInputChars = options.maxInputChars === undefined ? undefined : positiveInt('maxInputChars', options.maxInputChars);
  const failure = (message: string, retryable: boolean, extra: { retryAfter?: number; cause?: unknown; timeout?: boolean; rejectedInput?: boolean } = {}) =>
    new MemosError('E_EMBEDDING_PROVIDER', `openai embeddings at ${endpoint}: ${message}`, {
      details: {
        retryable,
        ...(extra.retryAfter === undefined ? {} : { retryAfter: extra.retryAfter }),
        ...(extra.timeout ? { failure: 'timeout' as const } : {}),
        ...(extra.rejectedInput ? { rejectedInput: true } : {}),
      },
      cause: extra.cause,
    });

  /** Vectors in input order from a 2xx body, checked for count and dimensions. */
  const readVectors = (text: string, expected: number): Float32Array[] => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw failure('answered malformed JSON', false);
    }
    const parsed = embeddingResponseSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw failure(`answered an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.code})`, false);
    }
    const data = [...parsed.data.data].sort((a, b) => a.index - b.index);
    if (data.length !== expected) throw failure(`answered ${data.length} vectors for ${expected} texts`, false);
    const vectors = data.map((item, position) => {
      const vector = item.index === position ? decodeEmbedding(item.embedding) : null;
      if (!vector) throw failure(`answered a bad vector at index ${item.index}`, false);
      return vector;
    });
    const length = vectors[0]!.length;
    const expectedLength = dimensions || length;
    const wrong = vectors.find((vector) => vector.length !== expectedLength || vector.length === 0);
    if (wrong) {
      throw new MemosError(
        'E_DIMENSION_MISMATCH',
        `openai embeddings at ${endpoint}: model '${options.model}' answered ${wrong.length}-dimensional vectors, expected ${expectedLength}`,
        { details: { retryable: false } },
      );
    }
    dimensions = length;
    return vectors;
  };

  const request = async (texts: string[], signal: AbortSignal | undefined, ms: number): Promise<Float32Array[]> => {
    const timeout = AbortSignal.timeout(ms);
    const body = JSON.stringify({ model: options.model, input: texts, encoding_format: options.encodingFormat ?? 'float' });
    try {
      const response = await doFetch(endpoint, {
        method: 'POST',
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
      const text = await response.text();
      if (!response.ok) {
        const status = response.status;
        const retryable = status === 408 || status === 429 || status >= 500;
        const retryAfter = retryable ? parseRetryAfter(response.headers.get('retry-after'), Date.now()) : undefined;
        const code = upstreamErrorCode(text);
        // Bad request, too large, unprocessable: the input was refused, not the request as such (401, 403, 404).
        const rejectedInput = status === 400 || status === 413 || status === 422;
        throw failure(`answered HTTP ${status}${code ? ` (${code})` : ''}`, retryable, { retryAfter, rejectedInput });
      }
      return readVectors(text, texts.length);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (isMemosError(error)) throw error;
      if (timeout.aborted) throw failure(`timed out after ${ms} ms`, true, { cause: error, timeout: true });
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const reason = typeof cause?.code === 'string' ? cause.code : (error as Error).name;
      throw failure(`request failed (${reason})`, true, { cause: error });
    }
  };

  return {
    provider: 'openai',
    model: options.model,
    get dimensions() {
      return dimensions;
    },
    maxBatchSize,
    maxInputChars,
    async init() {
      if (dimensions !== 0) return;
      try {
        await request(['memOS'], undefined, Math.min(timeoutMs, PROBE_TIMEOUT_MS));
      } catch {
        // The server may be down at start; memOS starts anyway and learns dimensions on the first answer.
      }
    },
    async close() {},
    async embed({ texts, signal }) {
      signal?.throwIfAborted();
      if (texts.length === 0) return [];
      return request(texts, signal, timeoutMs);
    },
  };
}
