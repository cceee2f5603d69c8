import type { Registry } from 'prom-client';
import type { ZodApp } from './route-context.js';

/** `GET /metrics`: every series of this instance in the Prometheus text format. */
export function metricsRoutes(app: ZodApp, registry: Registry): void {
  app.get('/metrics', {
    schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' },
    handler: async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  });
}
