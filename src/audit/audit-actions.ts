// What the audit log records, by route: the one table. A route that is not here is never recorded,
// so a test (audit-actions.test.ts) checks that every route of /openapi.json is either here or
// named in NOT_AUDITED with the reason.

/**
 * `change`: writes and deletes of records, always recorded. `admin`: keys, caches, reindex and the
 * audit log itself, always recorded. `read`: reads, listings, searches and embeddings, recorded
 * only with `audit.reads` (MEMOS_AUDIT_READS=true).
 */
export type AuditKind = 'change' | 'admin' | 'read';

export interface AuditAction {
  action: string;
  kind: AuditKind;
}

const change = (action: string): AuditAction => ({ action, kind: 'change' });
const admin = (action: string): AuditAction => ({ action, kind: 'admin' });
const read = (action: string): AuditAction => ({ action, kind: 'read' });

/** `METHOD /route/pattern` (Fastify's pattern, `:param`) → what it does. */
export const AUDIT_ACTIONS: Readonly<Record<string, AuditAction>> = {
  'PUT /api/v1/sessions/:sessionId': change('sessions.put'),
  'POST /api/v1/sessions/:sessionId/messages': change('sessions.append'),
  'DELETE /api/v1/sessions/:sessionId': change('sessions.delete'),
  'GET /api/v1/sessions/:sessionId': read('sessions.get'),

  'POST /api/v1/episodes': change('episodes.append'),
  'DELETE /api/v1/episodes/:id': change('episodes.delete'),
  'GET /api/v1/episodes': read('episodes.list'),
  'GET /api/v1/episodes/:id': read('episodes.get'),

  'POST /api/v1/memories': change('memories.upsert'),
  'PATCH /api/v1/memories/:id': change('memories.update'),
  'POST /api/v1/memories/:id/confirm': change('memories.confirm'),
  'DELETE /api/v1/memories/:id': change('memories.delete'),
  'GET /api/v1/memories': read('memories.list'),
  'GET /api/v1/memories/:id': read('memories.get'),
  'GET /api/v1/memories/:id/history': read('memories.history'),
  'POST /api/v1/memories/:id/retract': change('memories.retract'),
  'GET /api/v1/memories/:id/sources': read('memories.sources'),
  'GET /api/v1/conflicts': read('memories.conflicts'),

  'POST /api/v1/search': read('recall.search'),
  'POST /api/v1/context': read('recall.context'),

  'POST /v1/embeddings': read('embeddings.create'),
  'POST /api/v1/embeddings': read('embeddings.create'),
  'POST /api/v1/embeddings/batch': read('embeddings.batch'),
  'GET /api/v1/embeddings/cache/stats': read('cache.stats'),
  'POST /api/v1/embeddings/cache/clear': admin('cache.clear'),
  'GET /api/v1/cache/stats': read('cache.stats'),
  'DELETE /api/v1/cache': admin('cache.clear'),

  'GET /api/v1/admin/reindex': read('reindex.status'),
  'POST /api/v1/admin/reindex': admin('reindex.start'),

  'POST /api/v1/admin/keys': admin('keys.create'),
  'GET /api/v1/admin/keys': admin('keys.list'),
  'DELETE /api/v1/admin/keys/:id': admin('keys.revoke'),

  'GET /api/v1/admin/audit': admin('audit.list'),

  // The entry names the receipt among its record ids; the receipt itself is kept in erasure_receipts.
  'DELETE /api/v1/users/:userId': change('erasure.user'),
  'DELETE /api/v1/namespaces/:namespace': change('erasure.namespace'),
  'GET /api/v1/erasures/:receiptId': read('erasure.receipt'),
  'GET /api/v1/namespaces': read('inspect.namespaces'),
  'GET /api/v1/stats': read('inspect.stats'),
  'GET /api/v1/users': read('inspect.users'),
  'GET /api/v1/sessions': read('inspect.sessions'),
  // An export is data leaving memOS: recorded always, as admin actions are.
  'GET /api/v1/export': admin('transfer.export'),
  'POST /api/v1/import': change('transfer.import'),
};

/** What memOS records of the work it does on its own, with `keyId` `system` (no request, no route). */
export const SYSTEM_ACTIONS: readonly string[] = ['retention.sweep', 'memories.judge', 'memories.lesson'];

/** Routes never recorded, and why. */
export const NOT_AUDITED: Readonly<Record<string, string>> = {
  'GET /': 'service info: names no record',
  'GET /health': 'probe',
  'GET /health/live': 'probe',
  'GET /health/ready': 'probe',
  'GET /health/detailed': 'probe',
  'GET /metrics': 'scraped every few seconds; counts only',
  'GET /metrics/recent': 'polled every few seconds by the web UI; counts only',
  'GET /api/v1/whoami': "the key's own role and reach: names no record",
  'GET /v1/models': 'the embedding model served: names no record',
  'GET /v1/models/*': 'the embedding model served: names no record',
  'POST /mcp': 'each MCP tool call is recorded on its own (method MCP, route mcp/<tool>), with the action of the route it mirrors',
};

/** What a request to `route` with `method` does; a HEAD is its GET. Undefined when it is not recorded. */
export function auditActionOf(method: string, route: string): AuditAction | undefined {
  return AUDIT_ACTIONS[`${method === 'HEAD' ? 'GET' : method} ${route}`];
}
