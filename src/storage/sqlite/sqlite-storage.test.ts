import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, toIso } from '../../core/clock.js';
import { MemosError, isMemosError } from '../../core/errors.js';
import { ulidGenerator } from '../../core/ids.js';
import { contentKey } from '../../core/text.js';
import type { Episode } from '../../core/types.js';
import { runAuditStoreContract } from '../audit-store.case.test.js';
import { runEpisodeStoreContract } from '../episode-store.case.test.js';
import { runInspectStoreContract } from '../inspect-store.case.test.js';
import { runSemanticFreshnessContract } from '../semantic-freshness.case.test.js';
import { runSemanticTruthContract } from '../semantic-truth.case.test.js';
import { runSemanticStoreContract } from '../semantic-store.case.test.js';
import { runVectorStoreContract, type VectorStoreHarness } from '../vector-store.case.test.js';
import { runWorkingMemoryStoreContract } from '../working-memory-store.case.test.js';
import { SqliteDatabase, toMemosError } from './database.js';
import { SqliteEpisodeStore, insertEpisodes } from './episode-store.js';
import { createSqliteStorage, type SqliteStorageOptions } from './index.js';
import { MIGRATIONS } from './migrations.js';
import { VectorIndex } from './vector-index.js';
import type { PartitionTuning } from './vector-partition.js';

const dir = mkdtempSync(join(tmpdir(), 'memos-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const freshPath = () => join(dir, `nested-${++files}`, 'memos.db');

async function open(overrides: Partial<SqliteStorageOptions> & { clock?: ReturnType<typeof manualClock> } = {}) {
  const clock = overrides.clock ?? manualClock();
  const storage = createSqliteStorage({ path: freshPath(), ids: ulidGenerator(clock), ...overrides, clock });
  await storage.init();
  return { storage, clock, close: () => storage.close() };
}

runEpisodeStoreContract('sqlite', {
  create: async () => {
    const { storage, clock, close } = await open();
    return { store: storage.episodes, clock, close };
  },
});

runSemanticStoreContract('sqlite', {
  create: async () => {
    const { storage, clock, close } = await open();
    return { store: storage.memories, clock, close };
  },
});
runSemanticFreshnessContract('sqlite', {
  create: async () => {
    const { storage, clock, close } = await open();
    return { store: storage.memories, clock, close };
  },
});
runSemanticTruthContract('sqlite', {
  create: async () => {
    const { storage, clock, close } = await open();
    return { store: storage.memories, clock, close };
  },
});

runInspectStoreContract('sqlite', async () => {
  const { storage, clock, close } = await open();
  return { inspect: storage.inspect!, episodes: storage.episodes, memories: storage.memories, clock, engine: 'sqlite', close };
});

runAuditStoreContract('sqlite', async () => {
  const path = freshPath();
  const { storage, clock, close } = await open({ path });
  return {
    audit: storage.audit,
    episodes: storage.episodes,
    memories: storage.memories,
    clock,
    async breakAuditLog() {
      const raw = new Database(path);
      raw.exec('DROP TABLE audit_log');
      raw.close();
    },
    close,
  };
});

runWorkingMemoryStoreContract('sqlite', {
  create: async () => {
    const { storage, clock, close } = await open();
    return { store: storage.sessions, episodes: storage.episodes, clock, close };
  },
});

/** A storage on `path`; reopening closes it and opens the same file with the same clock. */
async function vectorHarness(path: string, clock = manualClock(), vectorTuning?: PartitionTuning): Promise<VectorStoreHarness> {
  const { storage } = await open({ path, clock, ...(vectorTuning === undefined ? {} : { vectorTuning }) });
  return {
    storage,
    clock,
    close: () => storage.close(),
    reopen: async () => {
      await storage.close();
      return vectorHarness(path, clock, vectorTuning);
    },
  };
}

runVectorStoreContract('sqlite', () => vectorHarness(freshPath()));
// Every partition with an ANN graph from its first vector, and every scope searched through it
// (in production only partitions of 4,096 vectors and large scopes are), snapshots included.
runVectorStoreContract('sqlite, through the ANN graph', () => vectorHarness(freshPath(), manualClock(), { graphFrom: 1, scanUpTo: 0, graphShare: 0 }));

const episode = (id: string, content: string): Episode => ({
  id,
  namespace: 'ns1',
  kind: 'observation',
  content,
  occurredAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  metadata: {},
  embedding: { status: 'none' },
});

describe('sqlite storage', () => {
  it('does no I/O before init, and creates the parent folder at init', async () => {
    const clock = manualClock();
    const path = join(dir, 'lazy', 'deeper', 'memos.db');
    const storage = createSqliteStorage({ path, clock, ids: ulidGenerator(clock) });
    expect(storage.driver).toBe('sqlite');
    await expect(storage.ping()).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
    await storage.init();
    await storage.ping();
    await storage.close();
  });

  it('applies migrations once: reopening the same file applies nothing', async () => {
    const clock = manualClock();
    const path = freshPath();
    const first = createSqliteStorage({ path, clock, ids: ulidGenerator(clock) });
    await first.init();
    await first.close();
    clock.advance(60_000);
    const second = createSqliteStorage({ path, clock, ids: ulidGenerator(clock) });
    await second.init();
    await second.close();
    const raw = new Database(path, { readonly: true });
    const rows = raw.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
    raw.close();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: Date.parse('2026-01-01T00:00:00.000Z') })));
  });

  it('applies a migration missing from the sequence when it arrives, after later ones', async () => {
    const path = freshPath();
    const clock = manualClock();
    // A database that has every migration but the API keys' (4), as one made before 4 was written but after 5.
    const released = new SqliteDatabase({ path, synchronous: 'full', clock, migrations: MIGRATIONS.filter((m) => m.version !== 4) });
    released.open();
    released.close();
    const later = new SqliteDatabase({ path, synchronous: 'full', clock });
    later.open();
    const versions = later.run('test', (c) => c.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all());
    expect(versions).toEqual(MIGRATIONS.map((m) => m.version).sort((a, b) => a - b));
    expect(later.run('test', (c) => c.prepare('SELECT count(*) FROM api_keys').pluck().get())).toBe(0);
    later.close();
  });

  it('upgrades a version 1 database: a ready record without a stored vector goes back to pending', async () => {
    const path = freshPath();
    const clock = manualClock();
    const v1 = new SqliteDatabase({ path, synchronous: 'full', clock, migrations: MIGRATIONS.filter((m) => m.version === 1) });
    v1.open();
    const stranded = { ...episode('ep_old', 'claimed ready'), embedding: { status: 'none' as const } };
    v1.transaction('test', () => insertEpisodes(v1, [stranded]));
    v1.run('test', (c) => c.exec(`UPDATE episodes SET embedding_status = 'ready', embedding_model = 'm', embedding_dim = 4`));
    v1.close();
    const storage = createSqliteStorage({ path, clock, ids: ulidGenerator(clock) });
    await storage.init();
    expect((await storage.episodes.get({ namespace: 'ns1', id: 'ep_old' }))?.embedding).toEqual({ status: 'pending' });
    expect((await storage.vectors.pending({ model: 'm', dimensions: 4, limit: 5 })).map((p) => p.id)).toEqual(['ep_old']);
    await storage.close();
  });

  it('upgrades a version 2 database to count refusals: every row and vector kept, none refused yet', async () => {
    const path = freshPath();
    const clock = manualClock();
    const v2 = new SqliteDatabase({ path, synchronous: 'full', clock, migrations: MIGRATIONS.filter((m) => m.version <= 2) });
    v2.open();
    v2.transaction('test', () => insertEpisodes(v2, [episode('ep_ready', 'has a vector'), episode('ep_waiting', 'waits for one')]));
    v2.run('test', (c) => c.exec(`UPDATE episodes SET embedding_status = 'ready', embedding_model = 'm', embedding_dim = 1, embedding = x'0000803f' WHERE id = 'ep_ready'`));
    v2.close();
    const storage = createSqliteStorage({ path, clock, ids: ulidGenerator(clock) });
    await storage.init();
    expect((await storage.episodes.get({ namespace: 'ns1', id: 'ep_ready' }))?.embedding).toEqual({ status: 'ready', model: 'm', dimensions: 1 });
    expect((await storage.episodes.get({ namespace: 'ns1', id: 'ep_waiting' }))?.content).toBe('waits for one');
    expect(await storage.vectors.progress({ model: 'm', dimensions: 1 })).toEqual({ model: 'm', dimensions: 1, ready: 1, pending: 1, failed: 0, total: 2 });
    expect((await storage.vectors.search({ tier: 'episodes', filter: { namespace: 'ns1' }, model: 'm', vector: Float32Array.of(1), limit: 5 })).map((hit) => hit.item.id)).toEqual(['ep_ready']);
    await storage.close();
  });

  it('stores a record claimed ready at insert as pending: only put stores a vector', async () => {
    const { storage } = await open();
    await storage.episodes.append([{ ...episode('ep_claim', 'no vector yet'), embedding: { status: 'ready', model: 'm', dimensions: 4 } }]);
    expect((await storage.episodes.get({ namespace: 'ns1', id: 'ep_claim' }))?.embedding).toEqual({ status: 'pending' });
    await storage.close();
  });

  it('keeps data across close and reopen', async () => {
    const { storage, clock } = await open({ path: join(dir, 'durable.db') });
    const ids = ulidGenerator(clock);
    const now = toIso(clock.now());
    await storage.episodes.append([episode('ep_durable', 'survives restarts')]);
    const memory = {
      id: ids.next('mem'),
      namespace: 'ns1',
      content: 'Remembers across restarts',
      kind: 'fact' as const,
      importance: 0.5,
      metadata: { k: 'v' },
      sourceEpisodeIds: ['ep_durable'],
      version: 1,
      createdAt: now,
      updatedAt: now, lastConfirmedAt: now,
      sourceSessionIds: [], validFrom: now, supersedes: [], conflicts: [],
      embedding: { status: 'none' as const },
    };
    await storage.memories.upsert([{ memory, contentKey: contentKey(memory.content) }]);
    await storage.sessions.put({ key: { namespace: 'ns1', sessionId: 's1' }, messages: [], state: { x: 1 }, ttlSeconds: 60, window: 5 });
    await storage.close();

    const reopened = createSqliteStorage({ path: join(dir, 'durable.db'), clock, ids });
    await reopened.init();
    expect((await reopened.episodes.get({ namespace: 'ns1', id: 'ep_durable' }))?.content).toBe('survives restarts');
    expect(await reopened.memories.get({ namespace: 'ns1', id: memory.id })).toStrictEqual(memory);
    expect((await reopened.memories.search({ filter: { namespace: 'ns1' }, terms: ['restarts'], limit: 5 })).length).toBe(1);
    expect((await reopened.sessions.get({ namespace: 'ns1', sessionId: 's1' }))?.state).toEqual({ x: 1 });
    await reopened.close();
  });

  it('runs in WAL mode with foreign keys on and the requested synchronous level', () => {
    for (const [synchronous, level] of [['full', 2], ['normal', 1]] as const) {
      const db = new SqliteDatabase({ path: freshPath(), synchronous, clock: manualClock() });
      db.open();
      const pragma = (name: string) => db.run('test', (c) => c.pragma(name, { simple: true }));
      expect(pragma('journal_mode')).toBe('wal');
      expect(pragma('synchronous')).toBe(level);
      expect(pragma('foreign_keys')).toBe(1);
      expect(pragma('busy_timeout')).toBe(5000);
      db.close();
    }
  });

  it('removes a memory history with the memory (cascade)', async () => {
    const path = freshPath();
    const { storage, clock } = await open({ path });
    const now = toIso(clock.now());
    const memory = {
      id: 'mem_cascade', namespace: 'ns1', content: 'first', kind: 'fact' as const, importance: 0.5, metadata: {},
      sourceEpisodeIds: [], version: 1, createdAt: now, updatedAt: now, lastConfirmedAt: now, embedding: { status: 'none' as const },
      sourceSessionIds: [], validFrom: now, supersedes: [], conflicts: [],
    };
    await storage.memories.upsert([{ memory, contentKey: contentKey('first') }]);
    await storage.memories.update({ ref: { namespace: 'ns1', id: memory.id }, patch: { content: 'second' } });
    const count = () => {
      const raw = new Database(path, { readonly: true });
      const n = raw.prepare('SELECT count(*) FROM memory_history').pluck().get();
      raw.close();
      return n;
    };
    expect(count()).toBe(1);
    expect(await storage.memories.delete({ namespace: 'ns1', id: memory.id })).toBe(true);
    expect(count()).toBe(0);
    await storage.close();
  });

  it('fails with E_STORAGE_UNAVAILABLE after close, on every tier', async () => {
    const { storage } = await open();
    await storage.close();
    const calls: Promise<unknown>[] = [
      storage.ping(),
      storage.episodes.get({ namespace: 'ns1', id: 'x' }),
      storage.memories.list({ filter: { namespace: 'ns1' }, limit: 1, order: 'asc' }),
      storage.sessions.sweepExpired(),
      storage.vectors.pending({ model: 'm', dimensions: 4, limit: 1 }),
      storage.vectors.search({ tier: 'episodes', filter: { namespace: 'ns1' }, model: 'm', vector: Float32Array.of(1, 0), limit: 1 }),
    ];
    for (const call of calls) await expect(call).rejects.toMatchObject({ name: 'MemosError', code: 'E_STORAGE_UNAVAILABLE' });
    await storage.close(); // closing twice is harmless
  });

  it('fails init with E_STORAGE_UNAVAILABLE when the path cannot be created', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    const clock = manualClock();
    const storage = createSqliteStorage({ path: join(blocker, 'memos.db'), clock, ids: ulidGenerator(clock) });
    await expect(storage.init()).rejects.toMatchObject({ code: 'E_STORAGE_UNAVAILABLE' });
  });

  it('maps a locked database to E_STORAGE_UNAVAILABLE and rolls the write back', async () => {
    const path = freshPath();
    const db = new SqliteDatabase({ path, synchronous: 'full', clock: manualClock() });
    db.open();
    db.run('test', (c) => c.pragma('busy_timeout = 50'));
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const store = new SqliteEpisodeStore(db, new VectorIndex());
    const error = await store.append([episode('ep_locked', 'secret words')]).then(
      () => null,
      (e: unknown) => e,
    );
    other.exec('ROLLBACK');
    other.close();
    expect(isMemosError(error) && error.code).toBe('E_STORAGE_UNAVAILABLE');
    expect((error as Error).message).not.toContain('secret');
    expect((error as Error).cause).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(await store.get({ namespace: 'ns1', id: 'ep_locked' })).toBeNull();
    db.close();
  });

  it('answers writes to a full database with E_STORAGE_UNAVAILABLE and a retry after 30 s, writing none of the batch, while reads go on', async () => {
    const path = freshPath();
    const db = new SqliteDatabase({ path, synchronous: 'normal', clock: manualClock() });
    db.open();
    const store = new SqliteEpisodeStore(db, new VectorIndex());
    await store.append([episode('ep_before', 'written before the disk filled')]);
    // The database may not grow by more than a few pages: SQLite itself reports it full (SQLITE_FULL).
    db.run('test', (c) => c.pragma(`max_page_count = ${(c.pragma('page_count', { simple: true }) as number) + 4}`));
    const big = 'x'.repeat(8 * 1024);
    let error: unknown;
    for (let i = 0; i < 20 && error === undefined; i += 1) {
      error = await store.append([episode(`ep_${i}_a`, `${big} secret ${i}`), episode(`ep_${i}_b`, big)]).then(
        () => undefined,
        (e: unknown) => e,
      );
      if (error !== undefined) {
        expect(await store.get({ namespace: 'ns1', id: `ep_${i}_a` })).toBeNull(); // all or none
      }
    }
    expect(error).toMatchObject({ code: 'E_STORAGE_UNAVAILABLE', details: { retryAfter: 30 }, cause: { code: 'SQLITE_FULL' } });
    expect((error as Error).message).toMatch(/disk is full/);
    expect((error as Error).message).not.toContain('secret');
    expect(await store.get({ namespace: 'ns1', id: 'ep_before' })).toMatchObject({ content: 'written before the disk filled' });
    db.close();
  });

  it('maps engine error codes at the choke point and passes MemosErrors through', () => {
    const sqliteError = (code: string) => new Database.SqliteError('engine said no: value 42', code);
    for (const code of ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR_WRITE', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_READONLY']) {
      expect(toMemosError('op', sqliteError(code)).code).toBe('E_STORAGE_UNAVAILABLE');
    }
    // A full disk, from SQLite or from Node's file calls, asks the client to come back in 30 s.
    for (const full of [sqliteError('SQLITE_FULL'), Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })]) {
      expect(toMemosError('op', full).details?.retryAfter).toBe(30);
    }
    expect(toMemosError('op', sqliteError('SQLITE_BUSY')).details?.retryAfter).toBeUndefined();
    const internal = toMemosError('episodes.append', sqliteError('SQLITE_CONSTRAINT_UNIQUE'));
    expect(internal).toMatchObject({ code: 'E_INTERNAL', message: 'sqlite: episodes.append failed (SQLITE_CONSTRAINT_UNIQUE)' });
    expect(internal.message).not.toContain('42');
    expect(toMemosError('op', new TypeError('boom')).code).toBe('E_INTERNAL');
    for (const code of ['SQLITE_TOOBIG', 'SQLITE_MISMATCH']) {
      expect(toMemosError('memories.upsert', sqliteError(code))).toMatchObject({ code: 'E_VALIDATION', message: `sqlite: memories.upsert refused a value of this request as out of range or malformed (${code})` });
    }
    const conflict = new MemosError('E_CONFLICT', 'memory is at version 3');
    expect(toMemosError('op', conflict)).toBe(conflict);
  });

  it('answers a value the engine cannot store in its column (SQLITE_MISMATCH) as E_VALIDATION', () => {
    const db = new SqliteDatabase({ path: ':memory:', synchronous: 'normal', clock: manualClock(), migrations: [] });
    db.open();
    db.run('test', (c) => c.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)'));
    const error = (() => {
      try {
        return db.run('t.insert', (c) => c.prepare('INSERT INTO t (id) VALUES (?)').run('not a number'));
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'E_VALIDATION', cause: { code: 'SQLITE_MISMATCH' } });
    expect((error as Error).message).not.toContain('not a number');
    db.close();
  });

  it('promotes and writes a session in one transaction: a failed promotion leaves the session as it was', async () => {
    const clock = manualClock();
    const fixedIds = { next: () => 'ep_fixed' };
    const storage = createSqliteStorage({ path: freshPath(), clock, ids: fixedIds });
    await storage.init();
    await storage.episodes.append([episode('ep_fixed', 'already here')]);
    const key = { namespace: 'ns1', sessionId: 's1' };
    const message = (content: string) => ({ role: 'user' as const, content, createdAt: toIso(clock.now()) });
    await storage.sessions.put({ key, messages: [message('kept')], state: {}, ttlSeconds: 60, window: 5 });
    const overflow = storage.sessions.append({ key, messages: [message('a'), message('b')], window: 1, ttlSeconds: 60 });
    await expect(overflow).rejects.toMatchObject({ code: 'E_INTERNAL' });
    expect((await storage.sessions.get(key))?.messages.map((m) => m.content)).toEqual(['kept']);
    await storage.close();
  });

  it('works on an in-memory database', async () => {
    const { storage } = await open({ path: ':memory:' });
    await storage.episodes.append([episode('ep_mem', 'in memory')]);
    expect((await storage.episodes.get({ namespace: 'ns1', id: 'ep_mem' }))?.content).toBe('in memory');
    await storage.close();
  });
});
