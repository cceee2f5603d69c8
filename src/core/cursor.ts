import { isUtf8 } from 'node:buffer';
import { isStorableTime } from './clock.js';
import { MemosError } from './errors.js';
import { ID_PATTERN } from './ids.js';
import type { CursorPosition, Page } from './types.js';

/** Cursors are opaque to clients: base64url of the last item's sort time and id. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.time, position.id])).toString('base64url');
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** The time form encodeCursor writes: toISOString of a year from 0001 to 9999. */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The position a cursor holds, checked in full: canonical base64url of a JSON array of exactly a
 * time (as encodeCursor writes it, within the range every engine stores) and a record id. Anything
 * else was not issued by this server and is E_VALIDATION naming `cursor`, before any store sees it.
 */
export function decodeCursor(cursor: string): CursorPosition {
  const position = BASE64URL.test(cursor) ? positionOf(Buffer.from(cursor, 'base64url')) : undefined;
  if (position !== undefined && encodeCursor(position) === cursor) return position;
  throw new MemosError('E_VALIDATION', 'cursor: not a cursor this server issued', {
    details: { field: 'cursor', issues: [{ field: 'cursor', message: 'not a cursor this server issued' }] },
  });
}

function positionOf(bytes: Buffer): CursorPosition | undefined {
  if (!isUtf8(bytes)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [time, id] = parsed as unknown[];
  if (typeof time !== 'string' || typeof id !== 'string' || !ID_PATTERN.test(id) || !CURSOR_TIME.test(time)) return undefined;
  const ms = Date.parse(time);
  if (!isStorableTime(ms) || new Date(ms).toISOString() !== time) return undefined;
  return { time, id };
}

/** A page of at most `limit` items from `items` (fetched as limit + 1), with a cursor when more follow. */
export function toPage<T extends { id: string }>(items: T[], limit: number, timeOf: (item: T) => string): Page<T> {
  const page = items.slice(0, Math.max(0, limit));
  const last = page[page.length - 1];
  if (items.length > page.length && last) return { items: page, next: { time: timeOf(last), id: last.id } };
  return { items: page };
}
