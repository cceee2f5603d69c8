import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SessionWrite } from '../../core/ports.js';
import { NAMESPACED } from '../namespace.js';
import { sessionKey } from '../reach.js';
import * as example from '../openapi/examples.js';
import { agentIdField, namespaceQuery, sessionParams, sessionRecord, userIdField } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

/** A write answers the session as a read does, with what the write did beside it. */
const writeResult = sessionRecord.extend({
  created: z.boolean().describe('Whether this write created the session'),
  promotedEpisodeIds: z
    .array(z.string())
    .describe('Episodes made by this write, oldest first: messages of an expired session, or those a PUT replaced, then messages that overflowed the window'),
})
  .describe('The session after the write, with what the write did')
  .meta({ examples: [{ ...example.session, created: true, promotedEpisodeIds: [] }] });

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
  const ttlDescription = `Idle time to live in seconds, 1 to 2592000 (30 days): every read or write moves the expiry this far ahead; default ${config.sessions.ttlSeconds} for a new session`;

  app.put('/api/v1/sessions/:sessionId', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'putSession',
      summary: 'Create or replace a session',
      description:
        'Creates the session, or replaces a live one whole: its messages, state, summary and TTL. Messages of the replaced session that the new list no longer holds are promoted to episodes, never lost, and so are messages that overflow the window. ' +
        'Answers 201 when it created the session, 200 when it replaced one. Needs the `write` role.',
      params: sessionParams,
      body: schemas.name('SessionPut', z
        .strictObject({
          namespace: fields.namespace,
          userId: userIdField.describe('The user the session belongs to'),
          agentId: agentIdField.describe('The agent in the conversation'),
          messages: z.array(fields.message).max(config.limits.batchItems).optional().describe(`The messages, oldest first (at most ${config.limits.batchItems}); default none`),
          state: fields.state.optional().describe(`Free-form JSON working state: at most ${config.limits.stateBytes} bytes and ${config.limits.metadataDepth} levels deep; default {}`),
          summary: fields.text('summary').optional().describe('A running summary of the conversation'),
          ttlSeconds: ttlSeconds.optional().describe(ttlDescription),
        })
        .describe('The whole session')
        .meta({ example: example.sessionPut })),
      response: { 200: writeResult, 201: writeResult },
    },
    handler: async (request, reply) => {
      const { namespace: _named, ...rest } = request.body;
      return sendWrite(reply, await services.sessions.put(sessionKey(request, request.params.sessionId), rest));
    },
  });

  app.get('/api/v1/sessions/:sessionId', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'getSession',
      summary: 'Read a live session (refreshes its idle TTL)',
      description:
        'Answers a live session: its messages in the window, state, summary and expiry. Reading it moves `expiresAt` `ttlSeconds` ahead. An expired or unknown session is a 404 (an expired one’s messages are promoted to episodes). Needs the `read` role.',
      params: sessionParams,
      querystring: namespaceQuery,
      response: { 200: sessionRecord },
    },
    handler: (request) => services.sessions.get(sessionKey(request, request.params.sessionId)),
  });

  app.post('/api/v1/sessions/:sessionId/messages', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'appendSessionMessages',
      summary: 'Append messages to a session (creates it when missing)',
      description:
        'Adds messages to the end of a live session, or creates the session with them. Messages that overflow the window (the newest `sessions.window` messages) are promoted to episodes, oldest first, and named in `promotedEpisodeIds`; the write refreshes the idle TTL. ' +
        'Answers 201 when it created the session, 200 when it appended. Naming another user than a live session’s is a 409. Needs the `write` role.',
      params: sessionParams,
      body: schemas.name('SessionAppend', z
        .strictObject({
          namespace: fields.namespace,
          userId: userIdField.describe('Owner of a session the append creates, or of a live one that has none; another than a live session’s is a 409'),
          agentId: agentIdField.describe('As userId, for the agent'),
          ttlSeconds: ttlSeconds.optional().describe('Idle TTL of the session in seconds (1 to 2592000), whether the append creates it or finds it live; default sessions.ttlSeconds for a new one'),
          messages: fields.batch(fields.message, 'message', 'messages').describe(`The messages to add, oldest first (1 to ${config.limits.batchItems})`),
        })
        .describe('Messages to append')
        .meta({ example: example.sessionAppend })),
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
    schema: {
      tags,
      operationId: 'deleteSession',
      summary: 'Delete a session',
      description: 'Removes a session and its messages now, without promoting them to episodes; answers 204 with no body. Needs the `write` role.',
      params: sessionParams,
      querystring: namespaceQuery,
      response: { 204: z.null().describe('Deleted') },
    },
    handler: async (request, reply) => {
      await services.sessions.delete(sessionKey(request, request.params.sessionId));
      return reply.code(204).send(null);
    },
  });
}
