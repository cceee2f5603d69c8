import { z } from 'zod';
import { QUERY_SOURCES } from '../../memory/context/context-service.js';
import * as example from '../openapi/examples.js';
import { agentIdField, episodeRecord, memoryRecord, messageRecord, scorePartsRecord, sessionIdField, staleHit, userIdField } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { reachUser } from '../reach.js';
import { recallFilters, recallQuery, recallTypes, searchFilters } from './filters.js';
import { validityAsk, validityFields } from './memory-fields.js';
import type { RouteContext, ZodApp } from './route-context.js';

/** Smallest and largest `tokenBudget` a request may ask for. */
const TOKEN_BUDGET_RANGE = { min: 32, max: 131_072 } as const;

const hitScore = z
  .number()
  .describe('0 to 1: a share of the best hybrid hit of its kind (memories and episodes are searched apart); without a query, the mean of importance and recency');
const hit = <T extends z.ZodType>(item: T) =>
  z.object({ id: z.string().describe('The id of the record'), score: hitScore, parts: scorePartsRecord, item: item.describe('The record') });

const contextResponse = z
  .object({
    namespace: z.string().describe('The namespace the bundle was built in'),
    query: z.string().nullable().describe('The query recall used: the request’s, else the session’s last user message; null when there was none'),
    querySource: z.enum(QUERY_SOURCES).describe('Where the query came from: request, last-user-message, or none (then memories and episodes are ranked by importance and recency)'),
    tokenBudget: z.number().describe('The budget asked for, in tokens'),
    tokens: z.number().describe('Tokens in `text`, never more than `tokenBudget`'),
    tokenizer: z.string().describe('The encoding tokens are counted with'),
    session: z
      .object({
        sessionId: z.string().describe('The session'),
        summary: z.string().nullable().describe('Its summary, or null when it has none'),
        messages: z.array(messageRecord).describe('The newest messages that fit, oldest first'),
        omittedMessages: z.number().describe('Older messages of the session left out for the budget'),
      })
      .nullable()
      .describe('The session named by `sessionId`, or null when none was named or it is not live'),
    memories: z
      .array(
        hit(memoryRecord).extend({
          stale: staleHit.describe('True when the memory is past its kind’s review period (`truth.reviewDays`); its line in `text` then says when it was last confirmed and that it may be out of date'),
          conflictsWith: z.array(z.string()).optional().describe('Other memories of the bundle it is flagged as likely contradicting; its line in `text` then says when it was stated'),
        }),
      )
      .describe('The most relevant memories that fit, best first'),
    episodes: z.array(hit(episodeRecord)).describe('The most relevant episodes that fit, best first'),
    text: z.string().describe('The prompt-ready rendering of the bundle'),
    notices: z.array(z.string()).describe('What the client should know about how the bundle was made, e.g. a fallback to keyword search'),
    cached: z.boolean().describe('Whether the bundle came from the response cache'),
  })
  .describe('A prompt-ready bundle: recent messages, memories and episodes within a token budget')
  .meta({ examples: [example.contextBundle] });

/** The prompt-ready bundle: `POST /api/v1/context`. */
export function contextRoutes(app: ZodApp, { services, config, fields, schemas }: RouteContext): void {
  app.post('/api/v1/context', {
    config: NAMESPACED,
    schema: {
      tags: ['recall'],
      operationId: 'getContext',
      summary: 'A prompt-ready bundle of recent messages, memories and episodes within a token budget',
      description:
        'Builds what an agent should know before its next turn: the newest messages of the session that fit, then the memories and episodes most relevant to `query` (else to the session’s last user message), rendered as `text` within `tokenBudget` tokens. Only current memories take part unless `asOf` (what held then) or `includeSuperseded`. ' +
        'Bundles are cached until a write in their scope. Needs the `read` role; a user-bound key sees its user’s records only.',
      body: schemas.name('ContextRequest', z
        .strictObject({
          namespace: fields.namespace,
          sessionId: sessionIdField.describe('The session whose recent messages lead the bundle'),
          userId: userIdField.describe('Only memories and episodes of this user'),
          agentId: agentIdField.describe('Only memories and episodes of this agent'),
          query: recallQuery.optional().describe('What to recall (not blank, at most 4096 characters); default the session’s last user message'),
          tokenBudget: z
            .number()
            .int()
            .min(TOKEN_BUDGET_RANGE.min)
            .max(TOKEN_BUDGET_RANGE.max)
            .default(config.context.tokenBudget)
            .describe(`Most tokens \`text\` may take, ${TOKEN_BUDGET_RANGE.min} to ${TOKEN_BUDGET_RANGE.max}; default ${config.context.tokenBudget}`),
          limit: z
            .number()
            .int()
            .min(1)
            .max(config.search.maxLimit)
            .default(config.context.limit)
            .describe(`Most memories and most episodes to consider, 1 to ${config.search.maxLimit}; default ${config.context.limit}`),
          types: recallTypes,
          filters: recallFilters,
          ...validityFields,
        })
        .describe('Whose context to build, for what, and how large')
        .meta({ example: example.contextRequest })),
      response: { 200: schemas.name('ContextBundle', contextResponse) },
    },
    handler: (request) => {
      const { filters, namespace: _named, asOf, includeSuperseded, ...body } = request.body;
      return services.context.build({ ...body, namespace: requestNamespace(request), filters: searchFilters(filters), validity: validityAsk(asOf, includeSuperseded), ...reachUser(request) });
    },
  });
}
