// What the leakage suite sends to each route, keyed by `METHOD path` as /openapi.json names it:
// what the route needs (stated here, independently of src/auth/route-access.ts), what it works
// on, and the requests that aim it at a target. The suite fails for a route of /openapi.json
// without a row, so a new route gets one here: copy the row of a route like it.

import type { Role } from '../../src/core/types.js';
import type { Method } from './leak-api.js';
import { SHARED_THREAD, type Tenant } from './tenants.js';

/** What a case aims at: a tenant's records, a namespace (or none named), or nothing in particular. */
export type Target =
  | { kind: 'tenant'; label: string; namespace: string; tenant: Tenant; ids: TargetIds }
  | { kind: 'namespace'; label: string; namespace: string | undefined }
  | { kind: 'none'; label: string };

/** The target tenant's records a request names: the planted ones, or fresh ones for a change a key may make. */
export interface TargetIds {
  memoryId: string;
  episodeId: string;
  sessionId: string;
  keyId: string;
}

export interface LeakRequest {
  /** How this request aims at the target, e.g. `by id` or `names the user`. */
  variant: string;
  method: Method;
  path: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  /** The namespace the request names; the suite sends it in the body, the query or X-Memos-Namespace. */
  namespace?: string | undefined;
  /**
   * The user whose records the request names, by a `userId` field or by the id of a record of the
   * user (null: a record of no user); undefined when it names none, so that a user-bound key acts as
   * its own user.
   */
  user?: string | null | undefined;
  /** It names the user by a record's id: beyond the key's user it answers as missing (404). */
  byId?: boolean;
  /** An allowed answer holds the target tenant's records (and so its secret). */
  shows?: boolean;
  /** An NDJSON body (an import), sent as application/x-ndjson in place of `body`. */
  ndjson?: string;
  /** Sent only by keys that do not reach the target tenant (an attempt that would change the tenant's own records otherwise). */
  beyondReachOnly?: boolean;
  /** How a key that may send it, but does not reach the record it names, is refused (in place of a 2xx): as a record that does not exist. */
  refusedBeyondReach?: { status: number; code: string };
}

export interface RouteCase {
  /** `public`: no key; `key`: any valid key; else the least role. */
  needs: 'public' | 'key' | Role;
  /**
   * `namespace`: works in the namespace the request names, else the key's only one, else
   * `default` (`every` namespace when `unnamed` says so); `every`: covers every namespace, so only
   * keys of every namespace and no user may use it; `reach`: covers the namespaces the key reaches
   * (it lists them), so any key of no user may use it.
   */
  scope: 'namespace' | 'every' | 'reach';
  unnamed?: 'default' | 'every';
  /** The targets of its cases: each tenant, each namespace and none named, or one case. */
  targets: 'tenants' | 'namespaces' | 'none';
  /** An allowed request changes or removes the target's record of this kind: it gets a fresh one. */
  fresh?: 'memory' | 'episode' | 'session' | 'key';
  /** A write by id makes the record where it is missing (sessions): in another namespace than the target's, it makes one there. */
  createsMissing?: true;
  /** A status a request beyond the key's user may answer besides 403 and 404, and why. */
  beyondUser?: { status: number; why: string };
  /** Not served yet: the row waits until /openapi.json lists the route. */
  pending?: true;
  requests(target: Target, served: Served): LeakRequest[];
}

/** What the running memOS serves that requests name: the embedding model. */
export interface Served {
  model: string;
}

function tenantOf(target: Target): Extract<Target, { kind: 'tenant' }> {
  if (target.kind !== 'tenant') throw new Error(`a tenant route got target ${target.label}`);
  return target;
}

/** The target tenant's user as a body or query field, and as what the request names. */
function named(target: Extract<Target, { kind: 'tenant' }>): { fields: { userId?: string }; user: string | undefined } {
  const userId = target.tenant.userId;
  return userId === undefined ? { fields: {}, user: undefined } : { fields: { userId }, user: userId };
}

/** The user a request naming a record of the target reaches for: its user, or null for a record of no user. */
const ownerOf = (target: Extract<Target, { kind: 'tenant' }>) => target.tenant.userId ?? null;

const attack = (target: Target) => `Written aiming at ${target.label}`;

const none = (request: Omit<LeakRequest, 'variant'>): LeakRequest[] => [{ variant: 'plain', ...request }];

/** A request in the target's namespace (or none named) that names nothing else. */
const inNamespace = (build: () => Omit<LeakRequest, 'variant' | 'namespace'>) => (target: Target) => {
  const namespace = target.kind === 'namespace' ? target.namespace : undefined;
  return [{ variant: namespace === undefined ? 'no namespace' : 'names the namespace', namespace, ...build() }];
};

/** A read of one record by id. */
const readById = (path: (ids: TargetIds) => string) => (target: Target): LeakRequest[] => {
  const t = tenantOf(target);
  return [{ variant: 'by id', method: 'GET', path: path(t.ids), namespace: t.namespace, user: ownerOf(t), byId: true, shows: true }];
};

/** A change of one record by id. */
const changeById = (method: Method, path: (ids: TargetIds) => string, body?: (target: Target) => Record<string, unknown>) => (target: Target): LeakRequest[] => {
  const t = tenantOf(target);
  return [{ variant: 'by id', method, path: path(t.ids), namespace: t.namespace, user: ownerOf(t), byId: true, ...(body === undefined ? {} : { body: body(target) }) }];
};

/** A listing: of the target's user, and of the whole namespace (a user-bound key then lists its own user's). */
const listing = (tier: 'memories' | 'episodes') => (target: Target): LeakRequest[] => {
  const t = tenantOf(target);
  const user = named(t);
  const path = `/api/v1/${tier}`;
  return [
    { variant: 'names the user', method: 'GET', path, query: { limit: '500', ...user.fields }, namespace: t.namespace, user: user.user, shows: true },
    { variant: 'the namespace', method: 'GET', path, query: { limit: '500', ...(tier === 'episodes' ? { sessionId: SHARED_THREAD } : {}) }, namespace: t.namespace },
    // Every version of every memory, superseded and retracted ones too.
    ...(tier === 'memories' ? [{ variant: 'every version', method: 'GET' as const, path, query: { limit: '500', includeSuperseded: 'true' }, namespace: t.namespace }] : []),
  ];
};

/** A session write: to the target's session naming its user, to it naming none, and to a new session for the target's user. */
const sessionWrite = (method: 'PUT' | 'POST', suffix: string) => (target: Target): LeakRequest[] => {
  const t = tenantOf(target);
  const user = named(t);
  const messages = [{ role: 'user', content: attack(target) }];
  const path = (sessionId: string) => `/api/v1/sessions/${sessionId}${suffix}`;
  return [
    { variant: 'names the user', method, path: path(t.ids.sessionId), body: { ...user.fields, messages }, namespace: t.namespace, user: user.user ?? ownerOf(t), byId: user.user === undefined },
    { variant: 'by id', method, path: path(t.ids.sessionId), body: { messages }, namespace: t.namespace, user: ownerOf(t), byId: true },
    { variant: 'new session', method, path: path(`new-${newSessions++}`), body: { ...user.fields, messages }, namespace: t.namespace, user: user.user },
  ];
};
let newSessions = 0;

/** A scope's counts or listing: of the target's user, and of the whole namespace (a user-bound key then gets its own user's). */
const inspectScope = (path: string) => (target: Target): LeakRequest[] => {
  const t = tenantOf(target);
  const user = named(t);
  return [
    { variant: 'names the user', method: 'GET', path, query: { ...user.fields }, namespace: t.namespace, user: user.user },
    { variant: 'the namespace', method: 'GET', path, namespace: t.namespace },
  ];
};

const memoryDraft = (target: Target) => ({ content: attack(target), metadata: { by: 'leakage' } });

/** Every route memOS serves, by `METHOD path` as /openapi.json names it (`/docs` aside). */
export const ROUTE_CASES: Record<string, RouteCase> = {
  // ── Service info, health, metrics ──────────────────────────────────────────
  'GET /': { needs: 'public', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/' }) },
  'GET /openapi.json': { needs: 'public', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/openapi.json' }) },
  'GET /health/live': { needs: 'public', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/health/live' }) },
  'GET /health/ready': { needs: 'public', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/health/ready' }) },
  'GET /health': { needs: 'read', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/health' }) },
  'GET /health/detailed': { needs: 'read', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/health/detailed' }) },
  'GET /metrics': { needs: 'read', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/metrics' }) },
  'GET /metrics/recent': { needs: 'read', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/metrics/recent' }) },
  // The key's own role and reach: any key, and nothing of any namespace in the answer.
  'GET /api/v1/whoami': { needs: 'key', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/api/v1/whoami' }) },

  // ── Sessions ───────────────────────────────────────────────────────────────
  'PUT /api/v1/sessions/{sessionId}': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    fresh: 'session',
    createsMissing: true,
    beyondUser: { status: 409, why: "a session id is one per namespace: another user's live session cannot be replaced, nor a new one made under its id" },
    requests: sessionWrite('PUT', ''),
  },
  'GET /api/v1/sessions/{sessionId}': { needs: 'read', scope: 'namespace', targets: 'tenants', requests: readById((ids) => `/api/v1/sessions/${ids.sessionId}`) },
  'DELETE /api/v1/sessions/{sessionId}': { needs: 'write', scope: 'namespace', targets: 'tenants', fresh: 'session', requests: changeById('DELETE', (ids) => `/api/v1/sessions/${ids.sessionId}`) },
  'POST /api/v1/sessions/{sessionId}/messages': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    fresh: 'session',
    createsMissing: true,
    beyondUser: { status: 409, why: "a session id is one per namespace: no message goes into another user's live session" },
    requests: sessionWrite('POST', '/messages'),
  },

  // ── Episodes ───────────────────────────────────────────────────────────────
  'POST /api/v1/episodes': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      const user = named(t);
      const episode = { kind: 'observation', content: attack(target), sessionId: SHARED_THREAD };
      return [
        { variant: 'names the user', method: 'POST', path: '/api/v1/episodes', body: { ...user.fields, episodes: [episode] }, namespace: t.namespace, user: user.user },
        { variant: 'names the user per item', method: 'POST', path: '/api/v1/episodes', body: { episodes: [{ ...episode, ...user.fields }] }, namespace: t.namespace, user: user.user },
      ];
    },
  },
  'GET /api/v1/episodes': { needs: 'read', scope: 'namespace', targets: 'tenants', requests: listing('episodes') },
  'GET /api/v1/episodes/{id}': { needs: 'read', scope: 'namespace', targets: 'tenants', requests: readById((ids) => `/api/v1/episodes/${ids.episodeId}`) },
  'DELETE /api/v1/episodes/{id}': { needs: 'write', scope: 'namespace', targets: 'tenants', fresh: 'episode', requests: changeById('DELETE', (ids) => `/api/v1/episodes/${ids.episodeId}`) },

  // ── Memories ───────────────────────────────────────────────────────────────
  'POST /api/v1/memories': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      const user = named(t);
      return [
        { variant: 'names the user', method: 'POST', path: '/api/v1/memories', body: { ...user.fields, memories: [memoryDraft(target)] }, namespace: t.namespace, user: user.user },
        { variant: 'names the user per item', method: 'POST', path: '/api/v1/memories', body: { memories: [{ ...memoryDraft(target), ...user.fields }] }, namespace: t.namespace, user: user.user },
        // The same words as the target's memory, in the key's own scope: no merge into the target's.
        { variant: "repeats the target's memory", method: 'POST', path: '/api/v1/memories', body: { memories: [{ content: t.tenant.dupContent }] }, namespace: t.namespace, beyondReachOnly: true },
        // Superseding needs the same identity: a key that does not reach the target's memory cannot end it.
        { variant: "supersedes the target's memory", method: 'POST', path: '/api/v1/memories', body: { ...user.fields, memories: [{ ...memoryDraft(target), supersedes: [t.ids.memoryId] }] }, namespace: t.namespace, user: user.user, beyondReachOnly: true, refusedBeyondReach: { status: 400, code: 'E_VALIDATION' } },
      ];
    },
  },
  'GET /api/v1/memories': { needs: 'read', scope: 'namespace', targets: 'tenants', requests: listing('memories') },
  'GET /api/v1/memories/{id}': { needs: 'read', scope: 'namespace', targets: 'tenants', requests: readById((ids) => `/api/v1/memories/${ids.memoryId}`) },
  'PATCH /api/v1/memories/{id}': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    fresh: 'memory',
    requests: (target) => {
      const t = tenantOf(target);
      const path = `/api/v1/memories/${t.ids.memoryId}`;
      const patch = { content: attack(target), metadata: { by: 'leakage' }, importance: 0.1 };
      return [
        { variant: 'by id', method: 'PATCH', path, body: patch, namespace: t.namespace, user: ownerOf(t), byId: true },
        // A version conflict would tell that the memory exists, and at which version.
        { variant: 'by id at a version', method: 'PATCH', path, body: { ...patch, expectedVersion: 1 }, namespace: t.namespace, user: ownerOf(t), byId: true },
      ];
    },
  },
  // A confirmation changes only lastConfirmedAt, but answers the memory: it must reach no other tenant's.
  'POST /api/v1/memories/{id}/confirm': { needs: 'write', scope: 'namespace', targets: 'tenants', fresh: 'memory', requests: changeById('POST', (ids) => `/api/v1/memories/${ids.memoryId}/confirm`, () => ({})) },
  'DELETE /api/v1/memories/{id}': { needs: 'write', scope: 'namespace', targets: 'tenants', fresh: 'memory', requests: changeById('DELETE', (ids) => `/api/v1/memories/${ids.memoryId}`) },
  'GET /api/v1/memories/{id}/history': { needs: 'read', scope: 'namespace', targets: 'tenants', requests: readById((ids) => `/api/v1/memories/${ids.memoryId}/history`) },
  // A retraction takes the memory out of recall: it must reach no other tenant's memory.
  'POST /api/v1/memories/{id}/retract': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    fresh: 'memory',
    requests: changeById('POST', (ids) => `/api/v1/memories/${ids.memoryId}/retract`, (target) => ({ reason: attack(target) })),
  },
  'GET /api/v1/memories/{id}/sources': { needs: 'read', scope: 'namespace', targets: 'tenants', requests: readById((ids) => `/api/v1/memories/${ids.memoryId}/sources`) },
  'GET /api/v1/conflicts': {
    needs: 'read',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      const user = named(t);
      return [
        { variant: 'names the user', method: 'GET', path: '/api/v1/conflicts', query: { limit: '500', ...user.fields }, namespace: t.namespace, user: user.user },
        { variant: 'the namespace', method: 'GET', path: '/api/v1/conflicts', query: { limit: '500' }, namespace: t.namespace },
      ];
    },
  },

  // ── Recall ─────────────────────────────────────────────────────────────────
  'POST /api/v1/search': {
    needs: 'read',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      const user = named(t);
      const path = '/api/v1/search';
      const query = t.tenant.searchWord;
      return [
        { variant: 'names the user', method: 'POST', path, body: { ...user.fields, query, mode: 'hybrid', limit: 50 }, namespace: t.namespace, user: user.user, shows: true },
        { variant: 'the namespace by keyword', method: 'POST', path, body: { query, mode: 'keyword', limit: 50 }, namespace: t.namespace },
        // Vectors find the nearest records whatever their words: every record in reach comes back.
        { variant: 'the namespace by vector', method: 'POST', path, body: { query: `what did we talk about ${query}`, mode: 'vector', limit: 100 }, namespace: t.namespace },
        // Hybrid search lends scores to neighbouring episodes of a session, which every tenant shares.
        { variant: 'the shared session', method: 'POST', path, body: { query, mode: 'hybrid', sessionId: SHARED_THREAD, types: ['episodes'], limit: 100 }, namespace: t.namespace },
      ];
    },
  },
  'POST /api/v1/context': {
    needs: 'read',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      const user = named(t);
      const path = '/api/v1/context';
      const sessionId = t.ids.sessionId;
      return [
        { variant: 'names the user and session', method: 'POST', path, body: { ...user.fields, sessionId, query: t.tenant.searchWord, tokenBudget: 4000 }, namespace: t.namespace, user: user.user, shows: true },
        // A session beyond the key's reach reads as missing (a notice), not as an error. No query: the session's last user message is the query, and recent memories fill the bundle.: the session's last user message is the query, and recent memories fill the bundle.
        { variant: "the target's session", method: 'POST', path, body: { sessionId, tokenBudget: 4000 }, namespace: t.namespace },
        { variant: 'the namespace', method: 'POST', path, body: { query: t.tenant.searchWord, tokenBudget: 4000, limit: 50 }, namespace: t.namespace },
      ];
    },
  },

  // ── Embedding gateway and models ───────────────────────────────────────────
  'POST /v1/embeddings': {
    needs: 'read',
    scope: 'namespace',
    targets: 'namespaces',
    requests: (target, served) => inNamespace(() => ({ method: 'POST', path: '/v1/embeddings', body: { input: ['leakage probe'], model: served.model } }))(target),
  },
  'POST /api/v1/embeddings': { needs: 'read', scope: 'namespace', targets: 'namespaces', requests: inNamespace(() => ({ method: 'POST', path: '/api/v1/embeddings', body: { text: 'leakage probe' } })) },
  'POST /api/v1/embeddings/batch': {
    needs: 'read',
    scope: 'namespace',
    targets: 'namespaces',
    requests: inNamespace(() => ({ method: 'POST', path: '/api/v1/embeddings/batch', body: { texts: ['leakage probe', 'another probe'] } })),
  },
  'GET /api/v1/embeddings/cache/stats': {
    needs: 'admin',
    scope: 'namespace',
    unnamed: 'every',
    targets: 'namespaces',
    requests: inNamespace(() => ({ method: 'GET', path: '/api/v1/embeddings/cache/stats' })),
  },
  'POST /api/v1/embeddings/cache/clear': {
    needs: 'admin',
    scope: 'namespace',
    unnamed: 'every',
    targets: 'namespaces',
    requests: inNamespace(() => ({ method: 'POST', path: '/api/v1/embeddings/cache/clear', body: {} })),
  },
  'GET /v1/models': { needs: 'key', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/v1/models' }) },
  'GET /v1/models/{*}': { needs: 'key', scope: 'every', targets: 'none', requests: (_target, served) => none({ method: 'GET', path: `/v1/models/${served.model}` }) },

  // ── Caches ─────────────────────────────────────────────────────────────────
  'GET /api/v1/cache/stats': { needs: 'admin', scope: 'namespace', unnamed: 'every', targets: 'namespaces', requests: inNamespace(() => ({ method: 'GET', path: '/api/v1/cache/stats' })) },
  'DELETE /api/v1/cache': {
    needs: 'admin',
    scope: 'namespace',
    unnamed: 'every',
    targets: 'namespaces',
    requests: inNamespace(() => ({ method: 'DELETE', path: '/api/v1/cache', query: { prefix: 'responses' } })),
  },

  // ── Inspect: counts, ids and times of what memOS holds ─────────────────────
  'GET /api/v1/namespaces': { needs: 'write', scope: 'reach', targets: 'none', requests: () => none({ method: 'GET', path: '/api/v1/namespaces' }) },
  'GET /api/v1/stats': { needs: 'write', scope: 'namespace', targets: 'tenants', requests: inspectScope('/api/v1/stats') },
  'GET /api/v1/users': { needs: 'write', scope: 'namespace', targets: 'namespaces', requests: inNamespace(() => ({ method: 'GET', path: '/api/v1/users', query: { limit: '100' } })) },
  'GET /api/v1/sessions': { needs: 'write', scope: 'namespace', targets: 'tenants', requests: inspectScope('/api/v1/sessions') },
  // ── Export and import ──────────────────────────────────────────────────────
  'GET /api/v1/export': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      const user = named(t);
      return [
        { variant: 'names the user', method: 'GET', path: '/api/v1/export', query: { ...user.fields, withVectors: 'true' }, namespace: t.namespace, user: user.user, shows: true },
        { variant: 'the namespace', method: 'GET', path: '/api/v1/export', query: {}, namespace: t.namespace },
      ];
    },
  },
  'POST /api/v1/import': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      const user = named(t);
      // An id of the target's own (ids are unique across namespaces in SQLite): importing it again leaves it unchanged.
      const id = `ep-leak-${t.namespace}-${t.tenant.userId ?? 'none'}`;
      const ndjson = [
        { type: 'header', format: 'memos-export', version: 1, memosVersion: '0', exportedAt: '2026-01-01T00:00:00.000Z', embedder: null, filters: { namespace: t.namespace }, withVectors: false },
        { type: 'episode', id, ...user.fields, kind: 'observation', content: attack(target), occurredAt: '2026-01-01T00:00:00.000Z', createdAt: '2026-01-01T00:00:00.000Z', metadata: {} },
        { type: 'end', counts: { sessions: 0, episodes: 1, memories: 0 } },
      ]
        .map((line) => JSON.stringify(line))
        .join('\n');
      return [{ variant: 'names the user per line', method: 'POST', path: '/api/v1/import', ndjson, namespace: t.namespace, user: user.user }];
    },
  },

  // ── Operators ──────────────────────────────────────────────────────────────
  'GET /api/v1/admin/reindex': { needs: 'admin', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/api/v1/admin/reindex' }) },
  'POST /api/v1/admin/reindex': { needs: 'admin', scope: 'every', targets: 'none', requests: () => none({ method: 'POST', path: '/api/v1/admin/reindex', body: { retryFailed: true } }) },
  'GET /api/v1/admin/keys': { needs: 'admin', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/api/v1/admin/keys' }) },
  'POST /api/v1/admin/keys': {
    needs: 'admin',
    scope: 'every',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      const user = named(t);
      return [{ variant: "a key of the target's", method: 'POST', path: '/api/v1/admin/keys', body: { name: `made aiming at ${t.label}`, role: 'admin', namespaces: [t.namespace], ...user.fields } }];
    },
  },
  'DELETE /api/v1/admin/keys/{id}': { needs: 'admin', scope: 'every', targets: 'tenants', fresh: 'key', requests: (target) => [{ variant: "the target's key", method: 'DELETE', path: `/api/v1/admin/keys/${tenantOf(target).ids.keyId}` }] },
  // Entries name record ids, keys and namespaces: a namespace's entries are for keys of that namespace.
  // Entries of every namespace (their filter is a filter, not a scope): an admin key that reaches every namespace only.
  'GET /api/v1/admin/audit': { needs: 'admin', scope: 'every', targets: 'none', requests: () => none({ method: 'GET', path: '/api/v1/admin/audit' }) },

  // ── Verified erasure ───────────────────────────────────────────────────────
  // An allowed erasure would destroy the planted tenant: only keys that do not reach it send these,
  // and each must be refused (403 beyond the namespace or the user; the planted records stay, which
  // the suite's last check compares). A user-bound key erases only its own user, never a namespace.
  'DELETE /api/v1/users/{userId}': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      if (t.tenant.userId === undefined) return [];
      return [{ variant: "the target's user", method: 'DELETE', path: `/api/v1/users/${t.tenant.userId}`, namespace: t.namespace, user: t.tenant.userId, beyondReachOnly: true }];
    },
  },
  'DELETE /api/v1/namespaces/{namespace}': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      return [{ variant: "the target's namespace", method: 'DELETE', path: `/api/v1/namespaces/${t.namespace}`, namespace: t.namespace, user: ownerOf(t), beyondReachOnly: true }];
    },
  },
  // A receipt by id: beyond its namespace, or of another user, it answers as missing.
  'GET /api/v1/erasures/{receiptId}': {
    needs: 'write',
    scope: 'namespace',
    targets: 'tenants',
    requests: (target) => {
      const t = tenantOf(target);
      return [{ variant: 'by id', method: 'GET', path: `/api/v1/erasures/era_${t.ids.memoryId.split('_').pop()}`, namespace: t.namespace, user: ownerOf(t), byId: true, beyondReachOnly: true }];
    },
  },
};
