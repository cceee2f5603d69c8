import { z } from 'zod';
import { ROLES } from '../../core/types.js';
import { KEY_ID } from '../../auth/api-key.js';
import { ALL_NAMESPACES } from '../../auth/principal.js';
import { idSchema, timestampSchema } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

const keyIdParams = z.strictObject({ id: z.string().regex(KEY_ID, 'must be a key id: 12 of a-z 0-9') });
const rateLimit = z.strictObject({
  perSecond: z.number().min(0).max(100_000).describe('Requests per second on average; 0 for no limit'),
  burst: z.number().int().min(1).max(1_000_000).describe('Requests at once'),
});
const keyRecord = z.object({
  id: z.string().describe('The public key id: `memos_<id>_…`'),
  name: z.string().optional(),
  role: z.enum(ROLES),
  namespaces: z.array(z.string()),
  userId: z.string().optional(),
  rateLimit: rateLimit.optional(),
  expiresAt: z.string().optional(),
  createdAt: z.string(),
  lastUsedAt: z.string().optional().describe('Recorded at most once a minute'),
  revokedAt: z.string().optional(),
});

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
  expiresAt: timestampSchema.optional(),
  rateLimit: rateLimit.optional().describe('Overrides the default limit (MEMOS_RATE_LIMIT_*) for this key'),
});

/** API keys: `/api/v1/admin/keys` (admin keys that reach every namespace only). */
export function keyRoutes(app: ZodApp, { services }: RouteContext): void {
  const tags = ['access'];

  app.post('/api/v1/admin/keys', {
    schema: {
      tags,
      summary: 'Make an API key; the answer holds the key, which is never shown again',
      body: newKeyBody,
      response: { 201: keyRecord.extend({ key: z.string().describe('memos_<id>_<secret>: store it now, it is not kept') }) },
    },
    handler: async (request, reply) => {
      const { key, record } = await services.keys.create(request.body);
      return reply.code(201).send({ ...record, key });
    },
  });

  app.get('/api/v1/admin/keys', {
    schema: { tags, summary: 'Every key, newest first, without secrets', response: { 200: z.object({ items: z.array(keyRecord) }) } },
    handler: async () => ({ items: await services.keys.list() }),
  });

  app.delete('/api/v1/admin/keys/:id', {
    schema: { tags, summary: 'Revoke a key: every replica refuses it within a few seconds', params: keyIdParams, response: { 204: z.null() } },
    handler: async (request, reply) => {
      await services.keys.revoke(request.params.id);
      return reply.code(204).send(null);
    },
  });
}
