// Server-mode benchmark: memory ingest with vectors (near-duplicate checks included), vector and
// hybrid search over those memories, and a bulk load of episodes with users searched with a userId
// before any manual ANALYZE — each in embedded mode and in server mode (the local PostgreSQL +
// Redis, fresh schema) in one run, so that embedded is the same-run baseline.
// Run: npm run bench:server-mode   (BENCH_N=10000 memories, BENCH_EPISODES=5000, BENCH_QUERIES=100,
// BENCH_MODES=embedded,server; BENCH_SEGMENT_BUDGET_S caps each ingest step's wall time). Modes
// `server-single` and `embedded-single` ask the store one near-duplicate check per call, as memOS
// did before it asked for a write batch's checks together: the same-run baseline of that change.

process.env.BENCH_VECTORS = '1';
const { startServer, startServerMode, ingest } = await import('../store/harness.js');
const { generateCorpus, generateQueries } = await import('../store/corpus.js');
const { fmt, heading, summarize } = await import('../stats.js');
type Server = Awaited<ReturnType<typeof startServer>>;

const { envInt } = await import('../env.js');
const N = envInt('BENCH_N', 10_000);
const STEP = envInt('BENCH_STEP', 2_000);
const EPISODES = envInt('BENCH_EPISODES', 5_000);
const QUERIES = envInt('BENCH_QUERIES', 100);
const BUDGET_MS = envInt('BENCH_SEGMENT_BUDGET_S', 60) * 1000;
const BATCH = 500;
const MODES = (process.env.BENCH_MODES ?? 'embedded,server').split(',').map((mode) => mode.trim());

const corpus = generateCorpus(N, 42);
const queries = generateQueries(corpus.slice(0, Math.min(N, 2_000)), QUERIES).map((query) => query.text);
const rows: string[][] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map((cell) => (typeof cell === 'number' ? fmt(cell) : cell)));

async function searchSeries(server: Server, label: string, mode: 'vector' | 'hybrid', input: { namespace: string; types: ('memories' | 'episodes')[]; userIds?: string[] }): Promise<void> {
  const samples: number[] = [];
  let hits = 0;
  for (const [i, query] of queries.entries()) {
    await server.memos.cache.clear({ cache: 'responses' });
    const userId = input.userIds?.[i % input.userIds.length];
    const begin = performance.now();
    const result = await server.memos.services.search.search({ namespace: input.namespace, query, ...(userId ? { userId } : {}), types: input.types, limit: 10, mode, filters: {} });
    samples.push(performance.now() - begin);
    hits += result.hits.length;
    if (result.mode !== mode) throw new Error(`${server.mode} ${label}: asked ${mode}, answered ${result.mode}`);
  }
  const s = summarize(samples);
  row(modeLabel, label, mode, s.n, s.p50.toFixed(2), s.p95.toFixed(2), s.max.toFixed(1), (hits / s.n).toFixed(1));
}

/** The label of the rows being measured: the storage mode, and how checks are asked. */
let modeLabel = '';

/** Makes the store answer a batch of near-duplicate checks one call at a time (one round trip each in server mode). */
function oneCheckPerCall(server: Server): () => number {
  const vectors = server.memos.storage.vectors;
  const batched = vectors.nearestMemories.bind(vectors);
  let calls = 0;
  vectors.nearestMemories = async (queries) => {
    const answers = [];
    for (const query of queries) {
      calls += 1;
      answers.push(...(await batched([query])));
    }
    return answers;
  };
  return () => calls;
}

async function run(mode: string): Promise<void> {
  const server = mode.startsWith('embedded') ? await startServer('full', BATCH) : await startServerMode(BATCH);
  const checkCalls = mode.endsWith('-single') ? oneCheckPerCall(server) : undefined;
  modeLabel = mode;
  try {
    for (let from = 0; from < N; from += STEP) {
      const to = Math.min(N, from + STEP);
      const result = await ingest(server, 'direct', corpus, { from, to, batchSize: BATCH, budgetMs: BUDGET_MS });
      const s = summarize(result.batchMs);
      const rate = (result.records / result.wallMs) * 1000;
      console.log(`  ${modeLabel}: ingest ${fmt(from)}→${fmt(from + result.records)}: ${fmt(Math.round(rate))} records/s (batch p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms)`);
      row(modeLabel, `memories ${fmt(from)}→${fmt(from + result.records)}`, 'ingest', result.records, `${fmt(Math.round(rate))} rec/s`, `batch p50 ${s.p50.toFixed(0)} ms`, `p95 ${s.p95.toFixed(0)} ms`, `${result.actions.created}/${result.actions.merged}/${result.actions.unchanged}`);
      if (result.stoppedEarly) break;
    }
    if (checkCalls) console.log(`  ${modeLabel}: ${fmt(checkCalls())} store calls for near-duplicate checks`);
    await searchSeries(server, 'memories, no ANALYZE', 'vector', { namespace: 'bench', types: ['memories'] });
    await searchSeries(server, 'memories, no ANALYZE', 'hybrid', { namespace: 'bench', types: ['memories'] });

    // Episodes with users, bulk-loaded into another namespace, then searched per user.
    const users = Array.from({ length: 50 }, (_, i) => `user-${i}`);
    const begin = performance.now();
    for (let from = 0; from < EPISODES; from += BATCH) {
      const batch = corpus.slice(from % N, (from % N) + BATCH).map((memory, i) => ({ kind: 'message', content: memory.content, userId: users[(from + i) % users.length]! }));
      await server.memos.services.episodes.append('episodes', batch);
    }
    const rate = (EPISODES / (performance.now() - begin)) * 1000;
    row(modeLabel, `episodes 0→${fmt(EPISODES)}, 50 users`, 'ingest', EPISODES, `${fmt(Math.round(rate))} rec/s`, '', '', '');
    await searchSeries(server, 'episodes by userId, no ANALYZE', 'vector', { namespace: 'episodes', types: ['episodes'], userIds: users });
    await searchSeries(server, 'episodes by userId, no ANALYZE', 'hybrid', { namespace: 'episodes', types: ['episodes'], userIds: users });
  } finally {
    await server.close();
  }
}

console.log(heading('memOS server-mode benchmark'));
console.log(`${fmt(N)} memories with Model2Vec vectors in batches of ${BATCH} (direct, near-duplicate checks on), then ${QUERIES} vector and hybrid searches; ${fmt(EPISODES)} episodes of 50 users, searched with a userId; no manual ANALYZE anywhere`);
for (const mode of MODES) await run(mode);
console.log('\nmode            series                                  kind     n      p50 / rate      p95 / batch p50   max / p95   hits or c/m/u');
for (const cells of rows) console.log(cells.map((cell, i) => cell.padEnd([15, 40, 8, 7, 16, 18, 12, 10][i] ?? 10)).join(' '));
