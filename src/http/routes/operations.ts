import { z } from 'zod';
import { VERSION } from '../../version.js';
import type { RouteContext, ZodApp } from './route-context.js';

const componentRecord = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  latencyMs: z.number(),
  detail: z.string(),
});
const detailedReport = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  backends: z.object({ storage: z.string(), cache: z.string(), sessions: z.string() }).describe('Which backend serves each tier'),
  components: z.record(z.string(), componentRecord),
  warnings: z.array(z.string()).optional().describe('Standing warnings about the configuration or how the store serves, e.g. MEMOS_AUTH=off beyond loopback, or vector search without pgvector over a scope too large for it'),
});

const overallReport = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  version: z.string(),
  uptimeSeconds: z.number(),
  reasons: z.array(z.string()).describe('`component: detail` of each component that is not healthy (see /health/detailed); empty when healthy'),
});

/** Service info and health: `/`, `/health`, `/health/live`, `/health/ready`, `/health/detailed`. */
export function operationRoutes(app: ZodApp, { health }: RouteContext): void {
  const tags = ['operations'];

  app.get('/', {
    schema: { tags, summary: 'Service info' },
    handler: () => ({
      name: 'memOS',
      version: VERSION,
      storage: health.backends.storage,
      ...(health.vectorBackend() === undefined ? {} : { vectors: health.vectorBackend() }),
      cache: health.backends.cache,
      sessions: health.backends.sessions,
      api: '/api/v1',
      openapi: '/openapi.json',
      docs: '/docs',
      health: '/health',
    }),
  });

  app.get('/health', {
    schema: { tags, summary: 'Overall health, with the reason of every component that is not healthy', response: { 200: overallReport, 503: overallReport } },
    handler: async (_request, reply) => {
      const report = await health.detailed();
      const reasons = Object.entries(report.components).flatMap(([name, component]) => (component.status === 'healthy' ? [] : [`${name}: ${component.detail}`]));
      return reply.code(report.status === 'unhealthy' ? 503 : 200).send({ status: report.status, version: VERSION, uptimeSeconds: health.uptimeSeconds(), reasons });
    },
  });

  app.get('/health/live', {
    schema: { tags, summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: () => ({ status: 'ok' as const }),
  });

  app.get('/health/ready', {
    schema: {
      tags,
      summary: 'Storage answers (and in embedded mode the data folder takes writes); 503 until it does (Redis being down does not make memOS unready)',
      response: { 200: z.object({ status: z.string(), detail: z.string() }), 503: z.object({ status: z.string(), detail: z.string() }) },
    },
    handler: async (_request, reply) => {
      const { ready, detail } = await health.ready();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', detail });
    },
  });

  app.get('/health/detailed', {
    schema: {
      tags,
      summary: 'Health of each component',
      response: {
        200: detailedReport,
        503: detailedReport,
      },
    },
    handler: async (_request, reply) => {
      const report = await health.detailed();
      return reply.code(report.status === 'unhealthy' ? 503 : 200).send(report);
    },
  });
}
