// Realistic problems, written by hand as memOS answers them (the texts follow the messages of
// access-hook.ts, host-guard.ts, rate-limits.ts, body-limits.ts, the services and the stores), so
// that the docs page shows what a client will receive. They are named examples
// (`#/components/examples/MemoryNotFound`) that each error response refers to, rather than copies
// inline, which would also swell the generated TypeScript types. A test checks each against the
// Problem schema.

import type { ErrorCode, FieldIssue } from '../../core/errors.js';
import { statusOf, TITLE, type Problem } from '../problem.js';

interface Example {
  summary: string;
  code: ErrorCode;
  detail: string;
  instance: string;
  field?: string;
  errors?: FieldIssue[];
}

const MEMORY_ID = 'mem_01JF3K8Q2V7X9C4N6M5B0Z1Y2T';
const HOST_MESSAGE = "'memos.example.net' is not a host name this server answers to; add it to MEMOS_ALLOWED_HOSTS (server.allowedHosts)";
const NAMESPACE_MESSAGE = "is named differently in two places ('acme-support' in the query, 'acme' in the X-Memos-Namespace header); name it once, or the same everywhere";

const EXAMPLES: Record<string, Example> = {
  InvalidBody: {
    summary: 'Fields of the body are invalid',
    code: 'E_VALIDATION',
    detail: 'memories[0].content: must not be empty (and 1 more)',
    instance: '/api/v1/memories',
    field: 'memories[0].content',
    errors: [
      { field: 'memories[0].content', message: 'must not be empty', location: 'body' },
      { field: 'memories[1].kind', message: 'must be one of: fact, preference, reflection, summary, procedure', location: 'body' },
    ],
  },
  InvalidNamespace: {
    summary: 'The namespace is named differently in two places',
    code: 'E_VALIDATION',
    detail: `namespace: ${NAMESPACE_MESSAGE}`,
    instance: `/api/v1/memories/${MEMORY_ID}`,
    field: 'namespace',
    errors: [{ field: 'namespace', message: NAMESPACE_MESSAGE, location: 'query' }],
  },
  InvalidInput: {
    summary: 'The input is not text',
    code: 'E_VALIDATION',
    detail: 'input: token ids are not supported: send text, as a string or an array of strings',
    instance: '/v1/embeddings',
    field: 'input',
    errors: [{ field: 'input', message: 'token ids are not supported: send text, as a string or an array of strings', location: 'body' }],
  },
  InvalidParameter: {
    summary: 'A query parameter is out of range',
    code: 'E_VALIDATION',
    detail: 'limit: Too big: expected number to be <=500',
    instance: '/api/v1/admin/audit',
    field: 'limit',
    errors: [{ field: 'limit', message: 'Too big: expected number to be <=500', location: 'query' }],
  },
  InvalidModelId: {
    summary: 'The model id is too long',
    code: 'E_VALIDATION',
    detail: '*: Too big: expected string to have <=512 characters',
    instance: '/v1/models/xxxxxxxx…',
    field: '*',
    errors: [{ field: '*', message: 'Too big: expected string to have <=512 characters', location: 'path' }],
  },
  MissingKey: {
    summary: 'No API key was sent',
    code: 'E_UNAUTHORIZED',
    detail: 'this request needs an API key: send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`',
    instance: '/api/v1/memories',
  },
  NamespaceOutOfReach: {
    summary: 'The key does not reach the namespace',
    code: 'E_FORBIDDEN',
    detail: "this key does not reach namespace 'acme-support'",
    instance: '/api/v1/memories',
    field: 'namespace',
    errors: [{ field: 'namespace', message: "this key does not reach namespace 'acme-support'" }],
  },
  RoleTooLow: {
    summary: 'The key’s role is too low',
    code: 'E_FORBIDDEN',
    detail: "this key's role is read; POST /api/v1/memories needs write",
    instance: '/api/v1/memories',
  },
  AllNamespacesNeeded: {
    summary: 'The route covers every namespace; the key reaches only some',
    code: 'E_FORBIDDEN',
    detail: 'GET /api/v1/admin/keys covers every namespace; this key reaches only some',
    instance: '/api/v1/admin/keys',
  },
  MemoryNotFound: { summary: 'No such memory', code: 'E_NOT_FOUND', detail: `memory '${MEMORY_ID}' was not found`, instance: `/api/v1/memories/${MEMORY_ID}` },
  EpisodeNotFound: {
    summary: 'No such episode',
    code: 'E_NOT_FOUND',
    detail: "episode 'ep_01JF3K2R8T5W1Y6Z9B3D7F0H4K' was not found",
    instance: '/api/v1/episodes/ep_01JF3K2R8T5W1Y6Z9B3D7F0H4K',
  },
  SessionNotFound: { summary: 'No live session', code: 'E_NOT_FOUND', detail: "session 'chat-42' was not found", instance: '/api/v1/sessions/chat-42' },
  KeyNotFound: { summary: 'No such key', code: 'E_NOT_FOUND', detail: "key 'k3x9m2p7q4w8' was not found", instance: '/api/v1/admin/keys/k3x9m2p7q4w8' },
  ReceiptNotFound: {
    summary: 'No such erasure receipt',
    code: 'E_NOT_FOUND',
    detail: "erasure receipt 'era_01JF3M9X5C2V8B7N4M1K0J6H3G' was not found",
    instance: '/api/v1/erasures/era_01JF3M9X5C2V8B7N4M1K0J6H3G',
  },
  ModelNotFound: {
    summary: 'A model this server does not serve',
    code: 'E_NOT_FOUND',
    detail: "model 'text-embedding-3-small' is not served here; GET /v1/models lists the one that is",
    instance: '/v1/models/text-embedding-3-small',
  },
  StaleVersion: {
    summary: 'The memory moved on since it was read',
    code: 'E_CONFLICT',
    detail: 'memory is at version 3, not the expected version 2',
    instance: `/api/v1/memories/${MEMORY_ID}`,
  },
  SessionOwnedElsewhere: {
    summary: 'The session belongs to another user',
    code: 'E_CONFLICT',
    detail: "userId: session 'chat-42' belongs to another user",
    instance: '/api/v1/sessions/chat-42/messages',
    field: 'userId',
  },
  ErasureInProgress: {
    summary: 'An erasure of the user is running',
    code: 'E_CONFLICT',
    detail: 'an erasure of this user (or namespace) is in progress: the write is refused; retry once it has finished',
    instance: '/api/v1/memories',
  },
  ErasureOverlap: {
    summary: 'An erasure of the same user is already running',
    code: 'E_CONFLICT',
    detail: 'an erasure of this user, or of its whole namespace, is already in progress',
    instance: '/api/v1/users/alice',
  },
  IdTaken: {
    summary: 'An id of the file is taken in another namespace',
    code: 'E_CONFLICT',
    detail: `line 7: memory.id: '${MEMORY_ID}' is taken by a record of another namespace (SQLite keeps ids unique across namespaces)`,
    instance: '/api/v1/import',
    field: 'memory.id',
    errors: [{ field: 'memory.id', message: `'${MEMORY_ID}' is taken by a record of another namespace (SQLite keeps ids unique across namespaces)`, line: 7 }],
  },
  BodyTooLarge: {
    summary: 'The body is larger than the route takes',
    code: 'E_PAYLOAD_TOO_LARGE',
    detail: 'body: must be at most 65536 bytes on POST /api/v1/search (requests without large fields)',
    instance: '/api/v1/search',
    field: 'body',
  },
  UnexpectedBodyTooLarge: {
    summary: 'A body this route does not take, too large',
    code: 'E_PAYLOAD_TOO_LARGE',
    detail: 'body: must be at most 65536 bytes on DELETE /api/v1/memories/:id (requests without large fields)',
    instance: `/api/v1/memories/${MEMORY_ID}`,
    field: 'body',
  },
  JsonImportTooLarge: {
    summary: 'An import sent as JSON, too large',
    code: 'E_PAYLOAD_TOO_LARGE',
    detail: 'body: must be at most 65536 bytes on POST /api/v1/import (requests without large fields)',
    instance: '/api/v1/import',
    field: 'body',
  },
  NotJson: { summary: 'The body is not JSON', code: 'E_UNSUPPORTED_MEDIA_TYPE', detail: 'body: send application/json', instance: '/api/v1/search', field: 'body' },
  NotNdjson: {
    summary: 'The body is not an export stream',
    code: 'E_UNSUPPORTED_MEDIA_TYPE',
    detail: 'body: send the export stream as application/x-ndjson',
    instance: '/api/v1/import',
  },
  HostNotAllowed: {
    summary: 'A Host this server does not answer to',
    code: 'E_HOST_NOT_ALLOWED',
    detail: `host: ${HOST_MESSAGE}`,
    instance: '/api/v1/memories',
    field: 'host',
    errors: [{ field: 'host', message: HOST_MESSAGE, location: 'header' }],
  },
  RateLimited: {
    summary: 'Over the key’s rate limit',
    code: 'E_RATE_LIMITED',
    detail: 'rate limit exceeded: this API key may make 100 requests per 2 s; retry after 1 s',
    instance: '/api/v1/search',
  },
  InternalError: { summary: 'memOS failed', code: 'E_INTERNAL', detail: 'the server failed to handle this request', instance: '/api/v1/search' },
  ProviderFailed: {
    summary: 'The embedding provider keeps failing',
    code: 'E_EMBEDDING_PROVIDER',
    detail: "embedding provider 'openai' is unavailable: circuit open after 5 consecutive failures (last: answered HTTP 503)",
    instance: '/api/v1/embeddings',
  },
  StorageUnavailable: {
    summary: 'Storage cannot be reached',
    code: 'E_STORAGE_UNAVAILABLE',
    detail: 'postgres: memories.get failed, storage unavailable (ECONNREFUSED)',
    instance: `/api/v1/memories/${MEMORY_ID}`,
  },
  EmbedderNotReady: {
    summary: 'No embedder is ready yet',
    code: 'E_UNAVAILABLE',
    detail: 'embeddings are unavailable: model2vec is loading',
    instance: '/api/v1/embeddings',
  },
};

/** What the OpenAI-compatible routes add: the name suffix of their variant of an example. */
const OPENAI = 'OpenAI';

/** The request id of every example: a UUID, as memOS makes when the client sends no `X-Request-Id`. */
const REQUEST_ID = '3f2b8c1e-9d4a-4e7b-a5c6-0f1e2d3c4b5a';

/** 404s by the path they are answered on, longest prefix first. */
const NOT_FOUND: Array<[prefix: string, example: string]> = [
  ['/api/v1/sessions/', 'SessionNotFound'],
  ['/api/v1/episodes/', 'EpisodeNotFound'],
  ['/api/v1/memories/', 'MemoryNotFound'],
  ['/api/v1/admin/keys/', 'KeyNotFound'],
  ['/api/v1/erasures/', 'ReceiptNotFound'],
  ['/v1/models/', 'ModelNotFound'],
];

/** 409s by `METHOD path` (OpenAPI template); any other write that conflicts does so with an erasure. */
const CONFLICTS: Record<string, string[]> = {
  'PATCH /api/v1/memories/{id}': ['StaleVersion', 'ErasureInProgress'],
  'PUT /api/v1/sessions/{sessionId}': ['SessionOwnedElsewhere', 'ErasureInProgress'],
  'POST /api/v1/sessions/{sessionId}/messages': ['SessionOwnedElsewhere', 'ErasureInProgress'],
  'DELETE /api/v1/users/{userId}': ['ErasureOverlap'],
  'DELETE /api/v1/namespaces/{namespace}': ['ErasureOverlap'],
  'POST /api/v1/import': ['IdTaken'],
};

/** What picks the examples of an operation's error responses. */
export interface ExampleContext {
  method: string;
  /** The OpenAPI path template, e.g. `/api/v1/memories/{id}`. */
  path: string;
  /** Whether it takes a JSON body. */
  takesJson: boolean;
  /** Whether it takes a namespace (`?namespace=`, the header, the body). */
  takesNamespace: boolean;
  /** The least role it needs, for role-gated operations. */
  role?: string;
}

/** The names of the examples of an error response (without the OpenAI suffix). */
function baseNames(status: number, { method, path, takesJson, takesNamespace, role }: ExampleContext): string[] {
  switch (status) {
    case 400: {
      const names = [...(takesJson ? [path.startsWith('/v1/') ? 'InvalidInput' : 'InvalidBody'] : []), ...(takesNamespace ? ['InvalidNamespace'] : [])];
      return names.length > 0 ? names : [path.startsWith('/v1/models/') ? 'InvalidModelId' : 'InvalidParameter'];
    }
    case 401:
      return ['MissingKey'];
    case 403:
      // Every key has at least the read role: a read route refuses for reach alone.
      return [...(role === 'read' ? [] : ['RoleTooLow']), takesNamespace ? 'NamespaceOutOfReach' : 'AllNamespacesNeeded'];
    case 404:
      return [NOT_FOUND.find(([prefix]) => path.startsWith(prefix))?.[1] ?? 'MemoryNotFound'];
    case 409:
      return CONFLICTS[`${method.toUpperCase()} ${path}`] ?? ['ErasureInProgress'];
    case 413:
      return [takesJson ? 'BodyTooLarge' : path === '/api/v1/import' ? 'JsonImportTooLarge' : 'UnexpectedBodyTooLarge'];
    case 415:
      return [path === '/api/v1/import' ? 'NotNdjson' : 'NotJson'];
    case 421:
      return ['HostNotAllowed'];
    case 429:
      return ['RateLimited'];
    case 500:
      return ['InternalError'];
    case 502:
      return ['ProviderFailed'];
    case 503:
      return path.includes('embeddings') ? ['StorageUnavailable', 'EmbedderNotReady'] : ['StorageUnavailable'];
    default:
      throw new Error(`no example problem for status ${status}`);
  }
}

/**
 * The names of the examples (`#/components/examples/<name>`) of the error `status` of an
 * operation; on the OpenAI-compatible routes (`/v1/…`), their variants that carry `error` too.
 */
export function exampleNames(status: number, context: ExampleContext): string[] {
  const names = baseNames(status, context);
  return context.path.startsWith('/v1/') ? names.map((name) => name + OPENAI) : names;
}

/** The problem of example `name` (`MemoryNotFound`, or `InvalidBodyOpenAI` for the OpenAI shape). */
export function exampleProblem(name: string): Problem {
  const openAi = name.endsWith(OPENAI);
  const example = EXAMPLES[openAi ? name.slice(0, -OPENAI.length) : name];
  if (example === undefined) throw new Error(`no example problem named ${name}`);
  const status = statusOf(example.code);
  const instance = openAi && !example.instance.startsWith('/v1/') ? '/v1/embeddings' : example.instance;
  const problem: Problem = {
    type: `urn:memos:problem:${example.code.slice(2).toLowerCase()}`,
    title: TITLE[example.code],
    status,
    detail: example.detail,
    code: example.code,
    instance,
    requestId: REQUEST_ID,
    ...(example.field === undefined ? {} : { field: example.field }),
    ...(example.errors === undefined ? {} : { errors: example.errors }),
  };
  if (!openAi) return problem;
  return { ...problem, error: { message: example.detail, type: status < 500 ? 'invalid_request_error' : 'server_error', param: example.field ?? null, code: example.code } };
}

/** An OpenAPI Example Object for `name`. */
export function exampleObject(name: string): { summary: string; value: Problem } {
  const openAi = name.endsWith(OPENAI);
  const summary = EXAMPLES[openAi ? name.slice(0, -OPENAI.length) : name]?.summary ?? name;
  return { summary: openAi ? `${summary} (OpenAI-compatible route)` : summary, value: exampleProblem(name) };
}
