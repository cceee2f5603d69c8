import type { Tracer } from '@opentelemetry/api';
import type { Config } from '../config/schema.js';
import { createMetrics, type Metrics } from './metrics.js';
import { createTracing } from './tracing.js';

/** What the instrumentation wrappers record into; either may be off. */
export interface Telemetry {
  metrics: Metrics | undefined;
  tracer: Tracer | undefined;
}

export interface TelemetryRuntime extends Telemetry {
  /** Flushes buffered spans. */
  close(): Promise<void>;
}

/** Where a failed last export is reported; pino-compatible. */
export interface TelemetryLogger {
  warn(details: object, message: string): void;
}

/**
 * Metrics unless `metrics.enabled` is false; tracing only when an OTLP endpoint is configured.
 * A collector that is down never fails memOS: spans it cannot take are dropped, and closing logs
 * the failed last export instead of failing the shutdown.
 */
export function createTelemetry(config: Pick<Config, 'metrics' | 'tracing'>, logger?: TelemetryLogger): TelemetryRuntime {
  const metrics = config.metrics.enabled ? createMetrics() : undefined;
  const { endpoint, serviceName } = config.tracing;
  const tracing = endpoint === undefined ? undefined : createTracing({ endpoint, serviceName });
  return {
    metrics,
    tracer: tracing?.tracer,
    close: async () => {
      await tracing?.shutdown().catch((error: unknown) => logger?.warn({ err: error }, 'tracing: the last spans could not be exported'));
    },
  };
}

/** Whether anything records: when nothing does, the stores and caches are left unwrapped. */
export const isRecording = (telemetry: Telemetry) => telemetry.metrics !== undefined || telemetry.tracer !== undefined;
