import swagger from '@fastify/swagger';
import { installAccess } from '../auth/access-hook.js';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { Services } from '../memory/services.js';
import type { HealthService } from '../observability/health.js';
import { collapseRepeatedLogs } from '../observability/repeated-logs.js';
import { createRecentRequests } from '../observability/recent-requests.js';
import type { Telemetry } from '../observability/telemetry.js';
import { VERSION } from '../version.js';
import { installAuditLog } from './audit-hook.js';
import { fallbackBodyLimit, installBodyLimits, payloadTooLarge } from './body-limits.js';
import { connectionOptions } from './connection-options.js';
import { installCors } from './cors.js';
import { installHostGuard } from './host-guard.js';
import { bodyDepthLimit, installJsonBodyParser } from './json-body.js';
import { sendProblem, toMemosError } from './problem.js';
import { installRouteNotFound } from './method-not-allowed.js';
import { installNamespaces } from './namespace.js';
import { installRateLimits } from './rate-limits.js';
import { requestIdOf } from './request-id.js';
import { installRequestTelemetry, namespaceOf, routeOf } from './request-telemetry.js';
import { adminRoutes } from './routes/admin.js';
import { auditRoutes } from './routes/audit.js';
import { cacheRoutes } from './routes/cache.js';
import { contextRoutes } from './routes/context.js';
import { keyRoutes } from './routes/keys.js';
import { mcpRoutes } from './routes/mcp.js';
import { embeddingRoutes } from './routes/embeddings.js';
import { episodeRoutes } from './routes/episodes.js';
import { erasureRoutes } from './routes/erasure.js';
import { inspectRoutes } from './routes/inspect.js';
import { memoryRoutes } from './routes/memories.js';
import { memoryTruthRoutes } from './routes/memory-truth.js';
import { metricsRoutes } from './routes/metrics.js';
import { modelRoutes } from './routes/models.js';
import { recentRequestRoutes } from './routes/recent-requests.js';
import { operationRoutes } from './routes/operations.js';
import type { RouteContext } from './routes/route-context.js';
import { searchRoutes } from './routes/search.js';
import { sessionRoutes } from './routes/sessions.js';
import { transferRoutes } from './routes/transfer.js';
import { callerRoutes } from './routes/caller.js';
import { docsPageOptions } from './openapi/docs-page.js';
import { documentOptions } from './openapi/document.js';
import { createSchemaNames } from './openapi/schema-names.js';
import { fieldSchemas, NAMED_RECORDS } from './schemas.js';
import { installTextGuard } from './text-guard.js';
import { uiRoutes } from './ui.js';

export interface AppOptions {
  config: Config;
  services: Services;
  health: HealthService;
  logger: Logger;
  telemetry: Telemetry;
}

/** Builds the HTTP app: routes, schemas, OpenAPI, problem+json errors, metrics, spans and one log line per request. */
export async function createHttpApp({ config, services, health, logger, telemetry }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One log line per request comes from the onResponse hook below, not Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Each route gets its own limit (installBodyLimits); this one is for unknown routes.
    bodyLimit: fallbackBodyLimit(config.limits).bytes,
    requestIdHeader: false,
    genReqId: requestIdOf,
    ...connectionOptions(config.server),
    return503OnClosing: true,
    // Ids may be 128 characters; a longer one should fail validation by name, not with 414.
    routerOptions: { maxParamLength: 512 },
    // A path the router cannot decode (bad percent-encoding, invalid UTF-8) answers problem+json too.
    frameworkErrors: (error, _request, reply) => sendProblem(reply, toMemosError(error)),
  }).withTypeProvider<ZodTypeProvider>();

  app.server.maxConnections = config.server.maxConnections;
  const bodyLimitOf = installBodyLimits(app, config.limits);
  installHostGuard(app, config.server);

  // memOS speaks JSON only: anything else is 415, not a string body.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app, bodyDepthLimit(config.limits.metadataDepth));

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  // During an outage every request fails alike: the first failure of a code is logged in full, then one line per code per 10 s counts the rest.
  const failures = collapseRepeatedLogs();
  app.addHook('onClose', async () => failures.flush());
  app.setErrorHandler((error, request, reply) => {
    const memosError = (error as { code?: unknown }).code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? payloadTooLarge(request, bodyLimitOf(request)) : toMemosError(error);
    const { code } = memosError;
    if (code === 'E_INTERNAL' || code === 'E_STORAGE_UNAVAILABLE') {
      failures.log(
        code,
        () => request.log.error({ err: memosError, code }, 'request failed'),
        (repeated, seconds) => logger.error({ err: memosError, code, repeated, seconds }, 'request failed'),
      );
    }
    return sendProblem(reply, memosError);
  });
  installRouteNotFound(app);

  // Hooks on every request take a callback rather than returning a promise: one less promise and microtask each.
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  // Kept whether or not Prometheus metrics are on: the web UI's operations view charts it.
  const recentRequests = createRecentRequests();
  installRequestTelemetry(app, telemetry, recentRequests);
  // After the error and not-found handlers (its preflight route uses them), before the access
  // hook: CORS answers preflights, which browsers send without a key.
  await installCors(app, config.server);
  installTextGuard(app);
  installNamespaces(app);
  installAccess(app, { config, keys: services.keys });
  // After the access hook (which sets request.principal) and before the routes: every route then
  // checks its limit after all the app's onRequest hooks.
  await installRateLimits(app, { config, logger });
  // Wraps handlers (so before any route), and reads the principal the access hook set.
  installAuditLog(app, { audit: services.audit, reads: config.audit.reads });
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    // A scraper calls every few seconds: its lines would drown the others at info.
    const level = route === '/metrics' ? 'debug' : 'info';
    request.log[level](
      { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100, namespace: namespaceOf(request) },
      'request',
    );
    done();
  });

  // Named component schemas (`#/components/schemas/Memory`, …) of this app's document.
  const schemaNames = createSchemaNames();
  for (const [name, schema] of Object.entries(NAMED_RECORDS)) schemaNames.name(name, schema);
  await app.register(swagger, documentOptions({ schemas: schemaNames, version: VERSION }));
  await app.register(swaggerUi, docsPageOptions());

  const context: RouteContext = { config, services, health, fields: fieldSchemas(config.limits), schemas: schemaNames };
  operationRoutes(app, context);
  sessionRoutes(app, context);
  episodeRoutes(app, context);
  memoryRoutes(app, context);
  memoryTruthRoutes(app, context);
  searchRoutes(app, context);
  contextRoutes(app, context);
  embeddingRoutes(app, context);
  modelRoutes(app, context);
  adminRoutes(app, context);
  keyRoutes(app, context);
  callerRoutes(app, context);
  auditRoutes(app, context);
  cacheRoutes(app, context);
  erasureRoutes(app, context);
  inspectRoutes(app, context);
  transferRoutes(app, context);
  mcpRoutes(app, context);
  uiRoutes(app);
  if (telemetry.metrics !== undefined) metricsRoutes(app, telemetry.metrics);
  recentRequestRoutes(app, context, recentRequests);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());

  await app.ready();
  return app;
}
