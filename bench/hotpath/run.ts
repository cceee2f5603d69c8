// `npm run bench:hotpath`: the write and recall hot paths over HTTP, this tree against a baseline
// commit in the same run (each a real `memos serve` child process with the Model2Vec model):
//   - memory ingest with vectors, batches of 500, 0 -> N records in one scope (records/s);
//   - hybrid search and context bundle p50/p95 at N records, every query distinct (cache misses);
//   - the embeddings gateway on a cache hit, requests/s against a bare Fastify route of the same shape.
// The servers take each batch and each query in turn, and the gateway rounds alternate, so that
// both meet the same moments of a shared machine; beside wall times each server's own CPU time per
// record or request is reported, which other load disturbs far less.
// Options: --from dist|tsx (dist: both trees are built first), --records N (10000), --episodes N (2000), --queries N (200), --baseline <commit|none>
// (af8799f), --rounds N (5 gateway rounds, medians reported), --profile DIR (CPU-profile this tree's
// server into DIR, and the bare route's into DIR/bare; see profile-summary.ts), --gateway-only.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg } from '../limits/server-child.js';
import { fmt, heading, median, table, type Summary } from '../stats.js';
import { build, checkoutBaseline, type Tree } from './baseline.js';
import { createClient, type Client } from './client.js';
import { contextBodies, distinctQueries, gatewayBody, gatewayRate, hybridBodies, ingestEpisodes, ingestMemories, latencies, memoriesOf, type IngestResult } from './scenarios.js';
import { spawnServer, startMemos, type ChildServer } from './server.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RECORDS = Number(arg('records', '10000'));
const EPISODES = Number(arg('episodes', '2000'));
const QUERIES = Number(arg('queries', '200'));
const BASELINE = arg('baseline', 'af8799f');
const ROUNDS = Number(arg('rounds', '5'));
const PROFILE = arg('profile', '');
/** --from dist (default: each tree is built first, and served as installed) or tsx (sources, no build). */
const FROM = arg('from', 'dist') === 'tsx' ? 'tsx' : 'dist';
/** --gateway-only: skip ingest and recall (for profiling the gateway alone). */
const GATEWAY_ONLY = process.argv.includes('--gateway-only');
const GATEWAY = { concurrency: 16, maxRequests: 20_000, maxMs: 3_000 };

/** Phase boundaries on the monotonic clock (microseconds), which V8 profiles use too: profile-summary.ts --phase NAME. */
const phases: { name: string; startUs: number; endUs: number }[] = [];
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
async function phase<T>(name: string, run: () => Promise<T>): Promise<T> {
  const startUs = nowUs();
  try {
    return await run();
  } finally {
    phases.push({ name, startUs, endUs: nowUs() });
  }
}

/** What one server measured; `cpu*` are the server process's own CPU time (user + system) per unit, which load on a shared machine disturbs far less than wall time. */
interface Target {
  name: string;
  server: ChildServer;
  client: Client;
  ingest?: IngestResult;
  ingestCpuUsPerRecord?: number;
  hybrid?: Summary;
  hybridCpuMs?: number;
  context?: Summary;
  contextCpuMs?: number;
  /** Per gateway round: requests/s, its ratio to the bare route's rate in the same round, CPU µs per request. */
  gateway: { perSec: number; vsBare: number; cpuUs: number }[];
}

/** Runs `work` and returns its result with the CPU time the server spent meanwhile. */
async function withCpu<T>(server: ChildServer, work: () => Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const before = server.cpuMs();
  const value = await work();
  return { value, cpuMs: server.cpuMs() - before };
}

async function main() {
  const baseline: Tree | undefined = BASELINE === 'none' ? undefined : checkoutBaseline(repo, BASELINE);
  const targets: Target[] = [];
  let bare: ChildServer | undefined;
  try {
    const roots = [...(baseline === undefined ? [] : [{ name: `baseline ${BASELINE}`, root: baseline.root }]), { name: 'this tree', root: repo }];
    if (PROFILE !== '') mkdirSync(PROFILE, { recursive: true });
    for (const { name, root } of roots) {
      if (FROM === 'dist') {
        process.stderr.write(`${name}: building dist/\n`);
        build(root);
      }
      const server = await startMemos(root, FROM, root === repo && PROFILE !== '' ? resolve(PROFILE) : undefined);
      targets.push({ name, server, client: createClient(server.baseUrl), gateway: [] });
    }
    bare = await spawnServer({ cwd: repo, entry: 'bench/hotpath/bare-fastify.ts', healthPath: '/health', ...(PROFILE === '' ? {} : { profileDir: join(resolve(PROFILE), 'bare') }) });
    const bareClient = createClient(bare.baseUrl);

    const corpus = memoriesOf(RECORDS + EPISODES);
    const memories = corpus.slice(0, RECORDS);
    const turns = corpus.slice(RECORDS);
    const hybridQueries = distinctQueries(memories, QUERIES, 7);
    const contextQueries = distinctQueries(memories, QUERIES, 11).map((query) => `${query} please`);

    if (!GATEWAY_ONLY) {
      const clients = targets.map((target) => target.client);
      /** Each server's CPU time over `work`, which serves them all in turn. */
      const cpuOver = async <T>(work: () => Promise<T>) => {
        const before = targets.map((target) => target.server.cpuMs());
        const value = await work();
        return { value, cpuMs: targets.map((target, k) => target.server.cpuMs() - before[k]!) };
      };
      process.stderr.write(`ingest ${RECORDS} memories, ${EPISODES} episodes, batches taken by each server in turn\n`);
      const ingest = await cpuOver(() => phase('ingest', () => ingestMemories(clients, memories)));
      for (const turn of targets.map((target) => target.client)) await ingestEpisodes(turn, turns);
      process.stderr.write(`${hybridQueries.length} hybrid searches, ${contextQueries.length} context bundles, each query to each server in turn\n`);
      await latencies(clients, '/api/v1/search', hybridBodies(distinctQueries(turns, 20, 3).map((q) => `${q} warm`)));
      const hybrid = await cpuOver(() => phase('hybrid', () => latencies(clients, '/api/v1/search', hybridBodies(hybridQueries))));
      const context = await cpuOver(() => phase('context', () => latencies(clients, '/api/v1/context', contextBodies(contextQueries))));
      targets.forEach((target, k) => {
        target.ingest = ingest.value[k];
        target.ingestCpuUsPerRecord = (ingest.cpuMs[k]! * 1000) / RECORDS;
        target.hybrid = hybrid.value[k];
        target.hybridCpuMs = hybrid.cpuMs[k]! / hybridQueries.length;
        target.context = context.value[k];
        target.contextCpuMs = context.cpuMs[k]! / contextQueries.length;
      });
    }
    const bareRounds: { perSec: number; cpuUs: number }[] = [];
    const bodies = await Promise.all(targets.map(async (target) => gatewayBody(await modelOf(target))));
    const server = bare;
    for (let round = 0; round < ROUNDS; round++) {
      process.stderr.write(`gateway round ${round + 1}/${ROUNDS}\n`);
      const bareRun = await withCpu(server, () => gatewayRate(bareClient, server.baseUrl, gatewayBody('potion-base-4M-int8'), GATEWAY.concurrency, GATEWAY.maxRequests, GATEWAY.maxMs));
      bareRounds.push({ perSec: bareRun.value.perSec, cpuUs: (bareRun.cpuMs * 1000) / bareRun.value.answered });
      // Each round visits the servers in turn (in a rotating order), each compared with the bare route of its own round.
      for (let k = 0; k < targets.length; k++) {
        const index = (round + k) % targets.length;
        const target = targets[index]!;
        const run = await withCpu(target.server, () =>
          phase(`${target.name}: gateway`, () => gatewayRate(target.client, target.server.baseUrl, bodies[index]!, GATEWAY.concurrency, GATEWAY.maxRequests, GATEWAY.maxMs)),
        );
        target.gateway.push({ perSec: run.value.perSec, vsBare: run.value.perSec / bareRun.value.perSec, cpuUs: (run.cpuMs * 1000) / run.value.answered });
      }
    }
    bareClient.close();
    report(targets, bareRounds);
  } finally {
    for (const target of targets) {
      target.client.close();
      await target.server.stop().catch(() => undefined);
    }
    await bare?.stop().catch(() => undefined);
    baseline?.remove();
    if (PROFILE !== '') writeFileSync(join(PROFILE, 'phases.json'), JSON.stringify(phases, null, 1));
  }
}

async function modelOf(target: Target): Promise<string> {
  const response = await fetch(`${target.server.baseUrl}/v1/models`);
  const { data } = (await response.json()) as { data: { id: string }[] };
  return data[0]!.id;
}

function report(targets: Target[], bare: { perSec: number; cpuUs: number }[]) {
  console.log(heading(`memOS hot paths: ${RECORDS} memories (+${EPISODES} episodes) in one namespace, Model2Vec, embedded, over HTTP (${FROM})`));
  const ms = (value: number | undefined) => fmt(value ?? NaN, 1);
  const rows = targets.map((t) => [
    t.name,
    fmt(t.ingest?.recordsPerSec ?? NaN),
    fmt(median(t.ingest?.perBatch ?? [])),
    fmt(t.ingestCpuUsPerRecord ?? NaN),
    `${ms(t.hybrid?.p50)} / ${ms(t.hybrid?.p95)}`,
    ms(t.hybridCpuMs),
    `${ms(t.context?.p50)} / ${ms(t.context?.p95)}`,
    ms(t.contextCpuMs),
    fmt(median(t.gateway.map((g) => g.perSec))),
    `${fmt(median(t.gateway.map((g) => g.vsBare)), 2)}x`,
    fmt(median(t.gateway.map((g) => g.cpuUs))),
  ]);
  console.log(
    table(
      ['server', 'ingest rec/s', 'batch rec/s p50', 'ingest CPU µs/rec', 'hybrid p50/p95 ms', 'hybrid CPU ms', 'context p50/p95 ms', 'context CPU ms', 'gateway req/s', 'vs bare', 'gateway CPU µs/req'],
      rows,
    ),
  );
  const bareCpu = median(bare.map((b) => b.cpuUs));
  console.log(
    `bare Fastify POST of the same shape: ${fmt(median(bare.map((b) => b.perSec)))} req/s, ${fmt(bareCpu)} CPU µs/req (medians of ${ROUNDS} rounds, ${GATEWAY.concurrency} connections, <= ${GATEWAY.maxMs / 1000} s each);` +
      ` 'vs bare' is the median over rounds of the rate over the bare route's in the same round; by CPU per request: ${targets.map((t) => `${t.name} ${fmt(bareCpu / median(t.gateway.map((g) => g.cpuUs)), 2)}x`).join(', ')}`,
  );
  console.log(`CPU columns: the server process's user + system time per record or request (from /proc; steadier than wall time on a shared machine).`);
  if (!GATEWAY_ONLY) console.log(`ingest per batch (records/s):\n  ${targets.map((t) => `${t.name}: ${(t.ingest?.perBatch ?? []).map((r) => fmt(r)).join(' ')}`).join('\n  ')}`);
}

await main();
