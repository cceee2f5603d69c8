import { describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import type { Episode } from '../../core/types.js';
import { SqliteDatabase, type Statement } from './database.js';
import { countProgress, listPending } from './embedding-backlog.js';
import { insertEpisodes } from './episode-store.js';

describe('embedding backlog queries', () => {
  it('find pending records through the partial indexes, never by walking a table', () => {
    const clock = manualClock();
    const db = new SqliteDatabase({ path: ':memory:', synchronous: 'normal', clock });
    db.open();
    const at = '2026-01-01T00:00:00.000Z';
    const episode = (id: string): Episode => ({ id, namespace: 'ns1', kind: 'observation', content: id, occurredAt: at, createdAt: at, metadata: {}, embedding: { status: 'pending' } });
    db.transaction('test', () => insertEpisodes(db, ['ep_a', 'ep_b', 'ep_c', 'ep_d', 'ep_e'].map(episode)));
    const ready = db.statement(`UPDATE episodes SET embedding_status = 'ready', embedding_model = ?, embedding_dim = ?, embedding = x'00' WHERE id = ?`);
    const failed = db.statement(`UPDATE episodes SET embedding_status = 'failed', embedding_model = ?, embedding_dim = ? WHERE id = ?`);
    db.run('test', () => {
      ready.run('m1', 4, 'ep_a');
      ready.run('m2', 4, 'ep_b');
      failed.run('m1', 4, 'ep_d');
      failed.run('m2', 4, 'ep_e');
    });

    const seen = new Set<string>();
    const statement = db.statement.bind(db);
    db.statement = (sql: string): Statement => {
      seen.add(sql);
      return statement(sql);
    };
    const pending = db.run('test', () => listPending(db, { model: 'm1', dimensions: 4, limit: 10 }, clock.now()));
    expect(pending.map((p) => p.id)).toEqual(['ep_b', 'ep_c', 'ep_e']);
    expect(db.run('test', () => countProgress(db, { model: 'm1', dimensions: 4, failures: 5 }, clock.now()))).toMatchObject({
      ready: 1,
      pending: 3,
      failed: 1,
      total: 5,
      failures: [{ id: 'ep_d' }],
    });

    const plans = db.run('test', (c) =>
      [...seen].filter((sql) => sql.includes('embedding_status')).map((sql) => {
        const params = (sql.match(/\?/g) ?? []).map(() => 1);
        return (c.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((row) => row.detail).join(' | ');
      }),
    );
    expect(plans.length).toBeGreaterThanOrEqual(9);
    for (const plan of plans) {
      expect(plan).toMatch(/^(SCAN|SEARCH) (episodes|memories) USING (COVERING )?INDEX (episodes|memories)_(unembedded|embedded|failed)\b/);
      expect(plan).not.toContain('TEMP B-TREE');
    }
    db.close();
  });
});
