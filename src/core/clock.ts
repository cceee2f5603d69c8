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

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

/** An ISO 8601 time as epoch ms; a malformed time is the caller's error (E_VALIDATION naming `field`), never NaN. */
export function parseTime(iso: string, field: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) {
    throw new MemosError('E_VALIDATION', `${field}: not an ISO 8601 time`, {
      details: { field, issues: [{ field, message: 'not an ISO 8601 time' }] },
    });
  }
  return ms;
}
