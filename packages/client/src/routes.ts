// Every operation of memOS's HTTP API that the client implements, with where its namespace goes.
// A test compares this table with the paths of `openapi.json`, so that a route the server adds
// fails CI until the client covers it.
import type { OperationKey } from './types.js';

/**
 * Where a route takes its namespace:
 * - `default`: it works in one namespace; the client's default namespace applies when a call names none.
 * - `any`: it covers every namespace unless the request names one (cache statistics and clearing),
 *   so only a namespace the call names is sent, never the default.
 * - `path`: the namespace is in the path (erasing a namespace).
 * - `none`: it takes no namespace (admin, health and model routes).
 */
export type NamespaceRule = 'default' | 'any' | 'path' | 'none';

export const ROUTES = {
  'GET /': 'none',
  'GET /health': 'none',
  'GET /health/live': 'none',
  'GET /health/ready': 'none',
  'GET /health/detailed': 'none',
  'GET /metrics': 'none',
  'GET /metrics/recent': 'none',
  'GET /api/v1/whoami': 'none',

  'PUT /api/v1/sessions/{sessionId}': 'default',
  'GET /api/v1/sessions/{sessionId}': 'default',
  'DELETE /api/v1/sessions/{sessionId}': 'default',
  'POST /api/v1/sessions/{sessionId}/messages': 'default',
  'GET /api/v1/sessions': 'default',

  'POST /api/v1/episodes': 'default',
  'GET /api/v1/episodes': 'default',
  'GET /api/v1/episodes/{id}': 'default',
  'DELETE /api/v1/episodes/{id}': 'default',

  'POST /api/v1/memories': 'default',
  'GET /api/v1/memories': 'default',
  'GET /api/v1/memories/{id}': 'default',
  'PATCH /api/v1/memories/{id}': 'default',
  'POST /api/v1/memories/{id}/confirm': 'default',
  'DELETE /api/v1/memories/{id}': 'default',
  'GET /api/v1/memories/{id}/history': 'default',
  'POST /api/v1/memories/{id}/retract': 'default',
  'GET /api/v1/memories/{id}/sources': 'default',
  'GET /api/v1/conflicts': 'default',

  'POST /api/v1/search': 'default',
  'POST /api/v1/context': 'default',

  'POST /v1/embeddings': 'default',
  'POST /api/v1/embeddings': 'default',
  'POST /api/v1/embeddings/batch': 'default',
  'GET /api/v1/embeddings/cache/stats': 'any',
  'POST /api/v1/embeddings/cache/clear': 'any',
  'GET /v1/models': 'none',
  'GET /v1/models/{*}': 'none',

  'GET /api/v1/admin/reindex': 'none',
  'POST /api/v1/admin/reindex': 'none',
  'POST /api/v1/admin/keys': 'none',
  'GET /api/v1/admin/keys': 'none',
  'DELETE /api/v1/admin/keys/{id}': 'none',
  'GET /api/v1/admin/audit': 'none',
  'GET /api/v1/cache/stats': 'any',
  'DELETE /api/v1/cache': 'any',

  'DELETE /api/v1/users/{userId}': 'default',
  'DELETE /api/v1/namespaces/{namespace}': 'path',
  'GET /api/v1/erasures/{receiptId}': 'default',

  'GET /api/v1/namespaces': 'none',
  'GET /api/v1/stats': 'default',
  'GET /api/v1/users': 'default',

  'GET /api/v1/export': 'default',
  'POST /api/v1/import': 'default',
} as const satisfies Partial<Record<OperationKey, NamespaceRule>>;

/** An operation the client implements. */
export type RouteKey = keyof typeof ROUTES;

/** The operations of a document (its `paths` object) that a client need not implement: MCP speaks its own protocol. */
export const NOT_CLIENT_ROUTES: readonly string[] = ['/mcp'];
