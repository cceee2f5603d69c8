// A local HTTP server on 127.0.0.1 that speaks OpenAI's `POST /v1/chat/completions`, as LM Studio,
// Ollama, vLLM and OpenAI do, including their failures. It stands in for the chat model only:
// what the "model" answers comes from the test's `respond` function, from the request it got.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server does to one request instead of answering it well. */
export type ChatFault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  /** Wait before answering (normally, or with `then`); a hang when longer than the client's timeout. */
  | { kind: 'delay'; ms: number; then?: ChatFault }
  /** Destroy the socket without an answer. */
  | { kind: 'reset' }
  /** A 200 whose body is cut-off JSON. */
  | { kind: 'malformed-body' }
  /** A well-formed completion whose message content is not JSON. */
  | { kind: 'malformed-content' }
  /** A well-formed completion whose message content is this JSON value (e.g. outside the schema). */
  | { kind: 'content'; value: unknown }
  | { kind: 'empty-choices' }
  /** OpenAI's structured-output refusal: `message.refusal` set, `content` null. */
  | { kind: 'refusal'; text?: string }
  /** The model ran out of tokens: `finish_reason: 'length'`, content cut short. */
  | { kind: 'truncated' };

export interface ChatMessageIn {
  role: string;
  content: string;
}

export interface ChatRequestIn {
  model: string;
  messages: ChatMessageIn[];
  responseFormat: { type: string; json_schema: { name: string; strict?: boolean; schema: Record<string, unknown> } };
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface ChatCompletionsServer {
  /** The base URL, ending in `/v1`. */
  readonly baseUrl: string;
  /** Every well-formed request to `/v1/chat/completions`, faulty answers included, in arrival order. */
  readonly requests: ChatRequestIn[];
  /** Queue faults: the next requests meet them in order; later ones are answered well. */
  fail(...faults: ChatFault[]): void;
  close(): Promise<void>;
}

export interface ChatCompletionsServerOptions {
  /** The model's answer to a request, as a JSON value; it is sent as the message content, serialised (a string as it is, with `plainText`). */
  respond: (request: ChatRequestIn) => unknown;
  /**
   * Also take chat requests without structured output, as an agent framework sends them: no
   * `response_format` needed, message content as a string or as text parts (joined into
   * `content` here), and a string answer sent as plain text.
   */
  plainText?: boolean;
  /** Answer 401 unless the request carries `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
}

const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
};
const apiError = (message: string, type: string, code: string) => JSON.stringify({ error: { message, type, param: null, code } });

/** The text of a message's content given as parts (`[{ type: 'text', text }]`), or undefined when it is not that. */
function partsText(content: unknown): string | undefined {
  if (!Array.isArray(content) || !content.every((part) => typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string')) return undefined;
  return content.map((part) => (part as { text: string }).text).join('');
}

/**
 * Why a body is not a chat-completions request with structured output (or, with `plainText`, any
 * chat request), as OpenAI would say it; undefined when it is one. With `plainText`, content given
 * as text parts is joined into a string in place.
 */
function requestProblem(body: Record<string, unknown>, plainText: boolean): string | undefined {
  if (typeof body.model !== 'string' || body.model === '') return "missing required parameter: 'model'";
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return "missing required parameter: 'messages'";
  const roles = ['system', 'user', 'assistant', 'developer'];
  for (const m of messages as Array<{ role?: unknown; content?: unknown }>) {
    const text = plainText && typeof m === 'object' && m !== null ? partsText(m.content) : undefined;
    if (text !== undefined) m.content = text;
  }
  if (!messages.every((m) => typeof m === 'object' && m !== null && roles.includes((m as ChatMessageIn).role) && typeof (m as ChatMessageIn).content === 'string')) {
    return "invalid 'messages': each needs a role and string content";
  }
  const format = body.response_format as ChatRequestIn['responseFormat'] | undefined;
  if (plainText && format === undefined) return undefined;
  if (format?.type !== 'json_schema') return "invalid 'response_format': expected type 'json_schema'";
  const spec = format.json_schema;
  if (typeof spec !== 'object' || spec === null || typeof spec.name !== 'string' || !/^[\w-]{1,64}$/.test(spec.name)) {
    return "invalid 'response_format.json_schema.name'";
  }
  if (typeof spec.schema !== 'object' || spec.schema === null || spec.schema.type !== 'object') return "invalid 'response_format.json_schema.schema'";
  if (spec.strict === true && spec.schema.additionalProperties !== false) return "invalid schema for strict mode: 'additionalProperties' must be false";
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 2)) return "invalid 'temperature'";
  return undefined;
}

export async function startChatCompletionsServer(options: ChatCompletionsServerOptions): Promise<ChatCompletionsServer> {
  const requests: ChatRequestIn[] = [];
  const faults: ChatFault[] = [];
  let counter = 0;

  const completion = (model: string, message: Record<string, unknown>, finishReason = 'stop') =>
    JSON.stringify({
      id: `chatcmpl-${++counter}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message: { role: 'assistant', refusal: null, ...message }, logprobs: null, finish_reason: finishReason }],
      usage: { prompt_tokens: 100 + counter, completion_tokens: 20, total_tokens: 120 + counter },
    });

  const answer = (res: ServerResponse, req: IncomingMessage, request: ChatRequestIn, fault?: ChatFault): void => {
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter };
      return send(res, fault.status, fault.body === undefined ? apiError('fault', 'server_error', `fault_${fault.status}`) : JSON.stringify(fault.body), headers);
    }
    if (fault?.kind === 'delay') {
      const timer = setTimeout(() => answer(res, req, request, fault.then), fault.ms);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'malformed-body') return send(res, 200, '{"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"index": 0, "mess');
    if (fault?.kind === 'empty-choices') {
      return send(res, 200, JSON.stringify({ id: `chatcmpl-${++counter}`, object: 'chat.completion', created: 0, model: request.model, choices: [], usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } }));
    }
    if (fault?.kind === 'refusal') return send(res, 200, completion(request.model, { content: null, refusal: fault.text ?? "I'm sorry, I can't help with that." }));
    if (fault?.kind === 'malformed-content') return send(res, 200, completion(request.model, { content: 'Sure! Here are the verdicts: {"verdicts": [' }));
    if (fault?.kind === 'truncated') return send(res, 200, completion(request.model, { content: '{"verdicts": [{"candidateId": "m1", "rel' }, 'length'));
    const value = fault?.kind === 'content' ? fault.value : options.respond(request);
    send(res, 200, completion(request.model, { content: options.plainText === true && typeof value === 'string' ? value : JSON.stringify(value) }));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(res, 404, apiError('not found', 'invalid_request_error', 'not_found'));
      if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        return send(res, 401, apiError('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return send(res, 400, apiError('We could not parse the JSON body of your request.', 'invalid_request_error', 'invalid_json'));
      }
      const problem = requestProblem(body, options.plainText === true);
      if (problem !== undefined) return send(res, 400, apiError(problem, 'invalid_request_error', 'invalid_request'));
      const request: ChatRequestIn = {
        model: body.model as string,
        messages: body.messages as ChatMessageIn[],
        responseFormat: body.response_format as ChatRequestIn['responseFormat'],
        body,
        authorization: req.headers.authorization,
      };
      requests.push(request);
      answer(res, req, request, faults.shift());
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    fail: (...more) => void faults.push(...more),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
