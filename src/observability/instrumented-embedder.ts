import type { EmbedRequest, Embedder } from '../core/ports.js';
import { withIdentityOf } from '../embeddings/embedder-identity.js';
import { isMemosError } from '../core/errors.js';
import type { EmbeddingOutcome } from './metrics.js';
import type { Telemetry } from './telemetry.js';
import { inChildSpan } from './tracing.js';

const outcomeOf = (error: unknown): EmbeddingOutcome => (isMemosError(error) ? (error.details?.failure ?? 'error') : 'error');

/**
 * The embedder below the cache (batching, retries and the circuit breaker included) with each
 * call counted and timed by outcome, the texts it was sent counted, and an `embed <provider>` span
 * that carries how many texts, never the texts.
 */
export function instrumentEmbedder(embedder: Embedder, { metrics, tracer }: Telemetry): Embedder {
  return withIdentityOf(embedder, {
    embed(request: EmbedRequest) {
      const provider = embedder.provider;
      const attributes = { 'memos.embedding.provider': provider, 'memos.embedding.model': embedder.model, 'memos.embedding.texts': request.texts.length };
      return inChildSpan(tracer, `embed ${provider}`, attributes, async () => {
        metrics?.embedding.texts.inc({ provider }, request.texts.length);
        const end = metrics?.embedding.duration.startTimer({ provider });
        let outcome: EmbeddingOutcome = 'ok';
        try {
          return await embedder.embed(request);
        } catch (error) {
          outcome = outcomeOf(error);
          throw error;
        } finally {
          end?.({ outcome });
          metrics?.embedding.requests.inc({ provider, outcome });
        }
      });
    },
  });
}
