import type { PGlite } from '@electric-sql/pglite';
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runAuditStoreContract } from '../audit-store.case.test.js';
import { runEpisodeStoreContract } from '../episode-store.case.test.js';
import { runSemanticFreshnessContract } from '../semantic-freshness.case.test.js';
import { runSemanticTruthContract } from '../semantic-truth.case.test.js';
import { runSemanticStoreContract } from '../semantic-store.case.test.js';
import { runVectorStoreContract } from '../vector-store.case.test.js';
import { PgEpisodeStore } from './episode-store.js';
import { PgDatabase } from './pg-database.js';
import { PgSemanticStore } from './semantic-store.js';
import { auditHarness, createPglite, pgliteDatabase, pgliteSchema, vectorHarness } from './test-databases.js';

// Which door each store operation takes while the contracts run: tenant (row security, one scope)
// or system (the connecting role). Only the operations PgDatabase names as system work may take the second.
const inTenant = new AsyncLocalStorage<true>();
const doors = { tenant: new Set<string>(), system: new Set<string>() };
for (const method of ['tenant', 'tenantQuery'] as const) {
  const original = PgDatabase.prototype[method] as (this: PgDatabase, ...args: unknown[]) => Promise<unknown>;
  vi.spyOn(PgDatabase.prototype, method).mockImplementation(function (this: PgDatabase, ...args: unknown[]) {
    doors.tenant.add(args[1] as string);
    return inTenant.run(true, () => original.apply(this, args));
  } as never);
}
for (const method of ['run', 'transaction', 'query'] as const) {
  const original = PgDatabase.prototype[method] as (this: PgDatabase, ...args: unknown[]) => Promise<unknown>;
  vi.spyOn(PgDatabase.prototype, method).mockImplementation(function (this: PgDatabase, ...args: unknown[]) {
    if (!inTenant.getStore() && args[0] !== 'test') doors.system.add(args[0] as string);
    return original.apply(this, args);
  } as never);
}
const SYSTEM_WORK = ['audit.append', 'audit.list', 'audit.prune', 'vectors.pending', 'vectors.progress', 'vectors.fail', 'vectors.retryFailed', 'vectors.dialect', 'vectors.index', 'jobs.claimEmbeddings', 'jobs.release', 'countRecords', 'ping', 'statistics.analyze', 'vectors.scopeSize', 'vectors.sign'];

// PGlite is real Postgres (and real pgvector) compiled to WASM: the pgvector path is tested here,
// every schema on one shared instance (initdb takes seconds).
describe('pglite with pgvector', () => {
  let shared: PGlite;
  let blank: Blob;
  let probe: PgDatabase;
  beforeAll(async () => {
    shared = await createPglite();
    blank = await shared.dumpDataDir('none');
    // The first schema migrated creates the extension (in itself: first on its search path, and
    // never dropped here); every later schema of the instance finds it already there.
    probe = pgliteDatabase(shared, 'memos_vector_probe').db;
    await probe.open();
  });
  afterAll(async () => {
    await shared.close();
  });

  runEpisodeStoreContract('pglite', {
    create: async () => {
      const { db, clock, close } = await pgliteSchema(shared);
      return { store: new PgEpisodeStore(db), clock, close };
    },
  });

  runSemanticStoreContract('pglite', {
    create: async () => {
      const { db, clock, close } = await pgliteSchema(shared);
      return { store: new PgSemanticStore(db, clock), clock, close };
    },
  });
  runSemanticFreshnessContract('pglite', {
    create: async () => {
      const { db, clock, close } = await pgliteSchema(shared);
      return { store: new PgSemanticStore(db, clock), clock, close };
    },
  });
  runSemanticTruthContract('pglite', {
    create: async () => {
      const { db, clock, close } = await pgliteSchema(shared);
      return { store: new PgSemanticStore(db, clock), clock, close };
    },
  });

  runAuditStoreContract('pglite', () => auditHarness(() => pgliteSchema(shared)));

  runVectorStoreContract('pglite (pgvector)', () => vectorHarness((schema, clock) => pgliteSchema(shared, schema, clock)));

  it('detects pgvector: creates the extension when it can, and finds it when it is there', async () => {
    expect(probe.vectorBackend).toBe('pgvector');
    expect(await probe.query('test', `SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'vector'`)).toEqual([
      { schema: 'memos_vector_probe' },
    ]);
    const later = await pgliteSchema(shared);
    expect(later.db.vectorBackend).toBe('pgvector');
    await later.close();
  });

  it('records the exact path when the extension cannot be created', async () => {
    const bare = await createPglite({ bare: true, from: blank });
    const { db } = pgliteDatabase(bare);
    await db.open();
    expect(db.vectorBackend).toBe('exact');
    expect(await db.query('test', `SELECT value FROM storage_settings WHERE key = 'vector_backend'`)).toEqual([{ value: 'exact' }]);
    await bare.close();
  });

  it('runs every store operation of the contracts under row security, but the named system work', () => {
    expect([...doors.system].filter((operation) => !SYSTEM_WORK.includes(operation))).toEqual([]);
    const stores = [
      ...['append', 'get', 'list', 'delete', 'search', 'neighbours'].map((op) => `episodes.${op}`),
      ...['upsert', 'get', 'list', 'update', 'delete', 'history', 'search'].map((op) => `memories.${op}`),
      ...['search', 'put'].map((op) => `vectors.${op}`),
    ];
    expect(stores.filter((operation) => !doors.tenant.has(operation))).toEqual([]);
    expect([...doors.tenant].filter((operation) => doors.system.has(operation))).toEqual([]);
  });

  it('is not open until open() and not usable after close()', async () => {
    const { db } = pgliteDatabase(shared);
    expect(() => db.vectorBackend).toThrow(expect.objectContaining({ code: 'E_STORAGE_UNAVAILABLE' }));
    await db.open();
    await db.ping();
    await db.close();
    await expect(db.ping()).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    await shared.exec(`DROP SCHEMA ${db.schema} CASCADE`);
  });
});
