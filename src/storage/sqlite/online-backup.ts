// An online backup of the embedded database: one consistent snapshot taken while a memOS keeps
// serving writes on the same file, without its data-folder lock.
//
// It is `VACUUM INTO` on a connection of its own. VACUUM INTO reads the source inside one read
// transaction, so the copy is the database as of one instant (WAL lets the server's writers go on
// meanwhile) and it never starts over. SQLite's backup API (better-sqlite3's `.backup()`) copies
// page by page and restarts whenever another connection writes the source between two steps: under
// a steady stream of writes it may never finish. VACUUM INTO is one statement, so it runs in a
// worker thread while this thread watches the copy grow, for progress. SQLite does not fsync what
// VACUUM INTO wrote: the copy is fsynced, checked (integrity_check, schema version, counts), and only
// then renamed to its name, so that a file at that name is always a whole, verified backup.

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { MemosError } from '../../core/errors.js';
import { inspectDatabase, type DatabaseFacts } from './backup-file.js';

/** The database's file name in the data folder (see src/storage/index.ts). */
export const DATABASE_FILE = 'memos.db';

export interface BackupOptions {
  /** The live database file (`<dataDir>/memos.db`). */
  source: string;
  /** Where the backup goes; it must not exist unless `overwrite`. */
  out: string;
  overwrite?: boolean;
  /** Bytes of the copy written so far, and the bytes expected (the source's used pages). */
  onBytes?: (written: number, expected: number) => void;
  /** The step now under way: `copying`, `syncing`, `verifying`. */
  onPhase?: (phase: 'copying' | 'syncing' | 'verifying') => void;
  /** How often the copy's size is looked at (default 200 ms). */
  pollMs?: number;
}

export interface BackupResult extends DatabaseFacts {
  out: string;
  bytes: number;
  ms: number;
  /** Of `ms`: the snapshot (VACUUM INTO), and the fsync and checks of the copy. */
  copyMs: number;
  verifyMs: number;
}

// Runs in the worker: CommonJS by `eval`, so that it needs no file of its own in src/ and dist/.
const VACUUM_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.source, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.prepare('VACUUM INTO ?').run(workerData.target);
  parentPort.postMessage({ ok: true });
} catch (error) {
  parentPort.postMessage({ ok: false, code: error && error.code, message: String(error && error.message) });
} finally {
  if (db) db.close();
}`;

/** Bytes the source's pages in use take: about what VACUUM INTO writes. */
function usedBytes(source: string): number {
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    return Math.max(0, (pages - free) * pageSize);
  } finally {
    db.close();
  }
}

/** fsync of a file or a folder (a rename is durable once its folder is). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function vacuumInto(source: string, target: string, poll: () => void, pollMs: number): Promise<void> {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Promise((done, fail) => {
    const worker = new Worker(VACUUM_WORKER, { eval: true, workerData: { driver, source, target } });
    const timer = setInterval(poll, pollMs);
    let answered = false;
    const finish = (error?: Error) => {
      if (answered) return;
      answered = true;
      clearInterval(timer);
      if (error === undefined) done();
      else fail(error);
    };
    worker.once('message', (reply: { ok: boolean; code?: string; message?: string }) => {
      if (reply.ok) finish();
      else finish(new MemosError('E_STORAGE_UNAVAILABLE', `sqlite: the snapshot failed (${reply.code ?? 'unknown'}): ${reply.message ?? ''}`));
    });
    worker.once('error', (error) => finish(new MemosError('E_INTERNAL', `sqlite: the snapshot worker failed: ${error.message}`, { cause: error })));
    worker.once('exit', (code) => finish(new MemosError('E_INTERNAL', `sqlite: the snapshot worker exited (${code}) without an answer`)));
  });
}

/** Takes a consistent snapshot of `source` into `out` (temp file, fsync, verify, rename). */
export async function backupDatabase(options: BackupOptions): Promise<BackupResult> {
  const started = Date.now();
  const source = resolve(options.source);
  const out = resolve(options.out);
  if (!existsSync(source)) throw new MemosError('E_NOT_FOUND', `there is no memOS database at ${source}: is --data-dir the folder memos serve uses?`);
  if (!existsSync(dirname(out))) throw new MemosError('E_NOT_FOUND', `the folder ${dirname(out)} does not exist: create it, or give --out in another folder`);
  if (existsSync(out) && !options.overwrite) throw new MemosError('E_CONFLICT', `${out} exists already: give another --out, or --force to replace it`);
  const temp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString('hex')}.partial`);
  const expected = usedBytes(source);
  let written = 0;
  const poll = () => {
    try {
      written = statSync(temp).size;
    } catch {
      return; // not created yet
    }
    options.onBytes?.(written, expected);
  };
  try {
    options.onPhase?.('copying');
    await vacuumInto(source, temp, poll, options.pollMs ?? 200);
    poll();
    const copied = Date.now();
    options.onPhase?.('syncing');
    fsyncPath(temp);
    options.onPhase?.('verifying');
    const facts = inspectDatabase(temp);
    renameSync(temp, out);
    fsyncPath(dirname(out));
    const ended = Date.now();
    return { ...facts, out, bytes: statSync(out).size, ms: ended - started, copyMs: copied - started, verifyMs: ended - copied };
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
