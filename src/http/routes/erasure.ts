import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MemosError, validationError } from '../../core/errors.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { boundUser } from '../reach.js';
import * as example from '../openapi/examples.js';
import { idSchema, namespaceQuery } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

const PLACES = ['sessions', 'outbox', 'episodes', 'memories', 'memoryHistory', 'vectors', 'vectorIndex', 'keywordIndex', 'keywordStatistics', 'responseCache', 'embeddingCache', 'auditLog', 'vectorSnapshots'];
const receiptExample = {
  receiptId: example.RECEIPT_ID,
  subject: { namespace: example.NAMESPACE, userId: example.USER_ID },
  startedAt: '2026-11-22T10:00:00.120Z',
  finishedAt: '2026-11-22T10:00:00.348Z',
  removed: Object.fromEntries(PLACES.map((place) => [place, ['outbox', 'vectorSnapshots'].includes(place) ? 0 : place === 'auditLog' ? 14 : 2])),
  verified: Object.fromEntries(PLACES.map((place) => [place, 'clean'])),
  ok: true,
};
const receipt = z
  .object({
    receiptId: z.string().describe('The receipt id (`era_…`): GET /api/v1/erasures/{receiptId} answers it again'),
    subject: z
      .object({ namespace: z.string().describe('The namespace erased, or the user’s'), userId: z.string().optional().describe('The user erased; absent for a whole namespace') })
      .describe('What was erased'),
    startedAt: z.string().describe('When the erasure started (ISO 8601, UTC)'),
    finishedAt: z.string().describe('When it and its verification finished'),
    removed: z.record(z.string(), z.number()).describe('Counts removed per place: sessions, episodes, memories, their history, vectors, indexes, caches, audit log …'),
    verified: z.record(z.string(), z.string()).describe("Per place: 'clean', or 'found N' when the verification pass still found the subject there"),
    ok: z.boolean().describe('True only when every place is clean'),
  })
  .describe('What an erasure removed, place by place, and what its verification found')
  .meta({ examples: [receiptExample] });

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
export function erasureRoutes(app: ZodApp, { services, schemas }: RouteContext): void {
  const tags = ['lifecycle'];
  schemas.name('ErasureReceipt', receipt);

  app.delete('/api/v1/users/:userId', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'eraseUser',
      summary: 'Erase every trace of a user in a namespace (every tier, index and cache), verify, and answer with the receipt',
      description:
        'Removes everything of the user in the namespace: sessions, episodes, memories and their history, vectors, keyword and vector indexes, cached embeddings and answers, and the user’s audit entries. Then a verification pass looks again in every place; the receipt says what was removed and that each place is clean (`ok`). ' +
        'Writes of the user that race the erasure are refused until it ends. Needs the `write` role; a user-bound key may erase only its own user.',
      params: z.strictObject({ userId: idSchema.describe('The user to erase').meta({ examples: [example.USER_ID] }) }),
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
      operationId: 'eraseNamespace',
      summary: 'Erase every trace of a namespace (every tier, index and cache), verify, and answer with the receipt',
      description:
        'Removes everything the namespace holds, in every tier, index and cache, then verifies each place and answers with the receipt. The namespace is the path’s; a query or header naming another is a 400. Needs the `write` role within the key’s reach; a key bound to a user may not erase a whole namespace (403).',
      params: z.strictObject({ namespace: idSchema.describe('The namespace to erase').meta({ examples: [example.NAMESPACE] }) }),
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
      operationId: 'getErasureReceipt',
      summary: 'An erasure receipt, again',
      description: 'Answers the receipt of an earlier erasure in the namespace, e.g. for a compliance record. A user-bound key reads only receipts of its user. Needs the `write` role.',
      params: z.strictObject({ receiptId: idSchema.describe('The receipt id an erasure answered').meta({ examples: [example.RECEIPT_ID] }) }),
      querystring: namespaceQuery,
      response: { 200: receipt },
    },
    handler: (request) => services.erasure.receipt({ namespace: requestNamespace(request), receiptId: request.params.receiptId, ...boundUser(request) }),
  });
}
