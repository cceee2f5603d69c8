// Gentle time priors for hybrid search, applied with recency and importance (priors.ts): a record
// that happened near a time the query names edges ahead, and for a "when" question a record whose
// text speaks of a time does. Never a filter: a record far from the named time keeps its score.

import type { Episode, Memory } from '../../core/types.js';
import { asksWhen, mentionsTime, timeSpans, type TimeSpan } from './time-expressions.js';

export interface TimePriorOptions {
  /** A record inside a named span has its score multiplied by 1 + timeWeight; 0 turns it off. */
  timeWeight: number;
  /** Days outside a named span after which that gain is halved. */
  timeHalfLifeDays: number;
  /** For a "when" question naming no time, a record whose text speaks of a time gains × (1 + whenWeight); 0 turns it off. */
  whenWeight: number;
}

const DAY_MS = 86_400_000;

/** When a record happened: an episode's `occurredAt`, a memory's `createdAt`. */
export const happenedAt = (record: Memory | Episode): number => Date.parse('occurredAt' in record ? record.occurredAt : record.createdAt);

/** 1 inside a span, halving every `halfLifeDays` outside the nearest one; 0 without spans. */
export function timeCloseness(at: number, spans: TimeSpan[], halfLifeDays: number): number {
  let best = 0;
  for (const { from, to } of spans) {
    const outsideDays = Math.max(0, from - at, at - to) / DAY_MS;
    best = Math.max(best, 0.5 ** (outsideDays / halfLifeDays));
  }
  return best;
}

/**
 * The factor each candidate's score is multiplied by for this query, or undefined when time plays
 * no part. Relative phrases ("last week", "in June") are read against the newest candidate's time,
 * capped at `now`: a scope's own latest moment stands for the conversation's present, which an
 * imported history (or a benchmark) places long before the server's clock.
 */
export function timePrior(query: string, candidates: Iterable<Memory | Episode>, now: number, options: TimePriorOptions): ((record: Memory | Episode) => number) | undefined {
  if (options.timeWeight <= 0 && options.whenWeight <= 0) return undefined;
  let newest = -Infinity;
  for (const record of candidates) newest = Math.max(newest, happenedAt(record));
  const reference = new Date(Number.isFinite(newest) ? Math.min(newest, now) : now);
  const spans = timeSpans(query, reference);
  if (spans.length > 0 && options.timeWeight > 0) return (record) => 1 + options.timeWeight * timeCloseness(happenedAt(record), spans, options.timeHalfLifeDays);
  if (spans.length === 0 && options.whenWeight > 0 && asksWhen(query)) return (record) => (mentionsTime(record.content) ? 1 + options.whenWeight : 1);
  return undefined;
}
