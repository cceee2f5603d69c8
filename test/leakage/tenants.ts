// The tenants of the leakage suite: two namespaces, two users in each and, in the first, records of
// no user. Each tenant's records (memories with history, episodes, a session) hold a secret word
// of its own in their content, metadata, messages, state and summary, and a search word that
// requests may name; an answer to a key that does not reach the tenant must hold neither.

import { randomBytes } from 'node:crypto';
import { must, type Send } from './leak-api.js';

export const NAMESPACE_A = 'tenant-a';
/** It starts with A's name and a colon, so that no prefix match of A (a LIKE, a key pattern) may cover it. */
export const NAMESPACE_B = 'tenant-a:b';
/** The second user of each namespace; its name starts with the first's, for the same reason. */
export const USER_2 = 'u1:b';
/** Where requests that name no namespace work, for keys that reach every namespace. */
export const DEFAULT_NAMESPACE = 'default';
export const NAMESPACES = [NAMESPACE_A, NAMESPACE_B, DEFAULT_NAMESPACE];

/** The episode session every tenant has episodes in, interleaved in time (neighbour expansion reads around hits in it). */
export const SHARED_THREAD = 'thread';

export interface Tenant {
  label: string;
  namespace: string;
  /** The user of the tenant's records; undefined for records of no user. */
  userId: string | undefined;
  /** In every record of the tenant; no request ever names it. */
  secret: string;
  /** In every record of the tenant too; requests name it (search queries). */
  searchWord: string;
  /** The content of a memory with no secret in it, which other keys write again to try a merge. */
  dupContent: string;
  /** Planted memories; the first has an earlier version in its history. */
  memoryIds: string[];
  episodeIds: string[];
  /** Named after the user, so that both namespaces hold a session of the same id. */
  sessionId: string;
  /** A key bound to the tenant (read, its namespace and user), for attempts to revoke keys. */
  victimKeyId: string;
  /** Made afresh for a change that a key may make, so that planted records stay as planted. */
  fresh: Fresh;
}

export interface Fresh {
  /** Memory and episode ids. */
  records: Set<string>;
  sessions: Set<string>;
  keys: Set<string>;
  /** The whole keys of fresh keys: no answer but their creation's may hold them. */
  keySecrets: Set<string>;
}

/** Lowercase letters only, so that keyword search takes it as one word. */
export function randomWord(prefix: string): string {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  return prefix + [...randomBytes(12)].map((byte) => letters[byte % 26]).join('');
}

const SHAPES: Array<{ namespace: string; userId: string | undefined }> = [
  { namespace: NAMESPACE_A, userId: 'u1' },
  { namespace: NAMESPACE_A, userId: USER_2 },
  { namespace: NAMESPACE_A, userId: undefined },
  { namespace: NAMESPACE_B, userId: 'u1' },
  { namespace: NAMESPACE_B, userId: USER_2 },
];

const minutes = (n: number) => new Date(Date.UTC(2026, 0, 5, 9, 0) + n * 60_000).toISOString();

/** The tenant's namespace and user as body fields. */
export const scopeOf = (tenant: Pick<Tenant, 'namespace' | 'userId'>) => ({ namespace: tenant.namespace, ...(tenant.userId === undefined ? {} : { userId: tenant.userId }) });

/** Plants every tenant's records with the admin key. */
export async function plantTenants(send: Send, admin: string): Promise<Tenant[]> {
  const tenants: Tenant[] = [];
  for (const [index, shape] of SHAPES.entries()) {
    const label = `${shape.namespace}/${shape.userId ?? 'no-user'}`;
    const secret = randomWord('sec');
    const searchWord = randomWord('find');
    const dupContent = `The standup of ${randomWord('team')} is at nine`;
    const scope = scopeOf(shape);
    const sessionId = `chat-${shape.userId ?? 'nobody'}`;
    const episodes = await must(send, admin, 'POST', '/api/v1/episodes', {
      ...scope,
      episodes: [
        { kind: 'message', role: 'user', content: `Asked about ${searchWord} and ${secret}`, sessionId: SHARED_THREAD, occurredAt: minutes(10 + index), metadata: { note: secret } },
        { kind: 'observation', content: `Noticed ${secret} near the ${searchWord}`, sessionId: SHARED_THREAD, occurredAt: minutes(20 + index) },
        { kind: 'message', role: 'assistant', content: `Replied ${secret}`, sessionId, occurredAt: minutes(30 + index), metadata: { tag: searchWord } },
      ],
    });
    // The first memory was learned from the first episode: its sources show the episode.
    const memories = await must(send, admin, 'POST', '/api/v1/memories', {
      ...scope,
      memories: [
        { content: `The ${searchWord} locker code is ${secret}`, metadata: { note: secret, tag: searchWord }, importance: 0.9, sourceEpisodeIds: [episodes.json.ids[0]] },
        { content: `Prefers ${searchWord} tea, says ${secret}`, kind: 'preference', metadata: { note: `about ${secret}` } },
        { content: dupContent },
      ],
    });
    const memoryIds: string[] = memories.json.ids;
    // An earlier version in the history, with the secret in it.
    await must(send, admin, 'PATCH', `/api/v1/memories/${memoryIds[0]}?namespace=${shape.namespace}`, { content: `The ${searchWord} locker code is now ${secret} again` });
    await must(send, admin, 'PUT', `/api/v1/sessions/${sessionId}`, {
      ...scope,
      messages: [
        { role: 'user', content: `My ${searchWord} question is ${secret}`, metadata: { note: secret } },
        { role: 'assistant', content: `The answer holds ${secret}` },
        { role: 'user', content: `Tell me about ${searchWord}` },
      ],
      state: { step: secret },
      summary: `Talked about ${secret}`,
    });
    const victim = await must(send, admin, 'POST', '/api/v1/admin/keys', { name: `victim of ${label}`, role: 'read', namespaces: [shape.namespace], ...(shape.userId === undefined ? {} : { userId: shape.userId }) });
    const fresh: Fresh = { records: new Set(), sessions: new Set(), keys: new Set(), keySecrets: new Set([victim.json.key]) };
    tenants.push({ label, ...shape, secret, searchWord, dupContent, memoryIds, episodeIds: episodes.json.ids, sessionId, victimKeyId: victim.json.id, fresh });
  }
  return tenants;
}

let freshCount = 0;

/** A record of the tenant made afresh with the admin key, for a change a key may make; its id (a session's id for sessions). */
export async function freshRecord(send: Send, admin: string, tenant: Tenant, kind: 'memory' | 'episode' | 'session' | 'key'): Promise<string> {
  const word = randomWord('fresh');
  const scope = scopeOf(tenant);
  const content = `Fresh ${word} holds ${tenant.secret}`;
  if (kind === 'memory' || kind === 'episode') {
    const answer = kind === 'memory'
      ? await must(send, admin, 'POST', '/api/v1/memories', { ...scope, memories: [{ content, metadata: { note: tenant.secret } }] })
      : await must(send, admin, 'POST', '/api/v1/episodes', { ...scope, episodes: [{ kind: 'observation', content }] });
    const id: string = answer.json.ids[0];
    tenant.fresh.records.add(id);
    return id;
  }
  if (kind === 'session') {
    const id = `fresh-session-${++freshCount}`;
    await must(send, admin, 'PUT', `/api/v1/sessions/${id}`, { ...scope, messages: [{ role: 'user', content }] });
    tenant.fresh.sessions.add(id);
    return id;
  }
  const { json } = await must(send, admin, 'POST', '/api/v1/admin/keys', { name: `fresh victim of ${tenant.label}`, role: 'read', namespaces: [tenant.namespace], ...(tenant.userId === undefined ? {} : { userId: tenant.userId }) });
  tenant.fresh.keys.add(json.id);
  tenant.fresh.keySecrets.add(json.key);
  return json.id;
}

/** What must not change in a tenant's planted records: content, metadata, versions, history, session messages, state and summary. */
export async function plantedState(send: Send, admin: string, tenant: Tenant): Promise<string> {
  const ns = `namespace=${tenant.namespace}`;
  const state: unknown[] = [];
  for (const id of tenant.memoryIds) {
    const { json: memory } = await must(send, admin, 'GET', `/api/v1/memories/${id}?${ns}`);
    const { json: history } = await must(send, admin, 'GET', `/api/v1/memories/${id}/history?${ns}`);
    state.push(pick(memory, ['id', 'namespace', 'userId', 'content', 'kind', 'importance', 'metadata', 'version', 'createdAt', 'updatedAt']), history);
  }
  for (const id of tenant.episodeIds) {
    const { json: episode } = await must(send, admin, 'GET', `/api/v1/episodes/${id}?${ns}`);
    state.push(pick(episode, ['id', 'namespace', 'userId', 'content', 'kind', 'metadata', 'sessionId', 'occurredAt', 'createdAt']));
  }
  const { json: session } = await must(send, admin, 'GET', `/api/v1/sessions/${tenant.sessionId}?${ns}`);
  state.push(pick(session, ['sessionId', 'namespace', 'userId', 'messages', 'state', 'summary', 'createdAt', 'updatedAt']));
  return JSON.stringify(state);
}

function pick(record: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, record[key]]));
}

/** Every memory and episode of a namespace (id and user), read with the admin key page by page. */
export async function recordsIn(send: Send, admin: string, namespace: string): Promise<Array<{ id: string; userId: string | undefined; tier: string }>> {
  const found: Array<{ id: string; userId: string | undefined; tier: string }> = [];
  for (const tier of ['memories', 'episodes']) {
    let cursor: string | undefined;
    do {
      const { json } = await must(send, admin, 'GET', `/api/v1/${tier}?namespace=${namespace}&limit=500${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      for (const item of json.items) found.push({ id: item.id, userId: item.userId, tier });
      cursor = json.nextCursor;
    } while (cursor !== undefined);
  }
  return found;
}
