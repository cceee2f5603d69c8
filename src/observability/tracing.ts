import { context, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { isMemosError } from '../core/errors.js';
import { VERSION } from '../version.js';
import type { StoreTier } from './metrics.js';

/**
 * Every span memOS makes. The HTTP server span is `METHOD /route/template`; the others are
 * children of the span active when they start.
 */
export type SpanName =
  | `${string} /${string}`
  | 'memos.search'
  | 'memos.context'
  | 'memos.memories.upsert'
  | 'memos.memories.update'
  | 'memos.episodes.append'
  | 'memos.sessions.put'
  | 'memos.sessions.append'
  | `store ${StoreTier}.${string}`
  | `cache ${string} ${'get' | 'set'}`
  | `embed ${string}`;

export interface TracingOptions {
  /** The OTLP/HTTP base URL; spans go to `${endpoint}/v1/traces`. */
  endpoint: string;
  serviceName: string;
}

export interface Tracing {
  tracer: Tracer;
  /** Sends the spans still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * A tracer provider of this memOS instance, exporting OTLP/HTTP JSON. The provider is not made the
 * global one, so that instances in one process keep their spans apart; only the context manager
 * is global (parents are found through AsyncLocalStorage), installed by the first instance.
 */
export function createTracing({ endpoint, serviceName }: TracingOptions): Tracing {
  installContextManager();
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: VERSION }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, '')}/v1/traces` }))],
  });
  return { tracer: provider.getTracer('memos', VERSION), shutdown: () => provider.shutdown() };
}

let contextManagerInstalled = false;

function installContextManager(): void {
  if (contextManagerInstalled) return;
  // False when another library installed one first; spans then use that one.
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  contextManagerInstalled = true;
}

/**
 * Runs `work` in a span that is a child of the active one. Without a tracer, or outside any traced
 * request (background backfill and sweeps), it just runs `work`: those would otherwise each start
 * a trace of their own every few seconds. A failure marks the span with its error code only, since
 * messages of non-memOS errors may quote what they were given.
 */
export function inChildSpan<T>(tracer: Tracer | undefined, name: SpanName, attributes: Attributes, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (tracer === undefined || trace.getSpan(context.active()) === undefined) return work(undefined);
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: isMemosError(error) ? error.code : 'error' });
      throw error;
    } finally {
      span.end();
    }
  });
}
