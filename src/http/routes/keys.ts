import { z } from 'zod';
import { ROLES } from '../../core/types.js';
import { KEY_ID } from '../../auth/api-key.js';
import { ALL_NAMESPACES } from '../../auth/principal.js';
import * as example from '../openapi/examples.js';
import { idSchema, timestampSchema } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

const keyIdParams = z.strictObject({ id: z.string().regex(KEY_ID, 'must be a key id: 12 of a-z 0-9').describe('The key id: the 12 characters after `memos_`').meta({ examples: [example.KEY_ID] }) });
const rateLimit = z.strictObject({
  perSecond: z.number().min(0).max(100_000).describe('Requests per second on average; 0 for no limit'),
  burst: z.number().int().min(1).max(1_000_000).describe('Requests at once'),
});
const keyExample = {
  id: example.KEY_ID,
  name: 'support-bot for alice',
  role: 'write',
  namespaces: [example.NAMESPACE],
  userId: example.USER_ID,
  rateLimit: { perSecond: 20, burst: 40 },
  expiresAt: '2027-06-30T00:00:00.000Z',
  createdAt: '2026-11-20T16:00:00.000Z',
  lastUsedAt: '2026-11-21T09:02:44.000Z',
};
const keyRecord = z
  .object({
    id: z.string().describe('The public key id: `memos_<id>_…`'),
    name: z.string().optional().describe('What the key is for'),
    role: z.enum(ROLES).describe('read, write or admin'),
    namespaces: z.array(z.string()).describe('The namespaces it may touch; ["*"] for every one'),
    userId: z.string().optional().describe('The one user whose records it reaches; every user’s when absent'),
    rateLimit: rateLimit.optional().describe('Its own rate limit, when it has one'),
    expiresAt: z.string().optional().describe('When it stops working (ISO 8601, UTC)'),
    createdAt: z.string().describe('When it was made (ISO 8601, UTC)'),
    lastUsedAt: z.string().optional().describe('When it was last used (ISO 8601, UTC); recorded at most once a minute'),
    revokedAt: z.string().optional().describe('When it was revoked (ISO 8601, UTC)'),
  })
  .describe('An API key, without its secret')
  .meta({ examples: [keyExample] });

/** The body of `POST /api/v1/admin/keys`; `memos keys create` checks its flags against it too. */
export const newKeyBody = z.strictObject({
  name: z.string().min(1).max(128).optional().describe('What the key is for; never a secret'),
  role: z.enum(ROLES).describe('read: GETs, search and context; write: that and every record write and delete; admin: everything'),
  namespaces: z
    .array(z.union([z.literal(ALL_NAMESPACES), idSchema]))
    .min(1)
    .max(256)
    .describe('The namespaces the key may touch; ["*"] for every one'),
  userId: idSchema.optional().describe("The one user whose records the key reaches; every user's when absent"),
  expiresAt: timestampSchema.optional().describe('When the key stops working (ISO 8601 with a zone); never when absent'),
  rateLimit: rateLimit.optional().describe('Overrides the default limit (MEMOS_RATE_LIMIT_*) for this key'),
});

/** API keys: `/api/v1/admin/keys` (admin keys that reach every namespace only). */
export function keyRoutes(app: ZodApp, { services, schemas }: RouteContext): void {
  const tags = ['access'];
  schemas.name('ApiKey', keyRecord);
  const created = keyRecord
    .extend({ key: z.string().describe('memos_<id>_<secret>: store it now, it is not kept') })
    .describe('The new key, with its secret: shown this once')
    .meta({ examples: [{ ...keyExample, lastUsedAt: undefined, key: `memos_${example.KEY_ID}_Xq3vJm8pT2wLr6nYb9sKd4fHc7gZa1eU5oViN0tRyW` }] });

  app.post('/api/v1/admin/keys', {
    schema: {
      tags,
      operationId: 'createKey',
      summary: 'Make an API key; the answer holds the key, which is never shown again',
      description:
        'Makes a key bound to a role (read, write or admin), to namespaces (or `*` for all), and optionally to one user and an expiry. Only its hash is stored: the answer holds the key itself, once. ' +
        'In `MEMOS_AUTH=auto`, keys are required from the first key on. Needs an `admin` key that reaches every namespace.',
      body: schemas.name(
        'ApiKeyCreate',
        newKeyBody.meta({
          example: { name: keyExample.name, role: 'write', namespaces: [example.NAMESPACE], userId: example.USER_ID, expiresAt: '2027-06-30T00:00:00Z', rateLimit: { perSecond: 20, burst: 40 } },
        }),
      ),
      response: { 201: schemas.name('ApiKeyCreated', created) },
    },
    handler: async (request, reply) => {
      const { key, record } = await services.keys.create(request.body);
      return reply.code(201).send({ ...record, key });
    },
  });

  app.get('/api/v1/admin/keys', {
    schema: {
      tags,
      operationId: 'listKeys',
      summary: 'Every key, newest first, without secrets',
      description: 'Lists every key, revoked and expired ones too, newest first, with its role, reach and last use; never a secret. Needs an `admin` key that reaches every namespace.',
      response: {
        200: schemas.name(
          'ApiKeyList',
          z
            .object({ items: z.array(keyRecord).describe('Every key, newest first') })
            .describe('The API keys')
            .meta({ examples: [{ items: [keyExample] }] }),
        ),
      },
    },
    handler: async () => ({ items: await services.keys.list() }),
  });

  app.delete('/api/v1/admin/keys/:id', {
    schema: {
      tags,
      operationId: 'revokeKey',
      summary: 'Revoke a key: every replica refuses it within a few seconds',
      description: 'Revokes a key for good; it stays listed with `revokedAt`. Every replica refuses it within a few seconds. Answers 204 with no body; an unknown or already revoked key id is a 404. Needs an `admin` key that reaches every namespace.',
      params: keyIdParams,
      response: { 204: z.null().describe('Revoked') },
    },
    handler: async (request, reply) => {
      await services.keys.revoke(request.params.id);
      return reply.code(204).send(null);
    },
  });
}
