import { z } from 'zod';
import { CACHE_CLASSES } from '../../cache/cache-admin.js';
import * as example from '../openapi/examples.js';
import { ANY_NAMESPACE } from '../namespace.js';
import { anyNamespaceField, anyNamespaceQuery } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

const usage = {
  entries: z.number().describe('Entries held'),
  bytes: z.number().describe('Bytes they take'),
  evictions: z.number().describe('Entries dropped to make room since start'),
};
const cacheStats = z
  .object({
    backend: z.string().describe('Where the caches live: in-process or redis'),
    namespace: z.string().optional().describe('The namespace the usage covers; every namespace when absent'),
    caches: z
      .object({
        embeddings: z.object(usage).describe('Vectors of texts, by model'),
        responses: z
          .object({
            ...usage,
            hits: z.number().describe('Search and context answers served from the cache since start, in every namespace'),
            misses: z.number().describe('Answers that had to be made since start, in every namespace'),
            bypassed: z.number().describe('Answers made without the cache because it failed'),
          })
          .describe('Search and context answers, until a write in their scope'),
      })
      .describe('Usage per cache class'),
  })
  .describe('Usage of the caches, of one namespace or all')
  .meta({
    examples: [
      {
        backend: 'in-process',
        namespace: example.NAMESPACE,
        caches: {
          embeddings: { entries: 1840, bytes: 2_011_136, evictions: 0 },
          responses: { entries: 52, bytes: 187_392, evictions: 3, hits: 410, misses: 96, bypassed: 0 },
        },
      },
    ],
  });
const cleared = z
  .object({ cleared: z.number().describe('Entries removed') })
  .describe('How many cached entries were removed')
  .meta({ examples: [{ cleared: 52 }] });

/** The caches: `GET /api/v1/cache/stats` and `DELETE /api/v1/cache`. */
export function cacheRoutes(app: ZodApp, { services, schemas }: RouteContext): void {
  const tags = ['operations'];
  schemas.name('CacheCleared', cleared);

  app.get('/api/v1/cache/stats', {
    config: ANY_NAMESPACE,
    schema: {
      tags,
      operationId: 'getCacheStats',
      summary: 'Entries, bytes and evictions per cache class (embeddings, responses), of one namespace or all',
      description: 'Reports the usage of the embedding cache and of the response cache (search and context answers), of one namespace, or of all when none is named. Needs the `admin` role.',
      querystring: anyNamespaceQuery,
      response: { 200: schemas.name('CacheStats', cacheStats) },
    },
    handler: (request) => services.caches.stats(request.namespace),
  });

  app.delete('/api/v1/cache', {
    config: ANY_NAMESPACE,
    schema: {
      tags,
      operationId: 'clearCache',
      summary: 'Clear cached entries: of one namespace, of one cache class (`prefix`), of both, or everything',
      description:
        'Removes cached embeddings and answers: of the namespace named, of the cache class `prefix` names, of both, or every entry when neither is named. Nothing is lost: entries are made again on demand. Needs the `admin` role.',
      querystring: z.strictObject({
        namespace: anyNamespaceField,
        prefix: z.enum(CACHE_CLASSES).optional().describe('Only this cache class: embeddings or responses; both when absent').meta({ examples: ['responses'] }),
      }),
      response: { 200: cleared },
    },
    handler: async (request) => {
      const { prefix } = request.query;
      const namespace = request.namespace;
      return { cleared: await services.caches.clear({ ...(namespace === undefined ? {} : { namespace }), ...(prefix === undefined ? {} : { cache: prefix }) }) };
    },
  });
}
