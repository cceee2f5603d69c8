// Migration 16 (freshness): a schema written before it upgrades, and each memory's lastConfirmedAt
// is its updatedAt, the last time anyone wrote it; versions and history stay.
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { poolEngine, searchPathFor } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { PgDatabase } from './pg-database.js';
import { PgSemanticStore } from './semantic-store.js';
import { dropSchema, freshSchema, POSTGRES_URL, postgresReachable, servicesRequired } from './test-databases.js';

const reachable = await postgresReachable();

describe.runIf(servicesRequired || reachable)('postgres migration 16: lastConfirmedAt', () => {
  it('gives every memory of a schema written before it its updatedAt, and keeps versions and history', async () => {
    const schema = freshSchema();
    const clock = manualClock(Date.parse('2026-01-01T00:00:00.000Z'));
    const engine = () => poolEngine({ connectionString: POSTGRES_URL, searchPath: searchPathFor(schema), max: 2 });
    const old = new PgDatabase({ engine: engine(), schema, clock, migrations: MIGRATIONS.filter((m) => m.version <= 15) });
    try {
      await old.open();
      // Rows as version 15 wrote them.
      await old.transaction('test', async (tx) => {
        await tx.query(`INSERT INTO memories (namespace, id, user_id, kind, content, content_key, importance, version, created_at, updated_at)
          VALUES ('ns', 'mem_updated', 'u1', 'fact', 'Aisha lives in Lagos', 'aisha lives in lagos', 0.5, 2, '2025-03-01T10:00:00Z', '2025-06-01T10:00:00Z'),
            ('ns', 'mem_never', 'u1', 'fact', 'Aisha likes jazz', 'aisha likes jazz', 0.5, 1, '2025-03-01T10:00:00Z', '2025-03-01T10:00:00Z')`);
        await tx.query(`INSERT INTO memory_history (namespace, memory_id, user_id, version, content, kind, importance, metadata, source_episode_ids, valid_from, valid_to, reason)
          VALUES ('ns', 'mem_updated', 'u1', 1, 'Aisha lives in Abuja', 'fact', 0.5, '{}', '{}', '2025-03-01T10:00:00Z', '2025-06-01T10:00:00Z', 'update')`);
      });
      await old.close();

      const upgraded = new PgDatabase({ engine: engine(), schema, clock });
      await upgraded.open();
      try {
        const store = new PgSemanticStore(upgraded, clock);
        expect(await store.get({ namespace: 'ns', id: 'mem_updated' })).toMatchObject({ version: 2, updatedAt: '2025-06-01T10:00:00.000Z', lastConfirmedAt: '2025-06-01T10:00:00.000Z' });
        expect((await store.get({ namespace: 'ns', id: 'mem_never' }))?.lastConfirmedAt).toBe('2025-03-01T10:00:00.000Z');
        expect((await store.history({ namespace: 'ns', id: 'mem_updated' }))?.map((version) => version.content)).toEqual(['Aisha lives in Abuja']);
        expect((await store.confirm({ namespace: 'ns', id: 'mem_updated', userId: 'u1' }))?.lastConfirmedAt).toBe('2026-01-01T00:00:00.000Z');
        expect(await store.confirm({ namespace: 'ns', id: 'mem_updated', userId: 'u2' })).toBeNull();
        expect((await store.get({ namespace: 'ns', id: 'mem_updated' }))?.version).toBe(2);
      } finally {
        await upgraded.close();
      }
    } finally {
      await dropSchema(schema);
    }
  });
});
