// What each way into memOS costs on top of the work itself: p50 and p95 of one hybrid recall
// through every transport an agent can use, measured in one run against one memOS:
//   services          the search service called in process (the floor: the work itself)
//   HTTP, fetch       POST /api/v1/search with a bare fetch (the baseline every client pays)
//   @memos/client     the same route through the typed client (retries on, nothing to retry)
//   MCP, in memory    the `recall` tool over the SDK's linked in-memory transports
//   MCP, HTTP         the `recall` tool over streamable HTTP at /mcp (stateless: a server per request)
// Rounds interleave the transports so that the machine's noise falls on all alike. Every call
// searches a query no call searched before (a made-up word is added), so that the response cache
// answers none of them.
//
//   npm run bench:agents          (BENCH_ROUNDS, BENCH_CORPUS, BENCH_PER_ROUND; MEMOS_MODEL2VEC_PATH for real vectors)

import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { MemosClient } from '../../packages/client/src/index.js';
import { LOCAL_PRINCIPAL } from '../../src/auth/access-hook.js';
import { loadConfig } from '../../src/config/load.js';
import { createMemos } from '../../src/main.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { RATE_LIMIT_OFF } from '../rate-limit-off.js';
import { fmt, summarize, table } from '../stats.js';
import { generateCorpus, generateQueries } from '../store/corpus.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8);
const CORPUS = Number(process.env.BENCH_CORPUS ?? 2000);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 40);
const NAMESPACE = 'bench';
const LIMIT = 10;

type Recall = (query: string) => Promise<unknown>;

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'memos-bench-agents-'));
  const model = process.env.MEMOS_MODEL2VEC_PATH;
  const config = loadConfig({
    env: { MEMOS_DATA_DIR: dataDir, MEMOS_LOG_LEVEL: 'silent', MEMOS_EMBEDDER: model === undefined ? 'none' : 'model2vec', ...(model === undefined ? {} : { MEMOS_MODEL2VEC_PATH: model }), ...RATE_LIMIT_OFF },
    cwd: dataDir,
  });
  const memos = await createMemos(config);
  try {
    await memos.embeddings.settled;
    const address = await memos.app.listen({ host: '127.0.0.1', port: 0 });
    const port = (memos.app.server.address() as AddressInfo).port;
    const corpus = generateCorpus(CORPUS);
    for (let start = 0; start < corpus.length; start += 100) await memos.services.memories.upsert(NAMESPACE, corpus.slice(start, start + 100));
    await waitForVectors(memos, model !== undefined);

    const client = new MemosClient({ baseUrl: address, namespace: NAMESPACE });
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const local = createMcpServer({ principal: LOCAL_PRINCIPAL, config: memos.config, services: memos.services, logger: memos.logger });
    await local.connect(serverSide);
    const inMemory = new Client({ name: 'bench', version: '1' });
    await inMemory.connect(clientSide);
    const overHttp = new Client({ name: 'bench', version: '1' });
    await overHttp.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`)));

    const tool = (mcp: Client): Recall => async (query) => {
      const result = (await mcp.callTool({ name: 'recall', arguments: { namespace: NAMESPACE, query, limit: LIMIT } })) as CallToolResult;
      if (result.isError) throw new Error(JSON.stringify(result.content));
      return result;
    };
    const ways: Array<[string, Recall]> = [
      ['services (in process)', (query) => memos.services.search.search({ namespace: NAMESPACE, query, limit: LIMIT, mode: 'hybrid', types: ['memories', 'episodes'], filters: {} })],
      ['HTTP, bare fetch', async (query) => {
        const response = await fetch(`${address}/api/v1/search`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-memos-namespace': NAMESPACE }, body: JSON.stringify({ query, limit: LIMIT }) });
        if (response.status !== 200) throw new Error(`search answered ${response.status}`);
        return response.json();
      }],
      ['@memos/client', (query) => client.search({ query, limit: LIMIT })],
      ['MCP, in memory', tool(inMemory)],
      ['MCP, streamable HTTP', tool(overHttp)],
    ];

    const queries = generateQueries(corpus, ROUNDS * PER_ROUND * ways.length).map((query) => query.text);
    const samples = new Map(ways.map(([name]) => [name, [] as number[]]));
    let next = 0;
    // Each query gets a word no other call sends: no answer comes from the response cache.
    const unique = () => `${queries[next % queries.length]} qz${(next++).toString(36)}x`;
    for (const [, recall] of ways) for (let i = 0; i < 5; i++) await recall(unique()); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < PER_ROUND; i++) {
        // A different transport goes first each time.
        for (let w = 0; w < ways.length; w++) {
          const [name, recall] = ways[(w + i + round) % ways.length]!;
          const start = performance.now();
          await recall(unique());
          samples.get(name)!.push(performance.now() - start);
        }
      }
    }
    await Promise.all([inMemory.close(), overHttp.close(), local.close()]);

    const floor = summarize(samples.get('services (in process)')!);
    const rows = ways.map(([name]) => {
      const summary = summarize(samples.get(name)!);
      return [name, summary.n, fmt(summary.p50, 2), fmt(summary.p95, 2), `+${fmt(summary.p50 - floor.p50, 2)}`];
    });
    console.log(`hybrid recall of ${LIMIT} over ${fmt(CORPUS)} memories (${model === undefined ? 'keyword only: no embedder' : 'model2vec vectors'}), ${ROUNDS} rounds of ${PER_ROUND} per transport, ms`);
    console.log(table(['transport', 'n', 'p50', 'p95', 'p50 over the floor'], rows));
  } finally {
    await memos.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Waits until every memory has its vector (the backfill runs in the background). */
async function waitForVectors(memos: Awaited<ReturnType<typeof createMemos>>, expected: boolean): Promise<void> {
  if (!expected) return;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const stats = await memos.services.inspect.stats({ namespace: NAMESPACE });
    if (stats.memories.vectors.pending === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the vectors were not all written within 2 minutes');
}

await main();
