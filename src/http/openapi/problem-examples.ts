// A realistic problem for each error status of the OpenAPI document, written by hand as memOS
// answers them (the texts follow the messages of access-hook.ts, host-guard.ts, rate-limits.ts,
// body-limits.ts and the services), so that the docs page shows what a client will receive. A test
// checks that each validates against the Problem schema.

import { ERROR_CODES, type ErrorCode, type FieldIssue } from '../../core/errors.js';
import { statusOf, TITLE, type Problem } from '../problem.js';

interface Example {
  code: ErrorCode;
  detail: string;
  field?: string;
  errors?: FieldIssue[];
}

const EXAMPLES: Record<number, Example> = {
  400: {
    code: 'E_VALIDATION',
    detail: 'memories[0].content: must not be empty (and 1 more)',
    field: 'memories[0].content',
    errors: [
      { field: 'memories[0].content', message: 'must not be empty', location: 'body' },
      { field: 'memories[1].kind', message: 'must be one of: fact, preference, reflection, summary, procedure', location: 'body' },
    ],
  },
  401: {
    code: 'E_UNAUTHORIZED',
    detail: 'this request needs an API key: send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`',
  },
  403: {
    code: 'E_FORBIDDEN',
    detail: "this key does not reach namespace 'acme-support'",
    field: 'namespace',
    errors: [{ field: 'namespace', message: "this key does not reach namespace 'acme-support'" }],
  },
  404: { code: 'E_NOT_FOUND', detail: "memory 'mem_01JF3K8Q2V7X9C4N6M5B0Z1Y2T' was not found" },
  409: { code: 'E_CONFLICT', detail: 'memory is at version 3, not the expected version 2' },
  413: {
    code: 'E_PAYLOAD_TOO_LARGE',
    detail: 'body: must be at most 65536 bytes on POST /api/v1/search (requests without large fields)',
    field: 'body',
  },
  415: { code: 'E_UNSUPPORTED_MEDIA_TYPE', detail: 'body: send application/json', field: 'body' },
  421: {
    code: 'E_HOST_NOT_ALLOWED',
    detail: "host: 'memos.example.net' is not a host name this server answers to; add it to MEMOS_ALLOWED_HOSTS (server.allowedHosts)",
    field: 'host',
    errors: [
      { field: 'host', message: "'memos.example.net' is not a host name this server answers to; add it to MEMOS_ALLOWED_HOSTS (server.allowedHosts)", location: 'header' },
    ],
  },
  429: { code: 'E_RATE_LIMITED', detail: 'rate limit exceeded: this API key may make 100 requests per 2 s; retry after 1 s' },
  500: { code: 'E_INTERNAL', detail: 'the server failed to handle this request' },
  502: {
    code: 'E_EMBEDDING_PROVIDER',
    detail: "embedding provider 'openai' is unavailable: circuit open after 5 consecutive failures (last: answered HTTP 503)",
  },
  503: { code: 'E_STORAGE_UNAVAILABLE', detail: 'postgres: memories.get failed, storage unavailable (ECONNREFUSED)' },
};

/** The statuses there is an example for. */
export const EXAMPLE_STATUSES = Object.keys(EXAMPLES).map(Number);

/** The request id of every example: a UUID, as memOS makes when the client sends no `X-Request-Id`. */
const REQUEST_ID = '3f2b8c1e-9d4a-4e7b-a5c6-0f1e2d3c4b5a';

/** Example ids by path parameter, and what a 404 of each path says. */
const IDS: Record<string, string> = {
  sessionId: 'chat-42',
  userId: 'alice',
  namespace: 'acme-support',
  receiptId: 'era_01JF3M9X5C2V8B7N4M1K0J6H3G',
  '*': 'minishlab/potion-base-8M',
};
const MISSING: Array<[prefix: string, id: string, detail: (id: string) => string]> = [
  ['/api/v1/sessions/', 'chat-42', (id) => `session '${id}' was not found`],
  ['/api/v1/episodes/', 'ep_01JF3K2R8T5W1Y6Z9B3D7F0H4K', (id) => `episode '${id}' was not found`],
  ['/api/v1/admin/keys/', 'k3x9m2p7q4w8', (id) => `key '${id}' was not found`],
  ['/api/v1/erasures/', 'era_01JF3M9X5C2V8B7N4M1K0J6H3G', (id) => `erasure receipt '${id}' was not found`],
  ['/v1/models/', 'minishlab/potion-base-8M', (id) => `model '${id}' is not served here; GET /v1/models lists the one that is`],
  ['/api/v1/memories/', 'mem_01JF3K8Q2V7X9C4N6M5B0Z1Y2T', (id) => `memory '${id}' was not found`],
];

/**
 * The example problem of `status` for an operation at `path` (an OpenAPI path template, whose
 * parameters get example values); on the OpenAI-compatible routes it carries `error` as well.
 */
export function problemExample(status: number, path: string): Problem {
  const example = EXAMPLES[status];
  if (example === undefined) throw new Error(`no example problem for status ${status}`);
  if (!ERROR_CODES.includes(example.code) || statusOf(example.code) !== status) throw new Error(`the example of ${status} has code ${example.code}`);
  const missing = MISSING.find(([prefix]) => path.startsWith(prefix));
  const instance = path.replace(/\{([^}]+)\}/g, (_whole, name: string) => (name === 'id' ? missing?.[1] : IDS[name]) ?? 'x');
  const detail = status === 404 && missing !== undefined ? missing[2](missing[1]) : example.detail;
  const problem: Problem = {
    type: `urn:memos:problem:${example.code.slice(2).toLowerCase()}`,
    title: TITLE[example.code],
    status,
    detail,
    code: example.code,
    instance,
    requestId: REQUEST_ID,
    ...(example.field === undefined ? {} : { field: example.field }),
    ...(example.errors === undefined ? {} : { errors: example.errors }),
  };
  if (!path.startsWith('/v1/')) return problem;
  return {
    ...problem,
    error: { message: detail, type: status < 500 ? 'invalid_request_error' : 'server_error', param: example.field ?? null, code: example.code },
  };
}
