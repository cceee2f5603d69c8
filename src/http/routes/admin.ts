import { z } from 'zod';
import type { RouteContext, ZodApp } from './route-context.js';

const failure = z.object({
  tier: z.enum(['memories', 'episodes']),
  namespace: z.string(),
  id: z.string(),
  attempts: z.number().describe('Times the provider refused the text'),
  error: z.string().describe('Why, as the provider said it (never the text)'),
});
const progress = z.object({
  model: z.string(),
  dimensions: z.number(),
  ready: z.number(),
  pending: z.number(),
  failed: z.number().describe('Records whose text the provider refused every time: keyword search only, until retried'),
  failures: z.array(failure).optional().describe('Up to 5 failed records, oldest first'),
  total: z.number(),
});
const reindexStatus = z.object({
  running: z.boolean(),
  embedded: z.number().describe('Vectors stored by the backfill since start'),
  lastError: z.string().optional(),
  progress: progress.optional().describe('Absent while no embedder is ready'),
  embedder: z.object({ state: z.string(), detail: z.string() }),
  retried: z.number().optional().describe('Failed records made pending again by this request (`retryFailed`)'),
});

/** Operator routes: `/api/v1/admin/reindex`. */
export function adminRoutes(app: ZodApp, { services }: RouteContext): void {
  const tags = ['operations'];
  const status = async () => {
    const { state, detail } = services.gateway.embedderStatus();
    return { ...(await services.backfill.status()), embedder: { state, detail } };
  };

  app.get('/api/v1/admin/reindex', {
    schema: {
      tags,
      summary: 'Progress of embedding: records with a vector of the current model, those still pending, and those the provider refused',
      response: { 200: reindexStatus },
    },
    handler: status,
  });

  app.post('/api/v1/admin/reindex', {
    schema: {
      tags,
      summary: 'Embed now whatever is pending or was embedded by another model (runs in the background); `retryFailed` also retries the records the provider refused',
      body: z
        .strictObject({ retryFailed: z.boolean().default(false).describe('Make every failed record pending again first') })
        .nullish(),
      response: { 202: reindexStatus },
    },
    handler: async (request, reply) => {
      const retried = request.body?.retryFailed ? await services.backfill.retryFailed() : undefined;
      services.backfill.start(); // a no-op when it already runs
      services.backfill.nudge();
      return reply.code(202).send({ ...(await status()), ...(retried === undefined ? {} : { retried }) });
    },
  });
}
