// What memOS holds, for operators: namespaces and users with their counts, one scope's stats, and
// its live sessions in summary. Durable counts come from the storage's inspect port, session
// counts from wherever sessions live (the SQLite table, or Redis). Every answer holds counts, ids
// and times only, never record text. Reach is the caller's: the routes pass the namespaces a key
// reaches and, for a user-bound key, its user, which narrows every answer to that user.
import type { Clock } from '../../core/clock.js';
import { toIso } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import type { InspectScope, InspectStore, StorageBytes, WorkingMemoryStore } from '../../core/ports.js';
import type { Session } from '../../core/types.js';
import { decodeIdCursor, encodeIdCursor } from './id-cursor.js';
import { tierReport, type TierReport } from './stats-report.js';

/** Sessions whose idle deadline falls within this many seconds count as expiring. */
export const EXPIRING_WITHIN_SECONDS = 600;

export interface InspectDeps {
  /** The storage's inspect port; undefined on a driver without one. */
  store: InspectStore | undefined;
  sessions: WorkingMemoryStore;
  clock: Clock;
  /** The model new vectors are made with, when an embedder is configured. */
  embedder: () => { model: string; dimensions: number } | undefined;
}

export interface NamespaceSummary {
  namespace: string;
  episodes: number;
  memories: number;
  sessions: number;
  users: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageInput extends InspectScope {
  limit: number;
  cursor?: string | undefined;
}

export interface UserSummary {
  userId: string;
  episodes: number;
  memories: number;
  sessions: number;
}

export interface SessionSummary {
  sessionId: string;
  userId?: string;
  agentId?: string;
  messages: number;
  ttlSeconds: number;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

export interface Stats extends InspectScope {
  generatedAt: string;
  sessions: { live: number; expiring: number; expiringWithinSeconds: number };
  episodes: TierReport;
  memories: TierReport & { expired: number; historyVersions: number };
  embedder?: { model: string; dimensions: number };
  storage?: StorageBytes & { scope: 'database' };
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function createInspectService({ store, sessions, clock, embedder }: InspectDeps) {
  const inspect = (): InspectStore => {
    if (store === undefined) throw new MemosError('E_INTERNAL', 'this storage driver keeps no counts to inspect');
    return store;
  };
  const expiringBefore = () => clock.now() + EXPIRING_WITHIN_SECONDS * 1000;

  return {
    /** Namespaces holding records or live sessions; `reach` (a key's namespaces, `*` for all) limits them, and lists each reached one, empty or not. */
    async namespaces(reach: readonly string[]): Promise<{ namespaces: NamespaceSummary[] }> {
      const [stored, live] = await Promise.all([inspect().namespaces({}), sessions.count({ groupBy: 'namespace', expiringBefore: expiringBefore() })]);
      const all = reach.includes('*');
      const rows = new Map<string, NamespaceSummary>();
      const row = (namespace: string) => rows.get(namespace) ?? rows.set(namespace, { namespace, episodes: 0, memories: 0, sessions: 0, users: 0 }).get(namespace)!;
      if (!all) reach.forEach(row);
      for (const counts of stored) if (all || rows.has(counts.namespace)) Object.assign(row(counts.namespace), { episodes: counts.episodes, memories: counts.memories, users: counts.users });
      for (const counts of live) if (all || rows.has(counts.namespace!)) row(counts.namespace!).sessions = counts.live;
      return { namespaces: [...rows.values()].sort((a, b) => byId(a.namespace, b.namespace)) };
    },

    /** Users with episodes, memories or live sessions in a namespace, by user id; only `userId` when set. */
    async users({ namespace, userId, limit, cursor }: PageInput): Promise<Page<UserSummary>> {
      const after = cursor === undefined ? undefined : decodeIdCursor(cursor);
      const scope = { namespace, ...(userId === undefined ? {} : { userId }) };
      const [stored, live] = await Promise.all([
        inspect().users({ ...scope, limit, ...(after === undefined ? {} : { after }) }),
        sessions.count({ ...scope, groupBy: 'user', expiringBefore: expiringBefore() }),
      ]);
      const sessionsOf = new Map(live.map((counts) => [counts.userId!, counts.live]));
      const users = new Map(stored.items.map((counts) => [counts.userId, { ...counts, sessions: sessionsOf.get(counts.userId) ?? 0 }]));
      // Users with only live sessions, up to where the stored page ends when more stored ones follow.
      const last = stored.items.at(-1)?.userId;
      for (const [id, count] of sessionsOf) {
        if (users.has(id) || (after !== undefined && id <= after) || (stored.next !== undefined && id > last!)) continue;
        users.set(id, { userId: id, episodes: 0, memories: 0, sessions: count });
      }
      const sorted = [...users.values()].sort((a, b) => byId(a.userId, b.userId));
      const items = sorted.slice(0, limit);
      const more = sorted.length > limit || stored.next !== undefined;
      return { items, ...(more && items.length > 0 ? { nextCursor: encodeIdCursor(items.at(-1)!.userId) } : {}) };
    },

    /** Live sessions of a namespace (of one user when set), by session id, in summary: no messages, no state. */
    async sessions({ namespace, userId, limit, cursor }: PageInput): Promise<Page<SessionSummary>> {
      const after = cursor === undefined ? undefined : decodeIdCursor(cursor);
      const page = await sessions.list({ namespace, limit, ...(userId === undefined ? {} : { userId }), ...(after === undefined ? {} : { after }) });
      return { items: page.items.map(summary), ...(page.next === undefined ? {} : { nextCursor: encodeIdCursor(page.next) }) };
    },

    /** Counts of one scope; bytes are the whole database's, whatever the scope. */
    async stats(scope: InspectScope): Promise<Stats> {
      const target = inspect();
      const [stored, [live], bytes] = await Promise.all([
        target.stats(scope),
        sessions.count({ ...scope, expiringBefore: expiringBefore() }),
        target.bytes({}),
      ]);
      const model = embedder();
      return {
        namespace: scope.namespace,
        ...(scope.userId === undefined ? {} : { userId: scope.userId }),
        generatedAt: toIso(clock.now()),
        sessions: { live: live?.live ?? 0, expiring: live?.expiring ?? 0, expiringWithinSeconds: EXPIRING_WITHIN_SECONDS },
        episodes: tierReport(stored.episodes),
        memories: { ...tierReport(stored.memories), expired: stored.expiredMemories, historyVersions: stored.historyVersions },
        ...(model === undefined ? {} : { embedder: model }),
        ...(bytes === undefined ? {} : { storage: { ...bytes, scope: 'database' as const } }),
      };
    },
  };
}

function summary(session: Session): SessionSummary {
  return {
    sessionId: session.sessionId,
    ...(session.userId === undefined ? {} : { userId: session.userId }),
    ...(session.agentId === undefined ? {} : { agentId: session.agentId }),
    messages: session.messages.length,
    ttlSeconds: session.ttlSeconds,
    createdAt: session.createdAt,
    updatedAt: session.updatedAt,
    expiresAt: session.expiresAt,
  };
}

export type InspectService = ReturnType<typeof createInspectService>;
