import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { MemosError } from '../../core/errors.js';

export const LOCK_FILE = 'memos.lock';

export interface DataFolderLock {
  release(): void;
}

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

const isBusy = (error: unknown) => /^SQLITE_BUSY/.test(String((error as { code?: unknown }).code));

/**
 * Makes this process the only memOS serving `folder`. The lock is SQLite's write lock on
 * `memos.lock` (an operating-system lock), held open for the life of the process: the system
 * drops it when the process ends in any way, so a crash never leaves a stale lock and a reused
 * process id never looks like a holder. The file also records who holds it (pid, host, start
 * time), for the message a second process gives. `setting` names where the folder was set.
 */
export function lockDataFolder(folder: string, setting: string): DataFolderLock {
  const path = join(resolve(folder), LOCK_FILE);
  const db = new Database(path, { timeout: 0 });
  const take = () => db.exec('BEGIN IMMEDIATE');
  try {
    take();
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, started_at TEXT NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, host, started_at) VALUES (?, ?, ?)').run(process.pid, hostname(), new Date().toISOString());
    db.exec('COMMIT');
    // Committing lets the record be read; holding the write lock again keeps every other process out.
    take();
  } catch (error) {
    if (!isBusy(error)) {
      db.close();
      throw error;
    }
    const holder = holderOf(db);
    db.close();
    const who = holder === undefined ? 'another process' : `process ${holder.pid} on host ${holder.host} (started ${holder.startedAt})`;
    throw new MemosError(
      'E_CONFIG',
      `the data folder ${resolve(folder)} (${setting}) is in use by ${who}: one memOS serves a data folder at a time; stop that one, or give this one another data folder`,
      { cause: error },
    );
  }
  return {
    release() {
      if (db.open) db.close();
    },
  };
}

/** Who holds the lock, as it recorded itself; undefined while it is still writing that down. */
function holderOf(db: Database.Database): Holder | undefined {
  try {
    const row = db.prepare('SELECT pid, host, started_at AS startedAt FROM holder').get() as Holder | undefined;
    return row;
  } catch {
    return undefined;
  }
}
