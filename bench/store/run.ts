// Storage benchmark: batch ingest and keyword search on the SQLite store, through the HTTP API
// and straight through the services. Run with `npm run bench:store`.
// Sizes can be shrunk for a quick try: BENCH_SMALL=2000 BENCH_LARGE=10000 npm run bench:store
// BENCH_NAMESPACES=10 spreads the corpus over 10 namespaces (keyword search then counts per scope).

import { mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keywordTerms } from '../../src/core/text.js';
import { fmt, heading, since } from '../stats.js';
import { machineInfo } from '../machine.js';
import { createPhases } from '../phases.js';
import { generateCorpus, generateQueries } from './corpus.js';
import { databaseBytes, ingest, matchCounts, NAMESPACES, search, startServer, VECTORS, type Path, type QuerySample, type Server, type Synchronous } from './harness.js';
import { ingestRow, ingestTable, overheadTable, searchRows, searchTable, slowestTable, type IngestRow, type SearchRow, type SlowQuery } from './report.js';

const envInt = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

const SMALL = envInt('BENCH_SMALL', 10_000);
const LARGE = envInt('BENCH_LARGE', 100_000);
const BATCH = 500;
const QUERIES = envInt('BENCH_QUERIES', 300);
const WARMUP_QUERIES = 30;
/** Wall-time cap per ingest segment, so a store that slows down with size cannot stall the run. */
const SEGMENT_BUDGET_MS = envInt('BENCH_SEGMENT_BUDGET_S', 60) * 1000;
const SEED = 42;

interface Scenario {
  synchronous: Synchronous;
  path: Path;
  /** Final corpus size; ingest is split at SMALL. */
  target: number;
  /** Whether to run the search series at SMALL and at `target`. */
  search: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { synchronous: 'full', path: 'http', target: LARGE, search: true },
  { synchronous: 'full', path: 'direct', target: LARGE, search: false },
  { synchronous: 'normal', path: 'http', target: LARGE, search: false },
  { synchronous: 'normal', path: 'direct', target: SMALL, search: false },
];

const FS_TYPES: Record<number, string> = { 0xef53: 'ext2/3/4', 0x01021994: 'tmpfs', 0x9123683e: 'btrfs', 0x58465342: 'xfs', 0x794c7630: 'overlayfs', 0x6a656a63: 'fakeowner' };

const { phases, warnings, phase } = createPhases();

function environment() {
  const fsType = statfsSync(os.tmpdir()).type;
  return { ...machineInfo(), tmpdir: os.tmpdir(), tmpdirFs: FS_TYPES[fsType] ?? `0x${fsType.toString(16)}` };
}

async function main(): Promise<void> {
  const benchStart = performance.now();
  const env = environment();
  console.log(heading(`memOS store benchmark (memOS ${env.memos})`));
  console.log(`node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), ${env.totalMemGiB} GiB RAM, load avg 1m ${env.loadAvg[0]}`);
  console.log(`data folders in ${env.tmpdir} (${env.tmpdirFs}); client and server share one Node process and event loop`);
  console.log(`embeddings: ${VECTORS ? 'Model2Vec on every write, with near-duplicate checks (BENCH_VECTORS=1)' : 'off (BENCH_VECTORS=1 turns them on)'}`);
  console.log(`corpus: ${fmt(SMALL)} then ${fmt(LARGE)} memories, batches of ${BATCH}, seed ${SEED}; ${QUERIES} queries per series after ${WARMUP_QUERIES} warm-up queries; ingest budget ${fmt(SEGMENT_BUDGET_MS / 1000)} s per segment`);
  if (NAMESPACES > 1) console.log(`namespaces: the corpus is spread over ${NAMESPACES} namespaces (BENCH_NAMESPACES) and searches go to one of them; match counts are table-wide`);
  console.log('\nphases:');

  const corpus = await phase(`generate corpus (${fmt(LARGE)} memories)`, async () => generateCorpus(Math.max(SMALL, LARGE), SEED));
  const queries = generateQueries(corpus.slice(0, SMALL), QUERIES);

  // JIT and SQLite warm-up on a throwaway folder, so the first measured scenario is not penalised.
  await phase('warm-up (throwaway folder)', async () => {
    const server = await startServer('normal', BATCH);
    try {
      const budgetMs = SEGMENT_BUDGET_MS;
      await ingest(server, 'http', corpus, { from: 0, to: Math.min(2_000, SMALL), batchSize: BATCH, budgetMs });
      await ingest(server, 'direct', corpus, { from: Math.min(2_000, SMALL), to: Math.min(4_000, SMALL), batchSize: BATCH, budgetMs });
      await search(server, 'http', queries, WARMUP_QUERIES);
      await search(server, 'direct', queries, WARMUP_QUERIES);
    } finally {
      await server.close();
    }
  });

  const ingestRows: IngestRow[] = [];
  const notes: string[] = [];
  const searchRowsAll: SearchRow[] = [];
  let slowest: SlowQuery[] = [];

  const searchSeries = async (server: Server, size: number): Promise<void> => {
    const samples: Record<Path, QuerySample[]> = {
      http: await phase(`search via http at ${fmt(size)}`, () => search(server, 'http', queries, WARMUP_QUERIES)),
      direct: await phase(`search direct at ${fmt(size)}`, () => search(server, 'direct', queries, WARMUP_QUERIES)),
    };
    const matches = matchCounts(server, queries.map((query) => query.text));
    searchRowsAll.push(...searchRows(size, 'http', samples.http, matches), ...searchRows(size, 'direct', samples.direct, matches));
    slowest = [...samples.http]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8)
      .map((sample) => ({
        shape: sample.query.shape,
        text: sample.query.text,
        terms: keywordTerms(sample.query.text),
        ms: sample.ms,
        hits: sample.hits,
        matches: matches.get(sample.query.text) ?? 0,
      }));
  };

  for (const scenario of SCENARIOS) {
    const { synchronous, path, target } = scenario;
    const server = await startServer(synchronous, BATCH);
    try {
      const segments: [number, number][] = target > SMALL ? [[0, SMALL], [SMALL, target]] : [[0, target]];
      for (const [from, to] of segments) {
        const run = await phase(`ingest ${path} sync=${synchronous} ${fmt(from)}→${fmt(to)}`, () =>
          ingest(server, path, corpus, { from, to, batchSize: BATCH, budgetMs: SEGMENT_BUDGET_MS }),
        );
        const reached = from + run.records;
        ingestRows.push(ingestRow(synchronous, path, `${fmt(from)}→${fmt(reached)}`, BATCH, run, databaseBytes(server)));
        if (run.actions.created !== run.records) console.log(`  WARNING: ${run.records - run.actions.created} of ${run.records} memories were not created`);
        if (run.stoppedEarly) {
          const note = `ingest ${path} sync=${synchronous} stopped at ${fmt(reached)} of ${fmt(to)}: ${fmt(SEGMENT_BUDGET_MS / 1000)} s budget spent`;
          notes.push(note);
          console.log(`  NOTE: ${note}`);
          // Search then runs at the size reached, and the table says so.
        }
        if (scenario.search) await searchSeries(server, reached);
      }
    } finally {
      await server.close();
    }
  }

  const totalSeconds = since(benchStart) / 1000;
  console.log(heading('Ingest: POST /api/v1/memories (http) vs services.memories.upsert (direct)'));
  console.log('batch ms: one batch of 500, request start to parsed reply; rec/s p50 / p95 = 500 / (p50 / p95 batch time), so the p95 column is the slow tail');
  console.log(ingestTable(ingestRows));
  console.log(heading('Keyword search: POST /api/v1/search {mode: keyword, limit: 10} (http) vs services.search.search (direct)'));
  console.log('matches: memories the OR-ed query terms match in FTS before the limit; one sequential request at a time');
  console.log(searchTable(searchRowsAll));
  console.log('\nHTTP overhead (all queries):');
  console.log(overheadTable(searchRowsAll));
  console.log(`\nSlowest ${slowest.length} http queries at ${fmt(LARGE)}:`);
  console.log(slowestTable(slowest));
  for (const note of notes) console.log(`NOTE: ${note}`);
  if (warnings.size > 0) console.log(`Node warnings seen (printed once here): ${[...warnings].join('; ')}`);
  console.log(`\ntotal elapsed: ${fmt(totalSeconds, 1)} s`);

  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `store-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const params = { small: SMALL, large: LARGE, batch: BATCH, segmentBudgetSeconds: SEGMENT_BUDGET_MS / 1000, queries: QUERIES, warmupQueries: WARMUP_QUERIES, seed: SEED };
  writeFileSync(file, `${JSON.stringify({ env, params, phases, totalSeconds, notes, warnings: [...warnings], ingest: ingestRows, search: searchRowsAll, slowest }, null, 2)}\n`);
  console.log(`results: ${relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
