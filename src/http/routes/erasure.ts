import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MemosError, validationError } from '../../core/errors.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { boundUser } from '../reach.js';
import { idSchema, namespaceQuery } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

const receipt = z.object({
  receiptId: z.string(),
  subject: z.object({ namespace: z.string(), userId: z.string().optional() }),
  startedAt: z.string(),
  finishedAt: z.string(),
  removed: z.record(z.string(), z.number()).describe('Counts removed per place'),
  verified: z.record(z.string(), z.string()).describe("Per place: 'clean', or 'found N' when the verification pass still found the subject there"),
  ok: z.boolean().describe('True only when every place is clean'),
});

const forbidden = (message: string, field?: string) =>
  new MemosError('E_FORBIDDEN', field === undefined ? message : `${field}: ${message}`, field === undefined ? {} : { details: { field, issues: [{ field, message, location: 'path' }] } });

/**
 * The namespace of `DELETE /namespaces/{namespace}` is its path: it is copied into the query before
 * the namespace is resolved, so that access is checked against it; a query or header naming
 * another one is a 400 naming `namespace`.
 */
function namespaceFromPath(request: FastifyRequest, _reply: unknown, done: (error?: Error) => void): void {
  const { namespace } = request.params as { namespace?: unknown };
  const query = request.query as Record<string, unknown>;
  if (typeof namespace === 'string' && query.namespace === undefined) query.namespace = namespace;
  else if (query.namespace !== namespace) return done(validationError([{ field: 'namespace', message: 'names another namespace than the path', location: 'query' }]));
  done();
}

/** Verified erasure: `/api/v1/users/{userId}`, `/api/v1/namespaces/{namespace}`, and receipts by id. */
export function erasureRoutes(app: ZodApp, { services }: RouteContext): void {
  const tags = ['lifecycle'];

  app.delete('/api/v1/users/:userId', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: "Erase every trace of a user in a namespace (every tier, index and cache), verify, and answer with the receipt",
      params: z.strictObject({ userId: idSchema }),
      querystring: namespaceQuery,
      response: { 200: receipt },
    },
    handler: (request) => {
      const own = boundUser(request).userId;
      if (own !== undefined && own !== request.params.userId) throw forbidden("names another user than this key's", 'userId');
      return services.erasure.erase({ namespace: requestNamespace(request), userId: request.params.userId });
    },
  });

  app.delete('/api/v1/namespaces/:namespace', {
    config: NAMESPACED,
    onRequest: namespaceFromPath,
    schema: {
      tags,
      summary: 'Erase every trace of a namespace (every tier, index and cache), verify, and answer with the receipt',
      params: z.strictObject({ namespace: idSchema }),
      querystring: namespaceQuery,
      response: { 200: receipt },
    },
    handler: (request) => {
      if (boundUser(request).userId !== undefined) throw forbidden('a key bound to a user may not erase a whole namespace');
      return services.erasure.erase({ namespace: requestNamespace(request) });
    },
  });

  app.get('/api/v1/erasures/:receiptId', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'An erasure receipt, again',
      params: z.strictObject({ receiptId: idSchema }),
      querystring: namespaceQuery,
      response: { 200: receipt },
    },
    handler: (request) => services.erasure.receipt({ namespace: requestNamespace(request), receiptId: request.params.receiptId, ...boundUser(request) }),
  });
}
