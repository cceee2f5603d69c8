import type { Clock } from '../../core/clock.js';
import { toIso } from '../../core/clock.js';
import type { IdGenerator } from '../../core/ids.js';
import type { AppendMessages, ErasureCounts, ErasurePass, ErasureSubject, PutSession, SessionCount, SessionCountQuery, SessionErasure, SessionKey, SessionListQuery, SessionPage, SessionRestore, SessionWrite, WorkingMemoryStore } from '../../core/ports.js';
import { promoteMessages, refreshedDeadline, replacedMessages, sessionAfterAppend, sessionFromPut, splitWindow, withinReach } from '../../core/session-window.js';
import type { Episode, Message, Session } from '../../core/types.js';
import type { SqliteDatabase } from './database.js';
import { insertEpisodes } from './episode-store.js';
import { scopeFilter, type SqlFragment } from './filter-sql.js';
import { rowToSession, type SessionRow } from './rows.js';

/**
 * A statement on the session `key` names: `${head} WHERE <scope> AND session_id = ?${tail}`, its
 * parameters the scope's then the session id. The scope is the key's namespace, and its user when
 * `withUser` (reads and deletes); writes load the session by namespace alone, so that one of
 * another user is refused rather than overwritten.
 */
function byKey(head: string, key: SessionKey, withUser: boolean, tail = ''): SqlFragment {
  const scope = scopeFilter({ namespace: key.namespace, userId: withUser ? key.userId : undefined });
  return { sql: `${head} WHERE ${scope.sql} AND session_id = ?${tail}`, params: [...scope.params, key.sessionId] };
}
const WRITE = `INSERT INTO sessions (namespace, session_id, user_id, agent_id, messages, state, summary, ttl_seconds,
  created_at, updated_at, expires_at)
  VALUES (@namespace, @session_id, @user_id, @agent_id, @messages, @state, @summary, @ttl_seconds,
  @created_at, @updated_at, @expires_at)
  ON CONFLICT (namespace, session_id) DO UPDATE SET user_id = excluded.user_id, agent_id = excluded.agent_id,
  messages = excluded.messages, state = excluded.state, summary = excluded.summary,
  ttl_seconds = excluded.ttl_seconds, created_at = excluded.created_at, updated_at = excluded.updated_at,
  expires_at = excluded.expires_at`;
/** In the deadline index's order alone, so that a batch reads only its own rows however many share a deadline. */
const EXPIRED = 'SELECT * FROM sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?';
/**
 * Expired sessions promoted per transaction: a backlog is swept in many short write transactions,
 * with other work let in between, never in one long lock holding every row in memory.
 */
export const SWEEP_BATCH = 200;

export interface SqliteSessionStoreOptions {
  /** Told when a read could not refresh a session's TTL; the read is answered all the same. */
  onRefreshFailed?: (error: unknown) => void;
}

/** A session row split into the live session (if any) and the episodes an expired row leaves behind. */
interface Loaded {
  live: Session | null;
  promoted: Episode[];
}

/**
 * Short-term memory with an idle TTL: get, put and append push `expiresAt` to now + ttl.
 * Messages never vanish silently: overflow beyond the window, whatever an expired session still
 * held, and what a put replaced, become `message` episodes in the same transaction as the session write.
 */
export class SqliteSessionStore implements WorkingMemoryStore, SessionErasure, SessionRestore {
  readonly #db: SqliteDatabase;
  readonly #clock: Clock;
  readonly #ids: IdGenerator;
  readonly #onRefreshFailed: ((error: unknown) => void) | undefined;

  constructor(db: SqliteDatabase, clock: Clock, ids: IdGenerator, options: SqliteSessionStoreOptions = {}) {
    this.#db = db;
    this.#clock = clock;
    this.#ids = ids;
    this.#onRefreshFailed = options.onRefreshFailed;
  }

  async put(command: PutSession): Promise<SessionWrite> {
    return this.#db.transaction('sessions.put', () => {
      const now = this.#clock.now();
      const { live, promoted } = this.#load(command.key, now);
      const session = sessionFromPut(command, live, now);
      // Messages the new list drops are promoted in the scope they were said in, the replaced session's.
      const replaced = live === null ? [] : this.#promote(live, replacedMessages(live, command.messages), now);
      return withinReach(command.key, this.#write(session, command.window, now, live === null, [...promoted, ...replaced]));
    });
  }

  /**
   * Reading refreshes the idle TTL (debounced, see refreshedDeadline) but is not a change:
   * updatedAt stays. A refresh that cannot be written (a full disk, a locked database) never
   * fails the read: the session is answered with the deadline it has.
   */
  async get(key: SessionKey): Promise<Session | null> {
    const now = this.#clock.now();
    const read = byKey('SELECT * FROM sessions', key, true);
    const row = this.#db.run('sessions.get', () => this.#db.statement(read.sql).get(...read.params) as SessionRow | undefined);
    if (!row || row.expires_at <= now) return null;
    const expiresAt = refreshedDeadline(row.expires_at, row.ttl_seconds, now);
    if (expiresAt === undefined) return rowToSession(row);
    try {
      // Only ever moves a deadline later, so that a refresh can never shorten what a write set.
      const touch = byKey('UPDATE sessions SET expires_at = ?', key, true, ' AND expires_at < ?');
      this.#db.run('sessions.touch', () => this.#db.statement(touch.sql).run(expiresAt, ...touch.params, expiresAt));
    } catch (error) {
      this.#onRefreshFailed?.(error);
      return rowToSession(row);
    }
    return rowToSession({ ...row, expires_at: expiresAt });
  }

  async append(command: AppendMessages): Promise<SessionWrite> {
    return this.#db.transaction('sessions.append', () => {
      const now = this.#clock.now();
      const { live, promoted } = this.#load(command.key, now);
      const session = sessionAfterAppend(command, live, now);
      return withinReach(command.key, this.#write(session, command.window, now, live === null, promoted));
    });
  }

  async delete(key: SessionKey): Promise<boolean> {
    // Deletion is explicit, so nothing is promoted; an expired row counts as removed.
    const remove = byKey('DELETE FROM sessions', key, true);
    return this.#db.transaction('sessions.delete', () => this.#db.statement(remove.sql).run(...remove.params).changes > 0);
  }

  /**
   * Promotes and deletes the sessions expired by now, SWEEP_BATCH per transaction, letting other
   * work run between transactions. Sessions expiring during the sweep are left to the next one,
   * so a sweep ends after at most (backlog / SWEEP_BATCH) + 1 transactions.
   */
  async sweepExpired(): Promise<number> {
    const now = this.#clock.now();
    let swept = 0;
    for (;;) {
      const count = this.#db.transaction('sessions.sweep', () => {
        const rows = this.#db.statement(EXPIRED).all(now, SWEEP_BATCH) as SessionRow[];
        for (const row of rows) {
          const expired = rowToSession(row);
          insertEpisodes(this.#db, this.#promote(expired, expired.messages, now));
          const remove = byKey('DELETE FROM sessions', { namespace: row.namespace, sessionId: row.session_id }, false);
          this.#db.statement(remove.sql).run(...remove.params);
        }
        return rows.length;
      });
      swept += count;
      if (count < SWEEP_BATCH) return swept;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /** Live sessions by session id, read as they are: listing refreshes no TTL. */
  async list(query: SessionListQuery): Promise<SessionPage> {
    const scope = scopeFilter({ namespace: query.namespace, userId: query.userId });
    const after = query.after === undefined ? '' : ' AND session_id > ?';
    const sql = `SELECT * FROM sessions WHERE ${scope.sql} AND expires_at > ?${after} ORDER BY session_id LIMIT ?`;
    const params = [...scope.params, this.#clock.now(), ...(query.after === undefined ? [] : [query.after]), query.limit + 1];
    const rows = this.#db.run('sessions.list', () => this.#db.statement(sql).all(...params) as SessionRow[]);
    const items = rows.slice(0, query.limit).map(rowToSession);
    return rows.length > query.limit ? { items, next: items.at(-1)!.sessionId } : { items };
  }

  /**
   * Live sessions counted, grouped by namespace or user as asked; refreshes no TTL. Within a
   * namespace the count goes through the scope filter; overall counts (`sessions.countAll`) span
   * every namespace by design and answer numbers only.
   */
  async count(query: SessionCountQuery): Promise<SessionCount[]> {
    const group = query.groupBy === 'namespace' ? 'namespace' : query.groupBy === 'user' ? 'user_id' : undefined;
    const scope = query.namespace === undefined ? undefined : scopeFilter({ namespace: query.namespace, userId: query.userId });
    const clauses = [...(scope === undefined ? [] : [scope.sql]), 'expires_at > ?', ...(group === 'user_id' ? ['user_id IS NOT NULL'] : [])];
    const params = [query.expiringBefore, ...(scope?.params ?? []), this.#clock.now()];
    const sql = `SELECT ${group ?? 'NULL'} AS name, count(*) AS live, coalesce(sum(expires_at <= ?), 0) AS expiring FROM sessions
      WHERE ${clauses.join(' AND ')}${group === undefined ? '' : ` GROUP BY ${group} ORDER BY ${group}`}`;
    const operation = scope === undefined ? 'sessions.countAll' : 'sessions.count';
    const rows = this.#db.run(operation, () => this.#db.statement(sql).all(...params) as Array<{ name: string | null; live: number; expiring: number }>);
    return rows.map(({ name, live, expiring }) => ({
      ...(group === 'namespace' ? { namespace: name! } : group === 'user_id' ? { userId: name! } : {}),
      live,
      expiring,
    }));
  }

  /** Reads the row; an expired one is returned as episodes to promote and otherwise treated as absent. */
  #load(key: SessionKey, now: number): Loaded {
    const read = byKey('SELECT * FROM sessions', key, false);
    const row = this.#db.statement(read.sql).get(...read.params) as SessionRow | undefined;
    if (!row) return { live: null, promoted: [] };
    if (row.expires_at > now) return { live: rowToSession(row), promoted: [] };
    const expired = rowToSession(row);
    return { live: null, promoted: this.#promote(expired, expired.messages, now) };
  }

  /**
   * Keeps the newest `window` messages, promotes the rest and writes the session. `earlier` are
   * episodes of messages that left before this write's (an expired row's, or those a put
   * replaced): they come first, then the overflow.
   */
  #write(session: Session, window: number, now: number, created: boolean, earlier: Episode[]): SessionWrite {
    const { kept, overflow } = splitWindow(session.messages, window);
    const promoted = [...earlier, ...this.#promote(session, overflow, now)];
    insertEpisodes(this.#db, promoted);
    const row: SessionRow = {
      namespace: session.namespace,
      session_id: session.sessionId,
      user_id: session.userId ?? null,
      agent_id: session.agentId ?? null,
      messages: JSON.stringify(kept),
      state: JSON.stringify(session.state),
      summary: session.summary ?? null,
      ttl_seconds: session.ttlSeconds,
      created_at: Date.parse(session.createdAt),
      updated_at: now,
      expires_at: now + session.ttlSeconds * 1000,
    };
    this.#db.statement(WRITE).run(row);
    // Returned as a later get would read it (JSON round trip included).
    return { session: rowToSession(row), created, promoted };
  }

  #promote(session: Session, messages: Message[], now: number): Episode[] {
    return messages.length === 0 ? [] : promoteMessages(session, messages, this.#ids, toIso(now));
  }

  // Verified erasure (SessionErasure): the subject's sessions, expired ones still stored included.
  // Promotion writes its episodes in the session's own transaction, so SQLite has no outbox.

  async erase(subject: ErasureSubject): Promise<ErasurePass> {
    const scope = scopeFilter(subject);
    const rows = this.#db.transaction('sessions.erase', () =>
      this.#db.statement(`DELETE FROM sessions WHERE ${scope.sql} RETURNING session_id, messages`).all(...scope.params) as Array<{ session_id: string; messages: string }>,
    );
    const texts = rows.flatMap((row) => (JSON.parse(row.messages) as Message[]).map((message) => message.content));
    return { removed: { sessions: rows.length, outbox: 0 }, texts, ids: rows.map((row) => row.session_id) };
  }

  async find(subject: ErasureSubject): Promise<ErasureCounts> {
    const scope = scopeFilter(subject);
    const { count } = this.#db.run('sessions.find', () => this.#db.statement(`SELECT count(*) AS count FROM sessions WHERE ${scope.sql}`).get(...scope.params) as { count: number });
    return { sessions: count, outbox: 0 };
  }

  /** Writes each session as given (its times and expiresAt kept), where none of its id is stored; an import's restore. */
  async restore(sessions: Session[]): Promise<Array<'created' | 'unchanged'>> {
    if (sessions.length === 0) return [];
    return this.#db.transaction('sessions.restore', () =>
      sessions.map((session) => {
        const read = byKey('SELECT 1 FROM sessions', { namespace: session.namespace, sessionId: session.sessionId }, false);
        if (this.#db.statement(read.sql).get(...read.params) !== undefined) return 'unchanged';
        this.#db.statement(WRITE).run({
          namespace: session.namespace,
          session_id: session.sessionId,
          user_id: session.userId ?? null,
          agent_id: session.agentId ?? null,
          messages: JSON.stringify(session.messages),
          state: JSON.stringify(session.state),
          summary: session.summary ?? null,
          ttl_seconds: session.ttlSeconds,
          created_at: Date.parse(session.createdAt),
          updated_at: Date.parse(session.updatedAt),
          expires_at: Date.parse(session.expiresAt),
        } satisfies SessionRow);
        return 'created';
      }),
    );
  }
}
