// Scale benchmark (issue 13): memOS as real `memos serve` processes driven over HTTP, embedded
// (SQLite) and server mode (PostgreSQL + Redis), with the offline Model2Vec embedder, at 10k and
// 100k records in one scope and as 100 users of 1k in one namespace; a baseline commit measured
// in the same run; and the limits (Model2Vec alone, brute-force cosine, raw SQLite + FTS5, a bare
// Fastify route). Run with `npm run bench:scale`. Knobs (all optional):
//   BENCH_SIZES=10000,100000   sizes measured (ascending); ingest runs in steps of BENCH_STEP (10000)
//   BENCH_MODES=embedded,server
//   BENCH_LAYOUTS=one,users
//   BENCH_BASELINE_REF=<ref>   a commit to measure beside this checkout; HEAD~0 (the default) skips it
//   BENCH_SEGMENT_BUDGET_S=120 wall time per ingest step; a step that runs out stops short (capped),
//                              ends that layout's ingest, and is measured where it stopped
//   BENCH_ANALYZE=1            server mode: VACUUM (ANALYZE) after every ingest step (autovacuum is off
//                              on the local PostgreSQL); default off: plans as a fresh load gets them
//   BENCH_SERIES_BUDGET_S=20   wall time per search or context series (at least 3 requests)
//   BENCH_QUERIES=100          timed queries per series (LoCoMo dev questions), after 10 warm-up ones
//   BENCH_GATEWAY_REQUESTS=2000 embeddings gateway requests per concurrency (0 skips it)

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineInfo } from '../machine.js';
import { createPhases } from '../phases.js';
import { fmt, heading, since } from '../stats.js';
import { planQueries, scaleCorpus } from './corpus.js';
import { BATCH, load } from './http-driver.js';
import { bruteForce, embedAll, exactTop10, rawSqlite, startBareFastify } from './limits.js';
import { LAYOUTS, runTarget, USER_RECORDS, type LayoutName, type TargetRun } from './measure.js';
import type { StoreMode } from './memos-process.js';
import { markdownTable, stepsTable, type Limits } from './report.js';
import { baselineTree, currentTree, type SourceTree } from './source-tree.js';

const envInt = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value >= 0 && process.env[name] !== '' && process.env[name] !== undefined ? value : fallback;
};
function envList<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[]): T[] {
  const asked = (process.env[name] ?? '').split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (asked.length === 0) return [...fallback];
  const unknown = asked.filter((item) => !allowed.includes(item as T));
  if (unknown.length > 0) throw new Error(`${name}: expected a comma-separated list of ${allowed.join(', ')}; got "${process.env[name]}"`);
  return [...new Set(asked as T[])];
}

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000').split(',').map(Number);
if (SIZES.some((size) => !Number.isInteger(size) || size < BATCH) || SIZES.some((size, i) => i > 0 && size <= (SIZES[i - 1] as number))) {
  throw new Error(`BENCH_SIZES: expected ascending whole numbers of at least ${BATCH}; got "${process.env.BENCH_SIZES}"`);
}
const STEP = Math.max(BATCH, envInt('BENCH_STEP', 10_000));
const MODES = envList<StoreMode>('BENCH_MODES', ['embedded', 'server'], ['embedded', 'server']);
const LAYOUT_NAMES = envList<LayoutName>('BENCH_LAYOUTS', ['one', 'users'], ['one', 'users']);
const BASELINE_REF = (process.env.BENCH_BASELINE_REF ?? 'HEAD~0').trim();
const SEGMENT_BUDGET_MS = envInt('BENCH_SEGMENT_BUDGET_S', 120) * 1000;
const SERIES_BUDGET_MS = envInt('BENCH_SERIES_BUDGET_S', 20) * 1000;
const ANALYZE = process.env.BENCH_ANALYZE === '1';
const QUERIES = Math.max(3, envInt('BENCH_QUERIES', 100));
const WARMUP = 10;
const GATEWAY_REQUESTS = envInt('BENCH_GATEWAY_REQUESTS', 2000);
const GATEWAY_CONCURRENCY = [1, 8];

/** Step ends: every STEP up to the largest size, and every size. */
function boundaries(): number[] {
  const largest = SIZES.at(-1) as number;
  const ends = new Set(SIZES);
  for (let end = STEP; end < largest; end += STEP) ends.add(end);
  return [...ends].sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const begin = performance.now();
  const { phase, phases, warnings } = createPhases();
  const env = machineInfo();
  const largest = SIZES.at(-1) as number;
  console.log(heading(`memOS scale benchmark (memOS ${env.memos})`));
  console.log(`node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), ${env.totalMemGiB} GiB RAM, load avg ${env.loadAvg.join(' / ')}`);
  console.log(`sizes ${SIZES.join(', ')}, steps of ${STEP}; modes ${MODES.join(', ')}; layouts ${LAYOUT_NAMES.join(', ')}; baseline ${BASELINE_REF === 'HEAD~0' ? 'none' : BASELINE_REF}${ANALYZE ? '; server mode: VACUUM (ANALYZE) after every step' : ''}`);
  console.log(`budgets: ${SEGMENT_BUDGET_MS / 1000} s per ingest step, ${SERIES_BUDGET_MS / 1000} s per series; ${QUERIES} queries per series after ${WARMUP} warm-up\n\nphases:`);

  const corpus = await phase(`corpus: ${fmt(largest)} distinct texts from the LoCoMo dev turns`, async () => scaleCorpus(largest));
  const queries = planQueries(corpus.questions, QUERIES, WARMUP);
  const embedded = await phase('limits: Model2Vec over the corpus in this process', () => embedAll(corpus.texts, queries.series));
  const limits: Limits = await phase('limits: brute-force cosine, raw SQLite + FTS5', async () => {
    const userOf = LAYOUTS.users.scope.userOf;
    return {
      embedTextsPerSec: embedded.corpus.textsPerSec,
      rawSqlite: rawSqlite(corpus.texts, embedded.corpus, userOf, boundaries(), queries.series),
      bruteForce: SIZES.map((size) => ({ size, ms: bruteForce(embedded.corpus, embedded.queries, 0, size) })),
      bruteForceUser: bruteForce(embedded.corpus, embedded.queries, 0, USER_RECORDS),
      bareBatch: { requests: 0, concurrency: 1, requestsPerSec: Number.NaN, ms: { n: 0, mean: NaN, p50: NaN, p95: NaN, min: NaN, max: NaN } },
      bareSearch: { requests: 0, concurrency: 1, requestsPerSec: Number.NaN, ms: { n: 0, mean: NaN, p50: NaN, p95: NaN, min: NaN, max: NaN } },
    };
  });
  const bare = await phase('limits: bare Fastify app', () => startBareFastify(embedded.corpus.model, embedded.corpus.dimensions));
  const trees: SourceTree[] = [];
  const runs: TargetRun[] = [];
  const onSignal = (signal: string) => {
    process.stderr.write(`\n${signal}: removing the baseline worktree and stopping the servers\n`);
    void Promise.allSettled([bare.stop(), ...trees.map((tree) => tree.remove())]).then(() => process.exit(130));
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  try {
    await phase('limits: bare Fastify, 500-record batches and search-shaped POSTs', async () => {
      const batches = Array.from({ length: 40 }, (_, i) => JSON.stringify({ namespace: 'scale-one', userId: 'user-one', memories: corpus.texts.slice((i * BATCH) % (largest - BATCH), ((i * BATCH) % (largest - BATCH)) + BATCH).map((content) => ({ content })) }));
      await load(bare.baseUrl, '/api/v1/memories', batches.slice(0, 5), 1);
      limits.bareBatch = await load(bare.baseUrl, '/api/v1/memories', batches, 1);
      const searches = queries.series.map((query) => JSON.stringify({ namespace: 'scale-one', userId: 'user-one', query, mode: 'hybrid', limit: 10 }));
      await load(bare.baseUrl, '/api/v1/search', searches.slice(0, 20), 1);
      limits.bareSearch = await load(bare.baseUrl, '/api/v1/search', searches, 1);
    });
    trees.push(await phase('build this checkout (tsc -p tsconfig.build.json)', currentTree));
    if (BASELINE_REF !== 'HEAD~0') trees.push(await phase(`baseline ${BASELINE_REF}: git worktree add --detach, build`, () => baselineTree(BASELINE_REF)));
    const plan = {
      texts: corpus.texts,
      queries,
      boundaries: boundaries(),
      sizes: SIZES,
      layouts: LAYOUT_NAMES,
      segmentBudgetMs: SEGMENT_BUDGET_MS,
      seriesBudgetMs: SERIES_BUDGET_MS,
      analyze: ANALYZE,
      recallAt10: ([from, to]: [number, number], contents: readonly string[][]) => {
        let found = 0;
        let wanted = 0;
        contents.forEach((hits, i) => {
          const exact = exactTop10(embedded.corpus, embedded.queries[i] as Float32Array, from, to).map((row) => corpus.texts[row]);
          const got = new Set(hits);
          wanted += exact.length;
          found += exact.filter((text) => got.has(text as string)).length;
        });
        return wanted === 0 ? Number.NaN : found / wanted;
      },
      gateway: { bareUrl: bare.baseUrl, texts: corpus.texts.slice(0, 200), requests: GATEWAY_REQUESTS, concurrency: GATEWAY_CONCURRENCY },
      log: (line: string) => console.log(line),
    };
    // Current and baseline side by side per mode, so that drift on a shared machine falls on both alike.
    for (const mode of MODES) {
      for (const tree of trees) runs.push(await phase(`${tree.label} (${tree.commit}) ${mode}`, () => runTarget(tree, mode, plan)));
    }
  } finally {
    await bare.stop();
    for (const tree of trees) await tree.remove();
  }

  const totalSeconds = since(begin) / 1000;
  console.log(heading('Scale: memOS over HTTP, per build and mode, against the targets of issue 13 and the limits'));
  console.log(`corpus: ${fmt(corpus.texts.length)} distinct texts from ${fmt(corpus.turns)} LoCoMo dev turns (${fmt(corpus.singles)} single turns, the rest two turns joined); queries: ${fmt(queries.series.length)} dev questions`);
  console.log('one scope: one namespace, one user; users: one namespace, users of 1k records written one after another, searches name user-000. Every search and context request names the user.');
  console.log('series: one request at a time, caches cleared after the warm-up, each query asked once (cache misses); p50 / p95 ms from send to parsed reply, client in another process');
  console.log('capped: the step ran out of its time budget (BENCH_SEGMENT_BUDGET_S), which ends that layout\'s ingest; "(at N)": measured at the size ingest reached.');
  console.log('Limits run in this process (no HTTP) except the bare Fastify app; brute-force and raw FTS5 times leave out the query embedding and HTTP.\n');
  console.log(markdownTable(runs, limits, SIZES));
  console.log(`\nIngest steps (batches of ${BATCH}):\n`);
  console.log(stepsTable(runs));
  for (const run of runs.filter((entry) => entry.error)) console.log(`ERROR ${run.label} ${run.mode}: ${run.error}`);
  if (warnings.size > 0) console.log(`Node warnings seen: ${[...warnings].join('; ')}`);
  console.log(`\ntotal elapsed: ${fmt(totalSeconds, 1)} s`);

  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const params = { sizes: SIZES, step: STEP, modes: MODES, layouts: LAYOUT_NAMES, baselineRef: BASELINE_REF, segmentBudgetSeconds: SEGMENT_BUDGET_MS / 1000, seriesBudgetSeconds: SERIES_BUDGET_MS / 1000, queries: QUERIES, warmup: WARMUP, analyze: ANALYZE, gatewayRequests: GATEWAY_REQUESTS };
  const builds = trees.map((tree) => ({ label: tree.label, commit: tree.commit, buildSeconds: tree.buildSeconds }));
  writeFileSync(file, `${JSON.stringify({ env, params, builds, phases, totalSeconds, limits, runs, warnings: [...warnings] }, null, 2)}\n`);
  console.log(`results: ${relative(process.cwd(), file)}`);
  if (runs.some((run) => run.error)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
