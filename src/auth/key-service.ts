// API keys: made, listed and revoked here, and every presented key checked here. Lookups are
// kept for `cacheMs` (2 s) per process, so that a revocation on any replica takes effect on every
// other within that time; the replica that revokes forgets the key at once.

import { readFileSync } from 'node:fs';
import { LRUCache } from 'lru-cache';
import { adminKeySchema, type Config } from '../config/schema.js';
import { toIso, type Clock } from '../core/clock.js';
import { isMemosError, MemosError, notFound } from '../core/errors.js';
import type { KeyStore } from '../core/ports.js';
import type { ApiKey, RateLimit, Role, StoredApiKey } from '../core/types.js';
import { generateKey, hashSecret, parseKey, secretMatches } from './api-key.js';
import { ALL_NAMESPACES, type Principal } from './principal.js';

/** How long a process trusts what it read of a key (and whether any key exists). */
export const KEY_CACHE_MS = 2_000;
/** `lastUsedAt` is written at most this often per key and process. */
const TOUCH_EVERY_MS = 60_000;

/** The principal of the admin key that configuration names. */
const ADMIN_KEY_PRINCIPAL: Principal = { keyId: 'admin-key', name: 'MEMOS_ADMIN_KEY', role: 'admin', namespaces: [ALL_NAMESPACES] };

export interface NewKey {
  name?: string | undefined;
  role: Role;
  namespaces: string[];
  userId?: string | undefined;
  expiresAt?: string | undefined;
  rateLimit?: RateLimit | undefined;
}

export interface KeyServiceDeps {
  keys: KeyStore;
  clock: Clock;
  /** The admin key configuration names (MEMOS_ADMIN_KEY or the file MEMOS_ADMIN_KEY_FILE names). */
  adminKey?: string | undefined;
  /** Failures to record `lastUsedAt` (never fatal). */
  onTouchFailed?: (error: unknown) => void;
  cacheMs?: number;
}

/** The admin key configuration names, read from its file when one is named; E_CONFIG when unusable. */
export function configuredAdminKey(auth: Config['auth']): string | undefined {
  if (auth.adminKeyFile === undefined) return auth.adminKey;
  let text: string;
  try {
    text = readFileSync(auth.adminKeyFile, 'utf8').trim();
  } catch (error) {
    throw new MemosError('E_CONFIG', `auth.adminKeyFile (MEMOS_ADMIN_KEY_FILE): cannot read ${auth.adminKeyFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const parsed = adminKeySchema.safeParse(text);
  if (!parsed.success) throw new MemosError('E_CONFIG', `auth.adminKeyFile (MEMOS_ADMIN_KEY_FILE): the key in ${auth.adminKeyFile} ${parsed.error.issues[0]?.message ?? 'is invalid'}`);
  return parsed.data;
}

export function createKeyService({ keys, clock, adminKey, onTouchFailed, cacheMs = KEY_CACHE_MS }: KeyServiceDeps) {
  const adminHash = adminKey === undefined ? undefined : hashSecret(adminKey);
  const lookups = new LRUCache<string, { key: StoredApiKey | null }>({ max: 10_000, ttl: cacheMs });
  const touched = new LRUCache<string, true>({ max: 10_000, ttl: TOUCH_EVERY_MS });
  let anyKey: { exists: boolean; at: number } | undefined;

  const find = async (id: string): Promise<StoredApiKey | null> => {
    const cached = lookups.get(id);
    if (cached) return cached.key;
    const key = await keys.find(id);
    lookups.set(id, { key });
    return key;
  };

  const live = (key: StoredApiKey, now: number) => key.revokedAt === undefined && (key.expiresAt === undefined || Date.parse(key.expiresAt) > now);

  const touch = (id: string) => {
    if (touched.has(id)) return;
    touched.set(id, true);
    keys.touch(id, toIso(clock.now())).catch((error: unknown) => onTouchFailed?.(error));
  };

  return {
    /** Makes a key; the whole key is in the answer, and nowhere else ever again. */
    async create(input: NewKey): Promise<{ key: string; record: ApiKey }> {
      const now = clock.now();
      if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= now) {
        throw new MemosError('E_VALIDATION', 'expiresAt: must be in the future', { details: { field: 'expiresAt', issues: [{ field: 'expiresAt', message: 'must be in the future' }] } });
      }
      const namespaces = input.namespaces.includes(ALL_NAMESPACES) ? [ALL_NAMESPACES] : [...new Set(input.namespaces)];
      const { keyId, key, hash } = generateKey();
      const stored: StoredApiKey = {
        id: keyId,
        hash,
        ...(input.name === undefined ? {} : { name: input.name }),
        role: input.role,
        namespaces,
        ...(input.userId === undefined ? {} : { userId: input.userId }),
        ...(input.rateLimit === undefined ? {} : { rateLimit: input.rateLimit }),
        ...(input.expiresAt === undefined ? {} : { expiresAt: new Date(Date.parse(input.expiresAt)).toISOString() }),
        createdAt: toIso(now),
      };
      await keys.create(stored);
      anyKey = { exists: true, at: now };
      const { hash: _hash, ...record } = stored;
      return { key, record };
    },

    list: () => keys.list(),

    /** Revokes a key; E_NOT_FOUND when there is no such key or it was revoked already. */
    async revoke(id: string): Promise<void> {
      const revoked = await keys.revoke(id, toIso(clock.now()));
      lookups.delete(id);
      if (anyKey !== undefined) anyKey.at = -Infinity;
      if (!revoked) throw notFound('key', id);
    },

    /** The principal a presented key acts as; undefined for a key that is malformed, unknown, revoked or expired. */
    async authenticate(presented: string): Promise<Principal | undefined> {
      if (adminHash !== undefined && secretMatches(presented, adminHash)) return ADMIN_KEY_PRINCIPAL;
      const parsed = parseKey(presented);
      if (parsed === undefined) return undefined;
      const key = await find(parsed.keyId);
      if (key === null || !secretMatches(parsed.secret, key.hash) || !live(key, clock.now())) return undefined;
      touch(key.id);
      return {
        keyId: key.id,
        ...(key.name === undefined ? {} : { name: key.name }),
        role: key.role,
        namespaces: key.namespaces,
        ...(key.userId === undefined ? {} : { userId: key.userId }),
        ...(key.rateLimit === undefined ? {} : { rateLimit: key.rateLimit }),
      };
    },

    /** Whether any key exists (configured, or stored and live); kept for `cacheMs`. */
    async keysExist(): Promise<boolean> {
      if (adminHash !== undefined) return true;
      const now = clock.now();
      if (anyKey !== undefined && now - anyKey.at < cacheMs) return anyKey.exists;
      let exists: boolean;
      try {
        exists = (await keys.countActive(toIso(now))) > 0;
      } catch (error) {
        // The store cannot say (it is down): keep the last answer, or, never having had one, require keys.
        if (anyKey !== undefined) return anyKey.exists;
        if (isMemosError(error) && error.code === 'E_STORAGE_UNAVAILABLE') return true;
        throw error;
      }
      anyKey = { exists, at: now };
      return exists;
    },
  };
}

export type KeyService = ReturnType<typeof createKeyService>;
