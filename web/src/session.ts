// The signed-in key and the client made with it. The key is kept in sessionStorage: for this tab
// only, gone when it closes, never in localStorage or a cookie.
import { MemosClient, MemosError } from '@memos/client';

const KEY_ITEM = 'memos.apiKey';

export type Role = 'read' | 'write' | 'admin';

/** Who the key is (`GET /api/v1/whoami`). */
export interface Caller {
  keysRequired: boolean;
  keyId: string;
  name?: string;
  role: Role;
  namespaces: string[];
  userId?: string;
}

export function storedKey(): string | undefined {
  return sessionStorage.getItem(KEY_ITEM) ?? undefined;
}

export function storeKey(key: string | undefined): void {
  if (key === undefined) sessionStorage.removeItem(KEY_ITEM);
  else sessionStorage.setItem(KEY_ITEM, key);
}

/** A client of the memOS that served this page, with `key` when there is one. */
export function clientFor(key: string | undefined): MemosClient {
  return new MemosClient({ baseUrl: location.origin, apiKey: key, retry: { retries: 1 } });
}

/** Who `client`'s key is; undefined when memOS refuses it (401: no key where one is needed, or a bad one). */
export async function whoAmI(client: MemosClient): Promise<Caller | undefined> {
  try {
    return (await client.whoami()) as Caller;
  } catch (error) {
    if (error instanceof MemosError && error.status === 401) return undefined;
    throw error;
  }
}

const RANK: Record<Role, number> = { read: 0, write: 1, admin: 2 };

/** True when the caller's role is at least `needed`. */
export function may(caller: Caller, needed: Role): boolean {
  return RANK[caller.role] >= RANK[needed];
}

/** True when the caller reaches every namespace and every user: what memOS asks of routes that cover them all. */
export function reachesEverything(caller: Caller): boolean {
  return caller.namespaces.includes('*') && caller.userId === undefined;
}
