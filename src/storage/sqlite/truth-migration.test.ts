// Migration 12 (truth maintenance): a data folder written before it (test/fixtures/folder-before-truth)
// opens with today's memOS. Every record and history row stays; a memory's session becomes its
// source session; the same fact stored twice only because the sessions differed becomes one current
// memory, the other superseded as a duplicate and still readable; keyword and vector search work.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock, toIso } from '../../core/clock.js';
import { ulidGenerator } from '../../core/ids.js';
import { contentKey } from '../../core/text.js';
import type { Memory } from '../../core/types.js';
import { createModel2VecProvider } from '../../embeddings/model2vec/model2vec-provider.js';
import { SqliteDatabase } from './database.js';
import { createSqliteStorage } from './index.js';
import { MIGRATIONS } from './migrations.js';

const scratch = mkdtempSync(join(tmpdir(), 'memos-truth-migration-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const FIXTURE = new URL('../../../test/fixtures/folder-before-truth/memos.db.gz', import.meta.url);
/** Just after the fixture's last write (2026-12-07T05:43:19Z), while its session is still live. */
const OPENED_AT = Date.parse('2026-12-07T05:44:00.000Z');
const TEA_S1 = 'mem_01M97GEAAPY693241HSC6Q77TJ';
const TEA_S2 = 'mem_01M97GEABZE8X5RFPNXKZSQZFN';
const LAGOS = 'mem_01M97GEAAPY693241HSC6Q77TK';
const ALLERGY = 'mem_01M97GEAAPY693241HSC6Q77TM';
const NAIROBI = 'mem_01M97GEABZE8X5RFPNXKZSQZFP';
const CHESS = 'mem_01M97GEADMKXBWCYB4BHGFBEAP';

/** A copy of the fixture's folder, as the app keeps it: `memos.db` in the data folder. */
function fixtureFolder(): string {
  const folder = mkdtempSync(join(scratch, 'folder-'));
  writeFileSync(join(folder, 'memos.db'), gunzipSync(readFileSync(FIXTURE)));
  return folder;
}

function rawRows(path: string, sql: string): unknown[] {
  const raw = new Database(path, { readonly: true });
  try {
    return raw.prepare(sql).all();
  } finally {
    raw.close();
  }
}

describe('migration 12: truth maintenance, on a data folder written before it', () => {
  it('keeps every record and history row, and unites the duplicates that only sessions kept apart', async () => {
    const path = join(fixtureFolder(), 'memos.db');
    const episodesBefore = rawRows(path, 'SELECT * FROM episodes ORDER BY id');
    const sessionsBefore = rawRows(path, 'SELECT * FROM sessions');
    const historyBefore = rawRows(path, 'SELECT * FROM memory_history ORDER BY memory_id, version');
    const clock = manualClock(OPENED_AT);
    const storage = createSqliteStorage({ path, ids: ulidGenerator(clock), clock });
    await storage.init();
    try {
      const alice = { namespace: 'default', userId: 'alice' };
      const get = async (id: string) => (await storage.memories.get({ namespace: 'default', id }))!;
      const all = await storage.memories.list({ filter: { namespace: 'default' }, limit: 50, order: 'asc' });
      expect(all.items.map((m) => m.id).sort()).toEqual([TEA_S1, LAGOS, ALLERGY, TEA_S2, NAIROBI, CHESS].sort());
      for (const memory of all.items) expect(memory).not.toHaveProperty('sessionId');

      // The green tea, twice: the oldest stays current and gains the other's session and importance.
      const kept = await get(TEA_S1);
      expect(kept).toMatchObject({ ...alice, content: 'Alice prefers green tea over coffee', kind: 'preference', importance: 0.9, sourceSessionIds: ['s1', 's2'], supersedes: [TEA_S2], version: 1 });
      expect(kept.validTo).toBeUndefined();
      expect(kept.validFrom).toBe(kept.createdAt);
      expect(kept.sourceEpisodeIds).toHaveLength(1);
      const duplicate = await get(TEA_S2);
      expect(duplicate).toMatchObject({ content: 'Alice prefers green tea over coffee', sourceSessionIds: ['s2'], supersededBy: TEA_S1, supersessionReason: 'duplicate', validTo: toIso(OPENED_AT), version: 1 });
      expect(kept.lastConfirmedAt).toBe(duplicate.lastConfirmedAt);

      // No key: nothing supersedes Lagos or Nairobi.
      for (const id of [LAGOS, NAIROBI, ALLERGY, CHESS]) expect((await get(id)).validTo).toBeUndefined();
      expect(await get(LAGOS)).toMatchObject({ sourceSessionIds: ['s1'], metadata: { source: 'chat' } });
      expect(await get(CHESS)).toMatchObject({ userId: 'bob', sourceSessionIds: [] });
      expect(await get(ALLERGY)).toMatchObject({ content: 'Alice is allergic to peanuts and cashews', version: 2 });
      expect((await storage.memories.history({ namespace: 'default', id: ALLERGY }))!.map((v) => v.content)).toEqual(['Alice is allergic to peanuts']);
      expect(rawRows(path, 'SELECT * FROM memory_history ORDER BY memory_id, version')).toEqual(historyBefore);

      // A memory's sessions are where it was learned: s2 finds the united tea memory and Nairobi.
      const now = toIso(clock.now());
      const inS2 = await storage.memories.list({ filter: { namespace: 'default', sessionId: 's2', validAt: now }, limit: 50, order: 'asc' });
      expect(inS2.items.map((m) => m.id)).toEqual([TEA_S1, NAIROBI]);
      const current = await storage.memories.list({ filter: { ...alice, validAt: now }, limit: 50, order: 'asc' });
      expect(current.items.map((m) => m.id)).toEqual([TEA_S1, LAGOS, ALLERGY, NAIROBI]);

      // Keyword search, with the statistics counted again without sessions.
      const tea = await storage.memories.search({ filter: { ...alice, validAt: now }, terms: ['tea'], limit: 10 });
      expect(tea.map((hit) => hit.item.id)).toEqual([TEA_S1]);
      expect((await storage.memories.search({ filter: alice, terms: ['tea'], limit: 10 })).map((hit) => hit.item.id).sort()).toEqual([TEA_S1, TEA_S2].sort());
      expect((await storage.memories.search({ filter: { ...alice, sessionId: 's2' }, terms: ['nairobi', 'tea'], limit: 10 })).map((hit) => hit.item.id).sort()).toEqual(
        [TEA_S1, TEA_S2, NAIROBI].sort(),
      );
      const stats = rawRows(path, `SELECT user_id, session_id, docs FROM keyword_scopes WHERE tier = 'memories' ORDER BY user_id`);
      expect(stats).toEqual([
        { user_id: 'alice', session_id: null, docs: 5 },
        { user_id: 'bob', session_id: null, docs: 1 },
      ]);

      // Vector search with the model the folder was embedded with.
      const modelPath = process.env.MEMOS_MODEL2VEC_PATH;
      if (modelPath !== undefined) {
        const embedder = createModel2VecProvider({ path: modelPath, cacheDir: scratch });
        await embedder.init();
        const [vector] = await embedder.embed({ texts: ['green tea'], purpose: 'query' });
        const search = (filter: object) =>
          storage.vectors.search({ tier: 'memories', model: embedder.model, vector: vector!, limit: 2, filter: { ...alice, ...filter } });
        expect((await search({ validAt: now })).map((hit) => hit.item.id)[0]).toBe(TEA_S1);
        expect((await search({ validAt: now })).map((hit) => hit.item.id)).not.toContain(TEA_S2);
        expect((await search({ sessionId: 's2', validAt: now })).map((hit) => hit.item.id)).toEqual([TEA_S1, NAIROBI]);
        const [nearest] = await storage.vectors.nearestMemories([{ scope: alice, model: embedder.model, vector: vector!, threshold: 0.5, limit: 5 }]);
        expect(nearest!.map((hit) => hit.item.id)).toEqual([TEA_S1]);
        await embedder.close();
      }

      // A new write of the same fact in a third session merges into the united memory.
      const [again] = await storage.memories.upsert([{ memory: { ...kept, id: 'mem_again', sourceSessionIds: ['s3'], supersedes: [], createdAt: now, updatedAt: now, lastConfirmedAt: now, validFrom: now } satisfies Memory, contentKey: contentKey(kept.content) }]);
      expect(again).toMatchObject({ action: 'merged', memory: { id: TEA_S1, sourceSessionIds: ['s1', 's2', 's3'] } });
    } finally {
      await storage.close();
    }
    // Episodes and the session are as they were.
    expect(rawRows(path, 'SELECT * FROM episodes ORDER BY id')).toEqual(episodesBefore);
    expect(rawRows(path, 'SELECT * FROM sessions')).toEqual(sessionsBefore);
  });

  it('gives the same result on a schema made by migrations 1 to 11 with duplicates inserted by hand', async () => {
    const path = join(mkdtempSync(join(scratch, 'hand-')), 'memos.db');
    const clock = manualClock(Date.parse('2026-06-01T00:00:00.000Z'));
    const old = new SqliteDatabase({ path, synchronous: 'normal', clock, migrations: MIGRATIONS.filter((m) => m.version <= 11) });
    old.open();
    const t = (minutes: number) => Date.parse('2026-05-01T00:00:00.000Z') + minutes * 60_000;
    old.transaction('test', () => {
      const insert = old.statement(`INSERT INTO memories (id, namespace, user_id, agent_id, session_id, kind, content, content_key, importance, metadata,
        source_episode_ids, version, created_at, updated_at, expires_at, last_confirmed_at) VALUES (?, 'ns', ?, ?, ?, 'fact', ?, ?, ?, '{}', ?, 1, ?, ?, ?, ?)`);
      // Three copies of one fact for u1 (sessions s1, s2, none), in an order their ids do not follow.
      insert.run('mem_c', 'u1', null, 's2', 'Likes jazz', 'likes jazz', 0.4, '["ep_2"]', t(2), t(2), null, t(9));
      insert.run('mem_a', 'u1', null, 's1', 'Likes jazz', 'likes jazz', 0.3, '["ep_1"]', t(1), t(1), null, t(1));
      insert.run('mem_b', 'u1', null, null, 'likes jazz.', 'likes jazz', 0.8, '["ep_1","ep_3"]', t(3), t(3), null, t(3));
      // Not duplicates of them: another agent, another user, and an expired copy.
      insert.run('mem_agent', 'u1', 'bot', 's1', 'Likes jazz', 'likes jazz', 0.5, '[]', t(4), t(4), null, t(4));
      insert.run('mem_other', 'u2', null, 's1', 'Likes jazz', 'likes jazz', 0.5, '[]', t(5), t(5), null, t(5));
      insert.run('mem_expired', 'u1', null, 's3', 'Likes jazz', 'likes jazz', 1, '[]', t(6), t(6), t(7), t(6));
      old.statement(`INSERT INTO memory_history (memory_id, version, content, kind, importance, metadata, source_episode_ids, valid_from, valid_to, reason)
        VALUES ('mem_c', 1, 'Likes blues', 'fact', 0.4, '{}', '[]', ?, ?, 'update')`).run(t(0), t(2));
    });
    old.close();

    const storage = createSqliteStorage({ path, ids: ulidGenerator(clock), clock });
    await storage.init();
    try {
      const get = async (id: string) => (await storage.memories.get({ namespace: 'ns', id }))!;
      expect(await get('mem_a')).toMatchObject({ importance: 0.8, sourceSessionIds: ['s1', 's2'], sourceEpisodeIds: ['ep_1', 'ep_2', 'ep_3'], lastConfirmedAt: toIso(t(9)), supersedes: ['mem_c', 'mem_b'] });
      expect((await get('mem_a')).validTo).toBeUndefined();
      for (const id of ['mem_c', 'mem_b']) expect(await get(id)).toMatchObject({ supersededBy: 'mem_a', supersessionReason: 'duplicate', validTo: toIso(clock.now()) });
      for (const id of ['mem_agent', 'mem_other']) expect((await get(id)).validTo).toBeUndefined();
      expect(rawRows(path, `SELECT valid_to, source_session_ids, session_id FROM memories WHERE id = 'mem_expired'`)).toEqual([{ valid_to: null, source_session_ids: '["s3"]', session_id: null }]);
      expect((await storage.memories.history({ namespace: 'ns', id: 'mem_c' }))!.map((v) => v.content)).toEqual(['Likes blues']);
      expect(rawRows(path, 'SELECT count(*) AS n FROM memories WHERE session_id IS NOT NULL')).toEqual([{ n: 0 }]);
      const hits = await storage.memories.search({ filter: { namespace: 'ns', userId: 'u1', validAt: toIso(clock.now()) }, terms: ['jazz'], limit: 10 });
      expect(hits.map((hit) => hit.item.id).sort()).toEqual(['mem_a', 'mem_agent']);
    } finally {
      await storage.close();
    }
  });
});
