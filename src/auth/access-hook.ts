// The one place where HTTP requests are authenticated and authorised (DESIGN §9). Every route
// has a row in route-access.ts; this hook reads the key (`Authorization: Bearer` or `X-API-Key`),
// sets `request.principal`, then, once the namespace is resolved, checks role, namespace and user.
// Records outside a user-bound key's reach are filtered by the services and stores, which receive
// the key's userId (src/http/reach.ts), and answer as missing.

import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { Config } from '../config/schema.js';
import { MemosError } from '../core/errors.js';
import { keysRequired } from './auth-mode.js';
import type { KeyService } from './key-service.js';
import { ALL_NAMESPACES, reachesAllNamespaces, reachesNamespace, roleAllows, type Principal } from './principal.js';
import { accessOf, type Access } from './route-access.js';
import { bindUser } from './user-binding.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route needs (route-access.ts), set when the route is added. */
    access?: Access;
    /**
     * The route covers every namespace but answers only for those the key reaches (it lists them):
     * a key that reaches some may call it too. A user-bound key still may not, as it reaches no
     * namespace whole.
     */
    withinReach?: boolean;
  }
}

/** Who acts while keys are not required: memOS on loopback with no key, or MEMOS_AUTH=off. */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({ keyId: 'local', role: 'admin', namespaces: [ALL_NAMESPACES] }) as Principal;

const REALM = 'Bearer realm="memOS"';

export interface AccessOptions {
  config: Config;
  keys: KeyService;
}

function unauthorized(reply: FastifyReply, message: string, invalid: boolean): MemosError {
  void reply.header('www-authenticate', invalid ? `${REALM}, error="invalid_token"` : REALM);
  return new MemosError('E_UNAUTHORIZED', message);
}

function forbidden(message: string, field?: string, location?: string): MemosError {
  return new MemosError('E_FORBIDDEN', message, field === undefined ? {} : { details: { field, issues: [{ field, message, ...(location === undefined ? {} : { location }) }] } });
}

/** The key a request presents: `Authorization: Bearer <key>`, else `X-API-Key: <key>`. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization !== '') {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    // A scheme other than Bearer (Basic, say) presents no key memOS can read.
    return match?.[1] ?? '';
  }
  const header = request.headers['x-api-key'];
  return typeof header === 'string' && header !== '' ? header.trim() : undefined;
}

/**
 * Installs the access checks. Call before any route is added (a route without a row in
 * route-access.ts stops the start) and after installNamespaces (whose resolved namespace the
 * checks read).
 */
export function installAccess(app: FastifyInstance, { config, keys }: AccessOptions): void {
  app.decorateRequest('principal', undefined);
  const metricsPublic = config.metrics.public;

  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const declared = methods.map((method) => accessOf(method, route.url));
    const access = declared[0];
    if (access === undefined || declared.some((other) => other !== access)) {
      throw new Error(`route ${methods.join(',')} ${route.url} has no row in src/auth/route-access.ts: say what it needs before serving it`);
    }
    const needs = route.url === '/metrics' && metricsPublic ? 'public' : access;
    route.config = { ...(route.config ?? {}), access: needs };
    // The OpenAPI document says which routes need no key.
    if (needs === 'public' && route.schema !== undefined) route.schema = { ...route.schema, security: [] };
  });

  // Authentication: headers only, before the body is read.
  app.addHook('onRequest', async (request, reply) => {
    const access = request.routeOptions.config.access;
    // Unknown routes answer 404 (and wrong methods 405) whatever the key.
    if (access === undefined || access === 'public') return;
    if (!(await keysRequired(config, () => keys.keysExist()))) {
      request.principal = LOCAL_PRINCIPAL;
      return;
    }
    const presented = presentedKey(request);
    if (presented === undefined) throw unauthorized(reply, 'this request needs an API key: send it as `Authorization: Bearer <key>` or `X-API-Key: <key>`', false);
    const principal = presented === '' ? undefined : await keys.authenticate(presented);
    if (principal === undefined) throw unauthorized(reply, 'the API key is not valid: it is malformed, unknown, revoked or expired', true);
    request.principal = principal;
  });

  // Authorisation, once the namespace is resolved (installNamespaces runs its preValidation first).
  // A callback hook, not an async one: no promise on every request.
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      authorise(request);
    } catch (error) {
      return done(error as Error);
    }
    done();
  });

  const authorise = (request: FastifyRequest): void => {
    const access = request.routeOptions.config.access;
    const principal = request.principal;
    if (access === undefined || access === 'public' || access === 'key' || principal === undefined) return;
    if (!roleAllows(principal.role, access)) {
      throw forbidden(`this key's role is ${principal.role}; ${request.method} ${request.routeOptions.url ?? ''} needs ${access}`);
    }
    const rule = request.routeOptions.config.namespace;
    const namespace = request.namespace;
    if (rule !== undefined && namespace !== undefined) {
      if (!reachesNamespace(principal, namespace)) throw forbidden(`this key does not reach namespace '${namespace}'`, 'namespace');
    } else if ((!reachesAllNamespaces(principal) && request.routeOptions.config.withinReach !== true) || principal.userId !== undefined) {
      // The route reports on, or acts across, every namespace.
      throw forbidden(`${request.method} ${request.routeOptions.url ?? ''} covers every namespace${rule === 'any' ? ' unless the request names one' : ''}; this key reaches only some`, rule === 'any' ? 'namespace' : undefined);
    }
    if (principal.userId !== undefined) bindUser(request, principal.userId);
  };
}
