// Validity windows and supersession (docs/truth.md): the rules every semantic store applies in its
// write transaction, kept here so that the adapters cannot drift apart. No I/O.

import { MemosError, validationError } from './errors.js';
import type { ConflictMark, Memory } from './types.js';

/** Whether a memory holds at `atMs`: `validFrom <= at < validTo`. */
export function holdsAt(memory: Pick<Memory, 'validFrom' | 'validTo'>, atMs: number): boolean {
  return Date.parse(memory.validFrom) <= atMs && (memory.validTo === undefined || Date.parse(memory.validTo) > atMs);
}

/** Whether a memory is current: neither superseded nor retracted (its validTo unset). */
export const isCurrent = (memory: Pick<Memory, 'validTo'>): boolean => memory.validTo === undefined;

/**
 * Whether a write for slot `incoming` may merge into a memory held in slot `stored`: not when both
 * are set and differ, since each slot keeps its own memory however alike their texts are.
 */
export const slotsAgree = (stored: string | null | undefined, incoming: string | null | undefined): boolean =>
  stored === null || stored === undefined || incoming === null || incoming === undefined || stored === incoming;

/** Why a memory stopped being current, as stored in `supersessionReason`. */
export type SupersessionReason = 'key' | 'request' | 'duplicate' | `judge: ${string}`;

/**
 * `older` superseded by `newer`: `older` ends where `newer` begins (never before its own start),
 * and each names the other. Returns both as they are to be written.
 */
export function supersede(older: Memory, newer: Memory, reason: SupersessionReason): { older: Memory; newer: Memory } {
  const end = Math.max(Date.parse(newer.validFrom), Date.parse(older.validFrom));
  return {
    older: { ...older, validTo: new Date(end).toISOString(), supersededBy: newer.id, supersessionReason: reason },
    newer: { ...newer, supersedes: unite(newer.supersedes, [older.id]) },
  };
}

/**
 * A slot update: `incoming` takes the slot of `current` (the slot's current memory). Usually the
 * incoming fact is the newer one and supersedes the current. A fact learned late (its `validFrom`
 * before the current one's) was true earlier and is over: it is placed before the current memory,
 * ended where that one begins and superseded by it, and the current memory stays current.
 */
export function takeSlot(current: Memory, incoming: Memory): { current: Memory; incoming: Memory } {
  if (Date.parse(incoming.validFrom) < Date.parse(current.validFrom)) {
    const { older, newer } = supersede(incoming, current, 'key');
    return { current: newer, incoming: older };
  }
  const { older, newer } = supersede(current, incoming, 'key');
  return { current: older, incoming: newer };
}

/**
 * A retraction: the fact stops (or never started) being true at `validTo`, clamped to its own
 * start ("never true" is an empty window), without a replacement.
 */
export function retract(memory: Memory, validTo: number, now: number, reason: string | undefined): Memory {
  const end = Math.max(validTo, Date.parse(memory.validFrom));
  const retracted: Memory = { ...memory, validTo: new Date(end).toISOString(), retractedAt: new Date(now).toISOString() };
  if (reason !== undefined) retracted.retractionReason = reason;
  return retracted;
}

/** The refusal when a memory named for a supersession or a retraction is no longer current. */
export function notCurrent(memory: Memory): MemosError {
  const why = memory.supersededBy !== undefined ? `superseded by ${memory.supersededBy}` : 'retracted';
  return new MemosError('E_CONFLICT', `memory ${memory.id} is no longer current (${why})`);
}

/** The refusal when a write names in `supersedes` a memory that is not a current memory of its identity. */
export function unknownSuperseded(field: string, id: string): MemosError {
  return validationError([{ field, message: `names no current memory of the same namespace, user and agent: ${id}` }]);
}

/**
 * Conflict marks united by the memory they name: the first mark of a pair stays (restating a fact
 * that was flagged flags it again, and must not count as a change), except that the judge's mark
 * replaces the detector's, as the better-informed one.
 */
export function uniteConflicts(a: readonly ConflictMark[], b: readonly ConflictMark[]): ConflictMark[] {
  const byMemory = new Map<string, ConflictMark>();
  for (const mark of [...a, ...b]) {
    const held = byMemory.get(mark.memoryId);
    if (held === undefined || (held.source === 'detector' && mark.source === 'judge')) byMemory.set(mark.memoryId, mark);
  }
  return [...byMemory.values()];
}

/** Two id lists united, first-seen order kept. */
export function unite(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}
