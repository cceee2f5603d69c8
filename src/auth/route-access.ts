// What each route needs, in one table: every route memOS serves has a row, and a route without
// one stops the server at start (installAccess), so that no route is added unguarded.

import type { Role } from './principal.js';

/**
 * `public`: no key, ever (probes, docs, service info). `key`: any valid key, whatever its role and
 * reach (answers that hold no tenant data). A role: at least that role; the namespace the request
 * works in must be within the key's reach, and a route that works in no single namespace (it
 * reports on, or acts across, all of them) needs a key that reaches every namespace and no single
 * user.
 */
export type Access = 'public' | 'key' | Role;

const ROUTES: Record<string, Access> = {
  'GET /': 'public',
  'GET /health/live': 'public',
  'GET /health/ready': 'public',
  'GET /openapi.json': 'public',
  // Reasons of unhealthy components and counts across every namespace: operators only.
  'GET /health': 'read',
  'GET /health/detailed': 'read',
  'GET /metrics': 'read',
  // Request counts and latency of the whole process, across every namespace, like /metrics.
  'GET /metrics/recent': 'read',
  'GET /v1/models': 'key',
  // Who the key is: its own role and reach, nothing of any namespace.
  'GET /api/v1/whoami': 'key',
  'GET /v1/models/*': 'key',

  'PUT /api/v1/sessions/:sessionId': 'write',
  'GET /api/v1/sessions/:sessionId': 'read',
  'DELETE /api/v1/sessions/:sessionId': 'write',
  'POST /api/v1/sessions/:sessionId/messages': 'write',
  'POST /api/v1/episodes': 'write',
  'GET /api/v1/episodes': 'read',
  'GET /api/v1/episodes/:id': 'read',
  'DELETE /api/v1/episodes/:id': 'write',
  'POST /api/v1/memories': 'write',
  'GET /api/v1/memories': 'read',
  'GET /api/v1/memories/:id': 'read',
  'PATCH /api/v1/memories/:id': 'write',
  'POST /api/v1/memories/:id/confirm': 'write',
  'DELETE /api/v1/memories/:id': 'write',
  'GET /api/v1/memories/:id/history': 'read',
  'POST /api/v1/memories/:id/retract': 'write',
  'GET /api/v1/memories/:id/sources': 'read',
  'GET /api/v1/conflicts': 'read',
  'POST /api/v1/search': 'read',
  'POST /api/v1/context': 'read',
  // The gateway embeds text for the caller; it reads and changes no record.
  'POST /v1/embeddings': 'read',
  'POST /api/v1/embeddings': 'read',
  'POST /api/v1/embeddings/batch': 'read',

  'GET /api/v1/embeddings/cache/stats': 'admin',
  'POST /api/v1/embeddings/cache/clear': 'admin',
  'GET /api/v1/cache/stats': 'admin',
  'DELETE /api/v1/cache': 'admin',
  'GET /api/v1/admin/reindex': 'admin',
  'POST /api/v1/admin/reindex': 'admin',
  'GET /api/v1/admin/keys': 'admin',
  'POST /api/v1/admin/keys': 'admin',
  'DELETE /api/v1/admin/keys/:id': 'admin',
  'GET /api/v1/admin/audit': 'admin',

  // Verified erasure: a write key within its reach (a user-bound key erases only its own user, and
  // never a whole namespace; the route checks that); a receipt, within the namespace it names.
  'DELETE /api/v1/users/:userId': 'write',
  'DELETE /api/v1/namespaces/:namespace': 'write',
  'GET /api/v1/erasures/:receiptId': 'write',
  // What memOS holds: counts, ids and times, within the key's reach (namespaces lists those it reaches).
  'GET /api/v1/namespaces': 'write',
  'GET /api/v1/stats': 'write',
  'GET /api/v1/users': 'write',
  'GET /api/v1/sessions': 'write',
  // Export and import: within the key's reach (a user-bound key exports and imports only its user's records).
  'GET /api/v1/export': 'write',
  'POST /api/v1/import': 'write',
  // MCP (streamable HTTP): any valid key; each tool checks the role it needs and the key's reach (src/mcp/caller-scope.ts).
  'POST /mcp': 'key',
};

/** The interactive docs, the web UI, and their assets (the UI's calls to the API need a key like any other). */
const PUBLIC_PREFIXES = ['/docs', '/ui'];

/** What a route needs; undefined for a route the table does not name. HEAD routes follow their GET. */
export function accessOf(method: string, url: string): Access | undefined {
  if (PUBLIC_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`))) return 'public';
  return ROUTES[`${method === 'HEAD' ? 'GET' : method} ${url}`];
}

/** Every route the table names, as `METHOD url`. */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = ROUTES;
