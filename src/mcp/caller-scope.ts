// Where an MCP caller's tools work: the namespace and user are pinned by the key (a key bound to a
// user; a key limited to exactly one namespace) or by the server's `mcp` settings. Only what
// neither pins may a tool argument choose, and then within the key's reach, so that a model
// cannot wander into another tenant whatever it writes into a call.

import { onlyNamespaceOf, reachesNamespace, roleAllows, type Principal, type Role } from '../auth/principal.js';
import type { Config } from '../config/schema.js';
import { MemosError } from '../core/errors.js';
import { DEFAULT_NAMESPACE } from '../http/schemas.js';

/** The namespace a call works in when nothing pins one and the call names none, as for HTTP requests. */
export { DEFAULT_NAMESPACE };

/** What the key and the server settings fix for every call of one caller. */
export interface PinnedScope {
  namespace?: string;
  /** The user every call acts as: the key's user, else `mcp.userId`. */
  userId?: string;
}

/** Where one call works, after its arguments were checked against the pins and the key's reach. */
export interface CallScope {
  namespace: string;
  /** The pinned user: records of other users are out of reach (they answer as missing). */
  reachUserId?: string;
  /** The user a write belongs to, or a read is limited to: the pinned one, else the one the call named. */
  userId?: string;
}

function forbidden(field: string, message: string): MemosError {
  return new MemosError('E_FORBIDDEN', `${field}: ${message}`, { details: { field, issues: [{ field, message }] } });
}

/** The scope a caller's key and the server settings pin. A user-bound key always acts as its own user. */
export function pinnedScope(principal: Principal, mcp: Config['mcp']): PinnedScope {
  const namespace = mcp.namespace ?? onlyNamespaceOf(principal);
  const userId = principal.userId ?? mcp.userId;
  return { ...(namespace === undefined ? {} : { namespace }), ...(userId === undefined ? {} : { userId }) };
}

/** Refuses a call whose key's role is below `needed`. */
export function checkRole(principal: Principal, needed: Role, tool: string): void {
  if (!roleAllows(principal.role, needed)) throw new MemosError('E_FORBIDDEN', `this key's role is ${principal.role}; ${tool} needs ${needed}`);
}

/** A `userId` a call names (at `field`) must be the pinned user's, when one is pinned. */
export function checkUser(pinned: PinnedScope, userId: string | undefined, field: string): void {
  if (pinned.userId !== undefined && userId !== undefined && userId !== pinned.userId) {
    throw forbidden(field, 'names another user than the one this connection acts as');
  }
}

/** Where a call with these arguments works; E_FORBIDDEN naming the field when they leave the caller's reach. */
export function callScope(principal: Principal, pinned: PinnedScope, args: { namespace?: string | undefined; userId?: string | undefined }): CallScope {
  if (pinned.namespace !== undefined && args.namespace !== undefined && args.namespace !== pinned.namespace) {
    throw forbidden('namespace', `this connection works in namespace '${pinned.namespace}' only`);
  }
  const namespace = pinned.namespace ?? args.namespace ?? DEFAULT_NAMESPACE;
  if (!reachesNamespace(principal, namespace)) {
    throw forbidden('namespace', args.namespace === undefined ? `name one: this key reaches several namespaces, and not '${DEFAULT_NAMESPACE}'` : `this key does not reach namespace '${namespace}'`);
  }
  checkUser(pinned, args.userId, 'userId');
  const userId = pinned.userId ?? args.userId;
  return {
    namespace,
    ...(pinned.userId === undefined ? {} : { reachUserId: pinned.userId }),
    ...(userId === undefined ? {} : { userId }),
  };
}
