// A user-bound key reaches only its user's records. Before validation, every `userId` a request
// names (in the query, the body, or the items of a body's batch) must be the key's, else 403
// naming the field; where the route takes a `userId` and the request names none, the key's is
// filled in, so that writes belong to the key's user and lists, searches and context bundles
// cover only that user. Reads by id go through the services with the key's userId (src/http/reach.ts).

import type { FastifyRequest } from 'fastify';
import { MemosError } from '../core/errors.js';
import { objectKeys } from '../http/namespace.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function otherUser(field: string, location: string): MemosError {
  const message = "names another user than this key's";
  return new MemosError('E_FORBIDDEN', `${field}: ${message}`, { details: { field, issues: [{ field, message, location }] } });
}

export function bindUser(request: FastifyRequest, userId: string): void {
  const query = request.query as Record<string, unknown> | undefined;
  if (isObject(query) && query.userId !== undefined && query.userId !== userId) throw otherUser('userId', 'query');
  const body = request.body;
  if (isObject(body)) {
    if (body.userId !== undefined && body.userId !== userId) throw otherUser('userId', 'body');
    for (const [name, value] of Object.entries(body)) {
      if (!Array.isArray(value)) continue;
      value.forEach((item, index) => {
        if (isObject(item) && item.userId !== undefined && item.userId !== userId) throw otherUser(`${name}[${index}].userId`, 'body');
      });
    }
  }
  const schema = request.routeOptions.schema;
  if (isObject(body) && objectKeys(schema?.body)?.includes('userId')) body.userId = userId;
  if (isObject(query) && objectKeys(schema?.querystring)?.includes('userId')) query.userId = userId;
}
