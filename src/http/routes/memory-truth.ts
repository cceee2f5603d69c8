import { z } from 'zod';
import * as example from '../openapi/examples.js';
import { agentIdField, cursorQuery, episodeRecord, limitQuery, memoryParams, memoryRecord, namespaceQuery, timestampSchema, userIdField } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { recordRef } from '../reach.js';
import { conflictMarkRecord } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

/** Truth maintenance on memories (docs/truth.md): retraction, provenance and the conflict list. */
export function memoryTruthRoutes(app: ZodApp, { services, fields, config, schemas }: RouteContext): void {
  const tags = ['memories'];

  app.post('/api/v1/memories/:id/retract', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'retractMemory',
      summary: 'Retract a memory: the fact no longer holds, or never did',
      description:
        'Ends a current memory’s validity without a replacement: `validTo` becomes now, or the time given (not in the future; at or before its `validFrom` it was never true). The memory leaves search and context, stays readable with its history (`GET /api/v1/memories/{id}`, `?includeSuperseded=true`, `asOf`), and the audit log records the retraction. ' +
        'A memory already superseded or retracted is a 409; one that does not exist, has expired, or lies outside the key’s reach is a 404. To replace a fact instead, write the new one with the same `key` or with `supersedes`. Answers the memory. Needs the `write` role.',
      params: memoryParams,
      querystring: namespaceQuery,
      body: schemas.name('MemoryRetraction', z
        .strictObject({
          namespace: fields.namespace,
          reason: z.string().min(1).max(500).optional().describe('Why, in a few words (at most 500 characters); kept on the memory as `retractionReason`'),
          validTo: timestampSchema.optional().describe('When the fact stopped holding (ISO 8601 with a zone), not in the future; default now'),
        })
        .describe('Why and since when the fact no longer holds; both optional')
        .meta({ example: example.memoryRetraction })),
      response: { 200: memoryRecord },
    },
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request) => {
      const { namespace: _named, ...input } = request.body;
      const memory = await services.memories.retract(recordRef(request, request.params.id), input);
      return { ...memory, stale: services.isStale(memory) };
    },
  });

  app.get('/api/v1/memories/:id/sources', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'getMemorySources',
      summary: 'The episodes and sessions a memory came from',
      description:
        'Answers the memory’s source sessions (`sourceSessionIds`) and its source episodes (`sourceEpisodeIds`) that are still stored, in the memory’s order; the ids of those since deleted are in `missingEpisodeIds`. Works for superseded and retracted memories too. Needs the `read` role.',
      params: memoryParams,
      querystring: namespaceQuery,
      response: {
        200: schemas.name('MemorySources', z
          .object({
            memoryId: z.string().describe('The memory'),
            sessionIds: z.array(z.string()).describe('The sessions it was learned or stated again in, oldest first'),
            episodes: z.array(episodeRecord).describe('Its source episodes still stored'),
            missingEpisodeIds: z.array(z.string()).describe('Source episodes since deleted (or outside the key’s reach)'),
          })
          .describe('Where a memory came from')
          .meta({ examples: [{ memoryId: example.MEMORY_ID, sessionIds: [example.SESSION_ID], episodes: [example.episode], missingEpisodeIds: [] }] })),
      },
    },
    handler: (request) => services.memories.sources(recordRef(request, request.params.id)),
  });

  app.get('/api/v1/conflicts', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'listConflicts',
      summary: 'Likely contradictions between current memories, to settle',
      description:
        'Lists pairs of current memories of the same user and agent flagged as likely contradicting: by the word-level detector when the later one was written (a negation flip; the same subject with another place, object or number), or by the LLM judge. `memory` is the one that carries the flag (usually the later), `conflictsWith` the other. ' +
        'Settle a pair by writing the fact that holds with `supersedes` (or the same `key`), or by retracting the false one (`POST /api/v1/memories/{id}/retract`); it then leaves this list. Paged by the flagged memory’s `createdAt`, oldest first. Needs the `read` role.',
      querystring: z.strictObject({
        namespace: fields.namespace,
        userId: userIdField.describe('Only this user’s memories').meta({ examples: [example.USER_ID] }),
        agentId: agentIdField.describe('Only this agent’s memories'),
        limit: limitQuery(config.list.maxLimit).default(config.list.defaultLimit).describe(`Flagged memories per page, 1 to ${config.list.maxLimit}; default ${config.list.defaultLimit}`),
        cursor: cursorQuery,
      }),
      response: {
        200: schemas.name('ConflictPage', z
          .object({
            items: z.array(schemas.name('Conflict', z
              .object({
                memory: memoryRecord.describe('The memory that carries the flag'),
                conflictsWith: memoryRecord.describe('The memory it likely contradicts'),
                reason: conflictMarkRecord.shape.reason,
                source: conflictMarkRecord.shape.source,
                similarity: conflictMarkRecord.shape.similarity,
                at: conflictMarkRecord.shape.at,
              })
              .describe('Two current memories that likely contradict each other'))).describe('The open conflicts of this page'),
            nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page'),
          })
          .describe('A page of open conflicts')
          .meta({ examples: [{ items: [example.conflict] }] })),
      },
    },
    handler: (request) => {
      const { namespace: _named, userId, agentId, limit, cursor } = request.query;
      const filter = { namespace: requestNamespace(request), ...(userId === undefined ? {} : { userId }), ...(agentId === undefined ? {} : { agentId }) };
      return services.memories.conflicts({ filter, limit, order: 'asc', ...(cursor === undefined ? {} : { cursor }) });
    },
  });
}
