// Observability overhead: the same HTTP load against memOS with metrics and tracing off, with
// metrics on, and with metrics and tracing to a local OTLP receiver that discards what it gets.
// Run with `npm run bench:observability`. BENCH_SECONDS (default 10) sets each variant's load time,
// BENCH_CONCURRENCY (default 8) the requests in flight, BENCH_HEALTH_CALLS (default 300) the health probes.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createHashProvider } from '../../src/embeddings/fake/index.js';
import { createMemos } from '../../src/main.js';
import { machineInfo } from '../machine.js';
import { fmt, heading, median, p95, table } from '../stats.js';

const envInt = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};
const SECONDS = envInt('BENCH_SECONDS', 10);
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

async function drive(base: string) {
  const random = seeded(42);
  const latencies: number[] = [];
  let failures = 0;
  let sequence = 0;
  const until = performance.now() + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < until) {
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
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { requests: latencies.length, failures, seconds: (performance.now() - started) / 1000, latencies };
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

async function run(variant: Variant, otlp: string) {
  const dir = mkdtempSync(join(tmpdir(), 'memos-bench-observability-'));
  const config = loadConfig({
    env: { MEMOS_DATA_DIR: dir, MEMOS_LOG_LEVEL: 'silent', MEMOS_SQLITE_SYNCHRONOUS: 'normal', MEMOS_AUTO_BACKFILL: 'false', MEMOS_EMBEDDER: 'model2vec', ...variant.env(otlp) },
    cwd: dir,
  });
  const memos = await createMemos(config, { embeddingProvider: createHashProvider() });
  try {
    await memos.embeddings.settled;
    const base = await memos.app.listen({ host: '127.0.0.1', port: 0 });
    await drive(base).then(() => undefined); // warm-up: JIT, statement cache, a first few thousand records
    const load = await drive(base);
    const health = Object.fromEntries(await Promise.all(['/health', '/health/ready', '/health/detailed'].map(async (path) => [path, await probe(base, path)] as const)));
    return { load, health };
  } finally {
    await memos.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const receiver = await startDummyReceiver();
console.log(heading('Observability overhead'));
console.log(JSON.stringify({ ...machineInfo(), seconds: SECONDS, concurrency: CONCURRENCY, healthCalls: HEALTH_CALLS }));
const results = [];
for (const variant of VARIANTS) results.push({ variant: variant.name, ...(await run(variant, receiver.url)) });
await receiver.close();

console.log('\nLoad: POST /api/v1/memories and POST /api/v1/search, alternating (ms)');
console.log(
  table(
    ['variant', 'requests', 'failed', 'req/s', 'p50', 'p95'],
    results.map(({ variant, load }) => [variant, load.requests, load.failures, fmt(load.requests / load.seconds), fmt(median(load.latencies), 2), fmt(p95(load.latencies), 2)]),
  ),
);
console.log('\nHealth probes, one at a time (ms)');
console.log(
  table(
    ['variant', 'endpoint', 'p50', 'p95'],
    results.flatMap(({ variant, health }) => Object.entries(health).map(([path, latencies]) => [variant, path, fmt(median(latencies), 2), fmt(p95(latencies), 2)])),
  ),
);
