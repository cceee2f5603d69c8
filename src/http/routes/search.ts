import { z } from 'zod';
import { SEARCH_INCLUDES, SEARCH_MODES } from '../../memory/recall/search-service.js';
import { validityAsk, validityFields } from './memory-fields.js';
import * as example from '../openapi/examples.js';
import { agentIdField, episodeRecord, memoryRecord, scorePartsRecord, sessionIdField, staleHit, userIdField } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { recallFilters, recallQuery, recallTypes, searchFilters } from './filters.js';
import type { RouteContext, ZodApp } from './route-context.js';

const parts = scorePartsRecord;
const hitScore = z.number().describe('0 to 1: in vector mode the cosine similarity (negatives as 0); in keyword and hybrid mode a share of this search’s best hit, which scores 1');

const hitId = z.string().describe('The id of the record found');
const hitSources = z
  .object({
    sessionIds: z.array(z.string()).describe('The sessions it was learned in'),
    episodes: z.array(episodeRecord).describe('Its source episodes still stored'),
  })
  .describe('Where a memory came from');
const searchHit = z
  .discriminatedUnion('type', [
    z.object({
      type: z.literal('memory').describe('A memory'),
      id: hitId,
      score: hitScore,
      parts,
      item: memoryRecord,
      stale: staleHit,
      conflictsWith: z.array(z.string()).optional().describe('Other memory hits it is flagged as likely contradicting (docs/truth.md): in hybrid mode the later-flagged one ranks first. Settle with a superseding write or a retraction'),
      sources: hitSources.optional().describe('With `include: ["sources"]`: its source sessions and episodes'),
    }),
    z.object({ type: z.literal('episode').describe('An episode'), id: hitId, score: hitScore, parts, item: episodeRecord }),
  ])
  .describe('One record found, with its score and the signals behind it')
  .meta({ examples: [example.searchResponse.hits[0]] });

const searchResponse = z
  .object({
    mode: z.enum(SEARCH_MODES).describe('The mode that produced the hits: hybrid falls back to keyword while no embedder is ready (a notice says so)'),
    requestedMode: z.enum(SEARCH_MODES).describe('The mode the request asked for'),
    hits: z.array(searchHit).describe('The hits, best first, at most `limit`'),
    notices: z.array(z.string()).describe('What the client should know about how the answer was made, e.g. a fallback to keyword search'),
    cached: z.boolean().describe('Whether the answer came from the response cache'),
  })
  .describe('The hits of a search, best first')
  .meta({ examples: [example.searchResponse] });

/** Recall: `POST /api/v1/search`. */
export function searchRoutes(app: ZodApp, { services, config, fields, schemas }: RouteContext): void {
  schemas.name('SearchHit', searchHit);
  app.post('/api/v1/search', {
    config: NAMESPACED,
    schema: {
      tags: ['recall'],
      operationId: 'search',
      summary: 'Search memories and episodes by meaning and by keyword',
      description:
        'Finds the memories and episodes that answer `query`, best first. `hybrid` (the default) fuses keyword (BM25) and vector (cosine) evidence with recency; `keyword` and `vector` use one signal. Without a ready embedder, hybrid and vector fall back to keyword and a notice says so. ' +
        'Only current memories take part (not superseded or retracted) unless `asOf` (what held then) or `includeSuperseded`. Each hit carries a 0..1 `score` and its raw signal `parts`; a memory hit says whether it is `stale` (past its kind’s review period, `truth.reviewDays`). Answers are cached until a write in their scope, or until a memory they show as fresh goes stale. Needs the `read` role; a user-bound key searches its user’s records only.',
      body: schemas.name('SearchRequest', z
        .strictObject({
          namespace: fields.namespace,
          query: recallQuery,
          userId: userIdField.describe('Only records of this user'),
          agentId: agentIdField.describe('Only records of this agent'),
          sessionId: sessionIdField.describe('Only records of this session'),
          types: recallTypes,
          limit: z
            .number()
            .int()
            .min(1)
            .max(config.search.maxLimit)
            .default(config.search.defaultLimit)
            .describe(`Most hits to answer, 1 to ${config.search.maxLimit}; default ${config.search.defaultLimit}`),
          mode: z.enum(SEARCH_MODES).default('hybrid').describe('hybrid (keyword and vector fused, the default), vector or keyword'),
          minScore: z.number().min(0).max(1).optional().describe('Leave out hits scoring below this (scores are 0..1: the cosine in vector mode, else a share of the best hit)'),
          filters: recallFilters,
          ...validityFields,
          include: z.array(z.enum(SEARCH_INCLUDES)).max(1).optional().describe('`["sources"]`: each memory hit carries its source sessions and episodes'),
        })
        .describe('What to search for, where, and how')
        .meta({ example: example.searchRequest })),
      response: { 200: schemas.name('SearchResponse', searchResponse) },
    },
    handler: (request) => {
      const { filters, namespace: _named, asOf, includeSuperseded, ...body } = request.body;
      return services.search.search({ ...body, namespace: requestNamespace(request), filters: searchFilters(filters), validity: validityAsk(asOf, includeSuperseded) });
    },
  });
}
