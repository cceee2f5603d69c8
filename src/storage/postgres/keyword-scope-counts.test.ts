// The per-scope keyword counts (keyword-scope-counts.ts) on the real server: after every kind of
// write (appends, deletes, inserts and merges of memories, rewordings), and however often their
// deltas are folded, each scope tuple sums to a recount of its stored records; a rolled-back write
// leaves no delta; and the counts of records stored before migration 11 are taken by it.
import { describe, expect, it } from 'vitest';
import { contentKey } from '../../core/text.js';
import { testEpisode, testMemory } from '../../../test/support/records.js';
import { PgEpisodeStore } from './episode-store.js';
import { MIGRATIONS } from './migrations.js';
import { PgDatabase, poolEngine, searchPathFor } from './index.js';
import { PgSemanticStore } from './semantic-store.js';
import { dropSchema, freshSchema, POSTGRES_URL, postgresReachable, realPostgres } from './test-databases.js';
import { KEYWORD_COUNTS, KEYWORD_RECOUNT } from '../../../test/support/pg-keyword-counts.js';

const reachable = await postgresReachable();

let ids = 0;
const nextId = (prefix: string) => `${prefix}_${String(++ids).padStart(5, '0')}`;

describe.skipIf(!reachable)('keyword counts per scope (PostgreSQL)', () => {
  it('sum to a recount of the stored records after every kind of write, folded or not', async () => {
    const { db, clock, close } = await realPostgres();
    try {
      const episodes = new PgEpisodeStore(db);
      const memories = new PgSemanticStore(db, clock);
      const scopes = [{}, { userId: 'u1' }, { userId: 'u1', agentId: 'a1', sessionId: 's1' }, { userId: 'u2', sessionId: 's2' }];
      // Many small statements, so that folds happen on the way (1 in 16 on average).
      for (let round = 0; round < 40; round++) {
        const scope = scopes[round % scopes.length]!;
        await episodes.append(Array.from({ length: 1 + (round % 3) }, (_, n) => testEpisode({ id: nextId('ep'), namespace: round % 5 === 0 ? 'ns2' : 'ns1', content: `river ${'word '.repeat(round + n)}`, ...scope })));
      }
      const drafts = Array.from({ length: 30 }, (_, n) => {
        const memory = testMemory({ id: nextId('mem'), namespace: 'ns1', content: `memory number ${n} ${'x '.repeat(n)}`, ...scopes[n % scopes.length] });
        return { memory, contentKey: contentKey(memory.content) };
      });
      await memories.upsert(drafts);
      // A merge (same scope and wording key, new text) and a rewording.
      const first = drafts[0]!;
      await memories.upsert([{ memory: { ...first.memory, id: nextId('mem'), content: `${first.memory.content} and more words now` }, contentKey: first.contentKey }]);
      await memories.update({ ref: { namespace: 'ns1', id: drafts[1]!.memory.id }, patch: { content: 'short' } });
      await memories.delete({ namespace: 'ns1', id: drafts[2]!.memory.id, ...(drafts[2]!.memory.userId ? { userId: drafts[2]!.memory.userId } : {}) });
      const [someEpisode] = await db.query<{ id: string }>('test', `SELECT id FROM episodes WHERE namespace = 'ns1' AND user_id IS NULL LIMIT 1`);
      await episodes.delete({ namespace: 'ns1', id: someEpisode!.id });
      // A write that fails leaves nothing behind.
      await expect(episodes.append([testEpisode({ id: 'dup', namespace: 'ns1', content: 'a b c' }), testEpisode({ id: 'dup', namespace: 'ns1', content: 'a b c' })])).rejects.toThrow();

      expect(await db.query('test', KEYWORD_COUNTS)).toEqual(await db.query('test', KEYWORD_RECOUNT));
      // A fold of every tuple keeps the sums, and leaves one row per tuple.
      await db.query('test', `SELECT memos_keyword_counts_compact(tier, array_agg(DISTINCT scope_key)) FROM keyword_scope_counts GROUP BY tier`);
      expect(await db.query('test', KEYWORD_COUNTS)).toEqual(await db.query('test', KEYWORD_RECOUNT));
      const [rows] = await db.query<{ rows: number; tuples: number }>('test', 'SELECT count(*)::int AS rows, count(DISTINCT (tier, scope_key))::int AS tuples FROM keyword_scope_counts');
      expect(rows!.rows).toBe(rows!.tuples);
    } finally {
      await close();
    }
  });

  it('counts the records stored before migration 11 when it applies', async () => {
    const schema = freshSchema();
    const engine = () => poolEngine({ connectionString: POSTGRES_URL, searchPath: searchPathFor(schema), max: 2 });
    const old = new PgDatabase({ engine: engine(), schema, clock: { now: () => Date.now() }, migrations: MIGRATIONS.filter((m) => m.version < 11) });
    try {
      await old.open();
      await new PgEpisodeStore(old).append(Array.from({ length: 12 }, (_, n) => testEpisode({ id: nextId('ep'), namespace: 'ns1', userId: `u${n % 3}`, content: `old record ${n}` })));
      await old.close();
      const upgraded = new PgDatabase({ engine: engine(), schema, clock: { now: () => Date.now() } });
      await upgraded.open();
      expect(await upgraded.query('test', KEYWORD_COUNTS)).toEqual(await upgraded.query('test', KEYWORD_RECOUNT));
      expect((await upgraded.query('test', KEYWORD_COUNTS)).length).toBe(3);
      await upgraded.close();
    } finally {
      await dropSchema(schema);
    }
  });
});
