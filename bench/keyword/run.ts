// Keyword search cost against the size of the table, and what keeping per-scope statistics adds
// to ingest. Run with `npm run bench:keyword` (KEYWORD_SIZES=10000,100000 by default).
//
// Two layouts share one SQLite file, so that neither namespace is the whole table and keyword
// search always takes its per-scope path: `solo`, N records in one namespace with no user, searched
// by namespace; `crowd`, N records over 100 users of one namespace, searched for one user's N/100.
// Records are LoCoMo dev turns (and joined pairs of them), written as episodes in batches of 500
// straight through the SQLite store. In the same run and on the same data, the previous ranking
// (bench/keyword/previous-bm25.ts: counting every match of every term at search time) is timed
// beside the current one; ingest is timed against the schema without the statistics (migrations
// 1–5, no fold), in a second file written batch by batch in turn with the first.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock } from '../../src/core/clock.js';
import { ulidGenerator } from '../../src/core/ids.js';
import type { Episode, KeywordQuery } from '../../src/core/types.js';
import { SqliteDatabase } from '../../src/storage/sqlite/database.js';
import { SqliteEpisodeStore } from '../../src/storage/sqlite/episode-store.js';
import type { TableSpec } from '../../src/storage/sqlite/filter-sql.js';
import { foldKeywordJournal } from '../../src/storage/sqlite/keyword-stats.js';
import { MIGRATIONS } from '../../src/storage/sqlite/migrations.js';
import { VectorIndex } from '../../src/storage/sqlite/vector-index.js';
import { machineInfo } from '../machine.js';
import { fmt, heading, summarize, table } from '../stats.js';
import { locomoCorpus } from './corpus.js';
import { scopedBm25 as previousScopedBm25, scoredRows as previousScoredRows } from './previous-bm25.js';

const SIZES = (process.env.KEYWORD_SIZES ?? '10000,100000').split(',').map(Number);
const QUERIES = Number(process.env.KEYWORD_QUERIES ?? 200);
const BATCH = 500;
const USERS = 100;
/** Hits asked for: 10 as a user would; 100 as hybrid search asks keyword search for its pool. */
const LIMITS = [10, 100];
const EPISODES: TableSpec = { table: 'episodes', fts: 'episodes_fts', timeColumn: 'occurred_at' };

const corpus = locomoCorpus();
const clock = manualClock();
const ids = ulidGenerator(clock);

function episodes(texts: string[], namespace: string, userId?: string): Episode[] {
  const at = new Date(clock.now()).toISOString();
  return texts.map((content) => ({
    id: ids.next('ep'),
    namespace,
    ...(userId === undefined ? {} : { userId }),
    kind: 'message',
    content,
    occurredAt: at,
    createdAt: at,
    metadata: {},
    embedding: { status: 'none' },
  }));
}

/** The write plan: `solo` batches, then `crowd` batches, each batch one user's. */
function batches(size: number): { layout: 'solo' | 'crowd'; records: Episode[] }[] {
  const texts = corpus.texts(size);
  const plan: { layout: 'solo' | 'crowd'; records: Episode[] }[] = [];
  for (let at = 0; at < size; at += BATCH) plan.push({ layout: 'solo', records: episodes(texts.slice(at, at + BATCH), 'solo') });
  for (let at = 0, n = 0; at < size; at += BATCH, n++) plan.push({ layout: 'crowd', records: episodes(texts.slice(at, at + BATCH), 'crowd', `u${n % USERS}`) });
  return plan;
}

/** Writes the plan into both stores, batch by batch in turn, so that a busy machine slows both alike; the time of each batch per store. */
async function ingest(stores: SqliteEpisodeStore[], plan: ReturnType<typeof batches>): Promise<Record<'solo' | 'crowd', number[]>[]> {
  const times = stores.map(() => ({ solo: [] as number[], crowd: [] as number[] }));
  for (const batch of plan) {
    for (const [n, store] of stores.entries()) {
      const start = performance.now();
      await store.append(batch.records);
      times[n]![batch.layout].push(performance.now() - start);
    }
  }
  return times;
}

const rate = (ms: number[]) => (BATCH * ms.length) / (ms.reduce((a, b) => a + b, 0) / 1000);

async function run(size: number) {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-keyword-'));
  const plan = batches(size);
  try {
    // Without statistics: the schema before them, and no fold. With them: the current schema, and
    // the fold that createSqliteStorage registers.
    const before = new SqliteDatabase({ path: join(dir, 'before.db'), synchronous: 'normal', clock, migrations: MIGRATIONS.filter((m) => m.version <= 5) });
    before.open();
    const db = new SqliteDatabase({ path: join(dir, 'after.db'), synchronous: 'normal', clock });
    db.open();
    db.beforeEachCommit(() => foldKeywordJournal(db));
    const store = new SqliteEpisodeStore(db, new VectorIndex({}));
    const [beforeTimes, afterTimes] = (await ingest([new SqliteEpisodeStore(before, new VectorIndex({})), store], plan)) as [
      Record<'solo' | 'crowd', number[]>,
      Record<'solo' | 'crowd', number[]>,
    ];
    before.close();

    const queries = corpus.queries(QUERIES);
    const filters = { solo: { namespace: 'solo' }, crowd: { namespace: 'crowd', userId: 'u7' } };
    const rows: (string | number)[][] = [];
    for (const limit of LIMITS) {
      for (const layout of ['solo', 'crowd'] as const) {
        const previous: number[] = [];
        const current: number[] = [];
        let same = 0;
        for (const [n, terms] of queries.entries()) {
          const query: KeywordQuery = { filter: filters[layout], terms, limit };
          // The two run back to back on each query, so that a busy machine slows both alike.
          let start = performance.now();
          const old = db.run('bench', () => previousScoredRows<{ id: string }>(db, 'episodes', query.filter, previousScopedBm25(db, EPISODES, query)));
          const oldMs = performance.now() - start;
          start = performance.now();
          const hits = await store.search(query);
          const newMs = performance.now() - start;
          if (n >= 5) {
            previous.push(oldMs);
            current.push(newMs);
          }
          const top = (list: string[]) => list.slice(0, 10).sort().join();
          if (top(hits.map((hit) => hit.item.id)) === top(old.map((hit) => hit.row.id))) same++;
        }
        const [p, c] = [summarize(previous), summarize(current)];
        const scope = layout === 'solo' ? `${fmt(size)} in one namespace` : `one user's ${fmt(size / USERS)} in ${fmt(size)}`;
        rows.push([scope, limit, fmt(p.p50, 2), fmt(p.p95, 2), fmt(c.p50, 2), fmt(c.p95, 2), `${fmt((100 * same) / queries.length, 0)}%`]);
      }
    }
    db.close();
    return {
      search: rows,
      ingest: (['solo', 'crowd'] as const).map((layout) => [
        layout === 'solo' ? `${fmt(size)} in one namespace` : `${fmt(size)} over ${USERS} users`,
        fmt(rate(beforeTimes[layout])),
        fmt(rate(afterTimes[layout])),
        fmt(summarize(beforeTimes[layout]).p50, 1),
        fmt(summarize(afterTimes[layout]).p50, 1),
      ]),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(heading('memOS keyword search: per-scope statistics'));
console.log(JSON.stringify(machineInfo()));
for (const size of SIZES) {
  const { search, ingest: written } = await run(size);
  console.log(heading(`${fmt(size)} records per layout (two layouts in one file), ${QUERIES} LoCoMo questions`));
  console.log(table(['scope searched', 'hits', 'previous p50 ms', 'p95', 'now p50 ms', 'p95', 'same top 10 (as a set)'], search));
  console.log();
  console.log(table(['ingest (episodes, batches of 500)', 'without stats rec/s', 'with stats rec/s', 'batch p50 ms without', 'with'], written));
}
