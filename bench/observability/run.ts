// Observability overhead: the same HTTP load against memOS with metrics and tracing off, with
// metrics on, and with metrics and tracing to a local OTLP receiver that discards what it gets.
// Variants run in interleaved rounds (off, metrics, tracing, off, ...), each on a fresh data folder
// with the same requests, so drift of the machine spreads over all of them. Then the p50 / p95 of
// each health endpoint, embedded and (when PostgreSQL and Redis answer) in server mode.
// Run with `npm run bench:observability`. BENCH_REQUESTS (default 2000) sets the measured requests
// per round (after as many warm-up ones), BENCH_ROUNDS (default 5) the rounds, BENCH_CONCURRENCY
// (default 8) the requests in flight, BENCH_HEALTH_CALLS (default 300) the probes per endpoint.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createHashProvider } from '../../src/embeddings/fake/index.js';
import { createMemos } from '../../src/main.js';
import { machineInfo } from '../machine.js';
import { startServerMode } from '../store/harness.js';
import { fmt, heading, median, p95, table } from '../stats.js';
import { RATE_LIMIT_OFF } from '../rate-limit-off.js';
import { envInt } from '../env.js';

const REQUESTS = envInt('BENCH_REQUESTS', 2000);
const ROUNDS = envInt('BENCH_ROUNDS', 5);
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 8);
const HEALTH_CALLS = envInt('BENCH_HEALTH_CALLS', 300);
const WORDS = 'alice bob carol peanuts lisbon flight window seat allergy coffee tea train meeting budget garden piano dog cat river mountain'.split(' ');

interface Variant {
  name: string;
  env: (otlp: string) => Record<string, string>;
}
const VARIANTS: Variant[] = [
  { name: 'off', env: () => ({ MEMOS_METRICS_ENABLED: 'false' }) },
  { name: 'metrics', env: () => ({}) },
  { name: 'metrics + tracing', env: (otlp) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp }) },
];

/** A collector that accepts and discards OTLP/HTTP posts, as fast as it can. */
async function startDummyReceiver() {
  const server = createServer((request, response) => {
    request.resume().on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const pick = (random: () => number, count: number) => Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');

/** A deterministic random source, so that every variant gets the same requests. */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

/** Sends `count` requests, `CONCURRENCY` at a time: writes and searches alternating. */
async function drive(base: string, count: number, seed: number) {
  const random = seeded(seed);
  const latencies: number[] = [];
  let failures = 0;
  let sequence = 0;
  const worker = async () => {
    while (sequence < count) {
      const n = sequence++;
      const [path, body] =
        n % 2 === 0
          ? ['/api/v1/memories', { memories: [{ content: `${pick(random, 8)} note ${n}` }] }]
          : ['/api/v1/search', { query: pick(random, 3), limit: 10 }];
      const start = performance.now();
      const response = await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      await response.arrayBuffer();
      latencies.push(performance.now() - start);
      if (!response.ok) failures += 1;
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const used = process.cpuUsage(cpu);
  // Client and server share this process: the client's share is the same in every variant.
  return { failures, seconds: (performance.now() - started) / 1000, latencies, cpuMsPerRequest: (used.user + used.system) / 1000 / count };
}

async function probe(base: string, path: string) {
  const latencies: number[] = [];
  for (let i = 0; i < HEALTH_CALLS; i++) {
    const start = performance.now();
    await (await fetch(base + path)).arrayBuffer();
    latencies.push(performance.now() - start);
  }
  return latencies;
}

/** Each health endpoint probed `HEALTH_CALLS` times, one endpoint after the other. */
async function probeAll(base: string): Promise<Record<string, number[]>> {
  const results: Record<string, number[]> = {};
  for (const path of HEALTH_PATHS) results[path] = await probe(base, path);
  return results;
}
const HEALTH_PATHS = ['/health/live', '/health', '/health/ready', '/health/detailed'];

async function run(variant: Variant, otlp: string) {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-observability-'));
  const config = loadConfig({
    env: { MEMOS_DATA_DIR: dir, MEMOS_LOG_LEVEL: 'silent', MEMOS_SQLITE_SYNCHRONOUS: 'normal', MEMOS_AUTO_BACKFILL: 'false', MEMOS_EMBEDDER: 'model2vec', ...RATE_LIMIT_OFF, ...variant.env(otlp) },
    cwd: dir,
  });
  const memos = await createMemos(config, { embeddingProvider: createHashProvider() });
  try {
    await memos.embeddings.settled;
    const base = await memos.app.listen({ host: '127.0.0.1', port: 0 });
    await drive(base, REQUESTS, 7); // warm-up: JIT, statement cache, a first few thousand records
    const load = await drive(base, REQUESTS, 42);
    return { load, health: await probeAll(base) };
  } finally {
    await memos.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Health in server mode (PostgreSQL and Redis pings), when both answer; else why not. */
async function serverHealth(): Promise<Record<string, number[]> | string> {
  let server;
  try {
    server = await startServerMode(500);
  } catch (error) {
    return `server mode skipped: ${(error as Error).message}`;
  }
  try {
    await drive(server.baseUrl, 200, 7);
    return await probeAll(server.baseUrl);
  } finally {
    await server.close();
  }
}

const receiver = await startDummyReceiver();
console.log(heading('Observability overhead'));
console.log(JSON.stringify({ ...machineInfo(), requests: REQUESTS, rounds: ROUNDS, concurrency: CONCURRENCY, healthCalls: HEALTH_CALLS }));
const rounds: { variant: string; throughput: number; cpuMs: number; latencies: number[]; failures: number; health: Record<string, number[]> }[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  for (const variant of VARIANTS) {
    const { load, health } = await run(variant, receiver.url);
    const throughput = load.latencies.length / load.seconds;
    console.log(`round ${round} ${variant.name}: ${fmt(throughput)} req/s, ${fmt(load.cpuMsPerRequest, 2)} CPU ms per request`);
    rounds.push({ variant: variant.name, throughput, cpuMs: load.cpuMsPerRequest, latencies: load.latencies, failures: load.failures, health });
  }
}
await receiver.close();
const server = await serverHealth();

const byVariant = VARIANTS.map(({ name }) => {
  const mine = rounds.filter((round) => round.variant === name);
  return {
    name,
    throughput: median(mine.map((round) => round.throughput)),
    throughputs: mine.map((round) => fmt(round.throughput)).join(' / '),
    cpuMs: median(mine.map((round) => round.cpuMs)),
    latencies: mine.flatMap((round) => round.latencies),
    failures: mine.reduce((sum, round) => sum + round.failures, 0),
    health: Object.fromEntries(HEALTH_PATHS.map((path) => [path, mine.flatMap((round) => round.health[path] ?? [])])),
  };
});
const baseline = byVariant[0]!;
const change = (value: number, base: number) => `${value >= base ? '+' : ''}${fmt(((value - base) / base) * 100, 1)} %`;

console.log(`\nLoad: POST /api/v1/memories and POST /api/v1/search alternating, ${fmt(REQUESTS)} requests per round after as many warm-up ones; req/s is the median of the rounds; latencies pooled over the rounds (ms); CPU ms per request is this process\'s CPU time (client and server) over the measured requests, which other tenants of the machine disturb less than wall time`);
console.log(
  table(
    ['variant', 'req/s (median)', 'req/s per round', 'vs off', 'CPU ms/request (median)', 'vs off', 'failed', 'p50', 'p95'],
    byVariant.map((v) => [
      v.name,
      fmt(v.throughput),
      v.throughputs,
      change(v.throughput, baseline.throughput),
      fmt(v.cpuMs, 3),
      change(v.cpuMs, baseline.cpuMs),
      v.failures,
      fmt(median(v.latencies), 2),
      fmt(p95(v.latencies), 2),
    ]),
  ),
);
console.log('\nHealth probes, one at a time, embedded (ms; pooled over the rounds)');
console.log(
  table(
    ['variant', 'endpoint', 'p50', 'p95'],
    byVariant.flatMap((v) => HEALTH_PATHS.map((path) => [v.name, path, fmt(median(v.health[path]!), 2), fmt(p95(v.health[path]!), 2)])),
  ),
);
if (typeof server === 'string') console.log(`\n${server}`);
else {
  console.log('\nHealth probes, one at a time, server mode: PostgreSQL + Redis (ms)');
  console.log(table(['endpoint', 'p50', 'p95'], HEALTH_PATHS.map((path) => [path, fmt(median(server[path]!), 2), fmt(p95(server[path]!), 2)])));
}
