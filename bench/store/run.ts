// Storage benchmark: batch ingest and keyword search on the SQLite store, through the HTTP API
// and straight through the services. Run with `npm run bench:store`.
// Sizes can be shrunk for a quick try: BENCH_SMALL=2000 BENCH_LARGE=10000 npm run bench:store
// BENCH_NAMESPACES=10 spreads the corpus over 10 namespaces (keyword search then counts per scope).
// BENCH_MODES=embedded,server adds server mode (PostgreSQL + Redis; BENCH_POSTGRES_URL, BENCH_REDIS_URL,
// else the local defaults) in the same run, over the same corpus and queries; default: embedded only.
// Mode server-no-rls is server mode with PostgreSQL row-level security off (MEMOS_DATABASE_ROW_SECURITY=false):
// BENCH_MODES=server,server-no-rls measures what row-level security costs, in one run.

import { mkdirSync, statfsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keywordTerms } from '../../src/core/text.js';
import { fmt, heading, since } from '../stats.js';
import { machineInfo } from '../machine.js';
import { createPhases } from '../phases.js';
import { generateCorpus, generateQueries } from './corpus.js';
import {
  databaseBytes,
  ingest,
  matchCounts,
  NAMESPACES,
  POSTGRES_URL,
  REDIS_URL,
  search,
  isServerMode,
  settleStatistics,
  startServer,
  startServerMode,
  VECTORS,
  type Mode,
  type Path,
  type Server,
  type Synchronous,
} from './harness.js';
import { redactUrl } from '../../src/storage/redact-url.js';
import { ingestRow, ingestTable, overheadTable, rowSecurityTable, searchRows, searchTable, slowestTable, type IngestRow, type SearchRow, type SlowQuery } from './report.js';
import { envInt } from '../env.js';


const SMALL = envInt('BENCH_SMALL', 10_000);
const LARGE = envInt('BENCH_LARGE', 100_000);
const BATCH = 500;
const QUERIES = envInt('BENCH_QUERIES', 300);
const WARMUP_QUERIES = 30;
/** Wall-time cap per ingest segment, so a store that slows down with size cannot stall the run. */
const SEGMENT_BUDGET_MS = envInt('BENCH_SEGMENT_BUDGET_S', 60) * 1000;
const SEED = 42;

const ALL_MODES: readonly Mode[] = ['embedded', 'server', 'server-no-rls'];
function parseModes(raw: string | undefined): Mode[] {
  const asked = (raw ?? 'embedded').split(',').map((mode) => mode.trim()).filter((mode) => mode !== '');
  const unknown = asked.filter((mode) => !ALL_MODES.includes(mode as Mode));
  if (unknown.length > 0 || asked.length === 0) throw new Error(`BENCH_MODES: expected a comma-separated list of ${ALL_MODES.join(', ')}; got "${raw ?? ''}"`);
  // In the order asked, so that two runs in opposite orders can tell a cost from drift on a busy machine.
  return [...new Set(asked as Mode[])];
}
const MODES = parseModes(process.env.BENCH_MODES);

interface Scenario {
  mode: Mode;
  /** SQLite's synchronous setting; null in server mode. */
  synchronous: Synchronous | null;
  path: Path;
  /** Final corpus size; ingest is split at SMALL. */
  target: number;
  /** Whether to run the search series at SMALL and at `target`. */
  search: boolean;
}

const ALL_SCENARIOS: readonly Scenario[] = [
  { mode: 'embedded', synchronous: 'full', path: 'http', target: LARGE, search: true },
  { mode: 'embedded', synchronous: 'full', path: 'direct', target: LARGE, search: false },
  { mode: 'embedded', synchronous: 'normal', path: 'http', target: LARGE, search: false },
  { mode: 'embedded', synchronous: 'normal', path: 'direct', target: SMALL, search: false },
  // Server mode: ingest over HTTP only, as deployed; its search series over HTTP and direct.
  { mode: 'server', synchronous: null, path: 'http', target: LARGE, search: true },
  { mode: 'server-no-rls', synchronous: null, path: 'http', target: LARGE, search: true },
];
const SCENARIOS = MODES.flatMap((mode) => ALL_SCENARIOS.filter((scenario) => scenario.mode === mode));

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
  console.log(`modes: ${MODES.join(', ')}${MODES.some(isServerMode) ? ` (server: PostgreSQL ${redactUrl(POSTGRES_URL)} in a fresh schema, Redis ${redactUrl(REDIS_URL)} under a fresh key prefix, both removed at the end)` : ' (BENCH_MODES=embedded,server adds server mode)'}`);
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
  const slowest: Partial<Record<Mode, SlowQuery[]>> = {};
  /** FTS match counts from the embedded store by corpus size; same corpus, so server mode reuses them. */
  const matchesBySize = new Map<number, Map<string, number>>();

  const searchSeries = async (server: Server, size: number): Promise<void> => {
    const mode = server.mode;
    const label = mode === 'embedded' ? '' : `${mode} `;
    const http = await phase(`${label}search via http at ${fmt(size)}`, () => search(server, 'http', queries, WARMUP_QUERIES));
    let matches: Map<string, number> | undefined;
    if (mode === 'embedded') {
      const direct = await phase(`search direct at ${fmt(size)}`, () => search(server, 'direct', queries, WARMUP_QUERIES));
      matches = matchCounts(server, queries.map((query) => query.text));
      matchesBySize.set(size, matches);
      searchRowsAll.push(...searchRows(mode, size, 'http', http, matches), ...searchRows(mode, size, 'direct', direct, matches));
    } else {
      const direct = await phase(`${label}search direct at ${fmt(size)}`, () => search(server, 'direct', queries, WARMUP_QUERIES));
      matches = matchesBySize.get(size);
      searchRowsAll.push(...searchRows(mode, size, 'http', http, matches), ...searchRows(mode, size, 'direct', direct, matches));
    }
    slowest[mode] = [...http]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 8)
      .map((sample) => ({
        shape: sample.query.shape,
        text: sample.query.text,
        terms: keywordTerms(sample.query.text),
        ms: sample.ms,
        hits: sample.hits,
        matches: matches?.get(sample.query.text) ?? Number.NaN,
      }));
  };

  for (const scenario of SCENARIOS) {
    const { mode, synchronous, path, target } = scenario;
    const server = isServerMode(mode)
      ? await phase(`start ${mode} mode (fresh schema and key prefix)`, () => startServerMode(BATCH, mode === 'server'))
      : await startServer(synchronous ?? 'full', BATCH);
    const name = isServerMode(mode) ? `${mode} ${path}` : `${path} sync=${synchronous}`;
    try {
      const segments: [number, number][] = target > SMALL ? [[0, SMALL], [SMALL, target]] : [[0, target]];
      for (const [from, to] of segments) {
        const run = await phase(`ingest ${name} ${fmt(from)}→${fmt(to)}`, () =>
          ingest(server, path, corpus, { from, to, batchSize: BATCH, budgetMs: SEGMENT_BUDGET_MS }),
        );
        const reached = from + run.records;
        ingestRows.push(ingestRow(mode, synchronous, path, `${fmt(from)}→${fmt(reached)}`, BATCH, run, await databaseBytes(server)));
        if (run.actions.created !== run.records) console.log(`  WARNING: ${run.records - run.actions.created} of ${run.records} memories were not created`);
        if (run.stoppedEarly) {
          const note = `ingest ${name} stopped at ${fmt(reached)} of ${fmt(to)}: ${fmt(SEGMENT_BUDGET_MS / 1000)} s budget spent`;
          notes.push(note);
          console.log(`  NOTE: ${note}`);
          // Search then runs at the size reached, and the table says so.
        }
        if (scenario.search) {
          if (await settleStatistics(server)) console.log('  server mode: VACUUM (ANALYZE) after the load, as autovacuum would');
          await searchSeries(server, reached);
        }
      }
    } finally {
      await server.close();
    }
  }

  const totalSeconds = since(benchStart) / 1000;
  console.log(heading('Ingest: POST /api/v1/memories (http) vs services.memories.upsert (direct)'));
  if (MODES.some(isServerMode)) console.log('mode server: PostgreSQL + Redis over HTTP, with row-level security (server-no-rls: without); sync does not apply; db size = the schema\'s tables, indexes and TOAST');
  console.log('batch ms: one batch of 500, request start to parsed reply; rec/s p50 / p95 = 500 / (p50 / p95 batch time), so the p95 column is the slow tail');
  console.log(ingestTable(ingestRows));
  console.log(heading('Keyword search: POST /api/v1/search {mode: keyword, limit: 10} (http) vs services.search.search (direct)'));
  console.log('matches: memories the OR-ed query terms match in FTS before the limit; one sequential request at a time');
  if (MODES.some(isServerMode)) {
    console.log('server rows: matches are the embedded store\'s counts at the same corpus size (same corpus); - when it reached another size');
    console.log('server rows: searched after VACUUM (ANALYZE) of the loaded tables, standing in for autovacuum');
  }
  console.log(searchTable(searchRowsAll));
  console.log('\nHTTP overhead (all queries):');
  console.log(overheadTable(searchRowsAll));
  if (MODES.includes('server') && MODES.includes('server-no-rls')) {
    console.log(heading('PostgreSQL row-level security: server (on) vs server-no-rls (off), same corpus and queries'));
    console.log(rowSecurityTable(ingestRows, searchRowsAll));
  }
  for (const mode of MODES) {
    const slow = slowest[mode];
    if (!slow) continue;
    console.log(`\nSlowest ${slow.length} ${mode} http queries at the largest size reached:`);
    console.log(slowestTable(slow));
  }
  for (const note of notes) console.log(`NOTE: ${note}`);
  if (warnings.size > 0) console.log(`Node warnings seen (printed once here): ${[...warnings].join('; ')}`);
  console.log(`\ntotal elapsed: ${fmt(totalSeconds, 1)} s`);

  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `store-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const params = { small: SMALL, large: LARGE, batch: BATCH, segmentBudgetSeconds: SEGMENT_BUDGET_MS / 1000, queries: QUERIES, warmupQueries: WARMUP_QUERIES, seed: SEED, modes: MODES };
  writeFileSync(file, `${JSON.stringify({ env, params, phases, totalSeconds, notes, warnings: [...warnings], ingest: ingestRows, search: searchRowsAll, slowest: slowest.embedded ?? [], ...(slowest.server ? { slowestServer: slowest.server } : {}), ...(slowest['server-no-rls'] ? { slowestServerNoRls: slowest['server-no-rls'] } : {}) }, null, 2)}\n`);
  console.log(`results: ${relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
