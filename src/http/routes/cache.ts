import { z } from 'zod';
import { CACHE_CLASSES } from '../../cache/cache-admin.js';
import { ANY_NAMESPACE } from '../namespace.js';
import { anyNamespaceField, anyNamespaceQuery } from '../schemas.js';
import type { RouteContext, ZodApp } from './route-context.js';

const usage = { entries: z.number(), bytes: z.number(), evictions: z.number() };
const cacheStats = z.object({
  backend: z.string(),
  namespace: z.string().optional().describe('The namespace the usage covers; every namespace when absent'),
  caches: z.object({
    embeddings: z.object(usage),
    responses: z.object({
      ...usage,
      hits: z.number().describe('Search and context answers served from the cache since start, in every namespace'),
      misses: z.number(),
      bypassed: z.number().describe('Answers made without the cache because it failed'),
    }),
  }),
});

/** The caches: `GET /api/v1/cache/stats` and `DELETE /api/v1/cache`. */
export function cacheRoutes(app: ZodApp, { services }: RouteContext): void {
  const tags = ['operations'];

  app.get('/api/v1/cache/stats', {
    config: ANY_NAMESPACE,
    schema: {
      tags,
      summary: 'Entries, bytes and evictions per cache class (embeddings, responses), of one namespace or all',
      querystring: anyNamespaceQuery,
      response: { 200: cacheStats },
    },
    handler: (request) => services.caches.stats(request.namespace),
  });

  app.delete('/api/v1/cache', {
    config: ANY_NAMESPACE,
    schema: {
      tags,
      summary: 'Clear cached entries: of one namespace, of one cache class (`prefix`), of both, or everything',
      querystring: z.strictObject({ namespace: anyNamespaceField, prefix: z.enum(CACHE_CLASSES).optional() }),
      response: { 200: z.object({ cleared: z.number() }) },
    },
    handler: async (request) => {
      const { prefix } = request.query;
      const namespace = request.namespace;
      return { cleared: await services.caches.clear({ ...(namespace === undefined ? {} : { namespace }), ...(prefix === undefined ? {} : { cache: prefix }) }) };
    },
  });
}
