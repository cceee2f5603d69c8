import { z } from 'zod';
import { INTERVENTION_OUTCOMES, MESSAGE_ROLES } from '../../core/types.js';
import { batchWriteResult, episodeKindSchema, episodeRecord, idParams, idSchema, namespaceQuery, timestampSchema } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { recordRef } from '../reach.js';
import { listInput, listingQuery } from './filters.js';
import type { RouteContext, ZodApp } from './route-context.js';

const INTERVENTION_FIELDS = ['task', 'context', 'outcome'] as const;
const appendResults = batchWriteResult(['created'], {});

/** Episodic memory: `/api/v1/episodes`. */
export function episodeRoutes(app: ZodApp, { services, fields, config, schemas }: RouteContext): void {
  const tags = ['episodes'];
  const episode = schemas.name('EpisodeDraft', z
    .strictObject({
      kind: episodeKindSchema,
      content: fields.content,
      userId: idSchema.optional(),
      agentId: idSchema.optional(),
      sessionId: idSchema.optional(),
      role: z.enum(MESSAGE_ROLES).optional(),
      occurredAt: timestampSchema.optional(),
      metadata: fields.metadata.optional(),
      task: fields.text('task').optional(),
      context: fields.text('context').optional(),
      outcome: z.enum(INTERVENTION_OUTCOMES).optional(),
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
    }));

  app.post('/api/v1/episodes', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Append episodes (all or none)',
      body: schemas.name('EpisodeWrite', z.strictObject({
        namespace: fields.namespace,
        userId: idSchema.optional().describe('Default for episodes that name no user'),
        agentId: idSchema.optional(),
        sessionId: idSchema.optional(),
        episodes: fields.batch(episode, 'episode', 'episodes'),
      })),
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
      summary: 'The timeline: episodes by occurredAt, filtered and paged',
      querystring: listingQuery(fields, episodeKindSchema, 'asc', config.list),
      response: { 200: schemas.name('EpisodePage', z.object({ items: z.array(episodeRecord), nextCursor: z.string().optional() })) },
    },
    handler: (request) => services.episodes.timeline(listInput(requestNamespace(request), request.query)),
  });

  app.get('/api/v1/episodes/:id', {
    config: NAMESPACED,
    schema: { tags, summary: 'Read an episode', params: idParams, querystring: namespaceQuery, response: { 200: episodeRecord } },
    handler: (request) => services.episodes.get(recordRef(request, request.params.id)),
  });

  app.delete('/api/v1/episodes/:id', {
    config: NAMESPACED,
    schema: { tags, summary: 'Delete an episode', params: idParams, querystring: namespaceQuery, response: { 204: z.null() } },
    handler: async (request, reply) => {
      await services.episodes.delete(recordRef(request, request.params.id));
      return reply.code(204).send(null);
    },
  });
}
