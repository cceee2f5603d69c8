import { describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { MemosError } from '../../core/errors.js';
import type { MemoryDraft } from '../../core/ports.js';
import { contentKey } from '../../core/text.js';
import type { Episode } from '../../core/types.js';
import { runAuditStoreContract } from '../audit-store.case.test.js';
import { runEpisodeStoreContract } from '../episode-store.case.test.js';
import { runInspectStoreContract } from '../inspect-store.case.test.js';
import { runSemanticFreshnessContract } from '../semantic-freshness.case.test.js';
import { runSemanticTruthContract } from '../semantic-truth.case.test.js';
import { runSemanticStoreContract } from '../semantic-store.case.test.js';
import { runVectorStoreContract } from '../vector-store.case.test.js';
import { PgEpisodeStore } from './episode-store.js';
import { PgInspectStore } from './inspect-store.js';
import { createPostgresDatabase, PgDatabase, PgVectorStore, poolEngine, searchPathFor } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { toMemosError } from './pg-errors.js';
import { PgSemanticStore } from './semantic-store.js';
import {
  auditHarness,
  dropSchema,
  expectedVectorBackend,
  freshSchema,
  POSTGRES_URL,
  postgresReachable,
  realPostgres,
  servicesRequired,
  type TestDatabase,
  vectorHarness,
} from './test-databases.js';

const reachable = await postgresReachable();
const reason = 'PostgreSQL is not reachable at 127.0.0.1:5432';
const serverVectors = reachable ? await expectedVectorBackend() : 'exact';

describe.runIf(servicesRequired && !reachable)('postgres (server required)', () => {
  it('reaches PostgreSQL', () => {
    throw new Error(`MEMOS_REQUIRE_SERVICES=1 but ${reason}`);
  });
});

const BASE_EPISODE = {
  namespace: 'ns1', kind: 'observation', occurredAt: '2026-01-01T00:00:00.000Z', createdAt: '2026-01-01T00:00:00.000Z',
  metadata: {}, embedding: { status: 'none' as const },
};

const harness = async (open: () => Promise<TestDatabase>) => {
  const { db, clock, close } = await open();
  return { store: new PgEpisodeStore(db), clock, close };
};

describe.skipIf(!reachable)(`postgres (${serverVectors} vectors; skipped when ${reason})`, () => {
  runEpisodeStoreContract('postgres', { create: () => harness(() => realPostgres()) });
  runSemanticStoreContract('postgres', {
    create: async () => {
      const { db, clock, close } = await realPostgres();
      return { store: new PgSemanticStore(db, clock), clock, close };
    },
  });
  runSemanticFreshnessContract('postgres', {
    create: async () => {
      const { db, clock, close } = await realPostgres();
      return { store: new PgSemanticStore(db, clock), clock, close };
    },
  });
  runSemanticTruthContract('postgres', {
    create: async () => {
      const { db, clock, close } = await realPostgres();
      return { store: new PgSemanticStore(db, clock), clock, close };
    },
  });
  runVectorStoreContract(`postgres (${serverVectors})`, () => vectorHarness(realPostgres));
  runAuditStoreContract('postgres', () => auditHarness(realPostgres));
  runInspectStoreContract('postgres', async () => {
    const { db, clock, close } = await realPostgres();
    return { inspect: new PgInspectStore(db, clock), episodes: new PgEpisodeStore(db), memories: new PgSemanticStore(db, clock), clock, engine: 'postgres', close };
  });

  it('applies each migration once when four instances migrate one schema at once', async () => {
    const schema = freshSchema();
    const clock = manualClock();
    const instances = Array.from({ length: 4 }, () => createPostgresDatabase({ url: POSTGRES_URL, schema, clock, poolSize: 1 }));
    try {
      await Promise.all(instances.map((db) => db.open()));
      const rows = await instances[0]!.query<{ version: number }>('test', 'SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
      for (const db of instances) expect(db.vectorBackend).toBe(serverVectors);
    } finally {
      await Promise.all(instances.map((db) => db.close()));
      await dropSchema(schema);
    }
  });

  it('reopening an existing schema applies nothing and keeps the data', async () => {
    const first = await realPostgres();
    await new PgEpisodeStore(first.db).append([episode('ep_kept', 'still here')]);
    await first.db.close();
    const again = createPostgresDatabase({ url: POSTGRES_URL, schema: first.db.schema, clock: manualClock() });
    await again.open();
    expect((await new PgEpisodeStore(again).get({ namespace: 'ns1', id: 'ep_kept' }))?.content).toBe('still here');
    expect(await again.query('test', 'SELECT version FROM schema_migrations')).toHaveLength(MIGRATIONS.length);
    await again.close();
    await dropSchema(first.db.schema);
  });

  it('applies a migration missing from the sequence when it arrives, after later ones', async () => {
    const schema = freshSchema();
    const clock = manualClock();
    const engine = () => poolEngine({ connectionString: POSTGRES_URL, searchPath: searchPathFor(schema), max: 1 });
    // A schema that has every migration but the API keys' (7), as one made before 7 was written but after 8 and 9.
    const released = new PgDatabase({ engine: engine(), schema, clock, migrations: MIGRATIONS.filter((m) => m.version !== 7) });
    const later = new PgDatabase({ engine: engine(), schema, clock });
    try {
      await released.open();
      await released.close();
      await later.open();
      const rows = await later.query<{ version: number }>('test', 'SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
      expect(await later.query('test', 'SELECT id FROM api_keys')).toEqual([]);
    } finally {
      await later.close();
      await dropSchema(schema);
    }
  });

  it('upgrades a schema of version 5 to count refusals and hold leases: every row kept, none refused or leased', async () => {
    const schema = freshSchema();
    const clock = manualClock();
    const engine = () => poolEngine({ connectionString: POSTGRES_URL, searchPath: searchPathFor(schema), max: 2 });
    const v5 = new PgDatabase({ engine: engine(), schema, clock, migrations: MIGRATIONS.filter((m) => m.version <= 5) });
    try {
      await v5.open();
      await new PgEpisodeStore(v5).append([episode('ep_old', 'written before the upgrade')]);
      await v5.close();
      const upgraded = new PgDatabase({ engine: engine(), schema, clock });
      await upgraded.open();
      expect((await new PgEpisodeStore(upgraded).get({ namespace: 'ns1', id: 'ep_old' }))).toMatchObject({ content: 'written before the upgrade', embedding: { status: 'none' } });
      expect(await upgraded.query('test', 'SELECT embedding_attempts, embedding_error, embedding_truncated, embedding_lease_owner FROM episodes')).toEqual([
        { embedding_attempts: 0, embedding_error: null, embedding_truncated: false, embedding_lease_owner: null },
      ]);
      expect(await new PgVectorStore(upgraded, clock).progress({ model: 'm', dimensions: 4 })).toEqual({ model: 'm', dimensions: 4, ready: 0, pending: 1, failed: 0, total: 1 });
      await upgraded.close();
    } finally {
      await dropSchema(schema);
    }
  });

  it('merges concurrent exact duplicates into one memory, and lets one of several same-version updates win', async () => {
    const t = await realPostgres();
    const store = new PgSemanticStore(t.db, t.clock);
    const outcomes = (await Promise.all([1, 2, 3, 4, 5, 6].map((n) => store.upsert([memoryDraft(`mem_c${n}`, 'Likes green tea', n / 10)])))).flat();
    expect(outcomes.filter((o) => o.action === 'created')).toHaveLength(1);
    const [only, ...rest] = (await store.list({ filter: { namespace: 'ns1' }, limit: 10, order: 'asc' })).items;
    expect(rest).toEqual([]);
    expect(only?.importance).toBe(0.6);
    // Two batches naming the same two keys in opposite orders: locks are taken sorted, so neither deadlocks.
    const [a, b] = [memoryDraft('mem_a', 'First thing', 0.1), memoryDraft('mem_b', 'Second thing', 0.1)];
    await Promise.all([store.upsert([a, b]), store.upsert([{ ...b, memory: { ...b.memory, id: 'mem_b2' } }, { ...a, memory: { ...a.memory, id: 'mem_a2' } }])]);
    expect((await store.list({ filter: { namespace: 'ns1' }, limit: 10, order: 'asc' })).items).toHaveLength(3);
    const ref = { namespace: 'ns1', id: only!.id };
    const updates = await Promise.allSettled([0.7, 0.8, 0.9].map((importance) => store.update({ ref, patch: { importance }, expectedVersion: only!.version })));
    expect(updates.filter((u) => u.status === 'fulfilled')).toHaveLength(1);
    expect(updates.filter((u) => u.status === 'rejected').map((u) => (u as PromiseRejectedResult).reason.code)).toEqual(['E_CONFLICT', 'E_CONFLICT']);
    expect((await store.get(ref))?.version).toBe(only!.version + 1);
    await t.close();
  });

  it('leaves one current memory in a slot written concurrently, the same fact of several sessions merged', async () => {
    const t = await realPostgres();
    const store = new PgSemanticStore(t.db, t.clock);
    const slotted = (n: number) => {
      const draft = memoryDraft(`mem_s${n}`, `Lives in city number ${n}`, 0.5);
      return { ...draft, memory: { ...draft.memory, userId: 'u1', key: 'home_city', sourceSessionIds: [`s${n}`] } };
    };
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => store.upsert([slotted(n)])));
    const current = await store.list({ filter: { namespace: 'ns1', key: 'home_city', validAt: '2026-01-01T00:00:00.000Z' }, limit: 10, order: 'asc' });
    expect(current.items).toHaveLength(1);
    const all = (await store.list({ filter: { namespace: 'ns1', key: 'home_city' }, limit: 10, order: 'asc' })).items;
    expect(all).toHaveLength(6);
    expect(all.filter((m) => m.supersededBy !== undefined)).toHaveLength(5);
    const sessions = (n: number) => {
      const draft = memoryDraft(`mem_v${n}`, 'Is vegetarian', 0.5);
      return { ...draft, memory: { ...draft.memory, sourceSessionIds: [`s${n}`] } };
    };
    await Promise.all([1, 2, 3].map((n) => store.upsert([sessions(n)])));
    const [merged, ...others] = (await store.list({ filter: { namespace: 'ns1', sessionId: 's2' }, limit: 10, order: 'asc' })).items.filter((m) => m.content === 'Is vegetarian');
    expect(others).toEqual([]);
    expect([...merged!.sourceSessionIds].sort()).toEqual(['s1', 's2', 's3']);
    await t.close();
  });

  it('rolls a failed batch back on the server and reports it as an internal error without the text', async () => {
    const t = await realPostgres();
    const store = new PgEpisodeStore(t.db);
    const error = await store.append([episode('ep_a', 'secret words'), episode('ep_a', 'secret words')]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_INTERNAL', message: 'postgres: episodes.append failed (23505)' });
    expect((error as Error).cause).toMatchObject({ code: '23505' });
    await t.close();
  });

  it('answers a data exception caused by a value of the request (SQLSTATE class 22) as E_VALIDATION, without the value', async () => {
    const t = await realPostgres();
    try {
      for (const [sql, value] of [
        ['SELECT $1::timestamptz', '0000-01-01T00:00:00.000Z'],
        ['SELECT $1::timestamptz', '+010000-01-01T00:00:00.000Z'],
        ['SELECT $1::jsonb', '{"secret":"\\ud800"}'],
        ['SELECT $1::integer', '99999999999'],
      ] as const) {
        const error = await t.db.query('memories.list', sql, [value]).catch((e: unknown) => e);
        expect(error, value).toMatchObject({ name: 'MemosError', code: 'E_VALIDATION', cause: { code: expect.stringMatching(/^22/) } });
        const sqlstate = ((error as Error).cause as { code: string }).code;
        expect((error as Error).message).toBe(`postgres: memories.list refused a value of this request as out of range or malformed (${sqlstate})`);
      }
      // A forged position never reaches SQL: the time is checked first, naming the field.
      const listed = await new PgEpisodeStore(t.db).list({ filter: { namespace: 'ns1' }, limit: 5, order: 'asc', after: { time: '+010000-01-01T00:00:00.000Z', id: 'ep_1' } }).catch((e: unknown) => e);
      expect(listed).toMatchObject({ code: 'E_VALIDATION', details: { field: 'cursor' } });
    } finally {
      await t.close();
    }
  });
});

describe('postgres unreachable', () => {
  it('fails open with E_STORAGE_UNAVAILABLE, promptly, when nothing listens', async () => {
    const db = createPostgresDatabase({ url: 'postgres://postgres@127.0.0.1:1/postgres', clock: manualClock(), connectionTimeoutMillis: 1_000 });
    const started = Date.now();
    await expect(db.open()).rejects.toMatchObject({ name: 'MemosError', code: 'E_STORAGE_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('fails every call with E_STORAGE_UNAVAILABLE before open and after close', async () => {
    const db = createPostgresDatabase({ url: 'postgres://postgres@127.0.0.1:1/postgres', clock: manualClock() });
    await expect(db.ping()).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    await expect(new PgEpisodeStore(db).get({ namespace: 'ns1', id: 'x' })).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    await db.close(); // closing what never opened is harmless
  });

  it('maps driver errors at the choke point and passes MemosErrors through', () => {
    const driverError = (fields: object) => Object.assign(new Error('engine said no: value 42'), fields);
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '08006', '57P01', '53300', '40001', '40P01', '57014']) {
      expect(toMemosError('op', driverError({ code })).code).toBe('E_STORAGE_UNAVAILABLE');
    }
    for (const message of ['Connection terminated unexpectedly', 'timeout exceeded when trying to connect', 'PGlite is closed']) {
      expect(toMemosError('op', new Error(message)).code).toBe('E_STORAGE_UNAVAILABLE');
    }
    // The server's disk full (53100) asks the client to come back in 30 s; a lost connection in 2 s.
    expect(toMemosError('op', driverError({ code: '53100' }))).toMatchObject({ code: 'E_STORAGE_UNAVAILABLE', details: { retryAfter: 30 } });
    expect(toMemosError('op', driverError({ code: 'ECONNREFUSED' }))).toMatchObject({ details: { retryAfter: 2 } });
    const internal = toMemosError('episodes.append', driverError({ code: '23505' }));
    expect(internal).toMatchObject({ code: 'E_INTERNAL', message: 'postgres: episodes.append failed (23505)' });
    expect(toMemosError('op', driverError({ code: '42P01' })).code).toBe('E_INTERNAL');
    for (const code of ['22001', '22003', '22007', '22008', '22009', '22021', '22P02', '22P05']) {
      const input = toMemosError('episodes.list', driverError({ code }));
      expect(input).toMatchObject({ code: 'E_VALIDATION', message: `postgres: episodes.list refused a value of this request as out of range or malformed (${code})` });
    }
    expect(toMemosError('op', new TypeError('boom')).code).toBe('E_INTERNAL');
    const conflict = new MemosError('E_CONFLICT', 'memory is at version 3');
    expect(toMemosError('op', conflict)).toBe(conflict);
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => createPostgresDatabase({ url: 'postgres://x', schema: 'memos; DROP TABLE x', clock: manualClock() })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG' }),
    );
  });
});

const episode = (id: string, content: string): Episode => ({ ...BASE_EPISODE, id, content });

const memoryDraft = (id: string, content: string, importance: number): MemoryDraft => ({
  memory: {
    id, namespace: 'ns1', content, kind: 'fact', importance, metadata: {}, sourceEpisodeIds: [], sourceSessionIds: [], version: 1,
    createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', lastConfirmedAt: '2026-01-01T00:00:00.000Z',
    validFrom: '2026-01-01T00:00:00.000Z', supersedes: [], conflicts: [], embedding: { status: 'none' },
  },
  contentKey: contentKey(content),
});
