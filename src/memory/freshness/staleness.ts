// Freshness (docs/truth.md): a memory past its kind's review period since it was last confirmed is
// `stale`, so that an agent re-checks it rather than asserting it. Only kinds given a period can go
// stale; without configuration (truth.reviewDays) none does.

import type { Memory, MemoryKind } from '../../core/types.js';

/** Days after its last confirmation at which a memory of a kind goes stale; a kind left out never does. */
export type ReviewDays = Partial<Record<MemoryKind, number>>;

const DAY_MS = 86_400_000;

/** Milliseconds at which `memory` goes stale, or undefined when its kind has no review period. */
export function staleFrom(memory: Pick<Memory, 'kind' | 'lastConfirmedAt'>, reviewDays: ReviewDays): number | undefined {
  const days = reviewDays[memory.kind];
  return days === undefined ? undefined : Date.parse(memory.lastConfirmedAt) + days * DAY_MS;
}

/** Whether `memory` is past its review period at `now` (milliseconds). */
export function isStale(memory: Pick<Memory, 'kind' | 'lastConfirmedAt'>, now: number, reviewDays: ReviewDays): boolean {
  const from = staleFrom(memory, reviewDays);
  return from !== undefined && now >= from;
}

/**
 * The first moment, after `now`, at which one of `memories` that is fresh now goes stale: a cached
 * answer that shows them must not outlive it, or it would still call that memory fresh.
 */
export function nextStaleAt(memories: Iterable<Pick<Memory, 'kind' | 'lastConfirmedAt'>>, now: number, reviewDays: ReviewDays): number | undefined {
  let next: number | undefined;
  for (const memory of memories) {
    const from = staleFrom(memory, reviewDays);
    if (from !== undefined && from > now && (next === undefined || from < next)) next = from;
  }
  return next;
}
