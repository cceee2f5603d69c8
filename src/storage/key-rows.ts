// The api_keys row of every SQL adapter, and its mapping to the domain type. Times arrive as
// epoch milliseconds (SQLite) or Dates (PostgreSQL); JSON columns as text (SQLite) or values.

import type { Role, StoredApiKey } from '../core/types.js';
import { optional } from './row-fields.js';

export interface KeyRow {
  id: string;
  hash: string;
  name: string | null;
  role: string;
  namespaces: string | string[];
  user_id: string | null;
  rate_limit: string | { perSecond: number; burst: number } | null;
  expires_at: number | Date | null;
  created_at: number | Date;
  last_used_at: number | Date | null;
  revoked_at: number | Date | null;
}

const iso = (time: number | Date) => new Date(time).toISOString();
const json = <T>(value: string | T) => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export function rowToKey(row: KeyRow): StoredApiKey {
  return {
    id: row.id,
    hash: row.hash,
    ...optional('name', row.name),
    role: row.role as Role,
    namespaces: json<string[]>(row.namespaces),
    ...optional('userId', row.user_id),
    ...optional('rateLimit', row.rate_limit === null ? null : json(row.rate_limit)),
    ...optional('expiresAt', row.expires_at === null ? null : iso(row.expires_at)),
    createdAt: iso(row.created_at),
    ...optional('lastUsedAt', row.last_used_at === null ? null : iso(row.last_used_at)),
    ...optional('revokedAt', row.revoked_at === null ? null : iso(row.revoked_at)),
  };
}

/** A listed key: the stored one without its hash. */
export function withoutHash({ hash: _hash, ...key }: StoredApiKey) {
  return key;
}

/** The columns a new key is inserted with, and its values in that order; `time` gives an ISO time the engine's form. */
export const KEY_INSERT_COLUMNS = 'id, hash, name, role, namespaces, user_id, rate_limit, expires_at, created_at';

export function keyInsertValues(key: StoredApiKey, time: (iso: string) => unknown): unknown[] {
  return [
    key.id,
    key.hash,
    key.name ?? null,
    key.role,
    JSON.stringify(key.namespaces),
    key.userId ?? null,
    key.rateLimit === undefined ? null : JSON.stringify(key.rateLimit),
    key.expiresAt === undefined ? null : time(key.expiresAt),
    time(key.createdAt),
  ];
}
