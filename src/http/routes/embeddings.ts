import { z } from 'zod';
import type { GatewayResult } from '../../embeddings/gateway-service.js';
import { ANY_NAMESPACE, NAMESPACED, requestNamespace } from '../namespace.js';
import { boundUser } from '../reach.js';
import { anyNamespaceField, anyNamespaceQuery } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';
import { embeddingListJson, numbersOf } from '../vector-json.js';

const purpose = z.enum(['document', 'query']).default('document');

const latency = z.object({ count: z.number(), p50: z.number(), p95: z.number() });
const cacheStats = z.object({
  backend: z.string(),
  hits: z.number(),
  misses: z.number(),
  coalesced: z.number(),
  hitRate: z.number(),
  entries: z.number(),
  bytes: z.number(),
  evictions: z.number(),
  latencyMs: z.object({ hit: latency, miss: latency }),
  embedder: z.object({
    state: z.enum(['disabled', 'loading', 'ready', 'failed']),
    detail: z.string(),
    provider: z.string().optional(),
    model: z.string().optional(),
    dimensions: z.number().optional(),
    circuit: z.enum(['closed', 'open', 'half_open']).optional(),
  }),
});

/** OpenAI's API also takes token ids (an array of integers, or an array of such arrays); memOS embeds text only. */
const isTokenIds = (input: unknown) =>
  Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'number' || (Array.isArray(item) && item.every((id) => typeof id === 'number')));

/** The embedding gateway: `/v1/embeddings` (OpenAI-compatible) and `/api/v1/embeddings…`. */
export function embeddingRoutes(app: ZodApp, { services, fields, config }: RouteContext): void {
  const tags = ['embeddings'];
  const text = fields.text('input');
  const texts = z.array(text).min(1, 'at least one input').max(config.limits.batchItems, `at most ${config.limits.batchItems} inputs in one request`);

  app.post('/v1/embeddings', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'OpenAI-compatible embeddings (any OpenAI SDK with baseURL http://host:port/v1)',
      body: z.strictObject({
        namespace: fields.namespace,
        input: z.union([text, texts], {
          error: (issue) =>
            issue.code !== 'invalid_union'
              ? undefined
              : isTokenIds(issue.input)
                ? 'token ids are not supported: send text, as a string or an array of strings'
                : 'must be a string or an array of strings',
        }),
        model: z.string().min(1),
        encoding_format: z.enum(['float', 'base64']).default('float'),
        dimensions: z.number().int().min(1).optional(),
        user: z.string().max(256).optional(),
      }),
    },
    handler: async (request, reply) => {
      const { input, model, encoding_format: format, dimensions } = request.body;
      const result = await services.gateway.embed({
        namespace: requestNamespace(request),
        ...boundUser(request),
        texts: Array.isArray(input) ? input : [input],
        purpose: 'document',
        model,
        ...(dimensions === undefined ? {} : { dimensions }),
      });
      // Assembled as text around each vector's remembered JSON (vector-json.ts): what JSON.stringify would write.
      return reply.type('application/json; charset=utf-8').send(embeddingListJson(result.vectors, format, result.model, result.promptTokens));
    },
  });

  app.post('/api/v1/embeddings', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Embed one text',
      body: z.strictObject({ namespace: fields.namespace, text: fields.text('text'), purpose }),
      response: { 200: z.object({ model: z.string(), dimensions: z.number(), embedding: z.array(z.number()), cached: z.boolean() }) },
    },
    handler: async (request) => {
      const { text: one, purpose: why } = request.body;
      const result = await services.gateway.embed({ namespace: requestNamespace(request), ...boundUser(request), texts: [one], purpose: why });
      return { model: result.model, dimensions: result.dimensions, embedding: Array.from(result.vectors[0]!), cached: result.misses === 0 };
    },
  });

  app.post('/api/v1/embeddings/batch', {
    config: NAMESPACED,
    schema: {
      tags,
      summary: 'Embed many texts: only cache misses go upstream, in one call; results in input order',
      body: z.strictObject({ namespace: fields.namespace, texts: z.array(fields.text('text')).min(1).max(config.limits.batchItems), purpose }),
      response: {
        200: z.object({
          model: z.string(),
          dimensions: z.number(),
          embeddings: z.array(z.array(z.number())),
          cache: z.object({ hits: z.number(), misses: z.number(), coalesced: z.number() }).describe('Counted over distinct texts'),
        }),
      },
    },
    handler: async (request) => {
      const { texts: many, purpose: why } = request.body;
      const result: GatewayResult = await services.gateway.embed({ namespace: requestNamespace(request), ...boundUser(request), texts: many, purpose: why });
      return {
        model: result.model,
        dimensions: result.dimensions,
        embeddings: result.vectors.map(numbersOf),
        cache: { hits: result.hits, misses: result.misses, coalesced: result.coalesced },
      };
    },
  });

  app.get('/api/v1/embeddings/cache/stats', {
    config: ANY_NAMESPACE,
    schema: { tags, summary: 'Embedding cache statistics (all namespaces, or one)', querystring: anyNamespaceQuery, response: { 200: cacheStats } },
    handler: (request) => services.gateway.cacheStats(request.namespace),
  });

  app.post('/api/v1/embeddings/cache/clear', {
    config: ANY_NAMESPACE,
    schema: {
      tags,
      summary: 'Drop cached embeddings (all namespaces, or one)',
      body: z.strictObject({ namespace: anyNamespaceField }).default({}),
      response: { 200: z.object({ cleared: z.number() }) },
    },
    handler: async (request) => ({ cleared: await services.gateway.clearCache(request.namespace) }),
  });
}
