import { z } from 'zod';
import type { GatewayResult } from '../../embeddings/gateway-service.js';
import { ANY_NAMESPACE, NAMESPACED, requestNamespace } from '../namespace.js';
import { boundUser } from '../reach.js';
import * as example from '../openapi/examples.js';
import { anyNamespaceField, anyNamespaceQuery } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';
import { embeddingListJson, numbersOf } from '../vector-json.js';

const purpose = z
  .enum(['document', 'query'])
  .default('document')
  .describe('What the text is for: `document` (to be stored and found) or `query` (to search with); models that tell them apart embed them differently. Default document');

/** A made-up 8-number vector for the examples: real ones have `dimensions` numbers. */
const vector = [0.0132, -0.0871, 0.1204, 0.0458, -0.0217, 0.0935, -0.1102, 0.0064];

const latency = z.object({ count: z.number().describe('Lookups measured'), p50: z.number().describe('Median, in ms'), p95: z.number().describe('95th percentile, in ms') });
const cacheStats = z
  .object({
    backend: z.string().describe('Where the cache lives: in-process or redis'),
    hits: z.number().describe('Texts found in the cache since start'),
    misses: z.number().describe('Texts that had to be embedded since start'),
    coalesced: z.number().describe('Texts that joined an identical embedding already under way'),
    hitRate: z.number().describe('hits / (hits + misses), 0 to 1'),
    entries: z.number().describe('Vectors held'),
    bytes: z.number().describe('Bytes they take'),
    evictions: z.number().describe('Entries dropped to make room since start'),
    latencyMs: z.object({ hit: latency.describe('Of hits'), miss: latency.describe('Of misses, the upstream call included') }).describe('Lookup latency'),
    embedder: z
      .object({
        state: z.enum(['disabled', 'loading', 'ready', 'failed']).describe('Whether the embedder can embed now'),
        detail: z.string().describe('The model, or why it is not ready'),
        provider: z.string().optional().describe('model2vec or openai'),
        model: z.string().optional().describe('The model'),
        dimensions: z.number().optional().describe('Length of its vectors'),
        circuit: z.enum(['closed', 'open', 'half_open']).optional().describe('The circuit breaker of a remote provider: open while it fails'),
      })
      .describe('The embedder behind the cache'),
  })
  .describe('Statistics of the embedding cache, of one namespace or all')
  .meta({
    examples: [
      {
        backend: 'in-process',
        hits: 412,
        misses: 96,
        coalesced: 3,
        hitRate: 0.811,
        entries: 96,
        bytes: 104_448,
        evictions: 0,
        latencyMs: { hit: { count: 412, p50: 0.18, p95: 0.41 }, miss: { count: 96, p50: 0.62, p95: 2.1 } },
        embedder: { state: 'ready', detail: `model2vec ${example.MODEL_ID}, ${example.DIMENSIONS} dimensions`, provider: 'model2vec', model: example.MODEL_ID, dimensions: example.DIMENSIONS, circuit: 'closed' },
      },
    ],
  });

/** The answer of `POST /v1/embeddings`, as OpenAI's API gives it; written as text around each vector (vector-json.ts), so only documented here. */
const openAiEmbeddings = z
  .object({
    object: z.literal('list').describe('Always `list`'),
    data: z
      .array(
        z.object({
          object: z.literal('embedding').describe('Always `embedding`'),
          index: z.number().describe('The position of its input'),
          embedding: z
            .union([z.array(z.number()), z.string()])
            .describe('The vector: numbers, or with `encoding_format: base64` the base64 of its little-endian float32 bytes'),
        }),
      )
      .describe('One vector per input, in input order'),
    model: z.string().describe('The model that made them'),
    usage: z.object({ prompt_tokens: z.number().describe('Estimated tokens of the inputs'), total_tokens: z.number().describe('The same') }).describe('Token counts, estimated'),
  })
  .describe('Embeddings in the shape of OpenAI’s API')
  .meta({
    examples: [
      {
        object: 'list',
        data: [
          { object: 'embedding', index: 0, embedding: vector },
          { object: 'embedding', index: 1, embedding: vector.map((value) => -value) },
        ],
        model: example.MODEL_ID,
        usage: { prompt_tokens: 14, total_tokens: 14 },
      },
    ],
  });
const cleared = z
  .object({ cleared: z.number().describe('Vectors removed') })
  .describe('How many cached embeddings were removed')
  .meta({ examples: [{ cleared: 96 }] });

/** OpenAI's API also takes token ids (an array of integers, or an array of such arrays); memOS embeds text only. */
const isTokenIds = (input: unknown) =>
  Array.isArray(input) && input.length > 0 && input.every((item) => typeof item === 'number' || (Array.isArray(item) && item.every((id) => typeof id === 'number')));

/** The embedding gateway: `/v1/embeddings` (OpenAI-compatible) and `/api/v1/embeddings…`. */
export function embeddingRoutes(app: ZodApp, { services, fields, config, schemas }: RouteContext): void {
  const tags = ['embeddings'];
  const text = fields.text('input');
  const texts = z.array(text).min(1, 'at least one input').max(config.limits.batchItems, `at most ${config.limits.batchItems} inputs in one request`);

  app.post('/v1/embeddings', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'createEmbeddings',
      summary: 'OpenAI-compatible embeddings (any OpenAI SDK with baseURL http://host:port/v1)',
      description:
        'Embeds one text or many with the model memOS serves, through its cache: only texts not cached go to the provider, in one call. Takes and answers the shape of OpenAI’s `POST /v1/embeddings`, so an OpenAI client works with `baseURL` set to memOS’s `/v1`; token ids are not supported. ' +
        '`model` must be the served one (`GET /v1/models`); a namespace may be sent as the X-Memos-Namespace header. 503 while no embedder is ready. Needs the `read` role.',
      body: schemas.name('EmbeddingRequest', z.strictObject({
        namespace: fields.namespace,
        input: z.union([text.describe('One text'), texts.describe(`1 to ${config.limits.batchItems} texts`)], {
          error: (issue) =>
            issue.code !== 'invalid_union'
              ? undefined
              : isTokenIds(issue.input)
                ? 'token ids are not supported: send text, as a string or an array of strings'
                : 'must be a string or an array of strings',
        }).describe(`The text to embed, or a list of 1 to ${config.limits.batchItems}; each not blank, at most ${config.limits.contentBytes} bytes of UTF-8`),
        model: z.string().min(1).describe('The model: must be the one memOS serves (`GET /v1/models`)'),
        encoding_format: z.enum(['float', 'base64']).default('float').describe('float (numbers, the default) or base64 (of little-endian float32 bytes)'),
        dimensions: z.number().int().min(1).optional().describe('Must equal the model’s vector length when given: memOS does not shorten vectors'),
        user: z.string().max(256).optional().describe('Accepted for compatibility with OpenAI clients, and ignored'),
      })
        .describe('Texts to embed, in the shape of OpenAI’s API')
        .meta({ example: { input: ['Prefers green tea over coffee', 'Is allergic to peanuts'], model: example.MODEL_ID, encoding_format: 'float' } })),
      produces: ['application/json'],
      response: { 200: schemas.name('EmbeddingResponse', openAiEmbeddings) },
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
      // Assembled as text around each vector's remembered JSON (vector-json.ts): what JSON.stringify would
      // write. Fastify sends a JSON string as it is, past the serializer, so the response schema only documents it.
      const json = embeddingListJson(result.vectors, format, result.model, result.promptTokens);
      return reply.type('application/json; charset=utf-8').send(json as unknown as z.output<typeof openAiEmbeddings>);
    },
  });

  app.post('/api/v1/embeddings', {
    config: NAMESPACED,
    schema: {
      tags,
      operationId: 'embed',
      summary: 'Embed one text',
      description: 'Embeds one text with the model memOS serves, from the cache when it holds it. 503 while no embedder is ready. Needs the `read` role.',
      body: schemas.name(
        'EmbedRequest',
        z
          .strictObject({ namespace: fields.namespace, text: fields.text('text').describe(`The text: not blank, at most ${config.limits.contentBytes} bytes of UTF-8`), purpose })
          .describe('One text to embed')
          .meta({ example: { namespace: example.NAMESPACE, text: 'what does alice drink', purpose: 'query' } }),
      ),
      response: {
        200: schemas.name(
          'EmbedResult',
          z
            .object({
              model: z.string().describe('The model that made it'),
              dimensions: z.number().describe('Length of the vector'),
              embedding: z.array(z.number()).describe('The vector'),
              cached: z.boolean().describe('Whether it came from the cache'),
            })
            .describe('The vector of one text')
            .meta({ examples: [{ model: example.MODEL_ID, dimensions: vector.length, embedding: vector, cached: false }] }),
        ),
      },
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
      operationId: 'embedBatch',
      summary: 'Embed many texts: only cache misses go upstream, in one call; results in input order',
      description: 'Embeds up to `limits.batchItems` texts: each is looked up in the cache, and only the misses go to the provider, in one call. Vectors come back in input order. 503 while no embedder is ready. Needs the `read` role.',
      body: schemas.name(
        'EmbedBatchRequest',
        z
          .strictObject({
            namespace: fields.namespace,
            texts: z
              .array(fields.text('text'))
              .min(1)
              .max(config.limits.batchItems)
              .describe(`The texts, 1 to ${config.limits.batchItems}; each not blank, at most ${config.limits.contentBytes} bytes of UTF-8`),
            purpose,
          })
          .describe('Texts to embed')
          .meta({ example: { namespace: example.NAMESPACE, texts: ['Prefers green tea over coffee', 'Is allergic to peanuts'], purpose: 'document' } }),
      ),
      response: {
        200: schemas.name(
          'EmbedBatchResult',
          z
            .object({
              model: z.string().describe('The model that made them'),
              dimensions: z.number().describe('Length of each vector'),
              embeddings: z.array(z.array(z.number())).describe('One vector per text, in input order'),
              cache: z
                .object({
                  hits: z.number().describe('Texts found in the cache'),
                  misses: z.number().describe('Texts sent to the provider'),
                  coalesced: z.number().describe('Texts that joined an identical embedding already under way'),
                })
                .describe('Counted over distinct texts'),
            })
            .describe('The vectors of many texts')
            .meta({
              examples: [{ model: example.MODEL_ID, dimensions: vector.length, embeddings: [vector, vector.map((value) => -value)], cache: { hits: 1, misses: 1, coalesced: 0 } }],
            }),
        ),
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
    schema: {
      tags,
      operationId: 'getEmbeddingCacheStats',
      summary: 'Embedding cache statistics (all namespaces, or one)',
      description: 'Reports the embedding cache: hits, misses, hit rate, entries, bytes, evictions and lookup latency, with the state of the embedder behind it; of one namespace, or all when none is named. Needs the `admin` role.',
      querystring: anyNamespaceQuery,
      response: { 200: schemas.name('EmbeddingCacheStats', cacheStats) },
    },
    handler: (request) => services.gateway.cacheStats(request.namespace),
  });

  app.post('/api/v1/embeddings/cache/clear', {
    config: ANY_NAMESPACE,
    schema: {
      tags,
      operationId: 'clearEmbeddingCache',
      summary: 'Drop cached embeddings (all namespaces, or one)',
      description: 'Removes cached vectors of one namespace, or of all when none is named; they are made again on demand. Needs the `admin` role.',
      body: schemas.name(
        'EmbeddingCacheClear',
        z
          .strictObject({ namespace: anyNamespaceField })
          .default({})
          .describe('Which namespace to clear; every one when none is named')
          // `examples`, not `example`: Swagger UI would show the default ({}) before an `example`.
          .meta({ examples: [{ namespace: example.NAMESPACE }] }),
      ),
      response: { 200: schemas.name('EmbeddingCacheCleared', cleared) },
    },
    handler: async (request) => ({ cleared: await services.gateway.clearCache(request.namespace) }),
  });
}
