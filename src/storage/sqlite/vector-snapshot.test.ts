import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, systemClock, toIso } from '../../core/clock.js';
import { ulidGenerator } from '../../core/ids.js';
import { contentKey } from '../../core/text.js';
import type { Memory } from '../../core/types.js';
import { SqliteDatabase } from './database.js';
import { createSqliteStorage } from './index.js';
import { VectorPartition, type ScopeMatch } from './vector-partition.js';
import { VectorIndex } from './vector-index.js';
import { VectorSnapshots } from './vector-snapshot.js';
import { SqliteSemanticStore } from './semantic-store.js';
import { SqliteVectorStore } from './vector-store.js';

const TUNING = { graphFrom: 100, scanUpTo: 10 };
const ANY: ScopeMatch = { userId: undefined, agentId: undefined, sessionId: undefined };
const DIM = 16;
const key = { tier: 'memories' as const, namespace: 'ns', model: 'm', dimensions: DIM };

function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
}
const next = random(3);
const vectors = Array.from({ length: 400 }, () => Float32Array.from({ length: DIM }, next));

describe('vector index snapshots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memos-vector-snapshot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function open() {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.db`);
    // Opened twice: snapshots are not trusted on an open that migrated the schema.
    new SqliteDatabase({ path, synchronous: 'normal', clock: systemClock }).open();
    const db = new SqliteDatabase({ path, synchronous: 'normal', clock: systemClock });
    db.open();
    expect(db.migrated).toEqual([]);
    return { path, db, snapshots: new VectorSnapshots(path, db) };
  }
  function partition(rows = 300): VectorPartition {
    const p = new VectorPartition(DIM, TUNING);
    for (let i = 0; i < rows; i += 1) p.upsert(`r${i}`, { userId: `u${i % 3}` }, vectors[i]!);
    p.remove('r7');
    p.settle();
    return p;
  }
  const answers = (p: VectorPartition, match: ScopeMatch = ANY) => vectors.slice(300, 320).map((q) => p.rank(q, match).top(5).map((c) => c.id));
  /** Restores `key`, waiting for its graph. */
  async function restored(snapshots: VectorSnapshots): Promise<VectorPartition | undefined> {
    let attached!: () => void;
    const graph = new Promise<void>((done) => (attached = done));
    const p = snapshots.restore(key, TUNING, () => attached());
    if (p !== undefined) await graph;
    return p;
  }

  it('reads back what was written, with its graph, and answers as before', async () => {
    const { db, snapshots } = open();
    const original = partition();
    snapshots.write([{ key, partition: original }]);
    snapshots.claim();
    const again = await restored(snapshots);
    expect(again?.hasGraph).toBe(true);
    expect(again!.size).toBe(299);
    expect(again!.pending).toBe(0);
    expect(answers(again!)).toEqual(answers(original));
    expect(answers(again!, { userId: 'u1', agentId: null, sessionId: null })).toEqual(answers(original, { userId: 'u1', agentId: null, sessionId: null }));
    // A close with nothing to write keeps a snapshot no write has touched: the next open reads it too.
    snapshots.write([]);
    snapshots.claim();
    expect(await restored(snapshots)).toBeDefined();
    snapshots.spoil('memories', 'ns');
    snapshots.write([]);
    snapshots.claim();
    expect(await restored(snapshots)).toBeUndefined();
    db.close();
  });

  it('restores the tail norms that duplicate checks bound rows by, so that they find what they found before', async () => {
    const { db, snapshots } = open();
    const wide = { ...key, dimensions: 48 };
    const rng = random(11);
    const rows = Array.from({ length: 300 }, () => Float32Array.from({ length: 48 }, rng));
    const original = new VectorPartition(48, TUNING);
    rows.forEach((v, i) => original.upsert(`r${i}`, { userId: `u${i % 3}` }, v));
    original.settle();
    snapshots.write([{ key: wide, partition: original }]);
    await snapshots.claim();
    const again = snapshots.restore(wide, TUNING, () => undefined)!;
    // Probes near stored rows, so that some reach the threshold and the rest are bounded out.
    const probes = rows.slice(0, 60).map((v, i) => v.map((x) => x + (i % 2) * 0.05 * rng()));
    const checks = (p: VectorPartition) => probes.map((v) => p.nearest(v, ANY, 0.9, 3));
    expect(checks(again)).toEqual(checks(original));
    expect(checks(again).flat().length).toBeGreaterThanOrEqual(60);
    db.close();
  });

  it('applies the writes made while the graph was still being read', async () => {
    const { db, snapshots } = open();
    snapshots.write([{ key, partition: partition() }]);
    snapshots.claim();
    let attached!: () => void;
    const graph = new Promise<void>((done) => (attached = done));
    const again = snapshots.restore(key, TUNING, () => attached())!;
    const q = vectors[350]!;
    again.remove('r0');
    again.upsert('r1', { userId: 'u1' }, q);
    again.upsert('new', { userId: 'u2' }, vectors[0]!);
    expect(again.rank(q, ANY).top(1)[0]!.id).toBe('r1');
    await graph;
    again.settle();
    expect(again.hasGraph).toBe(true);
    expect(again.rank(q, ANY).top(1)[0]!.id).toBe('r1');
    expect(again.rank(vectors[0]!, ANY).top(1)[0]!.id).toBe('new');
    const all = again.rank(vectors[0]!, ANY).top(50).map((c) => c.id);
    expect(all).not.toContain('r0');
    db.close();
  });

  it('uses nothing that is stale: no token, a write since open, an older file, a torn file', async () => {
    const { path, db, snapshots } = open();
    const folder = `${path}-vectors`;
    snapshots.write([{ key, partition: partition() }]);
    // Not claimed at open: nothing is trusted.
    expect(await restored(new VectorSnapshots(path, db))).toBeUndefined();
    // A write to the tier and namespace since open.
    snapshots.claim();
    snapshots.spoil('memories', 'ns');
    expect(await restored(snapshots)).toBeUndefined();
    // Another namespace's write does not matter; but a claim takes the token out of SQLite.
    snapshots.write([{ key, partition: partition() }]);
    snapshots.claim();
    snapshots.spoil('memories', 'other');
    expect(await restored(snapshots)).toBeDefined();
    const later = new VectorSnapshots(path, db);
    later.claim();
    expect(await restored(later)).toBeUndefined();
    // An older file in place of the newest one.
    snapshots.write([{ key, partition: partition(200) }]);
    const rows = readdirSync(folder).find((name) => name.endsWith('.rows'))!;
    copyFileSync(join(folder, rows), join(dir, 'older.rows'));
    snapshots.write([{ key, partition: partition(250) }]);
    copyFileSync(join(dir, 'older.rows'), join(folder, rows));
    snapshots.claim();
    expect(await restored(snapshots)).toBeUndefined();
    // A torn file.
    snapshots.write([{ key, partition: partition(250) }]);
    truncateSync(join(folder, rows), 1000);
    snapshots.claim();
    expect(await restored(snapshots)).toBeUndefined();
    db.close();
  });

  it('rebuilds the graph from the rows when its file cannot be read', async () => {
    const { path, db, snapshots } = open();
    const original = partition();
    snapshots.write([{ key, partition: original }]);
    const graph = readdirSync(`${path}-vectors`).find((name) => name.endsWith('.graph'))!;
    writeFileSync(join(`${path}-vectors`, graph), 'not a graph');
    snapshots.claim();
    const again = await restored(snapshots);
    expect(again?.hasGraph).toBe(true);
    expect(again!.pending).toBe(299);
    again!.settle();
    expect(answers(again!)).toEqual(answers(original));
    db.close();
  });
});

describe('the SQLite storage across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memos-vector-restart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const clock = manualClock();
  const now = toIso(clock.now());
  const memory = (i: number): Memory => ({
    id: `mem_${i}`, namespace: 'ns', userId: `u${i % 2}`, content: `memory ${i}`, kind: 'fact', importance: 0.5, metadata: {},
    sourceEpisodeIds: [], version: 1, createdAt: now, updatedAt: now, lastConfirmedAt: now, embedding: { status: 'pending' },
    sourceSessionIds: [], validFrom: now, supersedes: [], conflicts: [],
  });
  const open = async (path: string) => {
    const storage = createSqliteStorage({ path, clock, ids: ulidGenerator(clock), synchronous: 'normal', vectorTuning: TUNING });
    await storage.init();
    return storage;
  };
  async function write(storage: Awaited<ReturnType<typeof open>>, from: number, to: number) {
    const memories = Array.from({ length: to - from }, (_, i) => memory(from + i));
    await storage.memories.upsert(memories.map((m) => ({ memory: m, contentKey: contentKey(m.content) })));
    const writes = memories.map((m, i) => ({ tier: 'memories' as const, namespace: 'ns', id: m.id, content: m.content, model: 'm', vector: vectors[from + i]! }));
    expect(await storage.vectors.put(writes)).toBe(to - from);
  }
  const search = async (storage: Awaited<ReturnType<typeof open>>, q: Float32Array) =>
    (await storage.vectors.search({ tier: 'memories', filter: { namespace: 'ns', userId: 'u1' }, model: 'm', vector: q, limit: 5 })).map((s) => s.item.id);

  it('loads the snapshot as it opens, and answers exactly while the graph is still being read, writes included', async () => {
    const path = join(dir, 'loading.db');
    const storage = await open(path);
    await write(storage, 0, 300);
    const before = await search(storage, vectors[352]!);
    await storage.close();

    const db = new SqliteDatabase({ path, synchronous: 'normal', clock });
    db.open();
    const index = new VectorIndex({ snapshots: new VectorSnapshots(path, db), tuning: TUNING });
    const memories = new SqliteSemanticStore(db, clock, index);
    const vectorStore = new SqliteVectorStore(db, clock, index);
    // Once the rows file is read, the partition is loaded: no search asked for it.
    await index.open();
    const loaded = index.get(key);
    expect(loaded?.size).toBe(300);
    expect(loaded!.hasGraph).toBe(false);
    const searchHere = async (q: Float32Array) =>
      (await vectorStore.search({ tier: 'memories', filter: { namespace: 'ns', userId: 'u1' }, model: 'm', vector: q, limit: 5 })).map((s) => s.item.id);
    expect(await searchHere(vectors[352]!)).toEqual(before);
    // A write acknowledged before the graph arrives is found at once, and after it.
    await memories.upsert([{ memory: memory(301), contentKey: contentKey(memory(301).content), vector: { model: 'm', vector: vectors[350]! } }]);
    expect(loaded!.hasGraph).toBe(false);
    expect((await searchHere(vectors[350]!))[0]).toBe('mem_301');
    for (let i = 0; i < 200 && !loaded!.hasGraph; i += 1) await new Promise((done) => setTimeout(done, 10));
    expect(loaded!.hasGraph).toBe(true);
    expect((await searchHere(vectors[350]!))[0]).toBe('mem_301');
    expect(await searchHere(vectors[352]!)).toEqual(before);
    // Closed before its files are read: nothing is loaded into the cleared index afterwards.
    index.persist();
    const late = new VectorIndex({ snapshots: new VectorSnapshots(path, db), tuning: TUNING });
    const reading = late.open();
    late.clear();
    await reading;
    expect(late.get(key)).toBeUndefined();
    db.close();
  });

  it('answers the same after a restart, sees writes made before the first search, and trusts nothing after a crash', async () => {
    const path = join(dir, 'memos.db');
    let storage = await open(path);
    await write(storage, 0, 300);
    const before = await search(storage, vectors[352]!);
    await storage.close();
    expect(existsSync(`${path}-vectors`)).toBe(true);

    // Proof that the snapshot, not the rows, is read: a vector changed behind memOS's back is not seen.
    const raw = new Database(path);
    raw.prepare('UPDATE memories SET embedding = ? WHERE id = ?').run(Buffer.from(vectors[352]!.buffer.slice(0)), 'mem_299');
    raw.close();
    storage = await open(path);
    expect(await search(storage, vectors[352]!)).toEqual(before);
    expect(before[0]).not.toBe('mem_299');
    // A new memory holding the query's own vector, written before this partition is next loaded.
    await storage.close();
    storage = await open(path);
    await write(storage, 301, 302);
    await storage.vectors.put([{ tier: 'memories', namespace: 'ns', id: 'mem_301', content: 'memory 301', model: 'm', vector: vectors[350]! }]);
    expect((await search(storage, vectors[350]!))[0]).toBe('mem_301');
    await storage.close();

    // A crash: the storage is never closed, and another process opens the file afterwards.
    const crashed = await open(path);
    await search(crashed, vectors[350]!);
    await write(crashed, 303, 304);
    await crashed.vectors.put([{ tier: 'memories', namespace: 'ns', id: 'mem_303', content: 'memory 303', model: 'm', vector: vectors[351]! }]);
    const next = await open(path);
    expect((await search(next, vectors[351]!))[0]).toBe('mem_303');
    await next.close();
  });
});
