import type { Logger } from 'pino';
import type { Embedder, VectorStore } from '../core/ports.js';
import { beyondChars } from '../core/text.js';
import type { Tier, VectorWrite } from '../core/types.js';

export interface WriteEmbedding {
  embedder: Embedder;
  vectors: VectorStore;
  /** Longest a write waits for its embeddings before leaving them to the backfill. */
  timeoutMs: number;
  logger: Logger;
}

/**
 * Vectors for texts being written, or undefined when the embedder cannot give them in time
 * (not configured, loading, down, circuit open, slow). A write never fails for want of vectors:
 * its records stay pending and the backfill embeds them later.
 */
export async function embedForWrite(deps: WriteEmbedding, namespace: string, texts: string[]): Promise<Float32Array[] | undefined> {
  if (texts.length === 0 || deps.embedder.dimensions === 0) return undefined;
  try {
    return await deps.embedder.embed({ texts, purpose: 'document', namespace, signal: AbortSignal.timeout(deps.timeoutMs) });
  } catch (error) {
    deps.logger.debug({ err: error, namespace, count: texts.length }, 'embedding deferred to the backfill');
    return undefined;
  }
}

/**
 * Stores the vectors of records just written, noting those whose text is longer than the
 * embedder takes (their vector covers its start); a failure leaves them pending for the backfill.
 */
export async function storeVectors(
  deps: WriteEmbedding,
  tier: Tier,
  records: Array<{ namespace: string; id: string; content: string; vector: Float32Array | undefined }>,
): Promise<void> {
  const limit = deps.embedder.maxInputChars;
  const writes: VectorWrite[] = records.flatMap(({ vector, ...record }) =>
    vector === undefined ? [] : [{ ...record, tier, model: deps.embedder.model, vector, ...(beyondChars(record.content, limit) ? { truncated: true } : {}) }],
  );
  if (writes.length === 0) return;
  try {
    await deps.vectors.put(writes);
  } catch (error) {
    deps.logger.warn({ err: error, tier, count: writes.length }, 'storing vectors failed; left to the backfill');
  }
}
