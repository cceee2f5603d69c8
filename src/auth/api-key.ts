// API keys: `memos_<keyId>_<secret>`. The key id is public (it names the key in lists, logs and
// the audit log); the secret is 32 random bytes in base64url, shown once at creation. Only the
// SHA-256 of the secret is stored: a secret of 256 random bits cannot be guessed, so a slow
// password hash would add latency to every request and no safety. Hashes are compared in
// constant time.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'memos_';
/** 12 characters of [a-z0-9]: 62 bits, enough that ids never collide, short enough to read. */
export const KEY_ID = /^[a-z0-9]{12}$/;
const KEY = /^memos_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface ParsedKey {
  keyId: string;
  secret: string;
}

/** A new key: its id, the whole key (shown once) and the hash that is stored. */
export function generateKey(): { keyId: string; key: string; hash: string } {
  const keyId = randomId();
  const secret = randomBytes(32).toString('base64url');
  return { keyId, key: `${PREFIX}${keyId}_${secret}`, hash: hashSecret(secret) };
}

function randomId(): string {
  // 36^12 ids; the slight modulo bias does not matter for an identifier, which is not a secret.
  const bytes = randomBytes(12);
  let id = '';
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/** The parts of a well-formed key; undefined for anything else. */
export function parseKey(key: string): ParsedKey | undefined {
  const match = KEY.exec(key);
  return match ? { keyId: match[1]!, secret: match[2]! } : undefined;
}

/** The stored form of a secret: hex SHA-256. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares a presented secret with a stored hash in time that does not depend on where they differ. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
