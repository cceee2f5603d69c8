import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Label values of `tier` on store metrics: one per port, named after the memory tier it serves. */
export type StoreTier = 'short_term' | 'episodic' | 'semantic' | 'vector';

/** How one call to the embedder ended, as operators tell outages apart. */
export type EmbeddingOutcome = 'ok' | 'error' | 'timeout' | 'circuit_open';

/** Seconds; HTTP answers range from sub-millisecond cache hits to multi-second batch writes. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds; an in-process SQLite read takes microseconds, a PostgreSQL write a few milliseconds. */
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Seconds; a local model embeds in milliseconds, a remote server may take its full timeout. */
const EMBEDDING_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

let processRegistry: Registry | undefined;

/**
 * Process and Node.js metrics, once per process: they describe the process, not an instance, and
 * each collection installs observers (GC, event-loop delay) that nothing can remove later.
 */
function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The instruments memOS records into as it works, on a registry of its own: several instances in
 * one process (tests, the benchmark) must never share series, so the global registry is not used.
 * Gauges read at scrape time are added by `registerServiceGauges` (service-gauges.ts).
 */
export function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  const processWide = processMetrics();

  return {
    registry,
    contentType: registry.contentType,
    /** The text a scrape gets: this instance's series, then the process's. */
    exposition: async () => `${await registry.metrics()}\n${await processWide.metrics()}`,
    http: {
      requests: new Counter({
        name: 'memos_http_requests_total',
        help: 'HTTP requests answered, by route template, method and status',
        labelNames: ['route', 'method', 'status'] as const,
        registers,
      }),
      duration: new Histogram({
        name: 'memos_http_request_duration_seconds',
        help: 'Time to answer an HTTP request, by route template, method and status',
        labelNames: ['route', 'method', 'status'] as const,
        buckets: HTTP_BUCKETS,
        registers,
      }),
    },
    cache: {
      hits: new Counter({ name: 'memos_cache_hits_total', help: 'Cache keys found, by cache', labelNames: ['cache'] as const, registers }),
      misses: new Counter({ name: 'memos_cache_misses_total', help: 'Cache keys not found, by cache', labelNames: ['cache'] as const, registers }),
    },
    store: {
      duration: new Histogram({
        name: 'memos_store_operation_duration_seconds',
        help: 'Time of one store call, by tier, operation and backend',
        labelNames: ['tier', 'operation', 'backend'] as const,
        buckets: STORE_BUCKETS,
        registers,
      }),
      errors: new Counter({
        name: 'memos_store_errors_total',
        help: 'Store calls that failed, by tier, operation and backend',
        labelNames: ['tier', 'operation', 'backend'] as const,
        registers,
      }),
    },
    embedding: {
      requests: new Counter({
        name: 'memos_embedding_requests_total',
        help: 'Calls to the embedder below the cache (batching and retries included), by provider and outcome',
        labelNames: ['provider', 'outcome'] as const,
        registers,
      }),
      duration: new Histogram({
        name: 'memos_embedding_request_duration_seconds',
        help: 'Time of one call to the embedder below the cache, by provider and outcome',
        labelNames: ['provider', 'outcome'] as const,
        buckets: EMBEDDING_BUCKETS,
        registers,
      }),
      texts: new Counter({
        name: 'memos_embedding_texts_total',
        help: 'Texts sent to the embedder (cache misses), by provider',
        labelNames: ['provider'] as const,
        registers,
      }),
    },
    retention: {
      removed: new Counter({
        name: 'memos_retention_removed_total',
        help: 'Records the retention sweep removed, by tier and reason (max_age: past its rule; expired: past its expiresAt)',
        labelNames: ['tier', 'reason'] as const,
        registers,
      }),
      lastSweep: new Gauge({
        name: 'memos_retention_last_sweep_timestamp_seconds',
        help: 'When the last retention sweep of this process ended (Unix seconds); 0 before the first',
        registers,
      }),
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
