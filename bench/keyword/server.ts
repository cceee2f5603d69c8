// Keyword search in server mode (PostgreSQL) against the previous statement, on the same data in
// the same run: `solo`, N episodes in one namespace with no user, searched by namespace; `crowd`,
// N records over N/1,000 users of one namespace, searched for one user's 1,000. Records are
// LoCoMo dev turns (bench/keyword/corpus.ts), written through the PostgreSQL episode store in
// batches of 500 into a fresh schema (dropped at the end), then ANALYZEd as the statistics
// keeper would. Each query runs both statements in turn, alternating which goes first.
// Run: npx tsx bench/keyword/server.ts   (KEYWORD_N=20000, KEYWORD_QUERIES=200, KEYWORD_LIMIT=100,
// MEMOS_BENCH_POSTGRES_URL; KEYWORD_EXPLAIN=n prints n plans per layout, KEYWORD_KEEP=1 keeps the schema). The previous statement is bench/keyword/previous-pg-bm25.ts.

import { manualClock } from '../../src/core/clock.js';
import { ulidGenerator } from '../../src/core/ids.js';
import type { Episode, KeywordQuery } from '../../src/core/types.js';
import { createPostgresDatabase } from '../../src/storage/postgres/index.js';
import { PgEpisodeStore } from '../../src/storage/postgres/episode-store.js';
import type { ExtraCondition } from '../../src/storage/postgres/pg-filter-sql.js';
import { PgSemanticStore } from '../../src/storage/postgres/semantic-store.js';
import { contentKey } from '../../src/core/text.js';
import { scopedBm25Sql } from '../../src/storage/postgres/scoped-bm25.js';
import { machineInfo } from '../machine.js';
import { fmt, heading, summarize, table } from '../stats.js';
import { locomoCorpus } from './corpus.js';
import { scopedBm25Sql as previousScopedBm25Sql } from './previous-pg-bm25.js';

const N = Number(process.env.KEYWORD_N ?? 20_000);
const QUERIES = Number(process.env.KEYWORD_QUERIES ?? 200);
const LIMIT = Number(process.env.KEYWORD_LIMIT ?? 100);
const URL = process.env.MEMOS_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BATCH = 500;
const PER_USER = 1_000;
const TIERS = (process.env.KEYWORD_TIERS ?? 'episodes,memories').split(',') as ('episodes' | 'memories')[];
const SPECS = {
  episodes: { table: 'episodes' as const, columns: '', timeColumn: 'occurred_at' as const },
  memories: { table: 'memories' as const, columns: '', timeColumn: 'created_at' as const },
};
/** Memories are searched live only, as the semantic store asks. */
const live: ExtraCondition = (params, alias) => `(${alias}.expires_at IS NULL OR ${alias}.expires_at > ${params.add(new Date(clock.now()).toISOString())}::timestamptz)`;
const SELECT = 'r.id';
/** Prints the plan (EXPLAIN ANALYZE) of the current statement for the first this many queries of each layout. */
const EXPLAIN = Number(process.env.KEYWORD_EXPLAIN ?? 0);

const clock = manualClock();
const ids = ulidGenerator(clock);
const corpus = locomoCorpus();
const schema = `memos_bench_kw_${process.pid}`;
const db = createPostgresDatabase({ url: URL, schema, clock, poolSize: 2 });

function episodes(texts: string[], namespace: string, userId?: string): Episode[] {
  const at = new Date(clock.now()).toISOString();
  return texts.map((content) => ({
    id: ids.next('ep'), namespace, ...(userId === undefined ? {} : { userId }),
    kind: 'message', content, occurredAt: at, createdAt: at, metadata: {}, embedding: { status: 'none' },
  }));
}

console.log(heading(`keyword search, server mode: ${N} records per layout and tier (${TIERS.join(', ')}), ${QUERIES} queries, limit ${LIMIT}`));
console.log(JSON.stringify(machineInfo()));
await db.open();
try {
  const texts = corpus.texts(N);
  const loadStart = performance.now();
  const episodeStore = new PgEpisodeStore(db);
  const memoryStore = new PgSemanticStore(db, clock);
  const write = async (tier: 'episodes' | 'memories', records: Episode[]) => {
    if (tier === 'episodes') await episodeStore.append(records);
    else {
      const at = records[0]!.createdAt;
      await memoryStore.upsert(records.map((r) => ({ memory: { id: r.id.replace('ep', 'mem'), namespace: r.namespace, ...(r.userId === undefined ? {} : { userId: r.userId }), content: r.content, kind: 'fact', importance: 0.5, metadata: {}, sourceEpisodeIds: [], version: 1, createdAt: at, updatedAt: at, lastConfirmedAt: at, sourceSessionIds: [], validFrom: at, supersedes: [], conflicts: [], embedding: { status: 'none' } }, contentKey: contentKey(`${r.id} ${r.content}`) })));
    }
  };
  for (const tier of TIERS) {
    for (let at = 0; at < N; at += BATCH) await write(tier, episodes(texts.slice(at, at + BATCH), 'solo'));
    for (let at = 0; at < N; at += BATCH) await write(tier, episodes(texts.slice(at, at + BATCH), 'crowd', `u${Math.floor(at / PER_USER)}`));
    await db.query('bench', `ANALYZE ${tier}`);
  }
  console.log(`loaded ${2 * N} records per tier in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

  // What keeping the per-scope counts costs a write: batches appended with the counting trigger on
  // and off in turn (off only here, in the bench's own schema; the counts are not read afterwards).
  const ingest = { on: [] as number[], off: [] as number[] };
  const extra = corpus.texts(N + 20 * BATCH).slice(N);
  for (let n = 0; n < 20; n++) {
    const on = n % 2 === 0;
    await db.query('bench', `ALTER TABLE episodes ${on ? 'ENABLE' : 'DISABLE'} TRIGGER episodes_keyword_counts_insert`);
    const start = performance.now();
    await episodeStore.append(episodes(extra.slice(n * BATCH, (n + 1) * BATCH), 'ingest'));
    ingest[on ? 'on' : 'off'].push(performance.now() - start);
  }
  await db.query('bench', 'ALTER TABLE episodes ENABLE TRIGGER episodes_keyword_counts_insert');
  console.log(`episode batch of ${BATCH}, p50 ms: ${fmt(summarize(ingest.off).p50, 1)} without the counts trigger, ${fmt(summarize(ingest.on).p50, 1)} with it`);

  const queries = corpus.queries(QUERIES);
  const users = Math.max(1, Math.floor(N / PER_USER));
  const rows: string[][] = [];
  for (const tier of TIERS) for (const layout of ['solo', 'crowd'] as const) {
    const SPEC = SPECS[tier];
    const extra = tier === 'memories' ? live : undefined;
    const times = { current: [] as number[], previous: [] as number[] };
    let overlap = 0;
    for (const [n, terms] of queries.entries()) {
      const query: KeywordQuery = { filter: { namespace: layout, ...(layout === 'crowd' ? { userId: `u${n % users}` } : {}) }, terms, limit: LIMIT };
      const scope = { namespace: query.filter.namespace, userId: query.filter.userId };
      const results: Record<string, string[]> = {};
      const order = n % 2 === 0 ? (['current', 'previous'] as const) : (['previous', 'current'] as const);
      for (const which of order) {
        const statement = (which === 'current' ? scopedBm25Sql : previousScopedBm25Sql)(SPEC, query, SELECT, extra, { rowSecurity: db.rowSecurity });
        if (!statement) continue;
        const start = performance.now();
        const found = await db.tenantQuery<{ id: string }>(scope, 'bench', statement.sql, statement.params);
        times[which].push(performance.now() - start);
        results[which] = found.map((row) => row.id);
      }
      if (n < EXPLAIN) {
        const statement = scopedBm25Sql(SPEC, query, SELECT, extra, { rowSecurity: db.rowSecurity })!;
        const plan = await db.tenantQuery<{ 'QUERY PLAN': string }>(scope, 'bench', `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, statement.params);
        console.log(`${tier} ${layout} ${terms.join(' ')}\n${plan.map((row) => row['QUERY PLAN']).join('\n')}`);
      }
      const [a, b] = [results.current ?? [], results.previous ?? []];
      overlap += a.length === 0 ? 1 : a.filter((id) => b.includes(id)).length / a.length;
    }
    for (const which of ['previous', 'current'] as const) {
      const s = summarize(times[which]);
      rows.push([tier, layout, which, String(s.n), fmt(s.p50), fmt(s.p95), fmt(s.max), which === 'current' ? (overlap / queries.length).toFixed(3) : '']);
    }
  }
  console.log(table(['tier', 'layout', 'statement', 'queries', 'p50 ms', 'p95 ms', 'max ms', 'top-k overlap'], rows));
} finally {
  if (process.env.KEYWORD_KEEP === '1') console.log(`kept schema ${schema}`);
  else await db.query('bench', `DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
  await db.close();
}
