// Domain types of access control (API keys, roles) and of the audit log. No I/O here.

// ── Access control ─────────────────────────────────────────────────────────

/** `read`: GETs, search and context. `write`: that, plus every record write and delete. `admin`: everything. */
export const ROLES = ['read', 'write', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Requests per second a key may make on average, and how many at once. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** An API key as listed: never its secret. */
export interface ApiKey {
  /** The public `<keyId>` part of `memos_<keyId>_<secret>`. */
  id: string;
  name?: string;
  role: Role;
  /** Namespaces the key may touch; `["*"]` for every one. */
  namespaces: string[];
  /** When set, the key reaches only this user's records. */
  userId?: string;
  rateLimit?: RateLimit;
  expiresAt?: string;
  createdAt: string;
  /** Updated at most once a minute per key. */
  lastUsedAt?: string;
  revokedAt?: string;
}

/** A key as stored: the hex SHA-256 of its secret, never the secret. */
export interface StoredApiKey extends ApiKey {
  hash: string;
}

// ── Audit log ──────────────────────────────────────────────────────────────

/** `ok`: the request did what it asked; `denied`: refused for who asked (401, 403, 429); `failed`: any other refusal or error. */
export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Most record ids one entry keeps; `recordCount` still counts them all. */
export const AUDIT_MAX_RECORD_IDS = 100;

/**
 * Who did what, where, and how it ended: one request to memOS. Only ids, names of routes and
 * actions, and numbers: never memory text, queries, metadata, bodies or secrets.
 */
export interface AuditEntry {
  id: string;
  time: string;
  /** The API key's id (`local` while authentication is off); absent when the request proved no key (401). */
  keyId?: string;
  /** The key's role (`read`, `write`, `admin`); absent with `keyId`. */
  role?: string;
  /** What was done, from the route table (src/audit/audit-actions.ts), e.g. `memories.upsert`. */
  action: string;
  method: string;
  /** The route pattern, e.g. `/api/v1/memories/:id`: never the raw URL or its query. */
  route: string;
  /** The namespace worked in; absent on routes that cover every namespace. */
  namespace?: string;
  /** The user the key is bound to, else the user the request named. */
  userId?: string;
  /** The records the request named or changed, at most AUDIT_MAX_RECORD_IDS of them. */
  recordIds?: string[];
  /** How many records it changed, when it changed any (it may be more than `recordIds` holds). */
  recordCount?: number;
  outcome: AuditOutcome;
  /**
   * The HTTP status answered. Absent on an entry committed in the same transaction as its change:
   * that happens before the answer exists (the request log line and the `audit` log line carry it).
   */
  status?: number;
  requestId: string;
}

/** Which entries a listing of the audit log wants; `from` inclusive, `to` exclusive. */
export interface AuditFilter {
  namespace?: string;
  keyId?: string;
  action?: string;
  from?: string;
  to?: string;
}
