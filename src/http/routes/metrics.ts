import type { Metrics } from '../../observability/metrics.js';
import type { ZodApp } from './route-context.js';

/** `GET /metrics`: every series of this instance, and of the process, in the Prometheus text format. */
export function metricsRoutes(app: ZodApp, metrics: Metrics): void {
  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' },
    handler: async (_request, reply) => reply.type(metrics.contentType).send(await metrics.exposition()),
  });
}
