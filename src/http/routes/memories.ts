import { z } from 'zod';
import { MEMORY_KINDS } from '../../core/types.js';
import { batchWriteResult, idParams, idSchema, memoryRecord, memoryVersionRecord, namespaceQuery, timestampSchema } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { recordRef } from '../reach.js';
import { listInput, listingQuery } from './filters.js';
import type { RouteContext, ZodApp } from './route-context.js';

const importance = z.number().min(0).max(1);

/** Semantic memory: `/api/v1/memories`. */
export function memoryRoutes(app: ZodApp, { services, fields, config, schemas }: RouteContext): void {
  const tags = ['memories'];
  const memory = schemas.name('MemoryDraft', z.strictObject({
    content: fields.content,
    kind: z.enum(MEMORY_KINDS).optional().describe('Default fact'),
    importance: importance.optional().describe('0 to 1, default 0.5'),
    metadata: fields.metadata.optional(),
    expiresAt: timestampSchema.optional(),
    sourceEpisodeIds: z.array(idSchema).max(256).optional(),
    userId: idSchema.optional(),
    agentId: idSchema.optional(),
    sessionId: idSchema.optional(),
  }));

  app.post('/api/v1/memories', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Write memories: create, or merge into a memory that states the same thing (all or none)',
      body: schemas.name('MemoryWrite', z.strictObject({
        namespace: fields.namespace,
        userId: idSchema.optional().describe('Default for memories that name no user'),
        agentId: idSchema.optional(),
        sessionId: idSchema.optional(),
        memories: fields.batch(memory, 'memory', 'memories'),
      })),
      response: {
        200: schemas.name('MemoryWriteResult', upsertResults),
        201: upsertResults,
      },
    },
    handler: async (request, reply) => {
      const { namespace: _named, memories, ...defaults } = request.body;
      const outcomes = await services.memories.upsert(
        requestNamespace(request),
        memories.map((item) => ({ ...defaults, ...item })),
      );
      const results = outcomes.map(({ memory: stored, action }) => ({ id: stored.id, action, version: stored.version }));
      return reply.code(results.some((result) => result.action === 'created') ? 201 : 200).send({ ids: results.map((result) => result.id), results });
    },
  });

  app.get('/api/v1/memories', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'List live memories by createdAt, filtered and paged',
      querystring: listingQuery(fields, z.enum(MEMORY_KINDS), 'desc', config.list),
      response: { 200: schemas.name('MemoryPage', z.object({ items: z.array(memoryRecord), nextCursor: z.string().optional() })) },
    },
    handler: (request) => services.memories.list(listInput(requestNamespace(request), request.query)),
  });

  app.get('/api/v1/memories/:id', {
    config: NAMESPACED,
    schema: { tags, summary: 'Read a memory', params: idParams, querystring: namespaceQuery, response: { 200: memoryRecord } },
    handler: (request) => services.memories.get(recordRef(request, request.params.id)),
  });

  app.patch('/api/v1/memories/:id', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Update a memory; the previous version goes to its history',
      params: idParams,
      querystring: namespaceQuery,
      body: schemas.name('MemoryPatch', z
        .strictObject({
          namespace: fields.namespace,
          content: fields.content.optional(),
          kind: z.enum(MEMORY_KINDS).optional(),
          importance: importance.optional(),
          metadata: fields.metadata.optional().describe('Replaces the metadata'),
          expiresAt: timestampSchema.nullable().optional().describe('null clears the expiry'),
          expectedVersion: z.number().int().min(1).optional().describe('Apply only if the memory is at this version'),
        })
        .refine((body) => Object.keys(body).some((key) => key !== 'expectedVersion' && key !== 'namespace'), 'name at least one field to change')),
      response: { 200: memoryRecord },
    },
    handler: (request) => {
      const { expectedVersion, namespace: _named, ...patch } = request.body;
      return services.memories.update(recordRef(request, request.params.id), patch, expectedVersion);
    },
  });

  app.delete('/api/v1/memories/:id', {
    config: NAMESPACED,
    schema: { tags, summary: 'Delete a memory and its history', params: idParams, querystring: namespaceQuery, response: { 204: z.null() } },
    handler: async (request, reply) => {
      await services.memories.delete(recordRef(request, request.params.id));
      return reply.code(204).send(null);
    },
  });

  app.get('/api/v1/memories/:id/history', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Earlier versions of a memory, newest first',
      params: idParams,
      querystring: namespaceQuery,
      response: { 200: schemas.name('MemoryHistory', z.object({ memoryId: z.string(), currentVersion: z.number(), versions: z.array(memoryVersionRecord) })) },
    },
    handler: async (request) => {
      const ref = recordRef(request, request.params.id);
      const [current, versions] = await Promise.all([services.memories.get(ref), services.memories.history(ref)]);
      return { memoryId: current.id, currentVersion: current.version, versions };
    },
  });
}

const upsertResults = batchWriteResult(['created', 'merged', 'unchanged'], { version: z.number().describe('The memory’s version after the write') });
