import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { inspectDatabase, KNOWN_SCHEMA_VERSION } from './backup-file.js';
import { SqliteDatabase } from './database.js';
import { restoreDatabase } from './database-restore.js';
import { backupDatabase } from './online-backup.js';

const dir = mkdtempSync(join(tmpdir(), 'memos-online-backup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A memOS database (every migration applied) with `sessions` rows, left open for writes in WAL. */
function memosDatabase(name: string, sessions: number): { path: string; db: SqliteDatabase } {
  const path = join(dir, name, 'memos.db');
  const db = new SqliteDatabase({ path, synchronous: 'normal', clock: systemClock });
  db.open();
  db.transaction('seed', () => {
    for (let i = 0; i < sessions; i++) {
      db.statement(`INSERT INTO sessions (namespace, session_id, ttl_seconds, created_at, updated_at, expires_at) VALUES ('n', ?, 60, 0, 0, 0)`).run(`s${i}`);
    }
  });
  return { path, db };
}

describe('backupDatabase', () => {
  it('copies a live WAL database whole, reporting bytes and phases, and leaves no temp file', async () => {
    const { path, db } = memosDatabase('live', 500);
    const out = join(dir, 'live.db');
    const phases: string[] = [];
    let last = { written: 0, expected: 0 };
    const result = await backupDatabase({ source: path, out, onPhase: (p) => phases.push(p), onBytes: (written, expected) => (last = { written, expected }), pollMs: 5 });
    db.close();
    expect(phases).toEqual(['copying', 'syncing', 'verifying']);
    expect(last.written).toBe(statSync(out).size);
    expect(last.expected).toBeGreaterThan(0);
    expect(result).toMatchObject({ out, schemaVersion: KNOWN_SCHEMA_VERSION, counts: { sessions: 500, memories: 0 }, bytes: statSync(out).size });
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('keeps an existing file unless told to replace it', async () => {
    const { path, db } = memosDatabase('again', 3);
    const out = join(dir, 'again.db');
    writeFileSync(out, 'an older backup');
    await expect(backupDatabase({ source: path, out })).rejects.toMatchObject({ code: 'E_CONFLICT' });
    expect(statSync(out).size).toBe('an older backup'.length);
    await backupDatabase({ source: path, out, overwrite: true });
    db.close();
    expect(inspectDatabase(out).counts.sessions).toBe(3);
  });

  it('says when there is no database, or no folder for the copy, and leaves nothing behind', async () => {
    await expect(backupDatabase({ source: join(dir, 'nowhere', 'memos.db'), out: join(dir, 'x.db') })).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
    const { path, db } = memosDatabase('failing', 1);
    await expect(backupDatabase({ source: path, out: join(dir, 'missing-folder', 'x.db') })).rejects.toMatchObject({ code: 'E_NOT_FOUND', message: expect.stringMatching(/missing-folder does not exist/) });
    db.close();
    expect(existsSync(join(dir, 'missing-folder'))).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});

describe('restoreDatabase', () => {
  it('drops the snapshot tokens the file carries, and reports what it restored', async () => {
    const { path, db } = memosDatabase('tokens', 2);
    db.transaction('token', () => db.statement(`INSERT INTO vector_snapshots (partition, token) VALUES ('p', 't')`).run());
    const out = join(dir, 'tokens.db');
    await backupDatabase({ source: path, out });
    db.close();
    const target = join(dir, 'tokens-restored');
    const result = await restoreDatabase({ file: out, dataDir: target });
    expect(result).toMatchObject({ replaced: false, counts: { sessions: 2 } });
    const restored = new Database(join(target, 'memos.db'), { readonly: true });
    expect(restored.prepare('SELECT count(*) FROM vector_snapshots').pluck().get()).toBe(0);
    restored.close();
  });
});
