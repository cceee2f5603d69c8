import { z } from 'zod';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { boundUser } from '../reach.js';
import * as example from '../openapi/examples.js';
import { cursorQuery, limitQuery, userIdField } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

const count = z.number().int().min(0);
const time = z.string().describe('ISO 8601, UTC');
const vectors = z.object({
  pending: count.describe('Waiting for the embedder'),
  none: count.describe('Written while no embedder was configured'),
  models: z
    .array(
      z.object({
        model: z.string().describe('The model'),
        dimensions: count.describe('Length of its vectors'),
        ready: count.describe('Records with a vector of it'),
        failed: count.describe('Refused by the provider every time it was tried'),
      }),
    )
    .describe('Vectors per model'),
}).describe('Where the records stand with their vectors');
const tier = {
  count: count.describe('Records'),
  byKind: z.record(z.string(), count).describe('Records per kind'),
  oldest: time.optional().describe('Earliest createdAt'),
  newest: time.optional().describe('Latest createdAt'),
  vectors,
};
const vectorsExample = { pending: 0, none: 0, models: [{ model: example.MODEL_ID, dimensions: example.DIMENSIONS, ready: 2, failed: 0 }] };
const stats = z.object({
  namespace: z.string().describe('The namespace counted'),
  userId: z.string().optional().describe('The user counted, when one was asked for'),
  generatedAt: time.describe('When the counts were taken (ISO 8601, UTC)'),
  sessions: z
    .object({
      live: count.describe('Live sessions'),
      expiring: count.describe('Live sessions whose idle deadline falls within `expiringWithinSeconds` (unless read or written before)'),
      expiringWithinSeconds: count.describe('The horizon of `expiring`, in seconds'),
    })
    .describe('Short-term memory'),
  episodes: z.object(tier).describe('Episodic memory'),
  memories: z
    .object({
      ...tier,
      expired: count.describe('Past expiresAt: hidden from every read, still stored until removed'),
      historyVersions: count.describe('Earlier versions kept in memory history'),
    })
    .describe('Semantic memory'),
  embedder: z.object({ model: z.string().describe('The model'), dimensions: count.describe('Length of its vectors') }).optional().describe('The model new vectors are made with'),
  storage: z
    .object({
      engine: z.enum(['sqlite', 'postgres']).describe('The storage engine'),
      scope: z.literal('database').describe('Always `database`: the bytes are the whole database’s'),
      total: count.describe('Bytes on disk in all'),
      parts: z.record(z.string(), count).describe('Bytes per part'),
    })
    .optional()
    .describe('Bytes on disk of the whole database, whatever namespace or user is asked: SQLite its files (database, wal, vector snapshots), PostgreSQL every table of its schema with indexes and TOAST'),
});
const statsExample = {
  namespace: example.NAMESPACE,
  userId: example.USER_ID,
  generatedAt: '2026-11-21T10:00:00.000Z',
  sessions: { live: 1, expiring: 0, expiringWithinSeconds: 600 },
  episodes: { count: 2, byKind: { intervention: 1, observation: 1 }, oldest: '2026-11-20T17:45:01.000Z', newest: '2026-11-21T08:59:30.000Z', vectors: vectorsExample },
  memories: {
    count: 2,
    byKind: { preference: 1, fact: 1 },
    oldest: '2026-11-20T17:46:12.000Z',
    newest: '2026-11-21T09:00:05.000Z',
    vectors: vectorsExample,
    expired: 0,
    historyVersions: 1,
  },
  embedder: { model: example.MODEL_ID, dimensions: example.DIMENSIONS },
  storage: { engine: 'sqlite', scope: 'database', total: 9_834_496, parts: { database: 8_192_000, wal: 1_642_496, vectorSnapshots: 0 } },
};
const sessionSummary = z
  .object({
    sessionId: z.string().describe('The session id'),
    userId: z.string().optional().describe('Its user'),
    agentId: z.string().optional().describe('Its agent'),
    messages: count.describe('Messages the session holds'),
    ttlSeconds: count.describe('Its idle time to live, in seconds'),
    createdAt: time.describe('When it was created (ISO 8601, UTC)'),
    updatedAt: time.describe('When it was last written (ISO 8601, UTC)'),
    expiresAt: time.describe('When it expires unless read or written before (ISO 8601, UTC)'),
  })
  .describe('A live session in summary: counts and times, no messages');
const sessionSummaryExample = {
  sessionId: example.SESSION_ID,
  userId: example.USER_ID,
  agentId: example.AGENT_ID,
  messages: 2,
  ttlSeconds: 1800,
  createdAt: example.session.createdAt,
  updatedAt: example.session.updatedAt,
  expiresAt: example.session.expiresAt,
};
const nextCursor = z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page');

/** What memOS holds, for operators: `/api/v1/namespaces`, `/stats`, `/users`, `/sessions`. Counts, ids and times only. */
export function inspectRoutes(app: ZodApp, { services, fields, config, schemas }: RouteContext): void {
  const tags = ['inspect'];
  const page = {
    limit: limitQuery(config.list.maxLimit).default(config.list.defaultLimit).describe(`Items per page, 1 to ${config.list.maxLimit}; default ${config.list.defaultLimit}`),
    cursor: cursorQuery,
  };

  app.get('/api/v1/namespaces', {
    config: { withinReach: true },
    schema: {
      tags,
      operationId: 'listNamespaces',
      summary: 'Namespaces with their counts',
      description:
        'Lists every namespace that holds records or live sessions, with its counts; for a key that reaches only some namespaces, those (empty ones too). Counts, never content. Needs the `write` role.',
      response: {
        200: schemas.name(
          'NamespaceList',
          z
            .object({
              namespaces: z
                .array(
                  z.object({
                    namespace: z.string().describe('The namespace'),
                    episodes: count.describe('Episodes'),
                    memories: count.describe('Live memories'),
                    sessions: count.describe('Live sessions'),
                    users: count.describe('Distinct users of its episodes and memories'),
                  }),
                )
                .describe('The namespaces, by name'),
            })
            .describe('Namespaces with their counts')
            .meta({ examples: [{ namespaces: [{ namespace: example.NAMESPACE, episodes: 2, memories: 2, sessions: 1, users: 1 }] }] }),
        ),
      },
    },
    handler: (request) => services.inspect.namespaces(request.principal?.namespaces ?? []),
  });

  app.get('/api/v1/stats', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'getStats',
      summary: 'Counts of a namespace, or of one user in it',
      description:
        'Counts what a namespace (or one user in it) holds: per tier and kind, sessions live and expiring, oldest and newest record, vectors per model, memory history, and the bytes of the database. Counts and times only, never content. Needs the `write` role.',
      querystring: z.strictObject({ namespace: fields.namespace, userId: userIdField.describe('Count only this user’s records').meta({ examples: [example.USER_ID] }) }),
      response: { 200: schemas.name('Stats', stats.describe('What a namespace, or one user in it, holds').meta({ examples: [statsExample] })) },
    },
    handler: (request) => services.inspect.stats({ namespace: requestNamespace(request), ...(request.query.userId === undefined ? {} : { userId: request.query.userId }) }),
  });

  app.get('/api/v1/users', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'listUsers',
      summary: 'Users of a namespace with their counts, by user id, paged',
      description:
        'Lists the users of a namespace by user id, each with its counts of episodes, live memories and live sessions; a user-bound key sees only its user. Pass `nextCursor` as `cursor` for the next page. Needs the `write` role.',
      querystring: z.strictObject({ namespace: fields.namespace, ...page }),
      response: {
        200: schemas.name(
          'UserList',
          z
            .object({
              items: z
                .array(
                  z.object({
                    userId: z.string().describe('The user'),
                    episodes: count.describe('Episodes'),
                    memories: count.describe('Live memories'),
                    sessions: count.describe('Live sessions'),
                  }),
                )
                .describe('The users of this page, by user id'),
              nextCursor,
            })
            .describe('A page of the users of a namespace')
            .meta({ examples: [{ items: [{ userId: example.USER_ID, episodes: 2, memories: 2, sessions: 1 }] }] }),
        ),
      },
    },
    handler: (request) => services.inspect.users({ namespace: requestNamespace(request), ...boundUser(request), limit: request.query.limit, cursor: request.query.cursor }),
  });

  app.get('/api/v1/sessions', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'listSessions',
      summary: 'Live sessions of a namespace, in summary, paged',
      description:
        'Lists the live sessions of a namespace (of one user when named) by session id, each in summary: counts and times, no messages; `GET /api/v1/sessions/{sessionId}` reads one whole. Pass `nextCursor` as `cursor` for the next page. Needs the `write` role.',
      querystring: z.strictObject({ namespace: fields.namespace, userId: userIdField.describe('Only this user’s sessions').meta({ examples: [example.USER_ID] }), ...page }),
      response: {
        200: schemas.name(
          'SessionPage',
          z
            .object({ items: z.array(sessionSummary).describe('The sessions of this page, by session id'), nextCursor })
            .describe('A page of live sessions, in summary')
            .meta({ examples: [{ items: [sessionSummaryExample] }] }),
        ),
      },
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
