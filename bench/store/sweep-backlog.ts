// How long the SQLite session sweep holds the write lock (and the event loop) on a backlog of
// expired sessions: the store's batched sweep beside one transaction over the whole backlog (what
// the sweep did before), on the same data, in the same run.
//
//   npx tsx bench/store/sweep-backlog.ts [sessions=100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock, toIso } from '../../src/core/clock.js';
import { ulidGenerator } from '../../src/core/ids.js';
import { promoteMessages } from '../../src/core/session-window.js';
import { SqliteDatabase } from '../../src/storage/sqlite/database.js';
import { insertEpisodes } from '../../src/storage/sqlite/episode-store.js';
import { rowToSession, type SessionRow } from '../../src/storage/sqlite/rows.js';
import { SqliteSessionStore } from '../../src/storage/sqlite/session-store.js';
import { summarize } from '../stats.js';

const count = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'memos-bench-sweep-'));

function seeded(name: string) {
  const clock = manualClock();
  const db = new SqliteDatabase({ path: join(dir, `${name}.db`), synchronous: 'full', clock });
  db.open();
  db.run('seed', (connection) => {
    const insert = connection.prepare(
      `INSERT INTO sessions (namespace, session_id, messages, state, ttl_seconds, created_at, updated_at, expires_at) VALUES ('ns1', ?, ?, '{}', 60, ?, ?, ?)`,
    );
    const now = clock.now();
    connection.transaction(() => {
      for (let i = 0; i < count; i += 1) {
        const messages = [0, 1, 2].map((j) => ({ role: 'user', content: `message ${j} of session ${i}, a few words long`, createdAt: toIso(now) }));
        insert.run(`s${i}`, JSON.stringify(messages), now, now, now + 60_000);
      }
    })();
  });
  clock.advance(61_000);
  return { db, clock };
}

/** Runs `sweep` while measuring the longest stretch the event loop could not run (a setImmediate ticker). */
async function measure(sweep: () => Promise<number>) {
  const gaps: number[] = [];
  let last = performance.now();
  let running = true;
  const tick = () => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const start = performance.now();
  const swept = await sweep();
  const total = performance.now() - start;
  running = false;
  await new Promise((resolve) => setImmediate(resolve));
  const heap = process.memoryUsage().heapUsed;
  return { swept, totalMs: total, blocks: summarize(gaps), heapMiB: heap / 2 ** 20 };
}

/** The sweep as it was: every expired session selected, promoted and deleted in one transaction. */
function oneTransaction(db: SqliteDatabase, clock: ReturnType<typeof manualClock>) {
  const ids = ulidGenerator(clock);
  return async () =>
    db.transaction('sessions.sweep', () => {
      const now = clock.now();
      const rows = db.statement('SELECT * FROM sessions WHERE expires_at <= ? ORDER BY expires_at, namespace, session_id').all(now) as SessionRow[];
      const remove = db.statement('DELETE FROM sessions WHERE namespace = ? AND session_id = ?');
      for (const row of rows) {
        const expired = rowToSession(row);
        insertEpisodes(db, promoteMessages(expired, expired.messages, ids, toIso(now)));
        remove.run(row.namespace, row.session_id);
      }
      return rows.length;
    });
}

const round = (value: number) => Math.round(value * 10) / 10;
try {
  const before = seeded('one-transaction');
  const whole = await measure(oneTransaction(before.db, before.clock));
  before.db.close();
  const after = seeded('batched');
  const store = new SqliteSessionStore(after.db, after.clock, ulidGenerator(after.clock));
  const batched = await measure(() => store.sweepExpired());
  after.db.close();
  console.log(`sweep of ${count} expired sessions (3 messages each), synchronous=full`);
  for (const [name, result] of [['one transaction (before)', whole], ['batches of 200 (now)', batched]] as const) {
    console.log(
      `${name.padEnd(26)} swept ${result.swept}, total ${round(result.totalMs)} ms, longest event-loop block ${round(result.blocks.max)} ms, ` +
        `p50 block ${round(result.blocks.p50)} ms over ${result.blocks.n} ticks, heap after ${round(result.heapMiB)} MiB`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
