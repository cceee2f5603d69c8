import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.js';

/** Ids that clients send (namespaces, users, agents, sessions, records): 1–128 of these characters. */
export const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

export type IdPrefix = 'mem' | 'ep' | 'aud';

export interface IdGenerator {
  next(prefix: IdPrefix): string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * ULID-style ids (`ep_01JD…`): 48 bits of milliseconds then 80 random bits, in Crockford base 32,
 * so that ids sort by creation time. Within one millisecond the random part counts up, so ids
 * made by one generator are strictly increasing.
 */
export function ulidGenerator(clock: Clock): IdGenerator {
  let lastTime = -1;
  let lastRandom = new Uint8Array(10);

  return {
    next(prefix) {
      const time = clock.now();
      if (time === lastTime) {
        increment(lastRandom);
      } else {
        lastTime = time;
        lastRandom = new Uint8Array(randomBytes(10));
      }
      return `${prefix}_${encodeTime(time)}${encodeRandom(lastRandom)}`;
    },
  };
}

function encodeTime(ms: number): string {
  let out = '';
  let value = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits → 16 characters of 5 bits each.
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

function increment(bytes: Uint8Array): void {
  for (let i = bytes.length - 1; i >= 0; i--) {
    const byte = bytes[i] ?? 0;
    if (byte < 255) {
      bytes[i] = byte + 1;
      return;
    }
    bytes[i] = 0;
  }
}
