import type { Logger } from 'pino';
import type { Embedder, VectorStore } from '../core/ports.js';
import type { EmbeddingProgress, PendingEmbedding } from '../core/types.js';
import { collapseRepeatedLogs } from '../observability/repeated-logs.js';

export interface BackfillOptions {
  vectors: VectorStore;
  embedder: Embedder;
  logger: Logger;
  /** Records embedded per round. */
  batchSize?: number;
  /** Pause between rounds when nothing was pending, or after a failure. */
  idleMs?: number;
}

export interface BackfillStatus {
  running: boolean;
  /** Vectors stored since start. */
  embedded: number;
  lastError?: string;
  progress?: EmbeddingProgress;
}

/**
 * Embeds what the write path left pending (embedder down, slow, or a crash between a write and
 * its vectors) and everything embedded by another model, in the background. After a model change
 * this is the re-embedding: search meanwhile uses keywords for the records not migrated yet.
 */
export function createEmbeddingBackfill({ vectors, embedder, logger, batchSize = 256, idleMs = 5000 }: BackfillOptions) {
  let running = false;
  let stopped = false;
  let embedded = 0;
  let lastError: string | undefined;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  // A store or embedder outage fails every round alike: logged once, then counted per interval.
  const failures = collapseRepeatedLogs();

  /** One round: embeds up to `batchSize` pending records; returns how many vectors were stored. */
  async function runOnce(): Promise<number> {
    if (embedder.dimensions === 0) return 0;
    const pending = await vectors.pending({ model: embedder.model, dimensions: embedder.dimensions, limit: batchSize });
    if (pending.length === 0) return 0;
    let stored = 0;
    // The embedding cache is per namespace, so each namespace's texts go in one call.
    for (const group of groupBy(pending, (item) => item.namespace)) {
      const vectorsOf = await embedder.embed({ texts: group.map((item) => item.content), purpose: 'document', namespace: group[0]!.namespace });
      stored += await vectors.put(group.map((item, index) => ({ ...item, model: embedder.model, vector: vectorsOf[index]! })));
    }
    embedded += stored;
    return stored;
  }

  async function run(): Promise<void> {
    while (!stopped) {
      let stored = 0;
      try {
        stored = await runOnce();
        lastError = undefined;
      } catch (error) {
        lastError = (error as Error).message;
        const code = (error as { code?: unknown }).code;
        failures.log(
          typeof code === 'string' ? code : 'error',
          () => logger.warn({ err: error }, 'embedding backfill round failed; will retry'),
          (repeated, seconds) => logger.warn({ err: error, repeated, seconds }, 'embedding backfill round failed; will retry'),
        );
      }
      if (stored > 0) continue;
      running = false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, idleMs);
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
      running = true;
    }
  }

  return {
    runOnce,
    start() {
      if (loop !== undefined) return;
      running = true;
      loop = run();
    },
    /** Starts a round now rather than after the idle pause. */
    nudge() {
      wake?.();
    },
    async status(): Promise<BackfillStatus> {
      const progress = embedder.dimensions === 0 ? undefined : await vectors.progress({ model: embedder.model, dimensions: embedder.dimensions });
      return { running, embedded, ...(lastError === undefined ? {} : { lastError }), ...(progress === undefined ? {} : { progress }) };
    },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      failures.flush();
    },
  };
}

export type EmbeddingBackfill = ReturnType<typeof createEmbeddingBackfill>;

function groupBy(items: PendingEmbedding[], key: (item: PendingEmbedding) => string): PendingEmbedding[][] {
  const groups = new Map<string, PendingEmbedding[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return [...groups.values()];
}
