// What a backup file is: a whole SQLite file (integrity_check), of memOS (schema_migrations), of a
// schema this memOS can open (no migration newer than it knows), and what it holds.

import Database from 'better-sqlite3';
import { isMemosError, MemosError } from '../../core/errors.js';
import { MIGRATIONS } from './migrations.js';

export interface DatabaseFacts {
  /** The newest migration applied to the file. */
  schemaVersion: number;
  /** Rows per table: episodes, memories, memory history, sessions, API keys. */
  counts: { episodes: number; memories: number; memoryHistory: number; sessions: number; apiKeys: number };
}

/** The newest schema this memOS knows. */
export const KNOWN_SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

const COUNTED = { episodes: 'episodes', memories: 'memories', memoryHistory: 'memory_history', sessions: 'sessions', apiKeys: 'api_keys' } as const;

const notMemos = (path: string, why: string, cause?: unknown) =>
  new MemosError('E_VALIDATION', `${path} is not a memOS database: ${why}`, cause === undefined ? undefined : { cause });

/**
 * Checks `path` is a whole memOS database this memOS can open and says what it holds; otherwise
 * E_VALIDATION naming what is wrong. Opens it read-only and changes nothing. `whole: false` skips
 * `PRAGMA integrity_check` (which reads every page) for a first look.
 */
export function inspectDatabase(path: string, { whole = true }: { whole?: boolean } = {}): DatabaseFacts {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw notMemos(path, `it cannot be opened (${(error as { code?: string }).code ?? (error as Error).message})`, error);
  }
  try {
    let problems: string[];
    try {
      problems = whole
        ? (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((row) => row.integrity_check)
        : [db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() === undefined ? 'no schema' : 'ok'];
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      throw notMemos(path, code === 'SQLITE_NOTADB' ? `it is not a SQLite database (${code})` : `it cannot be read whole (${code})`, error);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') {
      throw notMemos(path, `PRAGMA integrity_check found ${problems.length} problem(s), the first: ${problems[0]}`);
    }
    const hasMigrations = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get() !== undefined;
    if (!hasMigrations) throw notMemos(path, 'it has no schema_migrations table');
    const schemaVersion = (db.prepare('SELECT max(version) FROM schema_migrations').pluck().get() as number | null) ?? 0;
    if (schemaVersion > KNOWN_SCHEMA_VERSION) {
      throw new MemosError(
        'E_VALIDATION',
        `${path} was written by a newer memOS (schema version ${schemaVersion}; this memOS knows up to ${KNOWN_SCHEMA_VERSION}): restore it with that memOS or a newer one`,
      );
    }
    const counts = {} as DatabaseFacts['counts'];
    for (const [name, table] of Object.entries(COUNTED) as Array<[keyof typeof COUNTED, string]>) {
      const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) !== undefined;
      counts[name] = exists ? (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number) : 0;
    }
    return { schemaVersion, counts };
  } catch (error) {
    if (isMemosError(error)) throw error;
    throw notMemos(path, `it cannot be read whole (${(error as { code?: string }).code ?? (error as Error).message})`, error);
  } finally {
    db.close();
  }
}
