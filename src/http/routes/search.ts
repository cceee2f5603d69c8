import { z } from 'zod';
import { SEARCH_MODES, SEARCH_TYPES } from '../../memory/recall/search-service.js';
import { episodeKindSchema, episodeRecord, idSchema, memoryRecord, metadataFilterSchema, timestampSchema } from '../schemas.js';
import { checkRange } from './filters.js';
import type { RouteContext, ZodApp } from './route-context.js';

const parts = z.object({ keyword: z.number().nullable(), vector: z.number().nullable(), recency: z.number().nullable() });

const searchResponse = z.object({
  mode: z.enum(SEARCH_MODES).describe('The mode that produced the hits'),
  requestedMode: z.enum(SEARCH_MODES),
  hits: z.array(
    z.discriminatedUnion('type', [
      z.object({ type: z.literal('memory'), id: z.string(), score: z.number(), parts, item: memoryRecord }),
      z.object({ type: z.literal('episode'), id: z.string(), score: z.number(), parts, item: episodeRecord }),
    ]),
  ),
  notices: z.array(z.string()),
});

/** Recall: `POST /api/v1/search`. */
export function searchRoutes(app: ZodApp, { services, config, fields }: RouteContext): void {
  app.post('/api/v1/search', {
    schema: {
      tags: ['recall'],
      summary: 'Search memories and episodes',
      body: z.strictObject({
        namespace: fields.namespace,
        query: z
          .string()
          .refine((value) => value.trim().length > 0, 'must not be blank')
          .refine((value) => value.length <= 4096, 'must be at most 4096 characters'),
        userId: idSchema.optional(),
        agentId: idSchema.optional(),
        sessionId: idSchema.optional(),
        types: z.array(z.enum(SEARCH_TYPES)).min(1).max(2).default([...SEARCH_TYPES]),
        limit: z.number().int().min(1).max(config.search.maxLimit).default(config.search.defaultLimit),
        mode: z.enum(SEARCH_MODES).default('hybrid'),
        minScore: z.number().optional(),
        filters: z
          .strictObject({
            kind: z.union([episodeKindSchema, z.array(episodeKindSchema).min(1).max(32)]).optional(),
            from: timestampSchema.optional(),
            to: timestampSchema.optional(),
            metadata: metadataFilterSchema.optional(),
          })
          .superRefine(checkRange)
          .default({}),
      }),
      response: { 200: searchResponse },
    },
    handler: (request) => {
      const { filters, ...body } = request.body;
      const { kind, ...rest } = filters;
      return services.search.search({
        ...body,
        filters: { ...rest, ...(kind === undefined ? {} : { kinds: Array.isArray(kind) ? kind : [kind] }) },
      });
    },
  });
}
