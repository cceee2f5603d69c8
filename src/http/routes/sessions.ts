import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SessionWrite } from '../../core/ports.js';
import { NAMESPACED } from '../namespace.js';
import { sessionKey } from '../reach.js';
import { idSchema, namespaceQuery, sessionParams, sessionRecord } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

/** A write answers the session as a read does, with what the write did beside it. */
const writeResult = sessionRecord.extend({
  created: z.boolean().describe('Whether this write created the session'),
  promotedEpisodeIds: z
    .array(z.string())
    .describe('Episodes made by this write, oldest first: messages of an expired session, or those a PUT replaced, then messages that overflowed the window'),
});

/** 201 when the write created the session, 200 when it changed one. */
function sendWrite(reply: FastifyReply, result: SessionWrite) {
  return reply.code(result.created ? 201 : 200).send({
    ...result.session,
    created: result.created,
    promotedEpisodeIds: result.promoted.map((episode) => episode.id),
  });
}

/** Short-term memory: `/api/v1/sessions/{sessionId}`. */
export function sessionRoutes(app: ZodApp, { services, fields, config, schemas }: RouteContext): void {
  const tags = ['sessions'];
  schemas.name('SessionWriteResult', writeResult);
  const ttlSeconds = z.number().int().min(1).max(30 * 24 * 3600);

  app.put('/api/v1/sessions/:sessionId', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Create or replace a session; the replaced messages the new list no longer holds become episodes',
      params: sessionParams,
      body: schemas.name('SessionPut', z.strictObject({
        namespace: fields.namespace,
        userId: idSchema.optional(),
        agentId: idSchema.optional(),
        messages: z.array(fields.message).max(config.limits.batchItems).optional(),
        state: fields.state.optional(),
        summary: fields.text('summary').optional(),
        ttlSeconds: ttlSeconds.optional(),
      })),
      response: { 200: writeResult, 201: writeResult },
    },
    handler: async (request, reply) => {
      const { namespace: _named, ...rest } = request.body;
      return sendWrite(reply, await services.sessions.put(sessionKey(request, request.params.sessionId), rest));
    },
  });

  app.get('/api/v1/sessions/:sessionId', {
    config: NAMESPACED,
    schema: { tags, summary: 'Read a live session (refreshes its idle TTL)', params: sessionParams, querystring: namespaceQuery, response: { 200: sessionRecord } },
    handler: (request) => services.sessions.get(sessionKey(request, request.params.sessionId)),
  });

  app.post('/api/v1/sessions/:sessionId/messages', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Append messages (creates the session when missing)',
      params: sessionParams,
      body: schemas.name('SessionAppend', z.strictObject({
        namespace: fields.namespace,
        userId: idSchema.optional().describe('Owner of a session the append creates, or of a live one that has none; another than a live session’s is a 409'),
        agentId: idSchema.optional().describe('As userId, for the agent'),
        ttlSeconds: ttlSeconds.optional().describe('Idle TTL of the session, whether the append creates it or finds it live; default sessions.ttlSeconds for a new one'),
        messages: fields.batch(fields.message, 'message', 'messages'),
      })),
      response: { 200: writeResult, 201: writeResult },
    },
    handler: async (request, reply) => {
      const key = sessionKey(request, request.params.sessionId);
      const { messages, namespace: _named, ...options } = request.body;
      return sendWrite(reply, await services.sessions.append(key, messages, options));
    },
  });

  app.delete('/api/v1/sessions/:sessionId', {
    config: NAMESPACED,
    schema: { tags, summary: 'Delete a session', params: sessionParams, querystring: namespaceQuery, response: { 204: z.null() } },
    handler: async (request, reply) => {
      await services.sessions.delete(sessionKey(request, request.params.sessionId));
      return reply.code(204).send(null);
    },
  });
}
