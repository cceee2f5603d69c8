import { z } from 'zod';
import type { RouteContext, ZodApp } from './route-context.js';

const progress = z.object({ model: z.string(), dimensions: z.number(), ready: z.number(), pending: z.number(), total: z.number() });
const reindexStatus = z.object({
  running: z.boolean(),
  embedded: z.number().describe('Vectors stored by the backfill since start'),
  lastError: z.string().optional(),
  progress: progress.optional().describe('Absent while no embedder is ready'),
  embedder: z.object({ state: z.string(), detail: z.string() }),
});

/** Operator routes: `/api/v1/admin/reindex`. */
export function adminRoutes(app: ZodApp, { services }: RouteContext): void {
  const tags = ['operations'];
  const status = async () => {
    const { state, detail } = services.gateway.embedderStatus();
    return { ...(await services.backfill.status()), embedder: { state, detail } };
  };

  app.get('/api/v1/admin/reindex', {
    schema: { tags, summary: 'Progress of embedding: records with a vector of the current model, and those still pending', response: { 200: reindexStatus } },
    handler: status,
  });

  app.post('/api/v1/admin/reindex', {
    schema: {
      tags,
      summary: 'Embed now whatever is pending or was embedded by another model (runs in the background)',
      response: { 202: reindexStatus },
    },
    handler: async (_request, reply) => {
      services.backfill.start(); // a no-op when it already runs
      services.backfill.nudge();
      return reply.code(202).send(await status());
    },
  });
}
