import { MemosError } from './errors.js';
import type { CursorPosition, Page } from './types.js';

/** Cursors are opaque to clients: base64url of the last item's sort time and id. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.time, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): CursorPosition {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [time, id] = parsed as unknown[];
      if (typeof time === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(time))) return { time, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new MemosError('E_VALIDATION', 'cursor: not a cursor this server issued', {
    details: { field: 'cursor', issues: [{ field: 'cursor', message: 'not a cursor this server issued' }] },
  });
}

/** A page of at most `limit` items from `items` (fetched as limit + 1), with a cursor when more follow. */
export function toPage<T extends { id: string }>(items: T[], limit: number, timeOf: (item: T) => string): Page<T> {
  const page = items.slice(0, Math.max(0, limit));
  const last = page[page.length - 1];
  if (items.length > page.length && last) return { items: page, next: { time: timeOf(last), id: last.id } };
  return { items: page };
}
