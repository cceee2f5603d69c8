import type { Clock } from '../core/clock.js';
import type { BatchClaims, EmbeddingClaim, VectorStore } from '../core/ports.js';
import type { PendingEmbedding } from '../core/types.js';

const keyOf = (record: PendingEmbedding) => `${record.tier}\0${record.namespace}\0${record.id}`;

/**
 * Claims kept in this process, for a storage that one process owns (SQLite in the data folder):
 * rounds that overlap (the backfill's own and one an operator asks for) never take the same
 * record. A lease ends on release, or when it runs out.
 */
export function createInProcessClaims({ vectors, clock }: { vectors: Pick<VectorStore, 'pending'>; clock: Clock }): BatchClaims {
  const leases = new Map<string, number>();
  /** Claims run one after another, so that each lists its candidates knowing the leases before it. */
  let previous: Promise<unknown> = Promise.resolve();

  const claim = async ({ model, dimensions, limit, leaseMs }: EmbeddingClaim): Promise<PendingEmbedding[]> => {
    if (limit <= 0) return [];
    // Enough candidates to pass over every record leased now; expired leases go first.
    for (const [key, until] of leases) if (until <= clock.now()) leases.delete(key);
    const candidates = await vectors.pending({ model, dimensions, limit: limit + leases.size });
    const now = clock.now();
    const claimed = candidates.filter((record) => (leases.get(keyOf(record)) ?? -Infinity) <= now).slice(0, limit);
    for (const record of claimed) leases.set(keyOf(record), now + leaseMs);
    return claimed;
  };

  return {
    backend: 'in-process',
    claimEmbeddings(query) {
      const next = previous.then(() => claim(query));
      previous = next.catch(() => undefined);
      return next;
    },
    async release(records) {
      for (const record of records) leases.delete(keyOf(record));
    },
  };
}
