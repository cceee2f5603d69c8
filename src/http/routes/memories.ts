import { z } from 'zod';
import { MEMORY_KINDS, type Memory } from '../../core/types.js';
import * as example from '../openapi/examples.js';
import { agentIdField, batchWriteResult, idSchema, memoryParams, memoryRecord, memoryVersionRecord, namespaceQuery, sessionIdField, timestampSchema, userIdField } from '../schemas.js';
import { NAMESPACED, requestNamespace } from '../namespace.js';
import { recordRef } from '../reach.js';
import { listInput, memoryListingQuery, relatedRecord, slotKey, validityAsk, writeResult } from './memory-fields.js';
import type { RouteContext, ZodApp } from './route-context.js';

const importance = z.number().min(0).max(1);
const kind = z.enum(MEMORY_KINDS);

/** Semantic memory: `/api/v1/memories`. */
export function memoryRoutes(app: ZodApp, { services, fields, config, schemas }: RouteContext): void {
  const tags = ['memories'];
  const fresh = (memory: Memory) => ({ ...memory, stale: services.isStale(memory) });
  const memory = schemas.name('MemoryDraft', z
    .strictObject({
      content: fields.content.describe(`What is known, as one statement: not blank, at most ${config.limits.contentBytes} bytes of UTF-8`),
      kind: kind.optional().describe('fact, preference, reflection, summary or procedure; default fact'),
      importance: importance.optional().describe('0 to 1: how much it matters; default 0.5'),
      metadata: fields.metadata.optional().describe(`Free-form JSON object: at most ${config.limits.metadataBytes} bytes and ${config.limits.metadataDepth} levels deep`),
      expiresAt: timestampSchema.optional().describe('When it stops being true (ISO 8601 with a zone): from then on every read hides it'),
      sourceEpisodeIds: z.array(idSchema).max(256).optional().describe('The episodes it was learned from (at most 256)'),
      userId: userIdField.describe('The user it is about; default the request’s `userId`'),
      agentId: agentIdField.describe('The agent that learned it; default the request’s `agentId`'),
      sessionId: sessionIdField.describe('The session it was learned in; default the request’s `sessionId`. Provenance, not identity: the same fact written in another session is the same memory, which then lists both in `sourceSessionIds`'),
      key: slotKey.optional().describe('A slot such as `home_city` or `diet` (1 to 200 characters, no control characters): the memory supersedes the current memory with this key of the same user and agent'),
      validFrom: timestampSchema.optional().describe('When the fact became true, for a fact learned late (ISO 8601 with a zone, not in the future); default now'),
      supersedes: z.array(idSchema).max(32).optional().describe('Ids of current memories of the same user and agent that this one replaces (at most 32): each gets `validTo` and `supersededBy`'),
    })
    .describe('One memory to write')
    .meta({ example: example.memoryWrite.memories[0] }));

  app.post('/api/v1/memories', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'writeMemories',
      summary: 'Write memories: create each, or merge it into one that states the same thing',
      description:
        'Stores up to `limits.batchItems` memories in one transaction: all or none. A memory that states the same thing as a live one in the same scope (the same words up to fillers and word order, or a vector at or above `indexing.duplicateThreshold` in cosine) is merged into it instead of added: its version goes up and the earlier one goes to its history. ' +
        'Identity is the namespace, `userId` and `agentId`: the session is where a memory was learned (`sourceSessionIds`), so the same fact written in two sessions is one memory. A memory with a `key` supersedes the current memory of that slot, and `supersedes` names memories to replace; a superseded memory gets `validTo` and `supersededBy` and stays readable. A new memory close to a current one comes back with it as `related`, flagged `possibleConflict` when the detector finds a likely contradiction (listed by `GET /api/v1/conflicts`). ' +
        'Each result says `created`, `merged` or `unchanged`, in input order. A `merged` or `unchanged` write states the fact again, so it confirms it: its `lastConfirmedAt` becomes now (an unchanged one gets no new version). Answers 201 when anything was created, else 200. Needs the `write` role.',
      body: schemas.name('MemoryWrite', z
        .strictObject({
          namespace: fields.namespace,
          userId: userIdField.describe('Default `userId` of the memories that name none'),
          agentId: agentIdField.describe('Default `agentId` of the memories that name none'),
          sessionId: sessionIdField.describe('Default `sessionId` of the memories that name none'),
          memories: fields.batch(memory, 'memory', 'memories').describe(`The memories, 1 to ${config.limits.batchItems}`),
        })
        .describe('Memories to write, with defaults for their scope')
        .meta({ example: example.memoryWrite })),
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
      const results = outcomes.map(writeResult);
      return reply.code(results.some((result) => result.action === 'created') ? 201 : 200).send({ ids: results.map((result) => result.id), results });
    },
  });

  app.get('/api/v1/memories', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'listMemories',
      summary: 'List live memories, newest first, filtered and paged',
      description:
        'Lists the live memories of a namespace by `createdAt` (newest first unless `order=asc`), filtered by scope, kind, time, metadata and slot (`key`). Expired memories are left out; so are superseded and retracted ones, unless `includeSuperseded=true` (every version: with `key`, the slot’s timeline) or `asOf` (what held then). `sessionId` finds the memories learned in that session. ' +
        'A page holds at most `limit` items; pass its `nextCursor` as `cursor` for the next one (absent on the last page). Needs the `read` role.',
      querystring: memoryListingQuery(fields, kind, config.list),
      response: {
        200: schemas.name('MemoryPage', z
          .object({ items: z.array(memoryRecord).describe('The memories of this page'), nextCursor: z.string().optional().describe('Pass as `cursor` for the next page; absent on the last page') })
          .describe('A page of memories')
          .meta({ examples: [{ items: [example.memory] }] })),
      },
    },
    handler: (request) => {
      const { key, asOf, includeSuperseded, ...query } = request.query;
      const input = listInput(requestNamespace(request), query);
      if (key !== undefined) input.filter.key = key;
      return services.memories.list({ ...input, validity: validityAsk(asOf, includeSuperseded) }).then((page) => ({ ...page, items: page.items.map(fresh) }));
    },
  });

  app.get('/api/v1/memories/:id', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'getMemory',
      summary: 'Read a memory',
      description: 'Answers one live memory by id. A memory that does not exist, has expired, or lies outside the key’s reach (another namespace or user) is a 404. Needs the `read` role.',
      params: memoryParams,
      querystring: namespaceQuery,
      response: { 200: memoryRecord },
    },
    handler: async (request) => fresh(await services.memories.get(recordRef(request, request.params.id))),
  });

  app.patch('/api/v1/memories/:id', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'updateMemory',
      summary: 'Update a memory; the previous version goes to its history',
      description:
        'Changes the fields the body names (at least one) and adds one to the version; the version before goes to the memory’s history (`GET /api/v1/memories/{id}/history`). ' +
        'With `expectedVersion`, the update applies only if the memory is still at that version, else 409: a safe read-modify-write. New `content` also confirms the fact (`lastConfirmedAt` becomes now). Needs the `write` role.',
      params: memoryParams,
      querystring: namespaceQuery,
      body: schemas.name('MemoryPatch', z
        .strictObject({
          namespace: fields.namespace,
          content: fields.content.optional().describe(`New content: not blank, at most ${config.limits.contentBytes} bytes of UTF-8`),
          kind: kind.optional().describe('New kind'),
          importance: importance.optional().describe('New importance, 0 to 1'),
          metadata: fields.metadata.optional().describe('Replaces the metadata (a JSON object; not merged)'),
          expiresAt: timestampSchema.nullable().optional().describe('New expiry (ISO 8601 with a zone); null clears it'),
          expectedVersion: z.number().int().min(1).optional().describe('Apply only if the memory is at this version, else 409'),
        })
        .refine((body) => Object.keys(body).some((key) => key !== 'expectedVersion' && key !== 'namespace'), 'name at least one field to change')
        .describe('The fields to change; at least one')
        .meta({ example: example.memoryPatch })),
      response: { 200: memoryRecord },
    },
    handler: async (request) => {
      const { expectedVersion, namespace: _named, ...patch } = request.body;
      return fresh(await services.memories.update(recordRef(request, request.params.id), patch, expectedVersion));
    },
  });

  app.post('/api/v1/memories/:id/confirm', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'confirmMemory',
      summary: 'Confirm a memory: the fact still holds as of now',
      description:
        'Sets the memory’s `lastConfirmedAt` to now and changes nothing else: no new version, no history entry. A memory past its kind’s review period (`truth.reviewDays`) is marked `stale` in search hits and context bundles until it is confirmed or written again. ' +
        'Takes no body (or an empty JSON object, or one naming only `namespace`). A memory that does not exist, has expired, or lies outside the key’s reach (another namespace or user) is a 404. Answers the memory. Needs the `write` role.',
      params: memoryParams,
      querystring: namespaceQuery,
      body: schemas.name('MemoryConfirm', z.strictObject({ namespace: fields.namespace }).describe('Nothing to send; at most the namespace').meta({ example: {} })),
      response: { 200: memoryRecord },
    },
    // A request without a body is as good as an empty object: there is nothing to send.
    preValidation: async (request) => {
      request.body ??= {};
    },
    handler: async (request) => fresh(await services.memories.confirm(recordRef(request, request.params.id))),
  });

  app.delete('/api/v1/memories/:id', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'deleteMemory',
      summary: 'Delete a memory and its history',
      description: 'Removes the memory, its history and its vector for good; answers 204 with no body. A memory outside the key’s reach is a 404. Needs the `write` role.',
      params: memoryParams,
      querystring: namespaceQuery,
      response: { 204: z.null().describe('Deleted') },
    },
    handler: async (request, reply) => {
      await services.memories.delete(recordRef(request, request.params.id));
      return reply.code(204).send(null);
    },
  });

  app.get('/api/v1/memories/:id/history', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'getMemoryHistory',
      summary: 'Earlier versions of a memory, newest first',
      description: 'Answers every earlier version of a live memory, newest first, each with when it was current (`validFrom`, `validTo`) and what replaced it (an update or a merge). A memory never changed has none. Needs the `read` role.',
      params: memoryParams,
      querystring: namespaceQuery,
      response: {
        200: schemas.name('MemoryHistory', z
          .object({
            memoryId: z.string().describe('The memory'),
            currentVersion: z.number().describe('Its version now'),
            versions: z.array(memoryVersionRecord).describe('Its earlier versions, newest first'),
          })
          .describe('The earlier versions of a memory')
          .meta({ examples: [{ memoryId: example.MEMORY_ID, currentVersion: 2, versions: [example.memoryVersion] }] })),
      },
    },
    handler: async (request) => {
      const ref = recordRef(request, request.params.id);
      const [current, versions] = await Promise.all([services.memories.get(ref), services.memories.history(ref)]);
      return { memoryId: current.id, currentVersion: current.version, versions };
    },
  });
}

const upsertResults = batchWriteResult(['created', 'merged', 'unchanged'], {
  version: z.number().describe('The memory’s version after the write'),
  superseded: z.array(z.string()).optional().describe('Memories this write superseded: the slot’s previous memory, or those named in `supersedes`'),
  related: z.array(relatedRecord).optional().describe('For a new memory that neither merged nor took a slot: current memories of the same user and agent close to it (cosine at or above `truth.relatedThreshold`), most similar first, each saying whether it likely contradicts the new one'),
})
  .describe('What became of each memory, in input order')
  .meta({
    examples: [
      {
        ids: [example.MEMORY_ID, 'mem_01JQ9B7C2D4E6F8G0H2J4K6M8N'],
        results: [
          { id: example.MEMORY_ID, action: 'unchanged', version: 1 },
          { id: 'mem_01JQ9B7C2D4E6F8G0H2J4K6M8N', action: 'created', version: 1 },
        ],
      },
    ],
  });
