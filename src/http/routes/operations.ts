import { z } from 'zod';
import { VERSION } from '../../version.js';
import * as example from '../openapi/examples.js';
import type { RouteContext, ZodApp } from './route-context.js';

const status = z.enum(['healthy', 'degraded', 'unhealthy']);
const componentRecord = z.object({
  status: status.describe('healthy, degraded (serving, with less) or unhealthy'),
  latencyMs: z.number().describe('How long its check took, in ms'),
  detail: z.string().describe('What the check found, in words'),
});
const detailedReport = z
  .object({
    status: status.describe('The worst status of any component'),
    backends: z
      .object({
        storage: z.string().describe('sqlite or postgres'),
        cache: z.string().describe('in-process or redis'),
        sessions: z.string().describe('sqlite or redis'),
      })
      .describe('Which backend serves each tier'),
    components: z.record(z.string(), componentRecord).describe('Each component by name: storage, disk, redis, embedder, model …'),
    warnings: z.array(z.string()).optional().describe('Standing warnings about the configuration or how the store serves, e.g. MEMOS_AUTH=off beyond loopback, or vector search without pgvector over a scope too large for it'),
  })
  .describe('Health of each component')
  .meta({
    examples: [
      {
        status: 'healthy',
        backends: { storage: 'sqlite', cache: 'in-process', sessions: 'sqlite' },
        components: {
          storage: { status: 'healthy', latencyMs: 0.08, detail: 'sqlite answers' },
          disk: { status: 'healthy', latencyMs: 0.18, detail: '79431 MiB free in the data folder' },
          embedder: { status: 'healthy', latencyMs: 0, detail: `model2vec ${example.MODEL_ID}, ${example.DIMENSIONS} dimensions` },
        },
      },
    ],
  });

const overallReport = z
  .object({
    status: status.describe('healthy, degraded (serving, with less) or unhealthy (503)'),
    version: z.string().describe('The memOS version'),
    uptimeSeconds: z.number().describe('Seconds since the process started'),
    reasons: z.array(z.string()).describe('`component: detail` of each component that is not healthy (see /health/detailed); empty when healthy'),
  })
  .describe('Overall health')
  .meta({ examples: [{ status: 'degraded', version: VERSION, uptimeSeconds: 86_400, reasons: ['redis: connection refused; caches bypassed'] }] });

const readiness = z
  .object({ status: z.string().describe('ready or not_ready'), detail: z.string().describe('What storage answered') })
  .describe('Whether memOS can serve')
  .meta({ examples: [{ status: 'ready', detail: 'sqlite answers' }] });

const serviceInfo = z
  .object({
    name: z.literal('memOS').describe('Always `memOS`'),
    version: z.string().describe('The memOS version'),
    storage: z.string().describe('sqlite or postgres'),
    vectors: z.string().optional().describe('How vectors are searched, when storage says so (e.g. pgvector)'),
    cache: z.string().describe('in-process or redis'),
    sessions: z.string().describe('sqlite or redis'),
    api: z.string().describe('The base path of the API'),
    openapi: z.string().describe('Where this document is'),
    docs: z.string().describe('Where the interactive docs are'),
    health: z.string().describe('Where health is reported'),
    mcp: z.string().describe('Where MCP is served over streamable HTTP, with the same API keys (docs/mcp.md)'),
  })
  .describe('What this server is and where to find the rest')
  .meta({
    examples: [
      { name: 'memOS', version: VERSION, storage: 'sqlite', cache: 'in-process', sessions: 'sqlite', api: '/api/v1', openapi: '/openapi.json', docs: '/docs', health: '/health', mcp: '/mcp' },
    ],
  });

/** Service info and health: `/`, `/health`, `/health/live`, `/health/ready`, `/health/detailed`. */
export function operationRoutes(app: ZodApp, { health, schemas }: RouteContext): void {
  const tags = ['operations'];

  app.get('/', {
    schema: {
      tags,
      operationId: 'getServiceInfo',
      summary: 'Service info',
      description: 'Names the server, its version and backends, and where the API, this document, the docs, health and MCP are. Public: needs no key.',
      response: { 200: schemas.name('ServiceInfo', serviceInfo) },
    },
    handler: () => ({
      name: 'memOS' as const,
      version: VERSION,
      storage: health.backends.storage,
      ...(health.vectorBackend() === undefined ? {} : { vectors: health.vectorBackend() }),
      cache: health.backends.cache,
      sessions: health.backends.sessions,
      api: '/api/v1',
      openapi: '/openapi.json',
      docs: '/docs',
      health: '/health',
      mcp: '/mcp',
    }),
  });

  app.get('/health', {
    schema: {
      tags,
      operationId: 'getHealth',
      summary: 'Overall health, with the reason of every component that is not healthy',
      description: 'Answers 200 while memOS is healthy or degraded (serving, e.g. without Redis, whose caches are then bypassed), 503 when unhealthy, with the reason of each component that is not healthy. Needs the `read` role.',
      response: { 200: schemas.name('Health', overallReport), 503: overallReport },
    },
    handler: async (_request, reply) => {
      const report = await health.detailed();
      const reasons = Object.entries(report.components).flatMap(([name, component]) => (component.status === 'healthy' ? [] : [`${name}: ${component.detail}`]));
      return reply.code(report.status === 'unhealthy' ? 503 : 200).send({ status: report.status, version: VERSION, uptimeSeconds: health.uptimeSeconds(), reasons });
    },
  });

  app.get('/health/live', {
    schema: {
      tags,
      operationId: 'getLiveness',
      summary: 'The process is up',
      description: 'Answers 200 while the process runs, whatever its backends do: for a liveness probe. Public: needs no key.',
      response: {
        200: schemas.name('Liveness', z.object({ status: z.literal('ok').describe('Always `ok`') }).describe('The process is up').meta({ examples: [{ status: 'ok' }] })),
      },
    },
    handler: () => ({ status: 'ok' as const }),
  });

  app.get('/health/ready', {
    schema: {
      tags,
      operationId: 'getReadiness',
      summary: 'Storage answers; 503 until it does',
      description:
        'Answers 200 once storage answers (and in embedded mode the data folder takes writes), 503 until then: for a readiness probe. Redis being down does not make memOS unready. Public: needs no key.',
      response: { 200: schemas.name('Readiness', readiness), 503: readiness },
    },
    handler: async (_request, reply) => {
      const { ready, detail } = await health.ready();
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', detail });
    },
  });

  app.get('/health/detailed', {
    schema: {
      tags,
      operationId: 'getHealthDetailed',
      summary: 'Health of each component',
      description: 'Reports each component (storage, disk, Redis, embedder, model …) with its status, check latency and detail, the backend of each tier, and standing warnings. 503 when unhealthy. Needs the `read` role.',
      response: {
        200: schemas.name('HealthDetailed', detailedReport),
        503: detailedReport,
      },
    },
    handler: async (_request, reply) => {
      const report = await health.detailed();
      return reply.code(report.status === 'unhealthy' ? 503 : 200).send(report);
    },
  });
}
