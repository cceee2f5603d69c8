// Records each request the route table names (src/audit/audit-actions.ts) in the audit log, and
// writes it as an `audit` log line.
//
// Where the engine allows, the entry is committed in the same transaction as the change: the
// handler runs in an audit scope (core/audit-scope.ts) holding the request's entry, and the first
// write transaction of the SQL store (SQLite, PostgreSQL) inserts it before it commits. What no
// transaction wrote by the time the request has answered (refusals, failures, session writes in
// Redis, cache clears, a reindex) is written then, on its own, with the outcome its status says.

import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import { auditActionOf, type AuditAction } from '../audit/audit-actions.js';
import type { AuditLog } from '../audit/audit-log.js';
import { AuditDraft, runInAuditScope, type AuditBase } from '../core/audit-scope.js';
import { ID_PATTERN } from '../core/ids.js';
import type { AuditOutcome } from '../core/types.js';
import { routeOf } from './request-telemetry.js';

/** Statuses that refuse who asked, rather than what was asked. */
const DENIED = new Set([401, 403, 429]);

export function outcomeOf(status: number): AuditOutcome {
  if (DENIED.has(status)) return 'denied';
  return status >= 400 ? 'failed' : 'ok';
}

const isId = (value: unknown): value is string => typeof value === 'string' && ID_PATTERN.test(value);

/** The ids a request names in its path (`:id`, `:sessionId`); anything that is not an id is left out. */
function pathIds(request: FastifyRequest): string[] {
  const params = request.params as Record<string, unknown> | undefined;
  return Object.entries(params ?? {})
    .filter(([name, value]) => name !== '*' && isId(value))
    .map(([, value]) => value as string);
}

/** The `userId` a validated request names at its top level (body, else query). */
function requestUserId(request: FastifyRequest): string | undefined {
  for (const source of [request.body, request.query]) {
    const value = (source as { userId?: unknown } | null | undefined)?.userId;
    if (isId(value)) return value;
  }
  return undefined;
}

export interface AuditHookOptions {
  audit: AuditLog;
  /** Record `read` routes too (audit.reads). */
  reads: boolean;
}

/**
 * Installs the audit log on `app`. The `onRoute` hook wraps handlers, so it must be installed
 * before any route is added; the actor is read from `request.principal`, which the access hook
 * sets before any handler runs (and the `onResponse` hook sees it for requests it refused).
 */
export function installAuditLog(app: FastifyInstance, { audit, reads }: AuditHookOptions): void {
  const drafts = new WeakMap<FastifyRequest, AuditDraft>();
  const actionOf = (request: FastifyRequest): AuditAction | undefined => {
    const action = auditActionOf(request.method, routeOf(request));
    return action !== undefined && (action.kind !== 'read' || reads) ? action : undefined;
  };

  /**
   * Who asked. Without an access hook installed (no `principal` decorator), memOS runs without
   * authentication: the local admin. With one, a request it left without a principal proved no key.
   */
  const actorOf = (request: FastifyRequest): Pick<AuditBase, 'keyId' | 'role'> => {
    const principal = request.principal;
    if (principal !== undefined) return { keyId: principal.keyId, role: principal.role };
    return app.hasRequestDecorator('principal') ? {} : { keyId: 'local', role: 'admin' };
  };

  /** The entry's fields before its outcome; `validated` when the handler runs (body and query passed their schemas). */
  const baseOf = (request: FastifyRequest, action: AuditAction, validated: boolean): AuditBase => {
    const userId = request.principal?.userId ?? (validated ? requestUserId(request) : undefined);
    const ids = pathIds(request);
    return {
      ...audit.stamp(),
      ...actorOf(request),
      action: action.action,
      method: request.method,
      route: routeOf(request),
      ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
      ...(userId === undefined ? {} : { userId }),
      ...(ids.length === 0 ? {} : { recordIds: ids }),
      requestId: request.id,
    };
  };

  app.addHook('onRoute', (route) => {
    const handler = route.handler as (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) => unknown;
    route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      const action = actionOf(request);
      if (action === undefined) return handler.call(this, request, reply);
      const draft = new AuditDraft(baseOf(request, action, true));
      drafts.set(request, draft);
      return runInAuditScope(draft, () => handler.call(this, request, reply));
    } as RouteHandlerMethod;
  });

  // A callback hook: requests with no audited action (most reads) make no promise.
  app.addHook('onResponse', (request, reply, done) => {
    const action = actionOf(request);
    if (action === undefined) return done();
    record(request, reply, action).then(() => done(), done);
  });

  const record = async (request: FastifyRequest, reply: FastifyReply, action: AuditAction): Promise<void> => {
    const status = reply.statusCode;
    const outcome = outcomeOf(status);
    const draft = drafts.get(request) ?? new AuditDraft(baseOf(request, action, false));
    if (await draft.close()) {
      // Committed with the change, before the answer existed: the log line adds the status.
      request.log.info({ audit: { ...draft.entry('ok'), status } }, 'audit');
      if (outcome === 'ok') return;
      // The request failed after its change committed: that is recorded too.
      const failed = { ...draft.entry(outcome, status), ...audit.stamp() };
      request.log.info({ audit: failed }, 'audit');
      audit.record(failed);
      return;
    }
    const entry = draft.entry(outcome, status);
    request.log.info({ audit: entry }, 'audit');
    audit.record(entry);
  };
}
