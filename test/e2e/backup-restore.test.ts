// `memos backup` and `memos restore` as an operator runs them, beside a real memOS process taking
// writes: every write acknowledged before the backup began is in the copy, the copy is whole, and a
// memOS serving the restored folder finds those records. Restore refuses what it must refuse.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMemos } from '../support/memos-cli.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { haveModel, MODEL_PATH } from '../support/test-model.js';

const scratch = mkdtempSync(join(tmpdir(), 'memos-backup-e2e-'));
const liveDir = join(scratch, 'live');
const backupFile = join(scratch, 'snapshot.db');
const servers: ServerProcess[] = [];
const env = { MEMOS_MODEL2VEC_PATH: MODEL_PATH };

interface Ack {
  id: string;
  tier: 'memories' | 'episodes';
  token: string;
  at: number;
}

async function post(base: string, path: string, body: unknown): Promise<{ status: number; body: { results?: Array<{ id: string }>; ids?: string[] } }> {
  const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as never };
}

/** A writer: one record per request, until `stop` is set, or 2000 records, or 60 s. Records each acknowledgement and its time. */
async function writer(base: string, w: number, acks: Ack[], stop: { now: boolean }): Promise<void> {
  const until = Date.now() + 60_000;
  for (let n = 0; n < 2000 && !stop.now && Date.now() < until; n++) {
    const token = `w${w}n${n}tok${Math.random().toString(36).slice(2, 8)}`;
    if (w % 2 === 0) {
      const res = await post(base, '/api/v1/memories', { namespace: 'backup', memories: [{ content: `Writer ${w} noted ${token} about the ${n}th harbour`, userId: `user-${w}` }] });
      expect([200, 201]).toContain(res.status);
      acks.push({ id: res.body.results![0]!.id, tier: 'memories', token, at: Date.now() });
    } else {
      const res = await post(base, '/api/v1/episodes', { namespace: 'backup', episodes: [{ kind: 'observation', content: `Writer ${w} saw ${token} at the ${n}th lighthouse`, userId: `user-${w}` }] });
      expect(res.status).toBe(201);
      const ids = res.body.ids ?? res.body.results!.map((r) => r.id);
      acks.push({ id: ids[0]!, tier: 'episodes', token, at: Date.now() });
    }
  }
}

let live: ServerProcess;
const acks: Ack[] = [];
let backupBegan = 0;

beforeAll(async () => {
  if (!haveModel) return;
  live = await startServerProcess({ ...env, MEMOS_DATA_DIR: liveDir });
  servers.push(live);
}, 30_000);

afterAll(async () => {
  for (const server of servers) await server.stop();
  rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(!haveModel)('memos backup beside a memOS taking writes', () => {
  it('copies every write acknowledged before it began, into a whole database', async () => {
    const stop = { now: false };
    const writers = [0, 1, 2, 3].map((w) => writer(live.baseUrl, w, acks, stop));
    // Let the writers get going, then back up while they keep writing.
    while (acks.length < 80) await new Promise((r) => setTimeout(r, 20));
    backupBegan = Date.now();
    const before = acks.filter((ack) => ack.at <= backupBegan);
    const run = await runMemos(['backup', '--data-dir', liveDir, '--out', backupFile], env, 60_000);
    const during = acks.filter((ack) => ack.at > backupBegan).length;
    stop.now = true;
    await Promise.all(writers);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/backup written: .*snapshot\.db .*integrity_check ok/);
    expect(during, 'writes went on while the backup ran').toBeGreaterThan(0);

    const copy = new Database(backupFile, { readonly: true });
    try {
      expect(copy.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      for (const tier of ['memories', 'episodes'] as const) {
        const ids = new Set(copy.prepare(`SELECT id FROM ${tier}`).pluck().all() as string[]);
        const missing = before.filter((ack) => ack.tier === tier && !ids.has(ack.id));
        expect(missing, `${tier} acknowledged before the backup began but missing from it`).toEqual([]);
      }
      expect(before.length).toBeGreaterThanOrEqual(80);
    } finally {
      copy.close();
    }
    // No temp file is left beside the backup.
    expect(readdirSync(scratch).filter((name) => name.endsWith('.partial'))).toEqual([]);
  }, 90_000);

  it('refuses to restore into the folder a memOS is serving, even with --force', async () => {
    const run = await runMemos(['restore', backupFile, '--data-dir', liveDir, '--force'], env);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/E_CONFLICT: will not restore while a memOS serves the folder \(--force does not change this\)/);
    expect(run.stderr).toContain(`process ${live.child.pid}`);
  }, 30_000);

  it('restores into a fresh folder, and memos serve there finds the records', async () => {
    const fresh = join(scratch, 'restored');
    const run = await runMemos(['restore', backupFile, '--data-dir', fresh], env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/restored into .*memos\.db: schema \d+; \d+ memories/);
    const restored = await startServerProcess({ ...env, MEMOS_DATA_DIR: fresh });
    servers.push(restored);
    const sample = acks.filter((ack) => ack.at <= backupBegan).filter((_, i) => i % 10 === 0);
    expect(sample.length).toBeGreaterThan(5);
    for (const ack of sample) {
      const res = await post(restored.baseUrl, '/api/v1/search', { namespace: 'backup', query: ack.token, mode: 'keyword', limit: 5, types: [ack.tier] });
      expect(res.status).toBe(200);
      const hits = (res.body as unknown as { hits: Array<{ item: { id: string } }> }).hits;
      expect(hits.map((hit) => hit.item.id)).toContain(ack.id);
    }
    await restored.stop();
  }, 60_000);

  it('refuses a non-empty folder without --force, and replaces its database (and stale vector snapshots) with it', async () => {
    const target = join(scratch, 'occupied');
    mkdirSync(join(target, 'memos.db-vectors'), { recursive: true });
    writeFileSync(join(target, 'memos.db-vectors', 'stale.rows'), 'old');
    writeFileSync(join(target, 'memos.db-wal'), 'a WAL of another database');
    const refused = await runMemos(['restore', backupFile, '--data-dir', target], env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/E_CONFLICT: the data folder .*occupied is not empty .*pass --force/);
    expect(existsSync(join(target, 'memos.db'))).toBe(false);

    const forced = await runMemos(['restore', backupFile, '--data-dir', target, '--force'], env);
    expect(forced.status, forced.stderr).toBe(0);
    expect(existsSync(join(target, 'memos.db-vectors'))).toBe(false);
    expect(existsSync(join(target, 'memos.db-wal'))).toBe(false);
    const db = new Database(join(target, 'memos.db'), { readonly: true });
    expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    db.close();
  }, 60_000);

  it('refuses files that are not a memOS database this memOS can open', async () => {
    const notSqlite = join(scratch, 'notes.txt');
    writeFileSync(notSqlite, 'just some text, not a database\n'.repeat(50));
    const otherSqlite = join(scratch, 'other.db');
    const other = new Database(otherSqlite);
    other.exec('CREATE TABLE t (x)');
    other.close();
    const newer = join(scratch, 'newer.db');
    copyFileSync(backupFile, newer);
    const bumped = new Database(newer);
    bumped.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('from the future');
    bumped.close();
    // A SQLite file damaged after its first pages: the first look passes, the full check of the copy refuses it.
    const damaged = join(scratch, 'damaged.db');
    copyFileSync(backupFile, damaged);
    const bytes = readFileSync(damaged);
    bytes.fill(0x5a, Math.floor(bytes.length / 2), Math.floor(bytes.length / 2) + 65536);
    writeFileSync(damaged, bytes);
    const cases: Array<[string, RegExp]> = [
      [damaged, /E_VALIDATION: .*damaged\.db is not a memOS database: (PRAGMA integrity_check found|it cannot be read whole)/],
      [notSqlite, /E_VALIDATION: .*notes\.txt is not a memOS database: it is not a SQLite database/],
      [otherSqlite, /E_VALIDATION: .*other\.db is not a memOS database: it has no schema_migrations table/],
      [newer, /E_VALIDATION: .*newer\.db was written by a newer memOS \(schema version 999/],
      [join(scratch, 'absent.db'), /E_NOT_FOUND: there is no backup file at/],
    ];
    for (const [file, message] of cases) {
      const target = mkdtempSync(join(scratch, 'target-'));
      const run = await runMemos(['restore', file, '--data-dir', target], env);
      expect(run.status, file).toBe(1);
      expect(run.stderr).toMatch(message);
      // Nothing but the lock file a refused restore may leave: no database, no temp file.
      expect(readdirSync(target).filter((name) => name !== 'memos.lock')).toEqual([]);
    }
  }, 90_000);
});
