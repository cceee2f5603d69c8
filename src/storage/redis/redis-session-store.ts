import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { toIso } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import type { IdGenerator } from '../../core/ids.js';
import type { AppendMessages, EpisodeStore, ErasurePass, ErasureSubject, Lifecycle, PutSession, SessionCountQuery, SessionErasure, SessionKey, SessionListQuery, SessionPage, SessionRestore, SessionWrite, WorkingMemoryStore } from '../../core/ports.js';
import { promoteMessages, replacedMessages, sessionAfterAppend, sessionFromPut, splitWindow, TTL_REFRESH_MAX_MS, TTL_REFRESH_SHARE, withinReach } from '../../core/session-window.js';
import type { Episode, Message, Session } from '../../core/types.js';
import { redisConnection, type RedisLogger, type RedisSource } from './redis-client.js';
import { isCluster } from './redis-cluster.js';
import { collapseRepeatedLogs } from '../../observability/repeated-logs.js';
import { isWriteRefused, pipelineReplies, redisCall } from './redis-errors.js';
import { CLUSTER_SESSION_SHARDS, memberOf, sessionKeyLayout, type SessionKeys } from './session-keys.js';
import { countSessions } from './session-count.js';
import { drainOutbox } from './session-outbox.js';
import { ACK_OUTBOX, DELETE_SESSION, GET_AND_TOUCH, WRITE_SESSION } from './session-scripts.js';

export type RedisSessionStoreOptions = RedisSource & {
  /** The durable store that promoted messages go to. */
  episodes: EpisodeStore;
  clock: Clock;
  /** Ids of promoted episodes. */
  ids: IdGenerator;
  /** Put before every key (default ''). */
  keyPrefix?: string;
  logger?: RedisLogger;
  /** How long Redis keeps an expired session for `sweepExpired` to promote it (default one day). */
  expiredGraceSeconds?: number;
  /**
   * Told, before the call that delivered them returns, which namespaces received promoted episodes
   * from an outbox (on a later read, write or sweep): they are episode writes like any other, and
   * make cached answers of those namespaces stale. Must not throw.
   */
  onDelivered?: (namespaces: string[]) => Promise<void>;
};

export type RedisSessionStore = WorkingMemoryStore &
  Lifecycle &
  SessionRestore & {
    /** Live sessions (deadline not yet passed), from the deadlines index: one ZCOUNT per shard. */
    countLive(): Promise<number>;
  } & SessionErasure;

/** Attempts of one compare-and-set write before giving up with E_CONFLICT, and the most backoff between them. */
const MAX_ATTEMPTS = 10;
const MAX_BACKOFF_MS = 20;
const SWEEP_BATCH = 200;

interface Loaded {
  live: Session | null;
  /** A session past its deadline that is still stored: its messages are promoted by the write. */
  expired: Session | null;
  /** The stored version token; '' when there is no session. */
  version: string;
}

/**
 * Short-term memory in Redis. Each session is one hash (`data` JSON, `deadline`, `ttl`, version
 * token `v`) under `{prefix}memos-session:{nsLength}:{ns}:{sessionId}` (on a cluster with a shard's
 * hash tag, see sessionKeyLayout). Deadlines come from the injected clock and are kept in a sorted
 * set, so that `sweepExpired` finds expired sessions and promotes them; the key's own PEXPIRE
 * (deadline + grace) only collects garbage.
 *
 * Writes are computed here with the shared window rule, then applied by one Lua compare-and-set
 * that also moves the promoted episodes into the session's outbox list. The outbox is then
 * delivered to the episode store and acknowledged: delivery is at-least-once, idempotent by
 * episode id (see appendOnce), and whatever a crash or an episode store outage leaves in an
 * outbox is delivered by the next get, put, append or sweep.
 */
export function createRedisSessionStore(options: RedisSessionStoreOptions): RedisSessionStore {
  const prefix = options.keyPrefix ?? '';
  const graceMs = (options.expiredGraceSeconds ?? 86_400) * 1000;
  const { clock, ids, episodes, logger, onDelivered } = options;
  const connection = redisConnection(options, logger);
  const layout = sessionKeyLayout(prefix, 'client' in options && isCluster(options.client) ? CLUSTER_SESSION_SHARDS : 1);
  const keysOf = (member: string) => layout.of(member);

  const serial = keyedSerial();
  const refreshFailures = collapseRepeatedLogs();
  const deferrals = collapseRepeatedLogs();
  const message = 'a session read could not refresh its idle TTL (redis refuses writes); answered without refreshing it';
  const refreshFailed = (error: unknown) =>
    refreshFailures.log(
      'refresh',
      () => logger?.warn({ err: error }, message),
      (repeated, seconds) => logger?.warn({ err: error, repeated, seconds }, message),
    );
  const promote = (session: Session, messages: Message[], now: number): Episode[] =>
    messages.length === 0 ? [] : promoteMessages(session, messages, ids, toIso(now));

  /** Delivers an outbox, logging rather than failing: the entries stay for the next drain. */
  async function drain(member: string): Promise<void> {
    try {
      const namespaces = await drainOutbox(connection.client, episodes, keysOf(member));
      if (namespaces.length > 0) await onDelivered?.(namespaces);
    } catch (error) {
      // An episode store outage defers every promotion alike: logged once, then counted per interval.
      deferrals.log(
        'deferred',
        () => logger?.warn({ err: error }, 'session promotion deferred: outbox not delivered yet'),
        (repeated, seconds) => logger?.warn({ err: error, repeated, seconds }, 'session promotion deferred: outbox not delivered yet'),
      );
    }
  }

  async function load(keys: SessionKeys, now: number): Promise<Loaded> {
    const [data, deadline, version] = await connection.client.hmget(keys.session, 'data', 'deadline', 'v');
    if (data === null || data === undefined) return { live: null, expired: null, version: '' };
    const session = decode(data, Number(deadline));
    const token = version ?? '';
    return Number(deadline) > now ? { live: session, expired: null, version: token } : { live: null, expired: session, version: token };
  }

  /**
   * Reads, builds the next session (with the live messages it replaces, if any), keeps the newest
   * `window` messages and applies it with the compare-and-set, retrying when another writer got
   * there first. What the write promotes goes to the outbox in the same script.
   */
  async function write(key: SessionKey, window: number, build: (live: Session | null, now: number) => { next: Session; replaced: Message[] }): Promise<SessionWrite> {
    const member = memberOf(key);
    const keys = keysOf(member);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await backoff();
      const now = clock.now();
      const { live, expired, version } = await load(keys, now);
      const { next, replaced } = build(live, now);
      const { kept, overflow } = splitWindow(next.messages, window);
      const promoted = [
        ...(expired ? promote(expired, expired.messages, now) : []),
        ...(live ? promote(live, replaced, now) : []),
        ...promote(next, overflow, now),
      ];
      const deadline = now + next.ttlSeconds * 1000;
      const data = encode({ ...next, messages: kept });
      const pending = (await WRITE_SESSION.run(
        connection.client,
        [keys.session, keys.outbox, keys.index, keys.outboxes],
        [version, member, newVersion(), data, deadline, deadline - now + graceMs, next.ttlSeconds, ...promoted.map((e) => JSON.stringify(e))],
      )) as number;
      if (pending === -1) continue;
      if (pending > 0) await drain(member);
      // Returned as a later get would read it (JSON round trip included).
      return withinReach(key, { session: decode(data, deadline), created: live === null, promoted });
    }
    throw new MemosError('E_CONFLICT', 'redis: the session kept changing under concurrent writes; retry');
  }

  /**
   * Promotes and deletes one session of the deadlines index if it is still expired. `kept` means
   * it is still in the index, past its deadline (other writers kept winning the compare-and-set).
   */
  async function expire(member: string, now: number): Promise<'expired' | 'skipped' | 'kept'> {
    const keys = keysOf(member);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await backoff();
      const { live, expired, version } = await load(keys, now);
      if (live) {
        await connection.client.zadd(keys.index, Date.parse(live.expiresAt), member); // an index entry older than the session
        return 'skipped';
      }
      if (!expired) {
        await connection.client.zrem(keys.index, member); // deleted, or collected by Redis before any sweep
        return 'skipped';
      }
      const promoted = promote(expired, expired.messages, now).map((e) => JSON.stringify(e));
      const pending = (await WRITE_SESSION.run(connection.client, [keys.session, keys.outbox, keys.index, keys.outboxes], [version, member, '', '', 0, 0, 0, ...promoted])) as number;
      if (pending === -1) continue;
      if (pending > 0) await drain(member);
      return 'expired';
    }
    return 'kept';
  }

  return {
    init: () => connection.init(),
    close: async () => {
      refreshFailures.flush();
      deferrals.flush();
      await connection.close();
    },

    put: (command: PutSession) =>
      redisCall('sessions.put', () =>
        serial(memberOf(command.key), () =>
          write(command.key, command.window, (live, now) => ({ next: sessionFromPut(command, live, now), replaced: replacedMessages(live, command.messages) })),
        ),
      ),

    append: (command: AppendMessages) =>
      redisCall('sessions.append', () =>
        serial(memberOf(command.key), () => write(command.key, command.window, (live, now) => ({ next: sessionAfterAppend(command, live, now), replaced: [] }))),
      ),

    get: (key: SessionKey) =>
      redisCall('sessions.get', async () => {
        const member = memberOf(key);
        const keys = keysOf(member);
        const now = clock.now();
        let reply: [string | null, number | string, number];
        try {
          // Reading refreshes the idle TTL (debounced) but is not a change: updatedAt stays.
          const args = [now, graceMs, member, TTL_REFRESH_SHARE, TTL_REFRESH_MAX_MS, key.userId ?? ''];
          reply = (await GET_AND_TOUCH.run(connection.client, [keys.session, keys.index, keys.outbox], args)) as typeof reply;
        } catch (error) {
          // A server that answers but refuses writes (full under noeviction, a read-only replica) still serves the read.
          if (!isWriteRefused(error)) throw error;
          refreshFailed(error);
          const [fields, pending] = pipelineReplies(await connection.client.pipeline().hmget(keys.session, 'data', 'deadline').llen(keys.outbox).exec()) as [
            [string | null, string | null],
            number,
          ];
          const [data, deadline] = fields;
          reply = data !== null && Number(deadline) > now ? [data, Number(deadline), pending] : [null, 0, pending];
        }
        const [data, deadline, pending] = reply;
        if (pending > 0) await drain(member);
        const session = data ? decode(data, Number(deadline)) : null;
        // The script answers only the key's user's session; the read-only fallback is checked here.
        return session !== null && (key.userId === undefined || session.userId === key.userId) ? session : null;
      }),

    delete: (key: SessionKey) =>
      redisCall('sessions.delete', async () => {
        // Deletion is explicit, so nothing is promoted; an expired session still stored counts as removed.
        const member = memberOf(key);
        const keys = keysOf(member);
        if (key.userId !== undefined) {
          // Only the key's user's session: the owner is read and the session deleted in one script.
          return (await DELETE_SESSION.run(connection.client, [keys.session, keys.index], [member, key.userId])) === 1;
        }
        const [removed] = (await connection.client.multi().del(keys.session).zrem(keys.index, member).exec()) ?? [];
        if (removed?.[0]) throw removed[0];
        return removed?.[1] === 1;
      }),

    countLive: () =>
      redisCall('sessions.count', async () => {
        const now = clock.now();
        const counts = await Promise.all(layout.shards.map(({ index }) => connection.client.zcount(index, `(${now}`, '+inf')));
        return counts.reduce((total, count) => total + count, 0);
      }),

    list: (query: SessionListQuery) =>
      redisCall('sessions.list', async (): Promise<SessionPage> => {
        // The deadlines index names every stored session; a namespace's members share its prefix.
        const client = connection.client;
        const now = clock.now();
        const prefix = memberOf({ namespace: query.namespace, sessionId: '' });
        const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
        const ids: string[] = [];
        for (const { index } of layout.shards) {
          let cursor = '0';
          do {
            const [next, reply] = await client.zscan(index, cursor, 'MATCH', pattern, 'COUNT', 500);
            cursor = next;
            for (let i = 0; i < reply.length; i += 2) {
              const sessionId = reply[i]!.slice(prefix.length);
              if (Number(reply[i + 1]) > now && (query.after === undefined || sessionId > query.after)) ids.push(sessionId);
            }
          } while (cursor !== '0');
        }
        ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const items: Session[] = [];
        let last: string | undefined;
        for (let start = 0; start < ids.length && items.length <= query.limit; start += 100) {
          const batch = ids.slice(start, start + 100);
          // One read per session: on a cluster the sessions of a batch live in different slots.
          const replies = await Promise.all(batch.map((sessionId) => client.hmget(keysOf(memberOf({ namespace: query.namespace, sessionId })).session, 'data', 'deadline')));
          for (const [data, deadline] of replies) {
            if (data === null || data === undefined || Number(deadline) <= now) continue;
            const session = decode(data, Number(deadline));
            if (query.userId !== undefined && session.userId !== query.userId) continue;
            if (items.length === query.limit) return { items, next: last! };
            items.push(session);
            last = session.sessionId;
          }
        }
        return { items };
      }),

    count: (query: SessionCountQuery) => redisCall('sessions.count', () => countSessions(connection.client, layout, query, clock.now())),

    sweepExpired: () =>
      redisCall('sessions.sweep', async () => {
        const client = connection.client;
        const now = clock.now();
        let count = 0;
        for (const { index, outboxes } of layout.shards) {
          for (;;) {
            const members = await client.zrangebyscore(index, '-inf', now, 'LIMIT', 0, SWEEP_BATCH);
            let kept = 0;
            for (const member of members) {
              const outcome = await serial(member, () => expire(member, now));
              if (outcome === 'expired') count += 1;
              if (outcome === 'kept') kept += 1;
            }
            // Stop when the range is exhausted, or when nothing left it (only contended sessions remain).
            if (members.length < SWEEP_BATCH || kept === members.length) break;
          }
          // Outboxes that a crash or an episode store outage left behind.
          let cursor = '0';
          do {
            const [next, members] = await client.sscan(outboxes, cursor, 'COUNT', SWEEP_BATCH);
            cursor = next;
            for (const member of members) await drain(member);
          } while (cursor !== '0');
        }
        return count;
      }),

    // Verified erasure (SessionErasure): the subject's sessions, expired ones still stored included,
    // and the promoted messages of its sessions still waiting in their outboxes.
    erase: (subject: ErasureSubject) =>
      redisCall('sessions.erase', async (): Promise<ErasurePass> => {
        const client = connection.client;
        const removed = { sessions: 0, outbox: 0 };
        const texts: string[] = [];
        const ids: string[] = [];
        for (const member of await membersOf(subject.namespace)) {
          await serial(member, async () => {
            const keys = keysOf(member);
            const data = await client.hget(keys.session, 'data');
            const session = data === null || data === undefined ? null : (JSON.parse(data) as Session);
            if (session !== null && ofSubject(subject, session.userId)) {
              const [deleted] = (await client.multi().del(keys.session).zrem(keys.index, member).exec()) ?? [];
              if (deleted?.[0]) throw deleted[0];
              if (deleted?.[1] === 1) removed.sessions += 1;
              ids.push(session.sessionId);
              for (const message of session.messages) texts.push(message.content);
            }
            const entries = await client.lrange(keys.outbox, 0, -1);
            const gone = entries.filter((entry) => ofSubject(subject, (JSON.parse(entry) as Episode).userId));
            if (gone.length === 0) return;
            await ACK_OUTBOX.run(client, [keys.outbox, keys.outboxes], [member, ...gone]);
            removed.outbox += gone.length;
            for (const entry of gone) texts.push((JSON.parse(entry) as Episode).content);
          });
        }
        return { removed, texts, ids };
      }),

    find: (subject: ErasureSubject) =>
      redisCall('sessions.find', async () => {
        const client = connection.client;
        const found = { sessions: 0, outbox: 0 };
        for (const member of await membersOf(subject.namespace)) {
          const keys = keysOf(member);
          const [data, entries] = await Promise.all([client.hget(keys.session, 'data'), client.lrange(keys.outbox, 0, -1)]);
          if (data !== null && data !== undefined && ofSubject(subject, (JSON.parse(data) as Session).userId)) found.sessions += 1;
          found.outbox += entries.filter((entry) => ofSubject(subject, (JSON.parse(entry) as Episode).userId)).length;
        }
        return found;
      }),

    /** Writes each live session as given (its times and deadline kept) where no session of its id is stored; an import's restore. */
    restore: (sessions: Session[]) =>
      redisCall('sessions.restore', async () => {
        const outcomes: Array<'created' | 'unchanged'> = [];
        for (const session of sessions) {
          const member = memberOf({ namespace: session.namespace, sessionId: session.sessionId });
          const outcome = await serial(member, async () => {
            const keys = keysOf(member);
            const now = clock.now();
            const deadline = Date.parse(session.expiresAt);
            const { live, expired, version } = await load(keys, now);
            if (live !== null || expired !== null || deadline <= now) return 'unchanged' as const;
            const args = [version, member, newVersion(), encode(session), deadline, deadline - now + graceMs, session.ttlSeconds];
            const written = (await WRITE_SESSION.run(connection.client, [keys.session, keys.outbox, keys.index, keys.outboxes], args)) as number;
            return written === -1 ? ('unchanged' as const) : ('created' as const);
          });
          outcomes.push(outcome);
        }
        return outcomes;
      }),
  };

  /** Every session of a namespace that Redis still holds or has an outbox for: the deadlines index and the outbox set, by the namespace's member prefix. */
  async function membersOf(namespace: string): Promise<string[]> {
    const client = connection.client;
    const prefix = memberOf({ namespace, sessionId: '' });
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    const members = new Set<string>();
    for (const { index, outboxes } of layout.shards) {
      let cursor = '0';
      do {
        const [next, reply] = await client.zscan(index, cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        for (let i = 0; i < reply.length; i += 2) members.add(reply[i]!);
      } while (cursor !== '0');
      do {
        const [next, reply] = await client.sscan(outboxes, cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        for (const member of reply) members.add(member);
      } while (cursor !== '0');
    }
    return [...members].filter((member) => member.startsWith(prefix));
  }
}

/** Whether a record of `userId` belongs to the subject: any, for a whole namespace. */
const ofSubject = (subject: ErasureSubject, userId: string | undefined) => subject.userId === undefined || userId === subject.userId;

/** A session as stored: everything but `expiresAt`, which is the `deadline` field. */
function encode(session: Session): string {
  const { expiresAt: _ignored, ...stored } = session;
  return JSON.stringify(stored);
}

function decode(data: string, deadline: number): Session {
  return { ...(JSON.parse(data) as Omit<Session, 'expiresAt'>), expiresAt: toIso(deadline) };
}

/** A fresh version token per write, so that a compare-and-set never mistakes a later session for the one it read. */
function newVersion(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * Runs work for one key after the work queued before it for that key. Writers of this process
 * never race each other on a session; writers of other processes are handled by the
 * compare-and-set and its retries.
 */
function keyedSerial() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
}

const backoff = () => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * MAX_BACKOFF_MS));
