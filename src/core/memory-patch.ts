import { parseTime } from './clock.js';
import type { MemoryPatch } from './ports.js';
import { contentKey as keyOf } from './text.js';
import type { Memory } from './types.js';

export interface PatchedMemory {
  memory: Memory;
  /** The new content key, present only when the content changed. */
  contentKey?: string;
}

/**
 * Applies a patch to a memory: given fields replace the stored ones (metadata as a whole
 * object), `expiresAt: null` clears the expiry. Returns null when the patch changes nothing,
 * so that a no-op update writes no new version. Version and updatedAt are the caller's.
 */
export function applyPatch(current: Memory, patch: MemoryPatch): PatchedMemory | null {
  const next: Memory = { ...current };
  let changed = false;
  let contentKey: string | undefined;

  if (patch.content !== undefined && patch.content !== current.content) {
    next.content = patch.content;
    contentKey = patch.contentKey ?? keyOf(patch.content);
    changed = true;
  }
  if (patch.kind !== undefined && patch.kind !== current.kind) {
    next.kind = patch.kind;
    changed = true;
  }
  if (patch.importance !== undefined && patch.importance !== current.importance) {
    next.importance = patch.importance;
    changed = true;
  }
  if (patch.metadata !== undefined && !sameJson(patch.metadata, current.metadata)) {
    next.metadata = patch.metadata;
    changed = true;
  }
  if (patch.expiresAt === null && current.expiresAt !== undefined) {
    delete next.expiresAt;
    changed = true;
  } else if (typeof patch.expiresAt === 'string') {
    const ms = parseTime(patch.expiresAt, 'expiresAt');
    if (current.expiresAt === undefined || Date.parse(current.expiresAt) !== ms) {
      next.expiresAt = new Date(ms).toISOString();
      changed = true;
    }
  }
  if (!changed) return null;
  return contentKey === undefined ? { memory: next } : { memory: next, contentKey };
}

/** Deep equality of JSON values, ignoring object key order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  const aKeys = Object.keys(a);
  const bRecord = b as Record<string, unknown>;
  if (aKeys.length !== Object.keys(bRecord).length) return false;
  return aKeys.every((key) => Object.hasOwn(bRecord, key) && sameJson((a as Record<string, unknown>)[key], bRecord[key]));
}
