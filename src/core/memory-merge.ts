import type { Memory, UpsertAction } from './types.js';
import { unite, uniteConflicts } from './validity.js';

/**
 * What writing `incoming` over an existing memory of the same scope does. For an exact duplicate
 * (same normalised text) the stored wording is kept; for a near-duplicate (found by vector
 * similarity, and stating the same thing) the incoming wording wins, as a restatement usually updates what it repeats, and
 * the old wording stays in history. Importance takes the higher value; metadata is merged with the
 * incoming keys winning; source episodes, source sessions and conflict marks are united; the later
 * or absent expiry wins; the incoming kind wins, and the incoming key when it has one. The
 * validity window is the existing memory's (a merge only ever joins two current memories).
 * `unchanged` means the write would change nothing but the fact's confirmation: the caller then
 * only raises `lastConfirmedAt` (a merge sets it to `now` here).
 */
export function mergeMemory(
  existing: Memory,
  incoming: Memory,
  now: string,
  wording: 'stored' | 'incoming' = 'stored',
): { action: UpsertAction; memory: Memory } {
  const merged: Memory = {
    ...existing,
    content: wording === 'incoming' ? incoming.content : existing.content,
    kind: incoming.kind,
    importance: Math.max(existing.importance, incoming.importance),
    metadata: { ...existing.metadata, ...incoming.metadata },
    sourceEpisodeIds: unite(existing.sourceEpisodeIds, incoming.sourceEpisodeIds),
    sourceSessionIds: unite(existing.sourceSessionIds, incoming.sourceSessionIds),
    conflicts: uniteConflicts(existing.conflicts, incoming.conflicts),
  };
  const key = incoming.key ?? existing.key;
  if (key !== undefined) merged.key = key;
  const expiresAt = laterExpiry(existing.expiresAt, incoming.expiresAt);
  if (expiresAt === undefined) delete merged.expiresAt;
  else merged.expiresAt = expiresAt;

  if (sameMemory(existing, merged)) return { action: 'unchanged', memory: existing };
  return { action: 'merged', memory: { ...merged, version: existing.version + 1, updatedAt: now, lastConfirmedAt: now } };
}

function laterExpiry(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined) return undefined;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function sameMemory(a: Memory, b: Memory): boolean {
  return (
    a.content === b.content &&
    a.kind === b.kind &&
    a.importance === b.importance &&
    a.expiresAt === b.expiresAt &&
    JSON.stringify(a.metadata) === JSON.stringify(b.metadata) &&
    a.key === b.key &&
    JSON.stringify(a.sourceEpisodeIds) === JSON.stringify(b.sourceEpisodeIds) &&
    JSON.stringify(a.sourceSessionIds) === JSON.stringify(b.sourceSessionIds) &&
    JSON.stringify(a.conflicts) === JSON.stringify(b.conflicts)
  );
}
