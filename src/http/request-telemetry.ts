import { context, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { RecentRequests } from '../observability/recent-requests.js';
import type { Telemetry } from '../observability/telemetry.js';

/** The `route` label of a request: its route template, never the raw path, so that series stay few. */
export const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unmatched';

/** The namespace a request works in, as namespace.ts resolved it; undefined on routes without one, or before it was resolved. */
export function namespaceOf(request: FastifyRequest): string | undefined {
  return request.namespace;
}

const propagator = new W3CTraceContextPropagator();

/**
 * Routes left out of the recent-requests ring: a scraper, the operations view's own polling and
 * the UI's pages and files would drown the traffic operators want to see there.
 */
const UNCOUNTED_RECENTLY = new Set(['/metrics', '/metrics/recent', '/ui', '/ui/*']);

/**
 * Counts and times every request by route template, method and status, and gives each a server
 * span (continuing the caller's trace when it sends `traceparent`). The span is made active around
 * the route handler, which is where services, stores, caches and the embedder are called, so
 * their spans become its children. Also feeds `recent` (GET /metrics/recent), which records
 * whether or not Prometheus metrics are on. Must be installed before any route is added.
 */
export function installRequestTelemetry(app: FastifyInstance, { metrics, tracer }: Telemetry, recent?: RecentRequests): void {
  const spans = new WeakMap<FastifyRequest, Span>();

  if (tracer !== undefined) {
    app.addHook('onRequest', async (request) => {
      const route = routeOf(request);
      const parent = propagator.extract(ROOT_CONTEXT, request.headers, defaultTextMapGetter);
      const attributes = { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: route };
      spans.set(request, tracer.startSpan(`${request.method} ${route}`, { kind: SpanKind.SERVER, attributes }, parent));
    });
    app.addHook('onRoute', (route) => {
      const handler = route.handler as (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) => unknown;
      route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
        const span = spans.get(request);
        return span === undefined ? handler.call(this, request, reply) : context.with(trace.setSpan(ROOT_CONTEXT, span), handler, this, request, reply);
      } as RouteHandlerMethod;
    });
    app.addHook('onRequestAbort', async (request) => {
      spans.get(request)?.setStatus({ code: SpanStatusCode.ERROR, message: 'aborted' }).end();
    });
  }

  // A callback hook, not an async one: no promise per request.
  app.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    const labels = { route, method: request.method, status: String(reply.statusCode) };
    metrics?.http.requests.inc(labels);
    if (recent !== undefined && !UNCOUNTED_RECENTLY.has(route)) recent.record(reply.statusCode, reply.elapsedTime);
    metrics?.http.duration.observe(labels, reply.elapsedTime / 1000);
    const span = spans.get(request);
    if (span !== undefined) {
      const namespace = namespaceOf(request);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
      if (namespace !== undefined) span.setAttribute('memos.namespace', namespace);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}
