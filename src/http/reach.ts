// What a request may reach, as the services take it: the resolved namespace and, for a
// user-bound key, its user. Records of other users then answer as missing (404).
import type { FastifyRequest } from 'fastify';
import type { RecordRef, SessionKey } from '../core/ports.js';
import { requestNamespace } from './namespace.js';

/** The user a request's key is bound to, as a spreadable field. */
export function boundUser(request: FastifyRequest): { userId?: string } {
  const userId = request.principal?.userId;
  return userId === undefined ? {} : { userId };
}

/** A record by id, within the request's namespace and the key's user. */
export function recordRef(request: FastifyRequest, id: string): RecordRef {
  return { namespace: requestNamespace(request), id, ...boundUser(request) };
}

/** A session by id, within the request's namespace and the key's user. */
export function sessionKey(request: FastifyRequest, sessionId: string): SessionKey {
  return { namespace: requestNamespace(request), sessionId, ...boundUser(request) };
}

/** The key's user as a context bundle takes it: its session is found only when it is this user's. */
export function reachUser(request: FastifyRequest): { reachUserId?: string } {
  const userId = request.principal?.userId;
  return userId === undefined ? {} : { reachUserId: userId };
}
