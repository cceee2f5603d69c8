import { z } from 'zod';
import { INTERVENTION_OUTCOMES, MESSAGE_ROLES } from '../../core/types.js';
import * as example from '../openapi/examples.js';
import { agentIdField, batchWriteResult, episodeKindSchema, episodeParams, episodeRecord, namespaceQuery, sessionIdField, timestampSchema, userIdField } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { recordRef } from '../reach.js';
import { listInput, listingQuery } from './filters.js';
import type { RouteContext, ZodApp } from './route-context.js';

const INTERVENTION_FIELDS = ['task', 'context', 'outcome'] as const;
const appendResults = batchWriteResult(['created'], {})
  .describe('The ids of the new episodes, in input order')
  .meta({
    examples: [
      {
        ids: ['ep_01JQ9C4D6E8F0G2H4J6K8M0N2P', 'ep_01JQ9C4D6E8F0G2H4J6K8M0N2Q'],
        results: [
          { id: 'ep_01JQ9C4D6E8F0G2H4J6K8M0N2P', action: 'created' },
          { id: 'ep_01JQ9C4D6E8F0G2H4J6K8M0N2Q', action: 'created' },
        ],
      },
    ],
  });

/** Episodic memory: `/api/v1/episodes`. */
export function episodeRoutes(app: ZodApp, { services, fields, config, schemas }: RouteContext): void {
  const tags = ['episodes'];
  const episode = schemas.name('EpisodeDraft', z
    .strictObject({
      kind: episodeKindSchema.describe('message, intervention, observation, tool_result, outcome, or a custom kind (1 to 64 of lower-case a-z 0-9 _ . : -, starting with a letter)'),
      content: fields.content.describe(`What happened, as text: not blank, at most ${config.limits.contentBytes} bytes of UTF-8`),
      userId: userIdField.describe('The user it concerns; default the request’s `userId`'),
      agentId: agentIdField.describe('The agent that acted or saw it; default the request’s `agentId`'),
      sessionId: sessionIdField.describe('The session it happened in; default the request’s `sessionId`'),
      role: z.enum(MESSAGE_ROLES).optional().describe('Who said it, for a message: user, assistant, system or tool'),
      occurredAt: timestampSchema.optional().describe('When it happened (ISO 8601 with a zone); default the time of the request'),
      metadata: fields.metadata.optional().describe(`Free-form JSON object: at most ${config.limits.metadataBytes} bytes and ${config.limits.metadataDepth} levels deep`),
      task: fields.text('task').optional().describe('What the agent set out to do: required for an intervention, only for kinds intervention and outcome'),
      context: fields.text('context').optional().describe('The situation it acted in (interventions and outcomes only)'),
      outcome: z.enum(INTERVENTION_OUTCOMES).optional().describe('How it ended: task_completed, task_failed, abandoned or unknown (interventions and outcomes only)'),
    })
    .superRefine((value, ctx) => {
      if (value.kind === 'intervention' && value.task === undefined) {
        ctx.addIssue({ code: 'custom', path: ['task'], message: 'is required for an intervention' });
      }
      if (value.kind !== 'intervention' && value.kind !== 'outcome') {
        for (const field of INTERVENTION_FIELDS) {
          if (value[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'is only for kinds intervention and outcome' });
        }
      }
    })
    .describe('One episode to append')
    .meta({ example: example.episodeWrite.episodes[0] }));

  app.post('/api/v1/episodes', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'writeEpisodes',
      summary: 'Append episodes: events, messages and interventions with their outcome',
      description:
        'Appends up to `limits.batchItems` episodes in one transaction: all or none. Episodes are append-only, so each is created (201), in input order. ' +
        'An `intervention` records what an agent did: its `task` (required), the `context` it acted in and the `outcome`. Text is embedded for semantic search; until then (or without an embedder) keyword search finds it. Needs the `write` role.',
      body: schemas.name('EpisodeWrite', z
        .strictObject({
          namespace: fields.namespace,
          userId: userIdField.describe('Default `userId` of the episodes that name none'),
          agentId: agentIdField.describe('Default `agentId` of the episodes that name none'),
          sessionId: sessionIdField.describe('Default `sessionId` of the episodes that name none'),
          episodes: fields.batch(episode, 'episode', 'episodes').describe(`The episodes, 1 to ${config.limits.batchItems}`),
        })
        .describe('Episodes to append, with defaults for their scope')
        .meta({ example: example.episodeWrite })),
      response: { 201: schemas.name('EpisodeWriteResult', appendResults) },
    },
    handler: async (request, reply) => {
      const { namespace: _named, episodes, ...defaults } = request.body;
      const stored = await services.episodes.append(
        requestNamespace(request),
        episodes.map((item) => ({ ...defaults, ...item })),
      );
      // Episodes are append-only: every one is created, so the answer is always 201.
      return reply.code(201).send({ ids: stored.map((item) => item.id), results: stored.map((item) => ({ id: item.id, action: 'created' as const })) });
    },
  });

  app.get('/api/v1/episodes', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'listEpisodes',
      summary: 'The timeline: episodes by occurredAt, filtered and paged',
      description:
        'Lists the episodes of a namespace by `occurredAt` (oldest first unless `order=desc`), filtered by scope, kind and time. ' +
        'A page holds at most `limit` items; pass its `nextCursor` as `cursor` for the next one (absent on the last page). Needs the `read` role.',
      querystring: listingQuery(fields, episodeKindSchema, 'asc', config.list, 'intervention', 'occurredAt'),
      response: {
        200: schemas.name('EpisodePage', z
          .object({ items: z.array(episodeRecord).describe('The episodes of this page'), nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page') })
          .describe('A page of the timeline')
          .meta({ examples: [{ items: [example.episode] }] })),
      },
    },
    handler: (request) => services.episodes.timeline(listInput(requestNamespace(request), request.query)),
  });

  app.get('/api/v1/episodes/:id', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'getEpisode',
      summary: 'Read an episode',
      description: 'Answers one episode by id. An episode that does not exist or lies outside the key’s reach (another namespace or user) is a 404. Needs the `read` role.',
      params: episodeParams,
      querystring: namespaceQuery,
      response: { 200: episodeRecord },
    },
    handler: (request) => services.episodes.get(recordRef(request, request.params.id)),
  });

  app.delete('/api/v1/episodes/:id', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'deleteEpisode',
      summary: 'Delete an episode',
      description: 'Removes the episode and its vector for good; answers 204 with no body. An episode outside the key’s reach is a 404. Needs the `write` role.',
      params: episodeParams,
      querystring: namespaceQuery,
      response: { 204: z.null().describe('Deleted') },
    },
    handler: async (request, reply) => {
      await services.episodes.delete(recordRef(request, request.params.id));
      return reply.code(204).send(null);
    },
  });
}
