// The receipt of a verified erasure: who was erased, when, how much went from each place, and what
// the verification pass found there afterwards. It holds counts and ids only, never any erased text.

import type { ErasureCounts, ErasureReceipt, ErasureSubject } from '../../core/ports.js';

/** Every place an erasure removes from and looks at again, in the order a receipt lists them. */
export const ERASURE_PLACES = [
  'sessions',
  'outbox',
  'episodes',
  'memories',
  'memoryHistory',
  'vectors',
  'vectorIndex',
  'keywordIndex',
  'keywordStatistics',
  'responseCache',
  'embeddingCache',
] as const;

/** Adds `more` into `total`, place by place. */
export function addCounts(total: ErasureCounts, more: ErasureCounts): ErasureCounts {
  for (const [place, count] of Object.entries(more)) total[place] = (total[place] ?? 0) + count;
  return total;
}

/** Whether a pass removed anything. */
export const removedAny = (counts: ErasureCounts) => Object.values(counts).some((count) => count > 0);

/** The receipt: `verified` says `clean` for a place where nothing was found, else `found N`; ok only when every place is clean. */
export function makeReceipt(input: {
  receiptId: string;
  subject: ErasureSubject;
  startedAt: string;
  finishedAt: string;
  removed: ErasureCounts;
  found: ErasureCounts;
}): ErasureReceipt {
  const ordered = (counts: ErasureCounts) =>
    Object.fromEntries([...ERASURE_PLACES.filter((place) => place in counts), ...Object.keys(counts).filter((place) => !(ERASURE_PLACES as readonly string[]).includes(place))].map((place) => [place, counts[place]!]));
  const removed = ordered(input.removed);
  const verified = Object.fromEntries(Object.entries(ordered(input.found)).map(([place, count]) => [place, count === 0 ? 'clean' : `found ${count}`]));
  return {
    receiptId: input.receiptId,
    subject: { namespace: input.subject.namespace, ...(input.subject.userId === undefined ? {} : { userId: input.subject.userId }) },
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    removed,
    verified,
    ok: Object.values(verified).every((result) => result === 'clean'),
  };
}
