// Bad input is refused here, before any call, with an E_VALIDATION naming the field, the way memOS
// itself answers a 400: the SDK's runner would otherwise surface a server error mid-run.
import { isMemosId, MemosError } from '@memos/client';
import type { AgentInputItem } from '@openai/agents-core';


const invalid = (field: string, reason: string) => new MemosError('E_VALIDATION', `${field}: ${reason}`);

export function checkId(field: string, value: unknown): string {
  if (!isMemosId(value)) throw invalid(field, 'must be 1 to 128 characters of A-Z a-z 0-9 . _ : @ -');
  return value;
}

export function checkTtl(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 30 * 24 * 3600) throw invalid('ttlSeconds', 'must be an integer from 1 to 2592000 (30 days)');
  return value as number;
}

export function checkBatchSize(value: unknown): number {
  if (value === undefined) return 100;
  if (!Number.isInteger(value) || (value as number) < 1) throw invalid('batchSize', 'must be a positive integer');
  return value as number;
}

/** The SDK passes a non-negative count, or nothing for "all"; anything else is a caller's mistake. */
export function checkLimit(value: unknown): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < 0) throw invalid('limit', 'must be a non-negative integer, or absent for every item in the window');
}

/** Items must be plain JSON objects: they are stored as JSON and must read back the same. */
export function checkItems(items: unknown): asserts items is AgentInputItem[] {
  if (!Array.isArray(items)) throw invalid('items', 'must be an array of AgentInputItem objects');
  items.forEach((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(`items[${index}]`, 'must be an AgentInputItem object');
    const { type, role } = item as Record<string, unknown>;
    if (type === undefined && role === undefined) throw invalid(`items[${index}]`, 'must have a type or a role');
    if (type !== undefined && typeof type !== 'string') throw invalid(`items[${index}].type`, 'must be a string');
    const where = notJson(item, `items[${index}]`, new Set());
    if (where !== undefined) throw invalid(where, 'must be plain JSON (strings, finite numbers, booleans, null, arrays and plain objects; no cycles, binary data or class instances), since it is stored as JSON');
  });
}

/** The path of the first value in `value` that would not read back from JSON as it is, if any. */
function notJson(value: unknown, path: string, ancestors: Set<object>): string | undefined {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (typeof value !== 'object' || ancestors.has(value)) return path;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return path;
  ancestors.add(value);
  try {
    for (const [key, entry] of Object.entries(value)) {
      const where = notJson(entry, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`, ancestors);
      if (where !== undefined) return where;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}
