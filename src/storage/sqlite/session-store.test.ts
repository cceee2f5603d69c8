// The SQLite session store beyond the shared contract: how it sweeps a large backlog of expired
// sessions, and how a read behaves when its TTL refresh cannot be written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, toIso } from '../../core/clock.js';
import { ulidGenerator } from '../../core/ids.js';
import { SqliteDatabase } from './database.js';
import { SqliteSessionStore, SWEEP_BATCH } from './session-store.js';

const dir = mkdtempSync(join(tmpdir(), 'memos-sqlite-sessions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function open(options: ConstructorParameters<typeof SqliteSessionStore>[3] = {}) {
  const clock = manualClock();
  const path = join(dir, `${Math.random().toString(36).slice(2)}.db`);
  const db = new SqliteDatabase({ path, synchronous: 'normal', clock });
  db.open();
  const store = new SqliteSessionStore(db, clock, ulidGenerator(clock), options);
  return { db, path, clock, store };
}

describe('SqliteSessionStore', () => {
  it('sweeps a backlog of expired sessions in write transactions of at most 200, letting other work run between them', async () => {
    const { db, path, clock, store } = open();
    const backlog = 5 * SWEEP_BATCH + 37;
    // Written straight into the table: a thousand puts would each be a transaction of their own.
    db.run('seed', (connection) => {
      const insert = connection.prepare(
        `INSERT INTO sessions (namespace, session_id, messages, state, ttl_seconds, created_at, updated_at, expires_at)
         VALUES ('ns1', ?, ?, '{}', 60, ?, ?, ?)`,
      );
      const now = clock.now();
      connection.transaction(() => {
        for (let i = 0; i < backlog; i += 1) {
          insert.run(`s${i}`, JSON.stringify([{ role: 'user', content: `message ${i}`, createdAt: toIso(now) }]), now, now, now + 60_000);
        }
      })();
    });
    clock.advance(61_000);

    // A second connection looks at the table whenever the sweep lets the event loop run.
    const reader = new Database(path, { readonly: true });
    const look = () => reader.prepare('SELECT (SELECT count(*) FROM sessions) AS sessions, (SELECT count(*) FROM episodes) AS episodes').get() as { sessions: number; episodes: number };
    const seen = [look()];
    let sweeping = true;
    const observe = () => {
      seen.push(look());
      if (sweeping) setImmediate(observe);
    };
    setImmediate(observe);
    const swept = await store.sweepExpired();
    sweeping = false;
    await new Promise((resolve) => setImmediate(resolve));
    reader.close();

    expect(swept).toBe(backlog);
    const left = seen.map((state) => state.sessions);
    expect(left[0]).toBe(backlog);
    expect(left.at(-1)).toBe(0);
    // Each look finds at most one more batch committed, and every session's message promoted with it.
    for (let i = 1; i < left.length; i += 1) expect(left[i - 1]! - left[i]!, `step ${i} of ${left.join(', ')}`).toBeLessThanOrEqual(SWEEP_BATCH);
    expect(new Set(left).size).toBeGreaterThanOrEqual(Math.ceil(backlog / SWEEP_BATCH));
    for (const state of seen) expect(state.sessions + state.episodes).toBe(backlog);
    expect(await store.sweepExpired()).toBe(0);
    db.close();
  });

  it('answers a session read whose TTL refresh cannot be written, and refreshes it once it can', async () => {
    const failures: unknown[] = [];
    const { db, path, clock, store } = open({ onRefreshFailed: (error) => failures.push(error) });
    const key = { namespace: 'ns1', sessionId: 's1' };
    const { session } = await store.put({ key, messages: [{ role: 'user', content: 'hello', createdAt: toIso(clock.now()) }], state: {}, ttlSeconds: 60, window: 10 });
    clock.advance(30_000);
    // Another connection holds the write lock: the refresh cannot be written.
    db.run('test', (connection) => connection.pragma('busy_timeout = 20'));
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const read = await store.get(key);
    other.exec('ROLLBACK');
    other.close();
    expect(read).toMatchObject({ messages: session.messages, expiresAt: session.expiresAt });
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: 'E_STORAGE_UNAVAILABLE', cause: { code: 'SQLITE_BUSY' } });

    expect((await store.get(key))?.expiresAt).toBe(toIso(clock.now() + 60_000));
    clock.advance(59_000); // within the refreshed TTL, past the first one
    expect(await store.get(key)).not.toBeNull();
    expect(failures).toHaveLength(1);
    db.close();
  });
});
