// Migration 11 (freshness): a data folder written before it opens, and each memory's
// lastConfirmedAt is its updatedAt, the last time anyone wrote it; history and versions stay.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { ulidGenerator } from '../../core/ids.js';
import { SqliteDatabase } from './database.js';
import { createSqliteStorage } from './index.js';
import { MIGRATIONS } from './migrations.js';

const dir = mkdtempSync(join(tmpdir(), 'memos-last-confirmed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CREATED = Date.parse('2025-03-01T10:00:00.000Z');
const UPDATED = Date.parse('2025-06-01T10:00:00.000Z');

describe('migration 11: lastConfirmedAt', () => {
  it('gives every memory of a folder written before it its updatedAt, and keeps versions and history', async () => {
    const path = join(dir, 'memos.db');
    const clock = manualClock(Date.parse('2026-01-01T00:00:00.000Z'));
    // The schema as memOS left it at migration 10, with rows written as that version wrote them.
    const old = new SqliteDatabase({ path, synchronous: 'normal', clock, migrations: MIGRATIONS.filter((m) => m.version <= 10) });
    old.open();
    old.run('test', () => {
      const insert = old.statement(`INSERT INTO memories (id, namespace, user_id, kind, content, content_key, importance, metadata, source_episode_ids, version, created_at, updated_at)
        VALUES (?, 'ns', 'u1', 'fact', ?, ?, 0.5, '{}', '[]', ?, ?, ?)`);
      insert.run('mem_updated', 'Aisha lives in Lagos', 'aisha lives in lagos', 2, CREATED, UPDATED);
      insert.run('mem_never', 'Aisha likes jazz', 'aisha likes jazz', 1, CREATED, CREATED);
      old
        .statement(`INSERT INTO memory_history (memory_id, version, content, kind, importance, metadata, source_episode_ids, valid_from, valid_to, reason)
          VALUES ('mem_updated', 1, 'Aisha lives in Abuja', 'fact', 0.5, '{}', '[]', ?, ?, 'update')`)
        .run(CREATED, UPDATED);
    });
    old.close();

    const storage = createSqliteStorage({ path, ids: ulidGenerator(clock), clock });
    await storage.init();
    try {
      const updated = await storage.memories.get({ namespace: 'ns', id: 'mem_updated' });
      expect(updated).toMatchObject({ version: 2, content: 'Aisha lives in Lagos', updatedAt: '2025-06-01T10:00:00.000Z', lastConfirmedAt: '2025-06-01T10:00:00.000Z' });
      expect((await storage.memories.get({ namespace: 'ns', id: 'mem_never' }))?.lastConfirmedAt).toBe('2025-03-01T10:00:00.000Z');
      expect((await storage.memories.history({ namespace: 'ns', id: 'mem_updated' }))?.map((version) => version.content)).toEqual(['Aisha lives in Abuja']);
      // The migrated memory is confirmed like any other.
      expect((await storage.memories.confirm({ namespace: 'ns', id: 'mem_updated' }))?.lastConfirmedAt).toBe('2026-01-01T00:00:00.000Z');
      expect((await storage.memories.get({ namespace: 'ns', id: 'mem_updated' }))?.version).toBe(2);
    } finally {
      await storage.close();
    }
  });
});
