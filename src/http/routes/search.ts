import { z } from 'zod';
import { SEARCH_MODES } from '../../memory/recall/search-service.js';
import { episodeRecord, idSchema, memoryRecord, scorePartsRecord } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { recallFilters, recallQuery, recallTypes, searchFilters } from './filters.js';
import type { RouteContext, ZodApp } from './route-context.js';

const parts = scorePartsRecord;
const hitScore = z.number().describe('0 to 1: in vector mode the cosine similarity (negatives as 0); in keyword and hybrid mode a share of this search’s best hit, which scores 1');

const searchHit = z.discriminatedUnion('type', [
  z.object({ type: z.literal('memory'), id: z.string(), score: hitScore, parts, item: memoryRecord }),
  z.object({ type: z.literal('episode'), id: z.string(), score: hitScore, parts, item: episodeRecord }),
]);

const searchResponse = z.object({
  mode: z.enum(SEARCH_MODES).describe('The mode that produced the hits'),
  requestedMode: z.enum(SEARCH_MODES),
  hits: z.array(searchHit),
  notices: z.array(z.string()),
  cached: z.boolean().describe('Whether the answer came from the response cache'),
});

/** Recall: `POST /api/v1/search`. */
export function searchRoutes(app: ZodApp, { services, config, fields, schemas }: RouteContext): void {
  schemas.name('SearchHit', searchHit);
  app.post('/api/v1/search', {
    config: NAMESPACED,
    schema: {
      tags: ['recall'],
      summary: 'Search memories and episodes',
      body: schemas.name('SearchRequest', z.strictObject({
        namespace: fields.namespace,
        query: recallQuery,
        userId: idSchema.optional(),
        agentId: idSchema.optional(),
        sessionId: idSchema.optional(),
        types: recallTypes,
        limit: z.number().int().min(1).max(config.search.maxLimit).default(config.search.defaultLimit),
        mode: z.enum(SEARCH_MODES).default('hybrid'),
        minScore: z.number().min(0).max(1).optional().describe('Leave out hits scoring below this (scores are 0..1: the cosine in vector mode, else a share of the best hit)'),
        filters: recallFilters,
      })),
      response: { 200: schemas.name('SearchResponse', searchResponse) },
    },
    handler: (request) => {
      const { filters, namespace: _named, ...body } = request.body;
      return services.search.search({ ...body, namespace: requestNamespace(request), filters: searchFilters(filters) });
    },
  });
}
