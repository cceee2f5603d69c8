// Keyword search ranks the same in embedded and server mode: one corpus written to a real SQLite
// file and to a real PostgreSQL schema, the same queries asked of both, equal rankings and BM25
// scores (up to float rounding). Both count N, the average length and document frequencies over
// the scope (namespace and the ids the filter sets), every stored record of it, so a narrower
// filter (kinds, expiry) changes which records come back, never their scores.
//
// What holds and what cannot: the texts here are plain lowercase words that FTS5's tokenizer
// (unicode61, Porter stemmer) and PostgreSQL's `memos_english` (its parser, Snowball's English
// stemmer, no stopwords) both read as one token each with the same stem. Beyond such words the two
// differ by design, so scores can too: the stemmers disagree on some words (Porter "generously" →
// "gener", Snowball "generous"; Porter "dying" → "dy", Snowball "die"; "ice" → "ic" / "ice"), so a
// query stemmed alike may match different records; PostgreSQL's parser
// reads a hyphenated word as the whole plus its parts ("well-known" is three lexemes at three
// positions, FTS5 two tokens), an e-mail or URL as one token (FTS5 splits it), and a decimal
// number as one (FTS5 two); and a tsvector keeps at most 256 positions per lexeme (so tf is capped
// there) and none past 16,383. A query term of several tokens is one phrase in FTS5 but separate
// lexemes in PostgreSQL. The last test pins those differences so that a change to either side shows.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../core/clock.js';
import { contentKey } from '../../core/text.js';
import type { Episode, KeywordQuery, Memory, RecordFilter } from '../../core/types.js';
import { testEpisode, testMemory } from '../../../test/support/records.js';
import { createSqliteStorage } from '../sqlite/index.js';
import { PgEpisodeStore } from './episode-store.js';
import { PgSemanticStore } from './semantic-store.js';
import { postgresReachable, realPostgres } from './test-databases.js';

const reachable = await postgresReachable();
const dir = mkdtempSync(join(tmpdir(), 'memos-keyword-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Words that both stemmers leave as they are and both tokenizers read as one token.
const WORDS = ['lisbon', 'flight', 'hotel', 'river', 'lunch', 'map', 'bag', 'cat', 'dog', 'sun', 'kit', 'jam', 'paint', 'guitar', 'camp'];
/** Deterministic texts of 1 to `longest` words. */
function texts(count: number, seed: number, longest: number): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * longest) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' '));
}

const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString();
let ids = 0;
const nextId = (prefix: string) => `${prefix}_${String(++ids).padStart(6, '0')}`;

/** Episodes over two namespaces, users, agents, sessions and kinds, of very different lengths. */
function episodes(): Episode[] {
  const groups: [Partial<Episode>, string[]][] = [
    [{ namespace: 'ns1', userId: 'u1', agentId: 'a1', sessionId: 's1' }, texts(40, 1, 6)],
    [{ namespace: 'ns1', userId: 'u1', agentId: 'a2', sessionId: 's2', kind: 'message' }, texts(30, 2, 14)],
    [{ namespace: 'ns1', userId: 'u2', agentId: 'a1', sessionId: 's3' }, texts(30, 3, 40)],
    [{ namespace: 'ns1' }, texts(20, 4, 3)],
    [{ namespace: 'ns2', userId: 'u1' }, texts(30, 5, 60).map((text) => `${text} lisbon lisbon river`)],
  ];
  return groups.flatMap(([scope, contents]) =>
    contents.map((content, n) => testEpisode({ id: nextId('ep'), content, occurredAt: day(n % 20), createdAt: day(0), ...scope })),
  );
}

/** Memories in two users' scopes; a few expire before the searches (stored, so counted, but not returned). */
function memories(): { memory: Memory; contentKey: string }[] {
  const make = (userId: string, contents: string[], expiring: boolean) =>
    contents.map((content, n) => {
      const memory = testMemory({ id: nextId('mem'), namespace: 'ns1', userId, content, ...(expiring && n % 4 === 0 ? { expiresAt: day(1) } : {}) });
      return { memory, contentKey: contentKey(`${memory.id} ${content}`) };
    });
  return [...make('u1', texts(40, 6, 10), true), ...make('u2', texts(25, 7, 30), false)];
}

const QUERIES: { terms: string[]; filter: Omit<RecordFilter, 'namespace'> }[] = [
  { terms: ['lisbon', 'river', 'jam'], filter: {} },
  { terms: ['lisbon', 'river', 'jam'], filter: { userId: 'u1' } },
  { terms: ['dog', 'kit', 'guitar'], filter: { agentId: 'a1' } },
  { terms: ['dog', 'kit', 'guitar'], filter: { sessionId: 's2' } },
  { terms: ['camp', 'paint', 'sun', 'unknownword'], filter: { userId: 'u1', agentId: 'a2' } },
  // Narrower than the scope: the same statistics (the scope's), fewer records.
  { terms: ['lisbon', 'river', 'jam'], filter: { userId: 'u1', kinds: ['message'] } },
  { terms: ['map', 'bag', 'hotel'], filter: { from: day(5), to: day(12) } },
];

type Hit = { id: string; score: number };
const hits = (found: { item: { id: string }; score: number }[]): Hit[] => found.map((hit) => ({ id: hit.item.id, score: hit.score }));

function expectSame(server: Hit[], embedded: Hit[], what: string) {
  expect(server.length, what).toBe(embedded.length);
  expect(server.length, `${what}: something to compare`).toBeGreaterThan(0);
  server.forEach((hit, n) => {
    const other = embedded[n]!;
    expect(hit.score, `${what}: score at ${n}`).toBeCloseTo(other.score, 9);
    // Equal scores may come back in either store's insertion order, the same here.
    expect(hit.id, `${what}: rank ${n}`).toBe(other.id);
  });
}

describe.skipIf(!reachable)('keyword search: embedded SQLite and server-mode PostgreSQL rank alike', () => {
  it('give the same rankings and BM25 scores for the same corpus and queries, per scope, with narrower filters and expired memories', async () => {
    const clock = manualClock();
    const sqlite = createSqliteStorage({ path: join(dir, 'parity.db'), clock, ids: { next: nextId } });
    await sqlite.init();
    const server = await realPostgres(undefined, clock);
    try {
      const pgEpisodes = new PgEpisodeStore(server.db);
      const pgMemories = new PgSemanticStore(server.db, clock);
      const written = episodes();
      for (let at = 0; at < written.length; at += 50) {
        await sqlite.episodes.append(written.slice(at, at + 50));
        await pgEpisodes.append(written.slice(at, at + 50));
      }
      const drafts = memories();
      await sqlite.memories.upsert(drafts);
      await pgMemories.upsert(drafts);
      clock.advance(3 * 86_400_000);

      for (const { terms, filter } of QUERIES) {
        for (const limit of [5, 100]) {
          const query: KeywordQuery = { filter: { namespace: 'ns1', ...filter }, terms, limit };
          const what = `${JSON.stringify(query.filter)} ${terms.join(' ')} limit ${limit}`;
          expectSame(hits(await pgEpisodes.search(query)), hits(await sqlite.episodes.search(query)), `episodes ${what}`);
          if (filter.agentId === undefined && filter.sessionId === undefined && filter.kinds === undefined && filter.from === undefined) {
            const memoryHits = hits(await pgMemories.search(query));
            expectSame(memoryHits, hits(await sqlite.memories.search(query)), `memories ${what}`);
          }
        }
      }
      // An expired memory is no hit in either store, yet it still counts in the scope's statistics.
      const expired = drafts.filter((draft) => draft.memory.expiresAt !== undefined).map((draft) => draft.memory.id);
      const all = hits(await pgMemories.search({ filter: { namespace: 'ns1', userId: 'u1' }, terms: WORDS, limit: 1000 }));
      expect(all.some((hit) => expired.includes(hit.id))).toBe(false);
    } finally {
      await sqlite.close();
      await server.close();
    }
  });

  it('pin where the two tokenizers differ, so that the scores of such texts are known to differ', async () => {
    const server = await realPostgres();
    try {
      const lexemes = async (text: string) =>
        (await server.db.query<{ lexeme: string; positions: number[] }>('test', "SELECT lexeme, positions FROM unnest(to_tsvector('memos_english', $1))", [text])).map(
          (row) => `${row.lexeme}:${row.positions.length}`,
        );
      // A hyphenated word: the whole and both parts (FTS5: two tokens).
      expect((await lexemes('well-known')).sort()).toEqual(['known:1', 'well-known:1', 'well:1']);
      // Stemmers: Snowball's English stemmer reads "dying" as "die" (FTS5's Porter stemmer: "dy").
      expect(await lexemes('dying')).toEqual(['die:1']);
      // An e-mail address and a decimal number are one token each (FTS5: three and two).
      expect(await lexemes('foo@bar.com 3.14')).toEqual(['3.14:1', 'foo@bar.com:1']);
      // No stopwords: every word counts in a document's length, as in FTS5.
      expect((await lexemes('the cat and the dog')).sort()).toEqual(['and:1', 'cat:1', 'dog:1', 'the:2']);
    } finally {
      await server.close();
    }
  });
});
