import type { FastifyInstance } from 'fastify';
import { checkAuthAtStart } from './auth/auth-mode.js';
import { configuredAdminKey } from './auth/key-service.js';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { systemClock, type Clock } from './core/clock.js';
import { isMemosError } from './core/errors.js';
import { ulidGenerator } from './core/ids.js';
import type { Cache, Embedder, EmbeddingProvider, SessionErasure, SessionRestore, Storage, WorkingMemoryStore } from './core/ports.js';
import { startEmbeddingRuntime, type EmbeddingRuntime } from './embeddings/embedding-runtime.js';
import { loadEmbeddingProvider, loadFailureHint } from './embeddings/load-provider.js';
import { createHttpApp } from './http/app.js';
import { createJobs } from './jobs/index.js';
import { createServices, type Services } from './memory/services.js';
import { createHealth } from './observability/health.js';
import { instrumentCache } from './observability/instrumented-cache.js';
import { instrumentEmbedder } from './observability/instrumented-embedder.js';
import { instrumentStorage } from './observability/instrumented-storage.js';
import { createLogger } from './observability/logger.js';
import { collapseRepeatedLogs } from './observability/repeated-logs.js';
import { registerServiceGauges } from './observability/service-gauges.js';
import { createTelemetry, isRecording, type Telemetry } from './observability/telemetry.js';
import { traceServices } from './observability/traced-services.js';
import { prepareDataFolder } from './storage/data-folder.js';
import { loadShortTermTier, loadStorage, lockDataFolder } from './storage/index.js';

export interface Memos {
  config: Config;
  app: FastifyInstance;
  /** The durable store, with the session store in force (Redis in server mode). */
  storage: Storage;
  cache: Cache;
  embeddings: EmbeddingRuntime;
  services: Services;
  logger: Logger;
  /** Metrics (when enabled) and the tracer (when an OTLP endpoint is set). */
  telemetry: Telemetry;
  /** Stops the HTTP server, then background work, then the caches and sessions (Redis), then storage, releases the data folder, then flushes spans. */
  close(): Promise<void>;
}

export interface CreateMemosOptions {
  logger?: Logger;
  clock?: Clock;
  /** Replaces the provider the config names (tests inject the fake one). */
  embeddingProvider?: EmbeddingProvider;
}

/**
 * The composition root: one adapter per port from config, wrapped once for metrics and spans, the
 * services, the HTTP app and background sweeps.
 */
export async function createMemos(config: Config, options: CreateMemosOptions = {}): Promise<Memos> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger(config);
  const ids = ulidGenerator(clock);
  const telemetry = createTelemetry(config, logger);

  prepareDataFolder(config);
  const lock = await lockDataFolder(config);
  const durable = await loadStorage({ config, clock, ids, logger });
  await durable.init();
  const authWarning = await checkAuth(config, durable, logger).catch(async (error: unknown) => {
    await durable.close();
    lock.release();
    throw error;
  });
  // Promotions a session outbox delivers later make cached answers stale, through the services made below.
  let promotionsDelivered = async (_namespaces: string[]): Promise<void> => undefined;
  const shortTerm = await loadShortTermTier({ config, storage: durable, clock, ids, logger, onPromotionsDelivered: (namespaces) => promotionsDelivered(namespaces) });
  const composed = withSessions(durable, shortTerm.sessions);
  const recording = isRecording(telemetry);
  const storage = recording ? instrumentStorage(composed, shortTerm.backends.sessions, telemetry) : composed;
  const cache = recording ? instrumentCache(shortTerm.cache, telemetry) : shortTerm.cache;
  const provider = options.embeddingProvider ?? (await loadEmbeddingProvider(config));
  const embeddings = startEmbeddingRuntime({
    provider,
    cache,
    ttlSeconds: config.cache.embeddingsTtlSeconds,
    logger,
    ...(options.embeddingProvider === undefined ? withoutProvider(config) : {}),
    ...(recording ? { instrument: (embedder: Embedder) => instrumentEmbedder(embedder, telemetry) } : {}),
  });

  // Shared leases when the durable store has them (PostgreSQL), else in process (SQLite: one process owns it).
  const jobs = createJobs({ claims: durable.claims, vectors: storage.vectors, clock });
  const retention = telemetry.metrics?.retention;
  const retentionMetrics =
    retention === undefined
      ? undefined
      : {
          removed: (tier: string, reason: string, count: number) => retention.removed.inc({ tier, reason }, count),
          swept: (atMs: number) => retention.lastSweep.set(atMs / 1000),
        };
  const services = traceServices(createServices({ storage, cache, embeddings, jobs, clock, ids, config, logger, retentionMetrics, ...('restore' in shortTerm.sessions ? { sessionRestore: shortTerm.sessions as unknown as SessionRestore } : {}) }), telemetry.tracer);
  promotionsDelivered = (namespaces) => services.promotionsDelivered(namespaces);
  // Learnt now, while the store answers: requests decide on it (kept for a few seconds) whether keys are required.
  await services.keys.keysExist().catch(() => undefined);
  // Once the embedder is ready, whatever is pending (or embedded by another model) is embedded in the background.
  if (config.indexing.autoBackfill) embeddings.whenReady(() => services.backfill.start());
  const health = createHealth({
    storage,
    embeddings,
    dataDir: config.dataDir,
    dataDirHoldsStorage: storage.driver === 'sqlite',
    backends: { storage: storage.driver, ...shortTerm.backends },
    ...(authWarning === undefined ? {} : { warnings: [authWarning] }),
    storageWarnings: () => durable.storageWarnings?.() ?? [],
    optional: Object.fromEntries(shortTerm.servers.map((server) => [server.name, server])),
  });
  if (telemetry.metrics !== undefined) {
    registerServiceGauges(telemetry.metrics, {
      health,
      storage: durable,
      cache: shortTerm.cache,
      embeddings,
      dataDir: config.dataDir,
      ...(shortTerm.countSessions === undefined ? {} : { countSessions: shortTerm.countSessions }),
    });
  }
  const app = await createHttpApp({ config, services, health, logger, telemetry });
  services.audit.startRetention();
  // Records past their retention, and expired memories, are removed in the background.
  services.retention.start();

  const sweepFailures = collapseRepeatedLogs();
  const sweep = setInterval(() => {
    services.sessions.sweepExpired().then(
      (expired) => {
        if (expired > 0) logger.info({ expired }, 'expired sessions promoted to episodes');
      },
      (error: unknown) => {
        const code = (error as { code?: unknown }).code;
        sweepFailures.log(
          typeof code === 'string' ? code : 'error',
          () => logger.warn({ err: error }, 'session sweep failed'),
          (repeated, seconds) => logger.warn({ err: error, repeated, seconds }, 'session sweep failed'),
        );
      },
    );
  }, config.sessions.sweepIntervalSeconds * 1000);
  sweep.unref();

  return {
    config,
    app,
    storage,
    cache,
    embeddings,
    services,
    logger,
    telemetry,
    async close() {
      clearInterval(sweep);
      sweepFailures.flush();
      await app.close();
      // The LLM judge's queue is dropped (nothing acknowledged is lost) before the audit log and the store close.
      await services.truth.close();
      await services.retention.stop();
      // Entries of the last requests are written before the store closes.
      await services.audit.close();
      await services.backfill.stop();
      services.close();
      await embeddings.close();
      // Sessions deliver promoted messages to the durable store, so it closes last.
      await shortTerm.close();
      await storage.close();
      lock.release();
      await telemetry.close();
    },
  };
}

/**
 * Refuses to start beyond loopback with no key (unless MEMOS_AUTH=off); logs, loudly, what is
 * unsafe about the access settings, and returns it for `/health/detailed`.
 */
async function checkAuth(config: Config, storage: Storage, logger: Logger): Promise<string | undefined> {
  const keysExist =
    configuredAdminKey(config.auth) !== undefined ||
    (await storage.keys.countActive(new Date().toISOString()).then(
      (count) => count > 0,
      (error: unknown) => {
        // A store not reachable yet (server mode retries in the background) cannot say; beyond loopback keys are required anyway.
        if (isMemosError(error) && error.code === 'E_STORAGE_UNAVAILABLE') return true;
        throw error;
      },
    ));
  const warning = checkAuthAtStart(config, keysExist);
  if (warning !== undefined) logger.warn({ auth: config.auth.mode, host: config.server.host }, `SECURITY WARNING: ${warning}`);
  return warning;
}

/** What the embedding runtime says when the configured provider fails to load, or when there is none by choice. */
function withoutProvider(config: Config): { loadFailureHint?: string; disabledReason?: string } {
  if (config.embeddings.provider === 'none') return { disabledReason: 'embeddings are off (MEMOS_EMBEDDER=none)' };
  const hint = loadFailureHint(config.embeddings);
  return hint === undefined ? {} : { loadFailureHint: hint };
}

/** The storage as the services see it: the durable tiers of `durable`, short-term memory from `sessions`. */
function withSessions(durable: Storage, sessions: WorkingMemoryStore): Storage {
  if (sessions === durable.sessions) return durable;
  return {
    driver: durable.driver,
    episodes: durable.episodes,
    memories: durable.memories,
    vectors: durable.vectors,
    keys: durable.keys,
    sessions,
    audit: durable.audit,
    ...(durable.erasure === undefined ? {} : { erasure: durable.erasure }),
    ...('erase' in sessions && 'find' in sessions ? { sessionErasure: sessions as unknown as SessionErasure } : {}),
    ...(durable.inspect === undefined ? {} : { inspect: durable.inspect }),
    ...(durable.retention === undefined ? {} : { retention: durable.retention }),
    ...(durable.transfer === undefined ? {} : { transfer: durable.transfer }),
    get vectorBackend() {
      return durable.vectorBackend;
    },
    init: () => durable.init(),
    close: () => durable.close(),
    ping: () => durable.ping(),
  };
}
