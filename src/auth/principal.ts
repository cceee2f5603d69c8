// Who a request acts as, and what that may reach. Set once per request by the access hook
// (src/auth/access-hook.ts) before any route runs; services, the audit log and the rate limiter
// read it from there, so that every transport (HTTP, MCP, the web UI) checks the same way.

import type { RateLimit, Role } from '../core/types.js';

export { ROLES, type Role } from '../core/types.js';

/** Every namespace: a key's `namespaces` of `["*"]`. */
export const ALL_NAMESPACES = '*';

export interface Principal {
  /**
   * The key's id (the `<keyId>` part of `memos_<keyId>_<secret>`); `admin-key` for the key
   * `MEMOS_ADMIN_KEY` names; `local` while authentication is off (loopback, no key exists).
   */
  keyId: string;
  name?: string;
  role: Role;
  /** The namespaces the key may touch; `["*"]` for every one. */
  namespaces: string[];
  /** When set, the key reaches only this user's records in its namespaces. */
  userId?: string;
  /** Requests per second and burst for this key, when it overrides the default. */
  rateLimit?: RateLimit;
}

/** How much a role may do, ordered: each role may do all that the ones before it may. */
const RANK: Record<Role, number> = { read: 0, write: 1, admin: 2 };

/** True when `role` is at least `needed`. */
export function roleAllows(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** True when the principal may touch `namespace`. */
export function reachesNamespace(principal: Principal, namespace: string): boolean {
  return principal.namespaces.includes(ALL_NAMESPACES) || principal.namespaces.includes(namespace);
}

/** True when the principal reaches every namespace (needed where an answer covers them all). */
export function reachesAllNamespaces(principal: Principal): boolean {
  return principal.namespaces.includes(ALL_NAMESPACES);
}

/** The namespace a key defaults to when a request names none: its only one, if it has exactly one. */
export function onlyNamespaceOf(principal: Principal | undefined): string | undefined {
  if (principal === undefined || principal.namespaces.length !== 1) return undefined;
  const [only] = principal.namespaces;
  return only === ALL_NAMESPACES ? undefined : only;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as; set by the access hook on every request before validation. */
    principal: Principal | undefined;
  }
}
