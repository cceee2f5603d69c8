import { z } from 'zod';
import { QUERY_SOURCES } from '../../memory/context/context-service.js';
import { episodeRecord, idSchema, memoryRecord, messageRecord, scorePartsRecord } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { reachUser } from '../reach.js';
import { recallFilters, recallQuery, recallTypes, searchFilters } from './filters.js';
import type { RouteContext, ZodApp } from './route-context.js';

/** Smallest and largest `tokenBudget` a request may ask for. */
const TOKEN_BUDGET_RANGE = { min: 32, max: 131_072 } as const;

const hitScore = z
  .number()
  .describe('0 to 1: a share of the best hybrid hit of its kind (memories and episodes are searched apart); without a query, the mean of importance and recency');
const hit = <T extends z.ZodType>(item: T) => z.object({ id: z.string(), score: hitScore, parts: scorePartsRecord, item });

const contextResponse = z.object({
  namespace: z.string(),
  query: z.string().nullable().describe('The query recall used: the request’s, else the session’s last user message'),
  querySource: z.enum(QUERY_SOURCES),
  tokenBudget: z.number(),
  tokens: z.number().describe('Tokens in `text`, never more than `tokenBudget`'),
  tokenizer: z.string().describe('The encoding tokens are counted with'),
  session: z
    .object({
      sessionId: z.string(),
      summary: z.string().nullable(),
      messages: z.array(messageRecord).describe('The newest messages that fit, oldest first'),
      omittedMessages: z.number(),
    })
    .nullable(),
  memories: z.array(hit(memoryRecord)),
  episodes: z.array(hit(episodeRecord)),
  text: z.string().describe('The prompt-ready rendering of the bundle'),
  notices: z.array(z.string()),
  cached: z.boolean(),
});

/** The prompt-ready bundle: `POST /api/v1/context`. */
export function contextRoutes(app: ZodApp, { services, config, fields, schemas }: RouteContext): void {
  app.post('/api/v1/context', {
    config: NAMESPACED,
    schema: {
      tags: ['recall'],
      summary: 'A prompt-ready bundle of recent messages, memories and episodes within a token budget',
      body: schemas.name('ContextRequest', z.strictObject({
        namespace: fields.namespace,
        sessionId: idSchema.optional(),
        userId: idSchema.optional(),
        agentId: idSchema.optional(),
        query: recallQuery.optional(),
        tokenBudget: z.number().int().min(TOKEN_BUDGET_RANGE.min).max(TOKEN_BUDGET_RANGE.max).default(config.context.tokenBudget),
        limit: z.number().int().min(1).max(config.search.maxLimit).default(config.context.limit),
        types: recallTypes,
        filters: recallFilters,
      })),
      response: { 200: schemas.name('ContextBundle', contextResponse) },
    },
    handler: (request) => {
      const { filters, namespace: _named, ...body } = request.body;
      return services.context.build({ ...body, namespace: requestNamespace(request), filters: searchFilters(filters), ...reachUser(request) });
    },
  });
}
