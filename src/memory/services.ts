import type { Clock } from '../core/clock.js';
import type { IdGenerator } from '../core/ids.js';
import type { Storage } from '../core/ports.js';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { EmbeddingRuntime } from '../embeddings/embedding-runtime.js';
import { createGatewayService } from '../embeddings/gateway-service.js';
import { createEmbeddingBackfill } from './embedding-backfill.js';
import { createEpisodeService } from './episodes/episode-service.js';
import { createMemoryService } from './memories/memory-service.js';
import { createSearchService } from './recall/search-service.js';
import { createSessionService } from './sessions/session-service.js';

export interface ServiceDeps {
  storage: Storage;
  embeddings: EmbeddingRuntime;
  clock: Clock;
  ids: IdGenerator;
  config: Config;
  logger: Logger;
}

/** Every service, wired to one storage and one embedder. The HTTP routes (and later MCP and the CLI) call these. */
export function createServices({ storage, embeddings, clock, ids, config, logger }: ServiceDeps) {
  const embedding = { embedder: embeddings, vectors: storage.vectors, timeoutMs: config.indexing.writeTimeoutMs, logger };
  return {
    gateway: createGatewayService({ runtime: embeddings }),
    sessions: createSessionService({ store: storage.sessions, clock, defaults: config.sessions }),
    episodes: createEpisodeService({ store: storage.episodes, clock, ids, embedding }),
    memories: createMemoryService({ store: storage.memories, clock, ids, embedding, duplicateThreshold: config.indexing.duplicateThreshold }),
    search: createSearchService({
      store: storage,
      embedder: embeddings,
      vectorUnavailable: () => (embeddings.status().state === 'ready' ? undefined : embeddings.status().detail),
      weights: { keyword: config.search.keywordWeight, vector: config.search.vectorWeight, k: config.search.rrfK },
    }),
    backfill: createEmbeddingBackfill({
      vectors: storage.vectors,
      embedder: embeddings,
      logger,
      batchSize: config.indexing.backfillBatch,
      idleMs: config.indexing.backfillIdleSeconds * 1000,
    }),
  };
}

export type Services = ReturnType<typeof createServices>;
