import { z } from 'zod';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { boundUser } from '../reach.js';
import { idSchema, limitQuery } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

const count = z.number().int().min(0);
const time = z.string().describe('ISO 8601, UTC');
const vectors = z.object({
  pending: count.describe('Waiting for the embedder'),
  none: count.describe('Written while no embedder was configured'),
  models: z.array(z.object({ model: z.string(), dimensions: count, ready: count, failed: count.describe('Refused by the provider every time it was tried') })),
});
const tier = {
  count,
  byKind: z.record(z.string(), count),
  oldest: time.optional().describe('Earliest createdAt'),
  newest: time.optional().describe('Latest createdAt'),
  vectors,
};
const stats = z.object({
  namespace: z.string(),
  userId: z.string().optional(),
  generatedAt: time,
  sessions: z.object({
    live: count,
    expiring: count.describe('Live sessions whose idle deadline falls within `expiringWithinSeconds` (unless read or written before)'),
    expiringWithinSeconds: count,
  }),
  episodes: z.object(tier),
  memories: z.object({
    ...tier,
    expired: count.describe('Past expiresAt: hidden from every read, still stored until removed'),
    historyVersions: count.describe('Earlier versions kept in memory history'),
  }),
  embedder: z.object({ model: z.string(), dimensions: count }).optional().describe('The model new vectors are made with'),
  storage: z
    .object({ engine: z.enum(['sqlite', 'postgres']), scope: z.literal('database'), total: count, parts: z.record(z.string(), count) })
    .optional()
    .describe('Bytes on disk of the whole database, whatever namespace or user is asked: SQLite its files (database, wal, vector snapshots), PostgreSQL every table of its schema with indexes and TOAST'),
});
const sessionSummary = z.object({
  sessionId: z.string(),
  userId: z.string().optional(),
  agentId: z.string().optional(),
  messages: count.describe('Messages the session holds'),
  ttlSeconds: count,
  createdAt: time,
  updatedAt: time,
  expiresAt: time,
});

/** What memOS holds, for operators: `/api/v1/namespaces`, `/stats`, `/users`, `/sessions`. Counts, ids and times only. */
export function inspectRoutes(app: ZodApp, { services, fields, config }: RouteContext): void {
  const tags = ['inspect'];
  const page = {
    limit: limitQuery(config.list.maxLimit).default(config.list.defaultLimit),
    cursor: z.string().max(512).optional(),
  };

  app.get('/api/v1/namespaces', {
    config: { withinReach: true },
    schema: {
      tags,
      summary: 'Namespaces with their counts: every one that holds records or live sessions, or, for a key that reaches some, those (empty ones too)',
      response: {
        200: z.object({
          namespaces: z.array(
            z.object({ namespace: z.string(), episodes: count, memories: count.describe('Live memories'), sessions: count.describe('Live sessions'), users: count.describe('Distinct users of its episodes and memories') }),
          ),
        }),
      },
    },
    handler: (request) => services.inspect.namespaces(request.principal?.namespaces ?? []),
  });

  app.get('/api/v1/stats', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Counts of a namespace, or of one user in it: per tier and kind, sessions live and expiring, oldest and newest, vectors per model, history, bytes',
      querystring: z.strictObject({ namespace: fields.namespace, userId: idSchema.optional() }),
      response: { 200: stats },
    },
    handler: (request) => services.inspect.stats({ namespace: requestNamespace(request), ...(request.query.userId === undefined ? {} : { userId: request.query.userId }) }),
  });

  app.get('/api/v1/users', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Users of a namespace with their counts, by user id, paged (a user-bound key sees itself)',
      querystring: z.strictObject({ namespace: fields.namespace, ...page }),
      response: {
        200: z.object({
          items: z.array(z.object({ userId: z.string(), episodes: count, memories: count, sessions: count.describe('Live sessions') })),
          nextCursor: z.string().optional(),
        }),
      },
    },
    handler: (request) => services.inspect.users({ namespace: requestNamespace(request), ...boundUser(request), limit: request.query.limit, cursor: request.query.cursor }),
  });

  app.get('/api/v1/sessions', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Live sessions of a namespace (of one user when named), by session id, in summary, paged; GET /api/v1/sessions/{id} reads one whole',
      querystring: z.strictObject({ namespace: fields.namespace, userId: idSchema.optional(), ...page }),
      response: { 200: z.object({ items: z.array(sessionSummary), nextCursor: z.string().optional() }) },
    },
    handler: (request) =>
      services.inspect.sessions({
        namespace: requestNamespace(request),
        ...(request.query.userId === undefined ? {} : { userId: request.query.userId }),
        limit: request.query.limit,
        cursor: request.query.cursor,
      }),
  });
}
