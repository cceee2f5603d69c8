import { MemosError } from './errors.js';

/** Time source, injected so that TTL and ordering can be tested without sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock a test moves by hand. */
export function manualClock(start = Date.parse('2026-01-01T00:00:00.000Z')): Clock & { advance(ms: number): void } {
  let current = start;
  return {
    now: () => current,
    advance(ms: number) {
      current += ms;
    },
  };
}

/**
 * The ISO form of an instant. The last answer is kept: the rows of one read often share their
 * times (a batch written in one millisecond), and formatting a Date is the costly part.
 */
export function toIso(ms: number): string {
  if (ms !== lastIso.ms) lastIso = { ms, iso: new Date(ms).toISOString() };
  return lastIso.iso;
}
let lastIso = { ms: Number.NaN, iso: '' };

/**
 * The instants every storage engine keeps and reads back alike: years 0001 to 9999. PostgreSQL
 * has no year 0 and parses no ISO year of five or more digits (`+010000-…`).
 */
export const EARLIEST_TIME_MS = Date.parse('0001-01-01T00:00:00.000Z');
export const LATEST_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');
export const TIME_RANGE_MESSAGE = 'must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';

export function isStorableTime(ms: number): boolean {
  return ms >= EARLIEST_TIME_MS && ms <= LATEST_TIME_MS;
}

/** An ISO 8601 time as epoch ms; a malformed or unstorable time is the caller's error (E_VALIDATION naming `field`), never NaN. */
export function parseTime(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new MemosError('E_VALIDATION', `${field}: not an ISO 8601 time`, {
      details: { field, issues: [{ field, message: 'not an ISO 8601 time' }] },
    });
  }
  if (!isStorableTime(ms)) {
    throw new MemosError('E_VALIDATION', `${field}: ${TIME_RANGE_MESSAGE}`, {
      details: { field, issues: [{ field, message: TIME_RANGE_MESSAGE }] },
    });
  }
  return ms;
}
