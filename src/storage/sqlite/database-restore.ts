// Bringing a backup back into a data folder: only a whole memOS database of a schema this memOS
// knows; never into a folder a memOS is serving (its lock is taken for the whole restore, so none
// can start meanwhile either); never over data without `force`. The file is copied next to the
// database, fsynced, checked again, and renamed over it, so the folder holds either the old
// database or the whole new one. The copy, not the file, gets the full integrity_check: it is what
// memOS will serve, and reading the file twice would double the time. What belonged to the old database goes first: its WAL and
// journal (SQLite would replay them onto the new file) and its vector snapshots (`<db>-vectors/`).

import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import { isMemosError, MemosError } from '../../core/errors.js';
import { inspectDatabase, type DatabaseFacts } from './backup-file.js';
import { LOCK_FILE, lockDataFolder } from './data-folder-lock.js';
import { DATABASE_FILE, fsyncPath } from './online-backup.js';

export interface RestoreOptions {
  file: string;
  dataDir: string;
  /** Replace what the folder holds. Never overrides a memOS serving the folder. */
  force?: boolean;
  onBytes?: (copied: number, total: number) => void;
  onPhase?: (phase: 'checking' | 'copying' | 'verifying' | 'installing') => void;
}

export interface RestoreResult extends DatabaseFacts {
  database: string;
  bytes: number;
  replaced: boolean;
}

async function copyWithProgress(from: string, to: string, onBytes?: (copied: number, total: number) => void): Promise<void> {
  const total = statSync(from).size;
  let copied = 0;
  const input = createReadStream(from, { highWaterMark: 1 << 20 });
  input.on('data', (chunk) => {
    copied += chunk.length;
    onBytes?.(copied, total);
  });
  const output = createWriteStream(to, { flags: 'wx' });
  await pipeline(input, output);
  if (!output.closed) await once(output, 'close');
}

/** Forgets the vector snapshot tokens the file carries: the restored folder has none of those files. */
function dropSnapshotTokens(path: string): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    const has = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vector_snapshots'`).get() !== undefined;
    if (has) db.exec('DELETE FROM vector_snapshots');
  } finally {
    db.close();
  }
}

/** Folds the old database's WAL into it, so that removing the WAL loses nothing should the rename not happen. */
function settleOld(database: string): void {
  if (!existsSync(database)) return;
  try {
    const db = new Database(database, { fileMustExist: true, timeout: 5000 });
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  } catch {
    // A damaged old database is replaced all the same.
  }
}

/** Restores `file` into `dataDir` (see the top of this file). */
export async function restoreDatabase(options: RestoreOptions): Promise<RestoreResult> {
  const file = resolve(options.file);
  const dir = resolve(options.dataDir);
  if (!existsSync(file)) throw new MemosError('E_NOT_FOUND', `there is no backup file at ${file}`);
  // A first look before the folder is touched; the whole check reads the copy, which is what is installed.
  options.onPhase?.('checking');
  inspectDatabase(file, { whole: false });
  mkdirSync(dir, { recursive: true });
  let lock;
  try {
    lock = lockDataFolder(dir, '--data-dir');
  } catch (error) {
    if (isMemosError(error) && error.code === 'E_CONFIG') {
      throw new MemosError('E_CONFLICT', `will not restore while a memOS serves the folder (--force does not change this): ${error.message}`, { cause: error });
    }
    throw error;
  }
  try {
    const present = readdirSync(dir).filter((name) => name !== LOCK_FILE);
    if (present.length > 0 && !options.force) {
      const shown = present.slice(0, 5).join(', ') + (present.length > 5 ? ', …' : '');
      throw new MemosError('E_CONFLICT', `the data folder ${dir} is not empty (${shown}): restore into an empty folder, or pass --force to replace its database`);
    }
    const database = join(dir, DATABASE_FILE);
    const replaced = existsSync(database);
    const temp = join(dir, `.${DATABASE_FILE}.restore-${randomBytes(6).toString('hex')}.partial`);
    try {
      options.onPhase?.('copying');
      await copyWithProgress(file, temp, options.onBytes);
      options.onPhase?.('verifying');
      let facts: DatabaseFacts;
      try {
        facts = inspectDatabase(temp);
      } catch (error) {
        // Said of the file the operator named, not of the copy.
        throw isMemosError(error) ? new MemosError(error.code, error.message.replaceAll(temp, file), { cause: error }) : error;
      }
      dropSnapshotTokens(temp);
      fsyncPath(temp);
      options.onPhase?.('installing');
      settleOld(database);
      for (const stale of ['-wal', '-shm', '-journal']) rmSync(`${database}${stale}`, { force: true });
      rmSync(`${database}-vectors`, { recursive: true, force: true });
      renameSync(temp, database);
      fsyncPath(dir);
      return { ...facts, database, bytes: statSync(database).size, replaced };
    } finally {
      rmSync(temp, { force: true });
    }
  } finally {
    lock.release();
  }
}
