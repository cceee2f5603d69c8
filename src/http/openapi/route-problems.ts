// Which error statuses each operation of the OpenAPI document lists, and when each happens, worked
// out from the route itself (what it needs to be called, what input it takes, whether it is rate
// limited) rather than written by hand per route: a new route gets its errors documented the
// moment it is added. What cannot be read off the route (which routes can conflict, which call the
// embedding provider) is in the tables below, which name routes as `METHOD /url`, the way
// route-access.ts and body-limits.ts do. Only the document changes: the routes' own `response`
// schemas never gain these statuses, so that error answers keep being serialized as they are.

import type { RouteOptions } from 'fastify';
import type { Access } from '../../auth/route-access.js';
import { isRateLimited } from '../rate-limits.js';

/** An error status the document lists for an operation, and a one-line description of when it happens. */
export type RouteProblems = Record<number, string>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Per-route changes to the error statuses the OpenAPI document lists (route-problems.ts):
     * a description adds or rewords a status, `false` leaves it out.
     */
    problems?: Record<number, string | false>;
  }
}

/** 409: routes that can conflict with a write or an erasure already under way. */
const CONFLICTS: Record<string, string> = {
  'POST /api/v1/memories': 'An erasure of this user or namespace is in progress; retry once it has finished',
  'PATCH /api/v1/memories/:id': 'The memory is no longer at `expectedVersion`, or an erasure of its user or namespace is in progress',
  'POST /api/v1/episodes': 'An erasure of this user or namespace is in progress; retry once it has finished',
  'PUT /api/v1/sessions/:sessionId':
    'The live session belongs to another `userId` or `agentId`, the session changed under concurrent writes, or an erasure of its user or namespace is in progress',
  'POST /api/v1/sessions/:sessionId/messages':
    'The live session belongs to another `userId` or `agentId`, the session changed under concurrent writes, or an erasure of its user or namespace is in progress',
  'DELETE /api/v1/users/:userId': 'An erasure of this user, or of its whole namespace, is already in progress',
  'DELETE /api/v1/namespaces/:namespace': 'An erasure in this namespace is already in progress',
  'POST /api/v1/import': 'A record id of the file is held by a record of another namespace (SQLite keeps ids unique across namespaces); `errors[0].line` names the line',
};

/**
 * 502: routes whose answer needs the embedding provider. Writes, search and context do not fail for
 * want of vectors (writes leave records pending for the backfill; recall falls back to keywords and
 * says so in `notices`), so only the embedding gateway answers 502.
 */
const PROVIDER_ROUTES: Record<string, string> = {
  'POST /v1/embeddings': 'The embedding provider failed or did not answer in time',
  'POST /api/v1/embeddings': 'The embedding provider failed or did not answer in time',
  'POST /api/v1/embeddings/batch': 'The embedding provider failed or did not answer in time',
};

/** Routes with path parameters that never answer 404: they create what is missing, or erase whatever is there. */
const NO_NOT_FOUND = new Set(['PUT /api/v1/sessions/:sessionId', 'POST /api/v1/sessions/:sessionId/messages', 'DELETE /api/v1/users/:userId', 'DELETE /api/v1/namespaces/:namespace']);

/** What a route's path parameter names, for its 404. */
const NOT_FOUND: Record<string, string> = {
  '/api/v1/sessions/:sessionId': 'No live session with this id in the namespace (it never existed, expired, or is outside the key’s reach)',
  '/api/v1/episodes/:id': 'No episode with this id in the namespace, or it is outside the key’s reach',
  '/api/v1/memories/:id': 'No live memory with this id in the namespace, or it is outside the key’s reach',
  '/api/v1/memories/:id/history': 'No live memory with this id in the namespace, or it is outside the key’s reach',
  '/api/v1/admin/keys/:id': 'No unrevoked key with this id',
  '/api/v1/erasures/:receiptId': 'No erasure receipt with this id in the namespace, or it is outside the key’s reach',
  '/v1/models/*': 'This server does not serve a model of this id; `GET /v1/models` lists the one it does',
};

/** Routes whose body is a stream, not JSON, and so has no `body` schema: its content type (a line too long is a 400 naming the line). */
const STREAM_BODIES: Record<string, string> = {
  'POST /api/v1/import': 'application/x-ndjson',
};

/** Methods whose requests memOS parses a body of, when one is sent (Fastify ignores those of GET and HEAD). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const ROLE_WORDS: Record<Exclude<Access, 'public' | 'key' | 'read'>, string> = {
  write: '`write` or `admin`',
  admin: '`admin`',
};

/** Which namespaces a key must reach to call a route (the access hook's rule), in words: as granted, and as refused. */
export function reachOf(route: RouteOptions): { needed: string; refused: string } {
  const rule = route.config?.namespace;
  if (rule === 'default') {
    return { needed: 'that reaches the namespace', refused: 'does not reach the namespace (or, bound to a user, names another user)' };
  }
  if (rule === 'any') {
    return {
      needed: 'that reaches the namespace named, or every namespace when none is',
      refused: 'does not reach the namespace named (or, naming none, every namespace), or is bound to a user',
    };
  }
  if (route.config?.withinReach === true) return { needed: 'bound to no user (the answer covers the namespaces the key reaches)', refused: 'is bound to a user' };
  return { needed: 'reaching every namespace, and bound to no user', refused: 'does not reach every namespace (the route covers all of them), or is bound to a user' };
}

/** The `METHOD /url` of a route with one method, as the tables above name it. */
export function routeName(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}

function inputsOf(schema: RouteOptions['schema'], streamed: boolean): string[] {
  const inputs: string[] = [];
  if (schema?.params !== undefined) inputs.push('a path parameter');
  if (schema?.querystring !== undefined) inputs.push('the query');
  if (schema?.body !== undefined || streamed) inputs.push(streamed ? 'a line of the body' : 'the body');
  if (schema?.headers !== undefined) inputs.push('the `X-Memos-Namespace` header');
  return inputs;
}

function inWords(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

/**
 * The error statuses of one route (for one method) and when each happens, from what the route
 * needs (route.config.access, set by the access hook), the input it takes, the tables above, and
 * the route's own `config.problems`, which has the last word.
 */
export function routeProblems(route: RouteOptions, method: string): RouteProblems {
  const name = routeName(method, route.url);
  const access = route.config?.access ?? 'public';
  const schema = route.schema;
  const streamed = STREAM_BODIES[name];
  const problems: RouteProblems = {};

  const inputs = inputsOf(schema, streamed !== undefined);
  if (inputs.length > 0) {
    const invalid = `${inWords(inputs)} is invalid`;
    const twice = schema?.headers !== undefined ? ', or the namespace is named differently in two places' : '';
    problems[400] = `${invalid.charAt(0).toUpperCase()}${invalid.slice(1)}${twice}; \`field\` and \`errors\` name each offending field`;
  }
  if (access !== 'public') {
    problems[401] = 'No API key was sent, or the key is malformed, unknown, revoked or expired (`WWW-Authenticate` says which)';
  }
  if (access !== 'public' && access !== 'key') {
    // Every key has at least the read role: a read route refuses for reach alone.
    const refused = reachOf(route).refused;
    problems[403] = access === 'read' ? `The key ${refused}` : `The key’s role is not ${ROLE_WORDS[access]}, or the key ${refused}`;
  }
  if (schema?.params !== undefined && !NO_NOT_FOUND.has(name)) {
    problems[404] = NOT_FOUND[route.url] ?? 'Nothing with this id exists here, or it is outside the key’s reach';
  }
  const conflict = CONFLICTS[name];
  if (conflict !== undefined) problems[409] = conflict;
  if (schema?.body !== undefined) {
    problems[413] = 'The body is larger than this route accepts (sized for its largest valid request, at most `limits.bodyBytes`)';
    problems[415] = 'The body is not `application/json`';
  } else if (streamed !== undefined) {
    problems[413] = `The body was sent as JSON rather than \`${streamed}\`, and is larger than 64 KiB`;
    problems[415] = `The body is not \`${streamed}\``;
  } else if (BODY_METHODS.has(method.toUpperCase())) {
    // The route reads no body, but memOS parses one that is sent (with the limit for small bodies).
    problems[413] = 'A body was sent, which this route does not take, and it is larger than 64 KiB';
    problems[415] = 'A body was sent, which this route does not take, and it is not `application/json`';
  }
  problems[421] = 'The `Host` header names a host this server does not answer to (`MEMOS_ALLOWED_HOSTS`)';
  if (isRateLimited(route.url)) problems[429] = 'The key (or, without one, the client address) is over its rate limit; `Retry-After` says when to retry';
  problems[500] = 'memOS failed to handle the request (a bug, or a misconfiguration such as an embedding dimension mismatch); the server log holds the cause under `requestId`';
  const provider = PROVIDER_ROUTES[name];
  if (provider !== undefined) problems[502] = provider;
  problems[503] =
    provider === undefined
      ? 'Storage cannot be reached, or memOS is shutting down; retry later (`Retry-After` says when, if memOS knows)'
      : 'Storage cannot be reached, no embedder is ready yet (`Retry-After` says when to retry), or memOS is shutting down';

  for (const [status, change] of Object.entries(route.config?.problems ?? {})) {
    if (change === false) delete problems[Number(status)];
    else problems[Number(status)] = change;
  }
  return problems;
}
