import { z } from 'zod';
import type { Metrics } from '../../observability/metrics.js';
import type { ZodApp } from './route-context.js';

/** `GET /metrics`: every series of this instance, and of the process, in the Prometheus text format. */
export function metricsRoutes(app: ZodApp, metrics: Metrics): void {
  app.get('/metrics', {
    schema: {
      tags: ['operations'],
      operationId: 'getMetrics',
      summary: 'Prometheus metrics (text exposition format)',
      description:
        'Every series of this instance and of its process in the Prometheus text format: requests by route and status with latency, cache hits and misses, store and embedding latency, records per tier, component health. Needs the `read` role, unless `metrics.public` is on.',
      produces: ['text/plain'],
      response: {
        200: {
          description: 'The Prometheus text exposition format',
          content: {
            'text/plain': {
              schema: z
                .string()
                .describe('Prometheus text exposition format, version 0.0.4')
                .meta({ examples: ['# HELP memos_http_requests_total HTTP requests by route, method and status\n# TYPE memos_http_requests_total counter\nmemos_http_requests_total{method="POST",route="/api/v1/search",status="200"} 42\n'] }),
            },
          },
        },
      },
    },
    handler: async (_request, reply) => reply.type(metrics.contentType).send(await metrics.exposition()),
  });
}
