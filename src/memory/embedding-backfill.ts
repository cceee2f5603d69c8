import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { isMemosError } from '../core/errors.js';
import type { Embedder, Jobs, ScheduledJob, VectorStore } from '../core/ports.js';
import { beyondChars } from '../core/text.js';
import type { EmbeddingProgress, PendingEmbedding } from '../core/types.js';
import { collapseRepeatedLogs } from '../observability/repeated-logs.js';

export interface BackfillOptions {
  vectors: VectorStore;
  /** Where the backfill runs and claims its batches: each batch has one owner across replicas. */
  jobs: Jobs;
  embedder: Embedder;
  logger: Logger;
  /** Records embedded per round. */
  batchSize?: number;
  /** Pause between rounds when nothing was pending, or after a failure. */
  idleMs?: number;
  /** Refusals of a record's text before it is marked failed (3 unless told). */
  failAfter?: number;
  /** How long a claimed batch stays this process's if the process dies mid-round (10 minutes unless told). */
  leaseMs?: number;
}

export interface BackfillStatus {
  running: boolean;
  /** Vectors stored since start. */
  embedded: number;
  lastError?: string;
  /** With up to 5 of the failed records. */
  progress?: EmbeddingProgress;
}

/** Failed records that `status()` lists. */
const FAILURES_SHOWN = 5;

/** Whether the provider refused the texts themselves (too long, malformed), rather than failing. */
const refusedInput = (error: unknown) => isMemosError(error) && error.code === 'E_EMBEDDING_PROVIDER' && error.details?.rejectedInput === true;

/**
 * Embeds what the write path left pending (embedder down, slow, or a crash between a write and
 * its vectors) and everything embedded by another model, in the background. After a model change
 * this is the re-embedding: search meanwhile uses keywords for the records not migrated yet.
 *
 * Each round claims its batch through the job port, so that replicas sharing a database never
 * embed the same record. When the provider refuses a batch's input (an HTTP 400 for a text too
 * long, say), the batch is split in halves until the refused records stand alone; the rest are
 * stored, and each refused record has one refusal counted. After `failAfter` refusals a record is
 * `failed` (with the reason) and no longer pending, so one bad text never stops the backfill.
 * Failures of the provider itself (down, timeouts, circuit open; or a refusal of a short probe
 * text, i.e. a misconfiguration) end the round and count against no record.
 */
export function createEmbeddingBackfill({ vectors, jobs, embedder, logger, batchSize = 256, idleMs = 5000, failAfter = 3, leaseMs = 600_000 }: BackfillOptions) {
  let embedded = 0;
  let lastError: string | undefined;
  let scheduled: ScheduledJob | undefined;
  // A store or embedder outage fails every round alike: logged once, then counted per interval.
  const failures = collapseRepeatedLogs();

  interface Round {
    model: string;
    dimensions: number;
    stored: number;
    refused: number;
    /** Whether the provider took a text of this round: refusals then are the texts' fault. */
    providerWorks?: boolean;
  }

  /** One round: embeds up to `batchSize` claimed records. */
  async function round(): Promise<Round | undefined> {
    if (embedder.dimensions === 0) return undefined;
    const state: Round = { model: embedder.model, dimensions: embedder.dimensions, stored: 0, refused: 0 };
    const claimed = await jobs.claimEmbeddings({ model: state.model, dimensions: state.dimensions, limit: batchSize, leaseMs });
    if (claimed.length === 0) return state;
    try {
      // The embedding cache is per namespace, so each namespace's texts go in one call.
      for (const group of groupBy(claimed, (item) => item.namespace)) await embedGroup(state, group);
    } finally {
      await jobs.release(claimed).catch((error: unknown) => logger.warn({ err: error }, 'releasing backfill claims failed; they run out by themselves'));
    }
    embedded += state.stored;
    return state;
  }

  /** Embeds and stores `items` (one namespace); splits them when the provider refuses their input. */
  async function embedGroup(state: Round, items: PendingEmbedding[]): Promise<void> {
    const namespace = items[0]!.namespace;
    let vectorsOf: Float32Array[];
    try {
      vectorsOf = await embedder.embed({ texts: items.map((item) => item.content), purpose: 'document', namespace });
    } catch (error) {
      if (!refusedInput(error) || !(await providerWorks(state, namespace, error))) throw error;
      if (items.length > 1) {
        const half = Math.ceil(items.length / 2);
        await embedGroup(state, items.slice(0, half));
        await embedGroup(state, items.slice(half));
        return;
      }
      const reason = (error as Error).message;
      const failed = await vectors.fail([{ ...items[0]!, model: state.model, dimensions: state.dimensions, error: reason }], { failAfter });
      state.refused += 1;
      if (failed > 0) logger.warn({ tier: items[0]!.tier, namespace, id: items[0]!.id, reason }, 'embedding failed: the provider refused this record every time; it stays keyword-only until retried');
      return;
    }
    state.providerWorks = true;
    const limit = embedder.maxInputChars;
    state.stored += await vectors.put(
      items.map((item, index) => ({ ...item, model: state.model, vector: vectorsOf[index]!, ...(beyondChars(item.content, limit) ? { truncated: true } : {}) })),
    );
  }

  /**
   * Whether the provider takes input at all, asked once a round: a short new text (14 characters,
   * never cached) is embedded. When that is refused too, the refusal is the provider's (a wrong model name, say),
   * and no record is blamed for it.
   */
  async function providerWorks(state: Round, namespace: string, refusal: unknown): Promise<boolean> {
    if (state.providerWorks === undefined) {
      try {
        await embedder.embed({ texts: [`probe ${randomBytes(4).toString('hex')}`], purpose: 'document', namespace });
        state.providerWorks = true;
      } catch (error) {
        if (!refusedInput(error)) throw error;
        state.providerWorks = false;
        logger.warn({ err: refusal }, 'the embedding provider refuses even a short text: no record is blamed; check its model and settings');
      }
    }
    return state.providerWorks;
  }

  return {
    /** One round now; returns how many vectors it stored. */
    async runOnce(): Promise<number> {
      return (await round())?.stored ?? 0;
    },
    start() {
      scheduled ??= jobs.schedule({
        name: 'embedding backfill',
        idleMs,
        async round() {
          const done = await round();
          lastError = undefined;
          return done !== undefined && done.stored + done.refused > 0;
        },
        onError(error) {
          lastError = (error as Error).message;
          const code = (error as { code?: unknown }).code;
          failures.log(
            typeof code === 'string' ? code : 'error',
            () => logger.warn({ err: error }, 'embedding backfill round failed; will retry'),
            (repeated, seconds) => logger.warn({ err: error, repeated, seconds }, 'embedding backfill round failed; will retry'),
          );
        },
      });
    },
    /** Starts a round now rather than after the idle pause. */
    nudge() {
      scheduled?.nudge();
    },
    /** Makes every failed record pending again (and starts a round); returns how many. */
    async retryFailed(): Promise<number> {
      const retried = await vectors.retryFailed();
      if (retried > 0) logger.info({ retried }, 'failed embeddings are pending again');
      scheduled?.nudge();
      return retried;
    },
    async status(): Promise<BackfillStatus> {
      const progress = embedder.dimensions === 0 ? undefined : await vectors.progress({ model: embedder.model, dimensions: embedder.dimensions, failures: FAILURES_SHOWN });
      return { running: scheduled?.running ?? false, embedded, ...(lastError === undefined ? {} : { lastError }), ...(progress === undefined ? {} : { progress }) };
    },
    async stop() {
      await scheduled?.stop();
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
