import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import { MemosError } from '../core/errors.js';
import type { Services } from '../memory/services.js';
import type { HealthService } from '../observability/health.js';
import type { Telemetry } from '../observability/telemetry.js';
import { VERSION } from '../version.js';
import { bodyDepthLimit, installJsonBodyParser } from './json-body.js';
import { sendProblem, toMemosError } from './problem.js';
import { installRequestTelemetry, namespaceOf, routeOf } from './request-telemetry.js';
import { adminRoutes } from './routes/admin.js';
import { cacheRoutes } from './routes/cache.js';
import { contextRoutes } from './routes/context.js';
import { embeddingRoutes } from './routes/embeddings.js';
import { episodeRoutes } from './routes/episodes.js';
import { memoryRoutes } from './routes/memories.js';
import { metricsRoutes } from './routes/metrics.js';
import { operationRoutes } from './routes/operations.js';
import type { RouteContext } from './routes/route-context.js';
import { searchRoutes } from './routes/search.js';
import { sessionRoutes } from './routes/sessions.js';
import { fieldSchemas } from './schemas.js';
import { installTextGuard } from './text-guard.js';

export interface AppOptions {
  config: Config;
  services: Services;
  health: HealthService;
  logger: Logger;
  telemetry: Telemetry;
}

/** The largest body a valid request can have: a full batch of items at the size limits, plus room for JSON. */
function bodyLimit(limits: Config['limits']): number {
  const perItem = limits.contentBytes * 3 + limits.metadataBytes + 1024;
  return Math.max(1024 * 1024, limits.batchItems * perItem + limits.stateBytes + 64 * 1024);
}

/** Builds the HTTP app: routes, schemas, OpenAPI, problem+json errors, metrics, spans and one log line per request. */
export async function createHttpApp({ config, services, health, logger, telemetry }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per request comes from the onResponse hook below, not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: bodyLimit(config.limits),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    // Ids may be 128 characters; a longer one should fail validation by name, not with 414.
    routerOptions: { maxParamLength: 512 },
    // A path the router cannot decode (bad percent-encoding, invalid UTF-8) answers problem+json too.
    frameworkErrors: (error, _request, reply) => sendProblem(reply, toMemosError(error)),
  }).withTypeProvider<ZodTypeProvider>();

  // memOS speaks JSON only: anything else is 415, not a string body.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app, bodyDepthLimit(config.limits.metadataDepth));

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((error, request, reply) => {
    const memosError = toMemosError(error);
    if (memosError.code === 'E_INTERNAL' || memosError.code === 'E_STORAGE_UNAVAILABLE') {
      request.log.error({ err: memosError, code: memosError.code }, 'request failed');
    }
    return sendProblem(reply, memosError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, new MemosError('E_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  installRequestTelemetry(app, telemetry);
  installTextGuard(app);
  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    // A scraper calls every few seconds: its lines would drown the others at info.
    const level = route === '/metrics' ? 'debug' : 'info';
    request.log[level](
      { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, namespace: namespaceOf(request) },
      'request',
    );
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'memOS', version: VERSION, description: 'Memory server for AI agents: sessions, episodes, memories and recall.' },
      tags: [
        { name: 'sessions', description: 'Short-term memory' },
        { name: 'episodes', description: 'Episodic memory' },
        { name: 'memories', description: 'Semantic memory' },
        { name: 'recall', description: 'Search and context bundles' },
        { name: 'embeddings', description: 'Embedding gateway, OpenAI-compatible, cached' },
        { name: 'operations', description: 'Service info and health' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  const context: RouteContext = { config, services, health, fields: fieldSchemas(config.limits) };
  operationRoutes(app, context);
  sessionRoutes(app, context);
  episodeRoutes(app, context);
  memoryRoutes(app, context);
  searchRoutes(app, context);
  contextRoutes(app, context);
  embeddingRoutes(app, context);
  adminRoutes(app, context);
  cacheRoutes(app, context);
  if (telemetry.metrics !== undefined) metricsRoutes(app, telemetry.metrics);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  await app.ready();
  return app;
}
