import { z } from 'zod';
import { VERSION } from '../../version.js';
import type { RouteContext, ZodApp } from './route-context.js';

const componentRecord = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  latencyMs: z.number(),
  detail: z.string(),
});

/** Service info and health: `/`, `/health`, `/health/live`, `/health/ready`, `/health/detailed`. */
export function operationRoutes(app: ZodApp, { health, config }: RouteContext): void {
  const tags = ['operations'];

  app.get('/', {
    schema: { tags, summary: 'Service info' },
    handler: () => ({
      name: 'memOS',
      version: VERSION,
      storage: config.storage.driver,
      api: '/api/v1',
      openapi: '/openapi.json',
      docs: '/docs',
      health: '/health',
    }),
  });

  app.get('/health', {
    schema: { tags, summary: 'Overall health', response: { 200: z.object({ status: z.string(), version: z.string(), uptimeSeconds: z.number() }), 503: z.object({ status: z.string(), version: z.string(), uptimeSeconds: z.number() }) } },
    handler: async (_request, reply) => {
      const report = await health.detailed();
      return reply.code(report.status === 'unhealthy' ? 503 : 200).send({ status: report.status, version: VERSION, uptimeSeconds: health.uptimeSeconds() });
    },
  });

  app.get('/health/live', {
    schema: { tags, summary: 'The process is up', response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: () => ({ status: 'ok' as const }),
  });

  app.get('/health/ready', {
    schema: { tags, summary: 'Storage answers; 503 until it does', response: { 200: z.object({ status: z.string(), detail: z.string() }), 503: z.object({ status: z.string(), detail: z.string() }) } },
    handler: async (_request, reply) => {
      const storage = await health.storage();
      const ready = storage.status !== 'unhealthy';
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', detail: storage.detail });
    },
  });

  app.get('/health/detailed', {
    schema: {
      tags,
      summary: 'Health of each component',
      response: {
        200: z.object({ status: z.enum(['healthy', 'degraded', 'unhealthy']), components: z.record(z.string(), componentRecord) }),
        503: z.object({ status: z.enum(['healthy', 'degraded', 'unhealthy']), components: z.record(z.string(), componentRecord) }),
      },
    },
    handler: async (_request, reply) => {
      const report = await health.detailed();
      return reply.code(report.status === 'unhealthy' ? 503 : 200).send(report);
    },
  });
}
