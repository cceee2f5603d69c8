// The keys the leakage suite acts with, and what each may reach: every role bound to namespace A,
// user-bound keys, keys of every namespace, and keys memOS must refuse (none, invalid, revoked).

import type { Role } from '../../src/core/types.js';
import { must, type Send } from './leak-api.js';
import { NAMESPACE_A, NAMESPACE_B } from './tenants.js';

export interface Actor {
  name: string;
  /** The whole key; undefined for a request without one. */
  key: string | undefined;
  /** False for keys memOS must refuse with 401 (none, invalid, revoked). */
  valid: boolean;
  role: Role;
  namespaces: string[];
  userId?: string;
}

interface Made {
  name: string;
  role: Role;
  namespaces: string[];
  userId?: string;
}

/** Far above anything the suite sends, so that a per-key rate limit never answers for the access checks. */
const UNLIMITED = { perSecond: 100_000, burst: 1_000_000 };

const MADE: Made[] = [
  { name: 'admin-all', role: 'admin', namespaces: ['*'] },
  { name: 'read-all', role: 'read', namespaces: ['*'] },
  { name: 'read-a', role: 'read', namespaces: [NAMESPACE_A] },
  { name: 'write-a', role: 'write', namespaces: [NAMESPACE_A] },
  { name: 'admin-a', role: 'admin', namespaces: [NAMESPACE_A] },
  { name: 'write-a-u1', role: 'write', namespaces: [NAMESPACE_A], userId: 'u1' },
  { name: 'read-a-u1', role: 'read', namespaces: [NAMESPACE_A], userId: 'u1' },
  // u1's records in every namespace: user-bound, so no route across every namespace.
  { name: 'read-all-u1', role: 'read', namespaces: ['*'], userId: 'u1' },
  // Two namespaces and no default: a request must name one.
  { name: 'write-ab', role: 'write', namespaces: [NAMESPACE_A, NAMESPACE_B] },
  // A namespace that differs from A in case only: another namespace, whatever a store's collation.
  { name: 'read-a-upper', role: 'read', namespaces: [NAMESPACE_A.toUpperCase()] },
];

/** Makes the keys through `POST /api/v1/admin/keys` with the configured admin key, and one revoked. */
export async function makeActors(send: Send, adminKey: string): Promise<Actor[]> {
  const actors: Actor[] = [{ name: 'admin-env', key: adminKey, valid: true, role: 'admin', namespaces: ['*'] }];
  for (const made of MADE) {
    const { json } = await must(send, adminKey, 'POST', '/api/v1/admin/keys', { ...made, rateLimit: UNLIMITED });
    actors.push({ ...made, key: json.key, valid: true });
  }
  const revoked = (await must(send, adminKey, 'POST', '/api/v1/admin/keys', { name: 'revoked', role: 'admin', namespaces: ['*'] })).json;
  await must(send, adminKey, 'DELETE', `/api/v1/admin/keys/${revoked.id}`);
  const someKey = actors[1]!.key!;
  // A well-formed key of a live key id, with another secret.
  const invalid = `${someKey.slice(0, 'memos_'.length + 13)}${'A'.repeat(43)}`;
  const refused = { valid: false, role: 'admin' as const, namespaces: ['*'] };
  actors.push({ name: 'no-key', key: undefined, ...refused }, { name: 'invalid-key', key: invalid, ...refused }, { name: 'revoked-key', key: revoked.key, ...refused });
  return actors;
}

/** Whether the actor may touch `namespace` (`*`: every one). */
export function reachesNamespace(actor: Actor, namespace: string): boolean {
  if (!actor.valid) return false;
  if (namespace === '*') return actor.namespaces.includes('*') && actor.userId === undefined;
  return actor.namespaces.includes('*') || actor.namespaces.includes(namespace);
}

/** Whether the actor may read the records of `userId` (undefined: records of no user) in `namespace`. */
export function reachesRecords(actor: Actor, namespace: string, userId: string | undefined): boolean {
  return reachesNamespace(actor, namespace) && (actor.userId === undefined || actor.userId === userId);
}

/** The namespace a key works in when a request names none: its only one, if it has exactly one. */
export function onlyNamespaceOf(actor: Actor): string | undefined {
  return actor.namespaces.length === 1 && actor.namespaces[0] !== '*' ? actor.namespaces[0] : undefined;
}

const RANK: Record<Role, number> = { read: 0, write: 1, admin: 2 };

export function roleAllows(actor: Actor, needed: Role): boolean {
  return RANK[actor.role] >= RANK[needed];
}
