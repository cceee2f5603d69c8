import { z } from 'zod';
import * as example from '../openapi/examples.js';
import type { RouteContext, ZodApp } from './route-context.js';

const failure = z.object({
  tier: z.enum(['memories', 'episodes']).describe('Where the record lives'),
  namespace: z.string().describe('Its namespace'),
  id: z.string().describe('Its id'),
  attempts: z.number().describe('Times the provider refused the text'),
  error: z.string().describe('Why, as the provider said it (never the text)'),
});
const progress = z.object({
  model: z.string().describe('The model vectors are made with now'),
  dimensions: z.number().describe('Length of its vectors'),
  ready: z.number().describe('Records with a vector of this model'),
  pending: z.number().describe('Records waiting for one: new, or embedded by another model'),
  failed: z.number().describe('Records whose text the provider refused every time: keyword search only, until retried'),
  failures: z.array(failure).optional().describe('Up to 5 failed records, oldest first'),
  total: z.number().describe('Every record that has text to embed'),
});
const reindexStatus = z
  .object({
    running: z.boolean().describe('Whether the backfill is running now'),
    embedded: z.number().describe('Vectors stored by the backfill since start'),
    lastError: z.string().optional().describe('The last error the backfill met, if any'),
    progress: progress.optional().describe('Absent while no embedder is ready'),
    embedder: z
      .object({ state: z.string().describe('disabled, loading, ready or failed'), detail: z.string().describe('The model, or why it is not ready') })
      .describe('The embedder the backfill uses'),
    retried: z.number().optional().describe('Failed records made pending again by this request (`retryFailed`)'),
  })
  .describe('Progress of embedding: what has a vector of the current model, what is pending, what failed')
  .meta({
    examples: [
      {
        running: true,
        embedded: 1200,
        progress: { model: example.MODEL_ID, dimensions: example.DIMENSIONS, ready: 1200, pending: 340, failed: 0, failures: [], total: 1540 },
        embedder: { state: 'ready', detail: `model2vec ${example.MODEL_ID}, ${example.DIMENSIONS} dimensions` },
      },
    ],
  });

/** Operator routes: `/api/v1/admin/reindex`. */
export function adminRoutes(app: ZodApp, { services, schemas }: RouteContext): void {
  const tags = ['operations'];
  const status = async () => {
    const { state, detail } = services.gateway.embedderStatus();
    return { ...(await services.backfill.status()), embedder: { state, detail } };
  };
  schemas.name('ReindexStatus', reindexStatus);

  app.get('/api/v1/admin/reindex', {
    schema: {
      tags,
      operationId: 'getReindex',
      summary: 'Progress of embedding: records with a vector of the current model, those pending, and those the provider refused',
      description:
        'Reports the embedding backfill: whether it runs, how many records have a vector of the current model, how many wait for one (new, or embedded by another model after a model change), and which the provider refused. Needs the `admin` role.',
      response: { 200: reindexStatus },
    },
    handler: status,
  });

  app.post('/api/v1/admin/reindex', {
    schema: {
      tags,
      operationId: 'startReindex',
      summary: 'Embed now whatever is pending or was embedded by another model',
      description:
        'Starts the embedding backfill in the background (a no-op when it runs) and answers 202 with its status at once. `retryFailed: true` first makes every record the provider refused pending again. Search keeps serving meanwhile. Needs the `admin` role.',
      body: schemas.name(
        'ReindexRequest',
        z
          .strictObject({ retryFailed: z.boolean().default(false).describe('Make every failed record pending again first; default false') })
          .nullish()
          .describe('Optional: what to retry')
          .meta({ example: { retryFailed: true } }),
      ),
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
