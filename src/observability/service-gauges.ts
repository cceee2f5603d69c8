import { statfs } from 'node:fs/promises';
import { Counter, Gauge } from 'prom-client';
import { CACHE_CLASSES } from '../cache/cache-admin.js';
import type { Cache, CacheUsage, RecordCounts, Storage, VectorIndexUsage } from '../core/ports.js';
import type { EmbeddingRuntime } from '../embeddings/embedding-runtime.js';
import { VERSION } from '../version.js';
import type { ComponentStatus, HealthReport, HealthService } from './health.js';
import { freshFor } from './fresh-for.js';
import type { Metrics } from './metrics.js';

export interface ServiceGaugeSources {
  health: HealthService;
  /** Unwrapped, so that scrapes do not show up as store calls and cache lookups. */
  storage: Storage;
  cache: Cache;
  embeddings: EmbeddingRuntime;
  dataDir: string;
  /** Live sessions when they live apart from `storage` (in Redis); without it, `storage.countRecords()` counts them. */
  countSessions?: () => Promise<number>;
}

/** Counts and usage walk tables and keys: a scrape every few seconds reads them at most this often. */
const SLOW_READ_MS = 15_000;
/**
 * Cache usage on Redis SCANs every key and asks each one's MEMORY USAGE, which is heavy on a large
 * shared Redis with several replicas scraped: it is read at most this often there.
 */
const REDIS_USAGE_MS = 300_000;
/** Health pings the stores and Redis; a few seconds old is fresh enough for a gauge. */
const HEALTH_MS = 5_000;

const HEALTH_VALUE: Record<ComponentStatus, number> = { healthy: 1, degraded: 0.5, unhealthy: 0 };
const CIRCUIT_VALUE = { closed: 0, half_open: 1, open: 2 } as const;
const RECORD_TIERS = [
  ['short_term', 'sessions'],
  ['episodic', 'episodes'],
  ['semantic', 'memories'],
] as const satisfies ReadonlyArray<readonly [string, keyof RecordCounts]>;

/**
 * Gauges (and the eviction counter) read when Prometheus scrapes, from what memOS already keeps:
 * health, record counts, cache usage, the embedder's circuit and backlog, free disk, build info.
 * A source that fails leaves its gauge without series rather than failing the scrape.
 */
export function registerServiceGauges(metrics: Metrics, { health, storage, cache, embeddings, dataDir, countSessions }: ServiceGaugeSources): void {
  const registers = [metrics.registry];
  const report = freshFor(HEALTH_MS, () => health.detailed());
  const counts = freshFor(SLOW_READ_MS, async (): Promise<RecordCounts> => {
    const durable = (await storage.countRecords?.()) ?? {};
    if (countSessions === undefined) return durable;
    // The durable store's own session table is unused: sessions live elsewhere.
    const { sessions: _unused, ...rest } = durable;
    return { ...rest, sessions: await countSessions() };
  });
  const usage = freshFor(cache.backend === 'redis' ? REDIS_USAGE_MS : SLOW_READ_MS, () => Promise.all(CACHE_CLASSES.map((cacheClass) => cache.usage({ cache: cacheClass }))));
  const backlog = freshFor(SLOW_READ_MS, async () => {
    const { model, dimensions } = embeddings;
    if (embeddings.status().state !== 'ready' || dimensions === 0) return undefined;
    return storage.vectors.progress({ model, dimensions });
  });

  new Gauge({
    name: 'memos_build_info',
    help: 'Always 1; the labels say which memOS and Node.js run',
    labelNames: ['version', 'node'] as const,
    registers,
  }).set({ version: VERSION, node: process.version }, 1);

  new Gauge({
    name: 'memos_component_health',
    help: 'Health of each component: 1 healthy, 0.5 degraded, 0 unhealthy',
    labelNames: ['component'] as const,
    registers,
    async collect() {
      this.reset();
      const found = await report().catch(() => undefined);
      for (const [component, { status }] of Object.entries(found?.components ?? {})) this.set({ component }, HEALTH_VALUE[status]);
    },
  });

  new Gauge({
    name: 'memos_ready',
    help: '1 when memOS is ready to serve (its storage answers, and in embedded mode the data folder takes writes), else 0',
    registers,
    async collect() {
      this.set(isReady(await report().catch(() => undefined)) ? 1 : 0);
    },
  });

  new Gauge({
    name: 'memos_data_dir_free_bytes',
    help: 'Bytes free to memOS on the data folder’s file system',
    registers,
    async collect() {
      this.reset();
      const stats = await statfs(dataDir).catch(() => undefined);
      if (stats !== undefined) this.set(stats.bavail * stats.bsize);
    },
  });

  new Gauge({
    name: 'memos_records',
    help: 'Live records per tier (counted at most every 15 s)',
    labelNames: ['tier'] as const,
    registers,
    async collect() {
      this.reset();
      const found = await counts().catch(() => ({}) as RecordCounts);
      for (const [tier, field] of RECORD_TIERS) {
        const value = found[field];
        if (value !== undefined) this.set({ tier }, value);
      }
    },
  });

  new Gauge({
    name: 'memos_cache_entries',
    help: 'Entries held per cache (read at most every 15 s; every 5 min on Redis)',
    labelNames: ['cache'] as const,
    registers,
    async collect() {
      this.reset();
      const found = await usage().catch(() => undefined);
      found?.forEach((classUsage, index) => this.set({ cache: CACHE_CLASSES[index]! }, classUsage.entries));
    },
  });

  const evicted = new Map<string, number>();
  new Counter({
    name: 'memos_cache_evictions_total',
    help: 'Entries evicted per cache to stay within its size (the in-process cache; Redis does not say which keys it evicted)',
    labelNames: ['cache'] as const,
    registers,
    async collect() {
      const found: CacheUsage[] | undefined = await usage().catch(() => undefined);
      found?.forEach(({ evictions }, index) => {
        // The cache keeps a running total; the counter moves by what was added since the last scrape.
        const cacheClass = CACHE_CLASSES[index]!;
        const before = evicted.get(cacheClass) ?? 0;
        this.inc({ cache: cacheClass }, Math.max(0, evictions - before));
        evicted.set(cacheClass, Math.max(evictions, before));
      });
    },
  });

  if (storage.vectorIndexUsage !== undefined) registerVectorIndexGauges(metrics, storage.vectorIndexUsage.bind(storage));

  new Gauge({
    name: 'memos_embedding_circuit_state',
    help: 'The embedding circuit breaker: 0 closed, 1 half-open, 2 open',
    labelNames: ['provider'] as const,
    registers,
    collect() {
      this.reset();
      const { circuit, provider } = embeddings.status();
      if (circuit !== undefined && provider !== undefined) this.set({ provider }, CIRCUIT_VALUE[circuit]);
    },
  });

  new Gauge({
    name: 'memos_embeddings_pending',
    help: 'Records waiting for a vector of the current model (read at most every 15 s)',
    registers,
    async collect() {
      this.reset();
      const found = await backlog().catch(() => undefined);
      if (found !== undefined) this.set(found.pending);
    },
  });

  new Gauge({
    name: 'memos_embeddings_failed',
    help: 'Records whose text the embedding provider of the current model refused every time (read at most every 15 s)',
    registers,
    async collect() {
      this.reset();
      const found = await backlog().catch(() => undefined);
      if (found !== undefined) this.set(found.failed);
    },
  });
}

/** The in-process vector index of the embedded driver: bytes held against the cap, partitions, evictions. */
function registerVectorIndexGauges(metrics: Metrics, usage: () => VectorIndexUsage): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'memos_vector_index_bytes',
    help: 'Bytes the in-process vector index holds (vectors exactly, ids estimated)',
    registers,
    collect() {
      this.set(usage().bytes);
    },
  });
  new Gauge({
    name: 'memos_vector_index_max_bytes',
    help: 'The cap of the in-process vector index (storage.vectorIndexMaxBytes)',
    registers,
    collect() {
      this.set(usage().maxBytes);
    },
  });
  new Gauge({
    name: 'memos_vector_index_partitions',
    help: 'Partitions (tier, namespace, model) loaded in the in-process vector index',
    registers,
    collect() {
      this.set(usage().partitions);
    },
  });
  let evicted = 0;
  new Counter({
    name: 'memos_vector_index_evictions_total',
    help: 'Partitions evicted from the in-process vector index to stay within its cap (they reload from SQLite on use)',
    registers,
    collect() {
      const { evictions } = usage();
      this.inc(Math.max(0, evictions - evicted));
      evicted = Math.max(evicted, evictions);
    },
  });
}

/** As `/health/ready` decides: the overall status is unhealthy exactly when memOS is not ready. */
function isReady(report: HealthReport | undefined): boolean {
  return report !== undefined && report.status !== 'unhealthy';
}
