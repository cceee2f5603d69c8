import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashEmbedding } from './hash-provider.js';

/** What the fake upstream does to one request instead of answering it well. */
export type UpstreamFault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  /** Wait before answering (normally, or with `then`). */
  | { kind: 'delay'; ms: number; then?: UpstreamFault }
  | { kind: 'malformed-json' }
  | { kind: 'wrong-shape' }
  /** Every vector has this many dimensions. */
  | { kind: 'dimensions'; dimensions: number }
  /** The last vector is one short. */
  | { kind: 'ragged' }
  /** One vector fewer than inputs. */
  | { kind: 'wrong-count' }
  /** Destroy the socket without an answer. */
  | { kind: 'reset' };

export interface UpstreamRequest {
  input: string[];
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface FakeOpenAiServer {
  /** The base URL, ending in `/v1`. */
  readonly baseUrl: string;
  /** Every request to `/v1/embeddings`, faulty ones included, in arrival order. */
  readonly requests: UpstreamRequest[];
  /** Queue faults: the next requests meet them in order; later ones are answered well. */
  fail(...faults: UpstreamFault[]): void;
  /** The vector the server answers for `text`. */
  vector(text: string): Float32Array;
  close(): Promise<void>;
}

export interface FakeOpenAiServerOptions {
  dimensions?: number;
  /** Answer `data` in reverse order, so that clients must sort by `index`. */
  shuffle?: boolean;
  /**
   * Refuse, as OpenAI does, any request holding an input longer than this many characters: HTTP 400
   * with code `context_length_exceeded` (no limit unless told). Faults queued with `fail` come first.
   */
  maxInputChars?: number;
}

const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
};

/**
 * A local HTTP server that speaks the OpenAI / LM Studio embeddings protocol, with
 * deterministic vectors (the hash embedder) and faults a test can queue per request.
 */
export async function startFakeOpenAiServer(options: FakeOpenAiServerOptions = {}): Promise<FakeOpenAiServer> {
  const dimensions = options.dimensions ?? 16;
  const requests: UpstreamRequest[] = [];
  const faults: UpstreamFault[] = [];

  const answer = (res: ServerResponse, req: IncomingMessage, body: Record<string, unknown>, input: string[], fault?: UpstreamFault) => {
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
      const error = fault.body ?? { error: { message: 'fault', type: 'server_error', code: `fault_${fault.status}` } };
      return send(res, fault.status, JSON.stringify(error), headers);
    }
    if (fault?.kind === 'delay') {
      const timer = setTimeout(() => answer(res, req, body, input, fault.then), fault.ms);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (fault?.kind === 'reset') return req.socket.destroy();
    if (fault?.kind === 'malformed-json') return send(res, 200, '{"data": [{"index": 0, "embedding": [0.1,');
    if (fault?.kind === 'wrong-shape') return send(res, 200, JSON.stringify({ object: 'list', results: [] }));

    const size = fault?.kind === 'dimensions' ? fault.dimensions : dimensions;
    const base64 = body.encoding_format === 'base64';
    let data = input.map((text, index) => {
      let vector = hashEmbedding(text, size);
      if (fault?.kind === 'ragged' && index === input.length - 1) vector = vector.subarray(0, size - 1);
      const embedding = base64 ? Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64') : [...vector];
      return { object: 'embedding', index, embedding };
    });
    if (fault?.kind === 'wrong-count') data = data.slice(1);
    if (options.shuffle) data.reverse();
    const tokens = input.reduce((sum, text) => sum + text.split(/\s+/).filter(Boolean).length, 0);
    const model = typeof body.model === 'string' ? body.model : 'unknown';
    send(res, 200, JSON.stringify({ object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } }));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        return send(res, 404, JSON.stringify({ error: { message: 'not found', code: 'not_found' } }));
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return send(res, 400, JSON.stringify({ error: { message: 'invalid JSON', code: 'invalid_json' } }));
      }
      const input = typeof body.input === 'string' ? [body.input] : body.input;
      if (!Array.isArray(input) || !input.every((text) => typeof text === 'string') || typeof body.model !== 'string') {
        return send(res, 400, JSON.stringify({ error: { message: 'invalid request', code: 'invalid_request' } }));
      }
      requests.push({ input, body, authorization: req.headers.authorization });
      const limit = options.maxInputChars;
      const tooLong: UpstreamFault | undefined =
        limit !== undefined && input.some((text) => [...text].length > limit)
          ? { kind: 'status', status: 400, body: { error: { message: 'input too long', type: 'invalid_request_error', code: 'context_length_exceeded' } } }
          : undefined;
      answer(res, req, body, input, faults.shift() ?? tooLong);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    fail: (...more) => void faults.push(...more),
    vector: (text) => hashEmbedding(text, dimensions),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
