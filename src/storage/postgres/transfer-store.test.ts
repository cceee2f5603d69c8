// The PostgreSQL transfer store carries every field of a memory both ways: an imported memory is
// exported as it was written, validity window, slot, supersession, retraction, sessions and
// conflict marks included (the NDJSON format itself is src/memory/transfer's).
import type { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testMemory } from '../../../test/support/records.js';
import { createPglite, pgliteSchema } from './test-databases.js';
import { PgTransferStore } from './transfer-store.js';

describe('PgTransferStore (PGlite)', () => {
  let instance: PGlite;
  beforeAll(async () => {
    instance = await createPglite();
  }, 60_000);
  afterAll(async () => {
    await instance?.close();
  });

  it('exports every field of an imported memory as it was written', async () => {
    const { db, close } = await pgliteSchema(instance);
    try {
      const transfer = new PgTransferStore(db);
      const at = '2025-03-01T10:00:00.000Z';
      const later = '2025-06-01T10:00:00.000Z';
      const old = testMemory({
        id: 'mem_old', namespace: 'ns', userId: 'u1', content: 'Lives in Lagos', key: 'home_city', createdAt: at, updatedAt: at, lastConfirmedAt: at,
        validFrom: at, validTo: later, supersededBy: 'mem_new', supersessionReason: 'key', sourceSessionIds: ['s1', 's2'],
        conflicts: [{ memoryId: 'mem_new', reason: 'different place', source: 'detector', similarity: 0.8, at }],
      });
      const fresh = testMemory({
        id: 'mem_new', namespace: 'ns', userId: 'u1', content: 'Lives in Nairobi', key: 'home_city', createdAt: later, updatedAt: later, lastConfirmedAt: later,
        validFrom: later, supersedes: ['mem_old'], sourceSessionIds: ['s3'],
      });
      const retracted = testMemory({
        id: 'mem_gone', namespace: 'ns', userId: 'u1', content: 'Allergic to nuts', createdAt: later, updatedAt: later, lastConfirmedAt: later,
        validFrom: later, validTo: later, retractedAt: later, retractionReason: 'a mix-up',
      });
      const memories = [old, fresh, retracted].map((memory) => ({ memory: { ...memory, embedding: { status: 'pending' as const } }, contentKey: memory.content.toLowerCase(), history: [] }));
      expect(await transfer.importBatch({ namespace: 'ns', episodes: [], memories })).toEqual({ episodes: [], memories: ['created', 'created', 'created'] });
      const page = await transfer.memories({ namespace: 'ns', limit: 10, withVectors: false });
      expect(page.items.map((item) => item.memory)).toEqual(memories.map((m) => m.memory).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)));
    } finally {
      await close();
    }
  });
});
