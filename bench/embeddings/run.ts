// Embedding benchmark: Model2Vec throughput straight through the provider, then the embedding
// gateway (POST /v1/embeddings) over HTTP, cache misses against cache hits, in front of two
// upstreams: Model2Vec in process, and an OpenAI-compatible fake in a child process with an
// injected per-request delay. Run with `npm run bench:embeddings`.
// Knobs: BENCH_REPS (7), BENCH_UPSTREAM_DELAY_MS (20), BENCH_CONCURRENCY (8), BENCH_ENCODING (base64 | float).

import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, heading, since, type Summary } from '../stats.js';
import { machineInfo } from '../machine.js';
import { createPhases } from '../phases.js';
import { loadTurns, locateInputs, repeatTo } from './corpus.js';
import { benchGateway, speedUps, upstreamRequestsOf, type GatewayRun, type Shape } from './gateway.js';
import { startGateway, type Encoding } from './http-load.js';
import { measureLoad, throughput, warmUp, type ThroughputRow } from './model2vec.js';
import { gatewayTable, loadTable, serverCountersTable, serverStatsTable, speedUpTable, throughputTable } from './report.js';
import { rawRoundTrips, startUpstream } from './upstream.js';
import { envInt } from '../env.js';


const SEED = 42;
const REPS = Math.max(5, envInt('BENCH_REPS', 7));
const MIN_SENTENCES = 10_000;
const BATCH_SIZES = [1, 256, 1024] as const;
const DELAY_MS = envInt('BENCH_UPSTREAM_DELAY_MS', 20);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const ENCODING: Encoding = process.env.BENCH_ENCODING === 'float' ? 'float' : 'base64';
const UPSTREAM_DIMENSIONS = 384;
const UPSTREAM_MODEL = 'bench-fake-384';
const RAW_ROUND_TRIPS = 50;
const SHAPES: readonly Shape[] = [
  { batchSize: 1, concurrency: 1, requests: 400 },
  { batchSize: 32, concurrency: 1, requests: 80 },
  { batchSize: 1, concurrency: CONCURRENCY, requests: 800 },
  { batchSize: 32, concurrency: CONCURRENCY, requests: 80 },
];
const WARMUP: readonly Shape[] = SHAPES.map((shape) => ({ ...shape, requests: Math.ceil(shape.requests / 4) }));

const { phases, warnings, phase } = createPhases();


const environment = machineInfo;

async function main(): Promise<void> {
  const benchStart = performance.now();
  const env = environment();
  const inputs = locateInputs();
  console.log(heading(`memOS embedding benchmark (memOS ${env.memos})`));
  console.log(`node ${env.node}, ${env.platform}, ${env.cpus} CPUs (${env.cpuModel}), ${env.totalMemGiB} GiB RAM, load avg 1/5/15m ${env.loadAvg.join(' / ')}`);
  console.log(`model ${inputs.modelPath}\ncorpus ${inputs.corpusPath}`);
  console.log('\nphases:');

  const corpus = await phase('load LoCoMo turns', async () => loadTurns(inputs.corpusPath, SEED));
  const sentences = repeatTo(corpus.texts, MIN_SENTENCES);

  // 1. Model2Vec straight through the provider.
  const { provider, load } = await phase('model2vec: load (1 + 3 times)', () => measureLoad(inputs.modelPath, 3));
  await phase('model2vec: warm-up (one pass per batch size)', () => warmUp(provider, corpus.texts, BATCH_SIZES));
  const m2v: ThroughputRow[] = [];
  for (const size of BATCH_SIZES) {
    m2v.push(await phase(`model2vec: batch ${size}, ${fmt(sentences.length)} sentences × ${REPS}`, () => throughput(provider, sentences, size, REPS)));
  }
  await provider.close();

  // 2a. The gateway in front of Model2Vec in process.
  const runs: { upstream: string; run: GatewayRun }[] = [];
  const plan = { texts: corpus.texts, shapes: SHAPES, warmup: WARMUP, encoding: ENCODING };
  const local = await phase('gateway/model2vec: start memOS', () => startGateway({ MEMOS_EMBEDDER: 'model2vec', MEMOS_MODEL2VEC_PATH: inputs.modelPath }));
  try {
    runs.push({ upstream: 'model2vec', run: await phase('gateway/model2vec: warm-up, then miss/hit series', () => benchGateway(local, { ...plan, upstream: 'model2vec' })) });
  } finally {
    await local.close();
  }

  // 2b. The gateway in front of an OpenAI-compatible upstream with an injected delay.
  const upstream = await phase('fake upstream: fork', () => startUpstream(UPSTREAM_DIMENSIONS));
  const raw: Record<string, Summary> = {};
  let delayed = { requests: 0, armed: 0 };
  try {
    await phase('fake upstream: raw round trips, no delay', async () => {
      raw['1 text, no delay'] = await rawRoundTrips(upstream, UPSTREAM_MODEL, corpus.texts, 1, RAW_ROUND_TRIPS);
      raw['32 texts, no delay'] = await rawRoundTrips(upstream, UPSTREAM_MODEL, corpus.texts, 32, RAW_ROUND_TRIPS);
    });
    // One delay fault per upstream request to come (raw round trips, memOS's start-up probe, every miss), with room to spare.
    const armed = 2 * RAW_ROUND_TRIPS + 1 + upstreamRequestsOf(plan) + 100;
    await upstream.arm(armed, DELAY_MS);
    await phase(`fake upstream: raw round trips, ${DELAY_MS} ms delay`, async () => {
      raw[`1 text, ${DELAY_MS} ms delay`] = await rawRoundTrips(upstream, UPSTREAM_MODEL, corpus.texts, 1, RAW_ROUND_TRIPS);
      raw[`32 texts, ${DELAY_MS} ms delay`] = await rawRoundTrips(upstream, UPSTREAM_MODEL, corpus.texts, 32, RAW_ROUND_TRIPS);
    });
    const remote = await phase('gateway/openai: start memOS', () =>
      startGateway({ MEMOS_EMBEDDER: 'openai', MEMOS_EMBEDDING_URL: upstream.baseUrl, MEMOS_EMBEDDING_MODEL: UPSTREAM_MODEL }),
    );
    try {
      const upstreamCalls = async () => (await upstream.stats()).requests;
      const label = `openai (fake, +${DELAY_MS} ms)`;
      runs.push({ upstream: label, run: await phase('gateway/openai: warm-up, then miss/hit series', () => benchGateway(remote, { ...plan, upstream: label, upstreamCalls })) });
    } finally {
      await remote.close();
    }
    const stats = await upstream.stats();
    delayed = { requests: stats.requests - stats.armedAt, armed: stats.armed };
  } finally {
    await upstream.close();
  }
  const allDelayed = delayed.requests <= delayed.armed;

  const rows = runs.flatMap(({ run }) => run.rows);
  const speedUp = speedUps(rows);
  const totalSeconds = since(benchStart) / 1000;

  console.log(heading('1. Model2Vec straight through createModel2VecProvider(...).embed, one thread'));
  console.log(`${fmt(corpus.texts.length)} distinct LoCoMo turns (${fmt(corpus.turns)} turns in ${corpus.conversations} conversations, mean ${fmt(corpus.meanChars)} chars), repeated to ${fmt(sentences.length)}; seed ${SEED}`);
  console.log(loadTable(load));
  console.log('');
  console.log(throughputTable(m2v));
  console.log('sent/s p50 / p95 = sentences / (p50 / p95 repetition time), so the p95 column is the slow tail. Batch 1 is the baseline:');
  console.log('the same texts one embed() call each. The tokenizer is not exported by src/embeddings/model2vec/index.ts, so tokenization');
  console.log('alone is not measured. The provider yields to the event loop every 256 texts (setImmediate), inside the batch timings.');

  console.log(heading('2. Embedding gateway: POST /v1/embeddings over HTTP, cache miss vs hit'));
  console.log(`client: Node's global fetch (undici, keep-alive) in the same process and event loop as memOS; encoding_format ${ENCODING}; latency = send to parsed, decoded reply`);
  console.log('each series: cache cleared, fresh distinct turns (miss), then the same requests again (hit); warm-up of a quarter of each series first');
  console.log(`openai upstream: startFakeOpenAiServer({dimensions: ${UPSTREAM_DIMENSIONS}}) in a child process; one queued {kind: 'delay', ms: ${DELAY_MS}} fault per request`);
  console.log(`(fail() queues faults consumed one per request): ${fmt(delayed.requests)} requests after arming, ${fmt(delayed.armed)} faults queued → ${allDelayed ? 'every one was delayed' : 'WARNING: some were NOT delayed'}`);
  console.log('server h/m/c: hits/misses/coalesced deltas of the server counters over the series; upstream calls: requests the fake received');
  console.log(gatewayTable(rows));
  console.log('\nfake upstream alone (sequential fetch from this process, the body memOS sends, encoding_format float):');
  for (const [what, summary] of Object.entries(raw)) console.log(`  ${what.padEnd(24)} p50 ${fmt(summary.p50, 2)} ms, p95 ${fmt(summary.p95, 2)} ms (n=${summary.n})`);
  console.log('\nspeed-up of a cache hit over a miss:');
  console.log(speedUpTable(speedUp));

  console.log(heading('3. Cache statistics the server reports (GET /api/v1/embeddings/cache/stats), one memOS per upstream'));
  console.log(serverCountersTable(runs));
  console.log('\nserver latency window (embedDetailed only, no HTTP) beside the client samples of the same requests (warm-up included):');
  console.log(serverStatsTable(runs));

  console.log('\nelapsed per phase:');
  for (const { phase: name, seconds } of phases) console.log(`  ${name.padEnd(58)} ${fmt(seconds, 1).padStart(6)} s`);
  if (warnings.size > 0) console.log(`Node warnings seen (printed once here): ${[...warnings].join('; ')}`);
  console.log(`\ntotal elapsed: ${fmt(totalSeconds, 1)} s; load avg now ${os.loadavg().map((value) => fmt(value, 2)).join(' / ')}`);

  const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `embeddings-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const params = { seed: SEED, reps: REPS, batchSizes: BATCH_SIZES, sentences: sentences.length, delayMs: DELAY_MS, concurrency: CONCURRENCY, encoding: ENCODING, shapes: SHAPES, warmup: WARMUP };
  const record = {
    env,
    inputs,
    corpus: { distinct: corpus.texts.length, turns: corpus.turns, conversations: corpus.conversations, meanChars: corpus.meanChars },
    params,
    phases,
    totalSeconds,
    warnings: [...warnings],
    model2vec: { load, throughput: m2v },
    gateway: { rows, speedUp, rawUpstream: raw, delayed: { ...delayed, allDelayed } },
    serverStats: runs.map(({ upstream: name, run }) => ({ upstream: name, stats: run.stats })),
  };
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`results: ${relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
