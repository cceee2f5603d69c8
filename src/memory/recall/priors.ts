// Gentle priors applied after fusion: newer records and more important memories edge ahead of
// equally relevant ones, without overturning relevance.

import type { Episode, Memory } from '../../core/types.js';

export interface PriorOptions {
  recencyWeight: number;
  recencyHalfLifeDays: number;
  importanceWeight: number;
}

const DAY_MS = 86_400_000;

/**
 * 1 for a record of this instant, 0.5 one half-life ago, towards 0 for old records. An episode is
 * as old as when it happened; a memory as when its fact was last stated or confirmed (a fact
 * written again, or confirmed, counts as new; a change of importance or metadata alone does not).
 */
export function recency(record: Memory | Episode, now: number, halfLifeDays: number): number {
  const at = Date.parse('occurredAt' in record ? record.occurredAt : record.lastConfirmedAt);
  const ageDays = Math.max(0, now - at) / DAY_MS;
  return 0.5 ** (ageDays / halfLifeDays);
}

/** The factor a relevance score is multiplied by. Episodes carry no importance; only recency counts for them. */
export function priorFactor(record: Memory | Episode, recencyValue: number, options: PriorOptions): number {
  const importance = 'importance' in record ? options.importanceWeight * (record.importance - 0.5) : 0;
  return (1 + options.recencyWeight * recencyValue) * (1 + importance);
}
