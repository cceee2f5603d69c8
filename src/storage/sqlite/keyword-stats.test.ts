// Per-scope keyword statistics (keyword-stats.ts) on a real SQLite file: keyword scores are
// exactly BM25 over the scope searched, length normalisation included, whatever other namespaces
// and users store; every write path keeps the statistics equal to a recount from the stored rows;
// a rolled-back write leaves them as they were; and migration 6 backfills a data folder written
// before it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { contentKey } from '../../core/text.js';
import type { Episode, Memory, RecordFilter } from '../../core/types.js';
import { testEpisode, testMemory } from '../../../test/support/records.js';
import { SqliteDatabase } from './database.js';
import { SqliteEpisodeStore } from './episode-store.js';
import { createSqliteStorage } from './index.js';
import { backfillKeywordStats } from './keyword-stats.js';
import { MIGRATIONS } from './migrations.js';
import { TRUTH_COLUMNS } from './truth-schema.js';
import { SqliteSemanticStore } from './semantic-store.js';
import { VectorIndex } from './vector-index.js';

/** The memories column today's store writes (migration 11): applied to the old schema too, so that the store can write to it. */
const LAST_CONFIRMED = 11;

const dir = mkdtempSync(join(tmpdir(), 'memos-keyword-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const clock = manualClock();

async function open(path = join(dir, `stats-${++files}.db`)) {
  const storage = createSqliteStorage({ path, clock, ids: { next: (prefix) => `${prefix}_${++files}` } });
  await storage.init();
  return { storage, path };
}

let ids = 0;
const episode = (content: string, scope: Partial<Episode> = {}) => testEpisode({ id: `ep_${String(++ids).padStart(6, '0')}`, namespace: 'ns1', content, ...scope });
const memory = (content: string, scope: Partial<Memory> = {}) => {
  const m = testMemory({ id: `mem_${String(++ids).padStart(6, '0')}`, namespace: 'ns1', content, ...scope });
  return { memory: m, contentKey: contentKey(m.content) };
};

// Words the porter stemmer leaves as they are, so that splitting on spaces reads them as FTS5 does.
const WORDS = ['lisbon', 'flight', 'hotel', 'river', 'lunch', 'map', 'bag', 'cat', 'dog', 'sun', 'kit', 'jam'];
/** Deterministic texts of 1 to `longest` words. */
function texts(count: number, seed: number, longest: number): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * longest) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' '));
}

/** BM25 as FTS5 defines it (k1 1.2, b 0.75, IDF floored at 1e-6), over exactly `docs`: the score of each text that matches (`matching` counts records, repeats included). */
function bm25(docs: string[], terms: string[]): Map<string, number> & { matching?: number } {
  const tokens = docs.map((doc) => doc.split(' '));
  const average = tokens.reduce((sum, t) => sum + t.length, 0) / tokens.length;
  const idf = (term: string) => {
    const n = tokens.filter((t) => t.includes(term)).length;
    return Math.max(1e-6, Math.log((docs.length - n + 0.5) / (n + 0.5)));
  };
  const scores: Map<string, number> & { matching?: number } = new Map<string, number>();
  scores.matching = 0;
  tokens.forEach((t, i) => {
    let score = 0;
    for (const term of terms) {
      const tf = t.filter((token) => token === term).length;
      if (tf > 0) score += (idf(term) * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * t.length) / average));
    }
    if (score > 0) {
      scores.set(docs[i]!, score);
      scores.matching! += 1;
    }
  });
  return scores;
}

/** The statistics as stored, by tier and scope tuple (not by row id), for comparing two files or a recount. */
function snapshot(path: string, recount = false) {
  const raw = new Database(path);
  try {
    const read = () => ({
      scopes: raw.prepare('SELECT tier, scope_key, docs, tokens FROM keyword_scopes ORDER BY tier, scope_key').all(),
      terms: raw.prepare('SELECT s.tier, s.scope_key, k.term, k.docs FROM keyword_scopes s JOIN keyword_terms k ON s.id = k.scope ORDER BY 1, 2, 3').all(),
      journal: raw.prepare('SELECT count(*) AS n FROM keyword_journal').pluck().get(),
    });
    if (!recount) return read();
    // A recount from the stored rows alone, rolled back afterwards.
    raw.exec('BEGIN');
    raw.exec('DELETE FROM keyword_terms; DELETE FROM keyword_scopes;');
    backfillKeywordStats(raw);
    const counted = read();
    raw.exec('ROLLBACK');
    return counted;
  } finally {
    raw.close();
  }
}

describe('keyword statistics per scope (SQLite)', () => {
  it('score exactly BM25 over the scope searched, length normalisation included, whatever other namespaces and users store', async () => {
    const { storage } = await open();
    const mine = texts(40, 1, 6);
    const colleague = texts(30, 2, 30);
    await storage.episodes.append(mine.map((content) => episode(content, { userId: 'u1' })));
    await storage.episodes.append(colleague.map((content) => episode(content, { userId: 'u2' })));
    const search = async (filter: RecordFilter) =>
      new Map((await storage.episodes.search({ filter, terms: ['lisbon', 'river', 'jam'], limit: 100 })).map((hit) => [hit.item.content, hit.score]));
    const expectBm25 = (got: Map<string, number>, docs: string[]) => {
      const want = bm25(docs, ['lisbon', 'river', 'jam']);
      expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
      for (const [content, score] of want) expect(got.get(content)).toBeCloseTo(score, 9);
    };
    expectBm25(await search({ namespace: 'ns1', userId: 'u1' }), mine);
    expectBm25(await search({ namespace: 'ns1' }), [...mine, ...colleague]);

    // Much longer records, full of the query's terms, in another namespace and for another user.
    const before = await search({ namespace: 'ns1', userId: 'u1' });
    await storage.episodes.append(Array.from({ length: 50 }, () => episode('lisbon lisbon river jam '.repeat(20).trim(), { namespace: 'ns2' })));
    await storage.episodes.append(Array.from({ length: 50 }, () => episode('river '.repeat(60).trim(), { userId: 'u3' })));
    const after = await search({ namespace: 'ns1', userId: 'u1' });
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [content, score] of before) expect(after.get(content)).toBeCloseTo(score, 9);
    expectBm25(after, mine);
    await storage.close();
  });

  it("score exactly BM25 when one user's records are the whole table, and as the table fills with others' records, at every limit", async () => {
    const { storage } = await open();
    const mine = texts(60, 7, 10);
    await storage.episodes.append(mine.map((content) => episode(content, { userId: 'u1' })));
    const terms = ['hotel', 'cat', 'sun', 'bag'];
    const scores = bm25(mine, terms);
    // Per record (texts may repeat), best first.
    const want = mine.flatMap((content) => scores.get(content) ?? []).sort((a, b) => b - a);
    const expectTop = async () => {
      for (const limit of [1, 5, 20, 100]) {
        const hits = await storage.episodes.search({ filter: { namespace: 'ns1', userId: 'u1' }, terms, limit });
        expect(hits.map((hit) => hit.item.userId)).toEqual(Array(Math.min(limit, want.length)).fill('u1'));
        hits.forEach((hit, n) => expect(hit.score).toBeCloseTo(want[n]!, 9));
      }
    };
    await expectTop();
    // Another user of the namespace, then records with no user: the table is no longer the user's alone.
    await storage.episodes.append(texts(40, 8, 4).map((content) => episode(content, { userId: 'u2' })));
    await expectTop();
    await storage.episodes.append(texts(40, 9, 4).map((content) => episode(content)));
    await expectTop();
    await storage.close();
  });

  it('score the best records that pass a filter the statistics do not narrow, when most candidates fail it', async () => {
    const { storage } = await open();
    const all = texts(600, 11, 8);
    await storage.episodes.append(all.map((content, n) => episode(content, { kind: n % 3 === 0 ? 'kept' : 'other' })));
    const terms = ['flight', 'dog', 'jam'];
    // The statistics are the scope's, every kind included; only the kept records are asked for.
    const scores = bm25(all, terms);
    const kept = all.filter((_, n) => n % 3 === 0).flatMap((content) => scores.get(content) ?? []);
    const want = kept.sort((a, b) => b - a);
    for (const limit of [1, 10, 100]) {
      const hits = await storage.episodes.search({ filter: { namespace: 'ns1', kinds: ['kept'] }, terms, limit });
      expect(hits.every((hit) => hit.item.kind === 'kept')).toBe(true);
      expect(hits.map((hit) => hit.score)).toHaveLength(Math.min(limit, want.length));
      hits.forEach((hit, n) => expect(hit.score).toBeCloseTo(want[n]!, 9));
    }
    await storage.close();
  });

  it('sum the scope tuples a filter covers: an agent, a session, a user across sessions', async () => {
    const { storage } = await open();
    const [s1, s2, s3] = [texts(20, 3, 8), texts(20, 4, 3), texts(20, 5, 12)];
    await storage.episodes.append([
      ...s1.map((content) => episode(content, { userId: 'u1', agentId: 'a1', sessionId: 's1' })),
      ...s2.map((content) => episode(content, { userId: 'u1', agentId: 'a2', sessionId: 's2' })),
      ...s3.map((content) => episode(content, { userId: 'u2', agentId: 'a1', sessionId: 's3' })),
    ]);
    const check = async (filter: Omit<RecordFilter, 'namespace'>, docs: string[]) => {
      const hits = await storage.episodes.search({ filter: { namespace: 'ns1', ...filter }, terms: ['dog', 'kit'], limit: 100 });
      const want = bm25(docs, ['dog', 'kit']);
      expect(hits).toHaveLength(want.matching!);
      for (const hit of hits) expect(hit.score).toBeCloseTo(want.get(hit.item.content)!, 9);
    };
    await check({ sessionId: 's2' }, s2);
    await check({ agentId: 'a1' }, [...s1, ...s3]);
    await check({ userId: 'u1' }, [...s1, ...s2]);
    await check({ userId: 'u1', agentId: 'a1' }, s1);
    // Kinds narrow the results, not the statistics: the scope's records all count.
    const kinds = await storage.episodes.search({ filter: { namespace: 'ns1', userId: 'u1', kinds: ['none-of-these'] }, terms: ['dog'], limit: 100 });
    expect(kinds).toEqual([]);
    await storage.close();
  });

  it('stay equal to a recount from the stored rows through inserts, merges, content updates and deletes', async () => {
    const { storage, path } = await open();
    const episodes = texts(60, 6, 10).map((content, n) => episode(content, { userId: `u${n % 3}`, sessionId: `s${n % 4}` }));
    await storage.episodes.append(episodes);
    const memories = texts(40, 7, 10).map((content, n) => memory(`${content} ${n}`, { userId: `u${n % 2}` }));
    await storage.memories.upsert(memories);
    for (const gone of episodes.slice(0, 25)) expect(await storage.episodes.delete({ namespace: 'ns1', id: gone.id })).toBe(true);
    for (const { memory: m } of memories.slice(0, 10)) await storage.memories.update({ ref: { namespace: 'ns1', id: m.id }, patch: { content: `${m.content} lisbon river` } });
    for (const { memory: m } of memories.slice(10, 20)) await storage.memories.update({ ref: { namespace: 'ns1', id: m.id }, patch: { importance: 0.9 } });
    for (const { memory: m } of memories.slice(20, 30)) expect(await storage.memories.delete({ namespace: 'ns1', id: m.id })).toBe(true);
    // A merge into a named near-duplicate takes the draft's wording.
    const target = memories[35]!.memory;
    const reworded = memory('cat cat hotel', { userId: target.userId });
    await storage.memories.upsert([{ ...reworded, mergeInto: { id: target.id, contentKey: contentKey(target.content) } }]);
    // Every record of a scope gone: its rows go too.
    for (const gone of episodes.filter((e) => e.sessionId === 's1' && e.userId === 'u1')) await storage.episodes.delete({ namespace: 'ns1', id: gone.id });

    const stored = snapshot(path);
    expect(stored.journal).toBe(0);
    expect(stored.terms.length).toBeGreaterThan(20);
    expect(stored).toEqual(snapshot(path, true));
    expect((stored.terms as { docs: number }[]).every((row) => row.docs > 0)).toBe(true);
    await storage.close();
  });

  it('are left as they were by a write that rolls back', async () => {
    const { storage, path } = await open();
    await storage.episodes.append(texts(10, 8, 5).map((content) => episode(content)));
    const before = snapshot(path);
    const clash = episode('lisbon flight');
    await expect(storage.episodes.append([episode('river jam'), clash, { ...clash, content: 'hotel' }])).rejects.toThrow();
    expect(snapshot(path)).toEqual(before);
    await storage.close();
  });

  // Today's memory writes need migration 12's columns (without its data work, which needs migrations 6 and 7).
  const TRUTH_COLUMNS_MIGRATION = { version: 12, name: 'truth', sql: TRUTH_COLUMNS };

  it('are backfilled by migration 6 for a data folder written before it', async () => {
    const path = join(dir, `before-${++files}.db`);
    const old = new SqliteDatabase({ path, synchronous: 'normal', clock, migrations: [...MIGRATIONS.filter((m) => m.version <= 5 || m.version === LAST_CONFIRMED), TRUTH_COLUMNS_MIGRATION] });
    old.open();
    const episodes = texts(50, 9, 12).map((content, n) => episode(content, { userId: `u${n % 2}`, sessionId: n % 5 === 0 ? undefined : 's1' }));
    const memories = texts(30, 10, 12).map((content, n) => memory(`${content} ${n}`, { agentId: 'a1' }));
    await new SqliteEpisodeStore(old, new VectorIndex({})).append(episodes);
    await new SqliteSemanticStore(old, clock, new VectorIndex({})).upsert(memories);
    old.close();

    const { storage } = await open(path);
    const { storage: fresh, path: freshPath } = await open();
    await fresh.episodes.append(episodes);
    await fresh.memories.upsert(memories);
    expect(snapshot(path)).toEqual(snapshot(freshPath));
    expect(snapshot(path).scopes).toHaveLength(5);
    const hits = await storage.episodes.search({ filter: { namespace: 'ns1', userId: 'u1' }, terms: ['sun', 'map'], limit: 100 });
    const want = bm25(episodes.filter((e) => e.userId === 'u1').map((e) => e.content), ['sun', 'map']);
    expect(hits).toHaveLength(want.matching!);
    for (const hit of hits) expect(hit.score).toBeCloseTo(want.get(hit.item.content)!, 9);
    expect((await storage.memories.search({ filter: { namespace: 'ns1' }, terms: ['cat'], limit: 5 })).length).toBeGreaterThan(0);
    await storage.close();
    await fresh.close();
  });
});
