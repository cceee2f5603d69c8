import type { Clock } from '../core/clock.js';
import type { Memory } from '../core/types.js';
import { isStale } from './freshness/staleness.js';
import type { IdGenerator } from '../core/ids.js';
import type { Cache, Jobs, SessionRestore, Storage } from '../core/ports.js';
import type { Logger } from 'pino';
import { guardReach } from '../auth/reach-guard.js';
import { createAuditLog } from '../audit/audit-log.js';
import { bumpOnWrite } from '../cache/bump-on-write.js';
import { cacheErrorLog } from '../cache/cache-fallback.js';
import { createCacheAdmin } from '../cache/cache-admin.js';
import { createCachedContext, createCachedSearch } from '../cache/cached-recall.js';
import { createResponseCache } from '../cache/response-cache.js';
import { createScopeVersions } from '../cache/scope-versions.js';
import type { Config } from '../config/schema.js';
import type { EmbeddingRuntime } from '../embeddings/embedding-runtime.js';
import { configuredAdminKey, createKeyService } from '../auth/key-service.js';
import { createGatewayService } from '../embeddings/gateway-service.js';
import { createContextService } from './context/context-service.js';
import { loadTokenCounter } from './context/token-counter.js';
import { createEmbeddingBackfill } from './embedding-backfill.js';
import { createEpisodeService } from './episodes/episode-service.js';
import { createErasureService, ERASURE_GRACE_MS } from './erasure/erasure-service.js';
import { fenceSessions } from './erasure/session-fence.js';
import { createInspectService } from './inspect/inspect-service.js';
import { createMemoryService } from './memories/memory-service.js';
import { createSearchService } from './recall/search-service.js';
import { createRetentionSweep, type RetentionMetrics } from './retention/retention-sweep.js';
import { createSessionService } from './sessions/session-service.js';
import { createTransferService } from './transfer/transfer-service.js';
import { createChatClient } from '../llm/chat-client.js';
import { createJudgeWorker } from './truth/judge-worker.js';
import { createLlmJudge } from './truth/llm-judge.js';
import { createLessonWriter } from './truth/reflections-lesson.js';
import { createReflectionUpdater } from './truth/reflections-updater.js';
import { VERSION } from '../version.js';

export interface ServiceDeps {
  storage: Storage;
  /** Holds cached responses and the scope versions that invalidate them. */
  cache: Cache;
  embeddings: EmbeddingRuntime;
  /** Background work, and the claims that give each batch one owner across replicas. */
  jobs: Jobs;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  logger: Logger;
  /** Where the retention sweep counts what it removes (absent: nowhere). */
  retentionMetrics?: RetentionMetrics | undefined;
  /** Where an import restores sessions: the short-term store, when it can (else read from `storage.sessions`). */
  sessionRestore?: SessionRestore;
}

/**
 * Every service, wired to one storage, one embedder and one cache. The HTTP routes (and later MCP
 * and the CLI) call these. Writes go through stores that bump the namespace's scope version, so
 * that search and context answers cached before a write are never served after it.
 */
export function createServices({ storage, cache, embeddings, jobs, clock, ids, config, logger, retentionMetrics, sessionRestore }: ServiceDeps) {
  const onCacheError = cacheErrorLog(logger, 'response cache unavailable; bypassed');
  const versions = createScopeVersions({ cache, ttlSeconds: config.cache.responsesTtlSeconds, onCacheError });
  // Every write bumps its namespace's scope version; every reference a user-bound key makes stays within its user.
  const stores = guardReach(bumpOnWrite(storage, versions));
  const embedding = { embedder: embeddings, vectors: stores.vectors, timeoutMs: config.indexing.writeTimeoutMs, logger };
  /** Who changed what: entries the store did not write with their change, listing, retention. */
  const audit = createAuditLog({ store: storage.audit, jobs, clock, ids, logger, retentionDays: config.audit.retentionDays });
  // The LLM judge and reflection lessons, only when a chat model is configured (docs/llm-judge.md):
  // both in the background, after the write has been answered, sharing one client and so one circuit.
  const { url: llmUrl, model: llmModel, apiKey: llmKey, timeoutMs: llmTimeoutMs, maxCandidates } = config.llm;
  const chat =
    llmUrl === undefined || llmModel === undefined
      ? undefined
      : createChatClient({ baseUrl: llmUrl, model: llmModel, timeoutMs: llmTimeoutMs, logger, ...(llmKey === undefined ? {} : { apiKey: llmKey }) });
  const judge = chat && createJudgeWorker({ judge: createLlmJudge({ client: chat, maxCandidates }), store: stores.memories, clock, logger, audit });
  const memories = createMemoryService({
    store: stores.memories,
    episodes: stores.episodes,
    clock,
    ids,
    embedding,
    duplicateThreshold: config.indexing.duplicateThreshold,
    relatedThreshold: config.truth.relatedThreshold,
    ...(judge === undefined ? {} : { onWritten: judge.enqueue }),
  });
  const lessons = chat && createLessonWriter({ client: chat, store: stores.memories, memories, logger, audit });
  // Each task's reflection follows its outcome episodes (truth/reflections.ts), written as a lesson too when a chat model is configured.
  const reflections = createReflectionUpdater({
    store: stores.memories,
    memories,
    clock,
    logger,
    ...(lessons === undefined ? {} : { onReflected: lessons.enqueue }),
  });
  const base = {
    keys: createKeyService({
      keys: storage.keys,
      clock,
      adminKey: configuredAdminKey(config.auth),
      onTouchFailed: (error) => logger.warn({ err: error }, 'could not record when an API key was last used'),
    }),
    gateway: createGatewayService({ runtime: embeddings }),
    // Session writes of a user being erased are undone and refused (erasure/session-fence.ts).
    sessions: createSessionService({ store: fenceSessions(stores.sessions, storage.erasure, storage.sessionErasure), clock, defaults: config.sessions }),
    episodes: createEpisodeService({ store: stores.episodes, clock, ids, embedding, onAppended: reflections.onAppended }),
    memories,
    /** Whether a memory is past its kind's review period now (truth.reviewDays): what reads of a memory report as `stale`. */
    isStale: (memory: Pick<Memory, 'kind' | 'lastConfirmedAt'>) => isStale(memory, clock.now(), config.truth.reviewDays),
    search: createSearchService({
      store: storage,
      embedder: embeddings,
      vectorUnavailable: () => (embeddings.status().state === 'ready' ? undefined : embeddings.status().detail),
      weights: { fusion: config.search.fusion, keyword: config.search.keywordWeight, vector: config.search.vectorWeight, k: config.search.rrfK },
      neighbours: { weight: config.search.neighbourWeight, width: config.search.neighbourWidth, sessionWeight: config.search.sessionWeight },
      priors: { recencyWeight: config.search.recencyWeight, recencyHalfLifeDays: config.search.recencyHalfLifeDays, importanceWeight: config.search.importanceWeight },
      time: { timeWeight: config.search.timeWeight, timeHalfLifeDays: config.search.timeHalfLifeDays, whenWeight: config.search.whenWeight },
      speakers: { speakerWeight: config.search.speakerWeight, questionDiscount: config.search.questionDiscount },
      reviewDays: config.truth.reviewDays,
      clock,
    }),
    inspect: createInspectService({
      store: storage.inspect,
      sessions: stores.sessions,
      clock,
      embedder: () => {
        const { model, dimensions } = embeddings.status();
        return model === undefined || dimensions === undefined ? undefined : { model, dimensions };
      },
    }),
    backfill: createEmbeddingBackfill({
      vectors: stores.vectors,
      jobs,
      embedder: embeddings,
      logger,
      batchSize: config.indexing.backfillBatch,
      idleMs: config.indexing.backfillIdleSeconds * 1000,
    }),
  };

  // Answers depend on the embedder's state and model, and on the ranking settings (a shared cache may serve other instances).
  const settings = JSON.stringify({ search: config.search, context: config.context, truth: config.truth });
  const fingerprint = () => {
    const { state, provider, model, dimensions } = embeddings.status();
    return [state, provider, model, dimensions, settings].join('|');
  };
  const vectorsReady = () => embeddings.status().state === 'ready';
  const responses = createResponseCache({ cache, versions, ttlSeconds: config.cache.responsesTtlSeconds, fingerprint, now: () => clock.now(), onCacheError });
  const context = createContextService({
    search: base.search,
    sessions: stores.sessions,
    memories: storage.memories,
    tokenCounter: loadTokenCounter,
    recentMessageShare: config.context.recentMessageShare,
    reviewDays: config.truth.reviewDays,
    clock,
  });
  return {
    ...base,
    search: createCachedSearch(base.search, responses, vectorsReady, { reviewDays: config.truth.reviewDays, now: () => clock.now() }),
    context: createCachedContext(context, responses, vectorsReady, stores.sessions, cacheErrorLog(logger, 'a context bundle from the cache could not refresh its session’s idle TTL; served all the same')),
    caches: createCacheAdmin({ cache, responses }),
    /** Verified erasure of a user or a namespace, answered with a receipt. */
    erasure: createErasureService({
      erasure: storage.erasure,
      sessions: storage.sessionErasure,
      cache,
      embedder: embeddings,
      clock,
      ids,
      graceMs: config.indexing.writeTimeoutMs + ERASURE_GRACE_MS,
    }),
    audit,
    /** Removes records past their retention and expired memories, in the background (started by the composition root). */
    retention: createRetentionSweep({
      store: storage.retention,
      jobs,
      clock,
      logger,
      rules: config.retention.rules,
      batchSize: config.retention.batchSize,
      intervalMs: config.retention.sweepIntervalSeconds * 1000,
      bump: async (namespaces) => void (await Promise.all(namespaces.map((namespace) => versions.bump(namespace)))),
      audit,
      metrics: retentionMetrics,
    }),
    /** Export and import of a namespace: reads through the transfer port, writes bump the namespace's scope version. */
    transfer: createTransferService({
      transfer: storage.transfer,
      sessions: storage.sessions,
      restore: sessionRestore ?? ('restore' in storage.sessions ? (storage.sessions as unknown as SessionRestore) : undefined),
      vectors: storage.vectors,
      embedderStatus: () => embeddings.status(),
      bump: (namespace) => versions.bump(namespace),
      nudgeBackfill: () => base.backfill.nudge(),
      clock,
      memosVersion: VERSION,
      maxLineBytes: config.limits.bodyBytes,
    }),
    /** Episodes that sessions promoted and delivered later, from an outbox: writes like any other, so their namespaces' cached answers go stale. */
    async promotionsDelivered(namespaces: string[]): Promise<void> {
      await Promise.all(namespaces.map((namespace) => versions.bump(namespace)));
    },
    /** The LLM judge and reflection lessons in the background: nothing to wait for when no chat model is configured. */
    truth: {
      /** Waits until every judgement and lesson queued so far is done (tests, and shutdown of a quiet server). */
      async drain(): Promise<void> {
        await judge?.drain();
        await lessons?.drain();
      },
      /** Stops both queues: what is still queued is dropped (the memories stay as written), what runs is aborted. */
      async close(): Promise<void> {
        await Promise.all([judge?.close(), lessons?.close()]);
      },
      stats: () => judge?.stats(),
    },
    /** Stops background work: retries of failed scope-version bumps. */
    close(): void {
      versions.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
